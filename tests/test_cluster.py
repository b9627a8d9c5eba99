"""`python -m grading --cluster`: the demo class graded on a real Dask cluster on loopback.

A scheduler and two workers run as separate `dask scheduler` / `dask worker` processes, as
an instructor starts them; the course is the temporary lesson-01 course of
tests/test_grading.py. As root, each worker sees the output folder read-only (its own mount
namespace), so a worker that wrote there would fail its tasks and change the grades.
"""

import contextlib
import csv
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.submissions import write_demo_class
from tests.test_grading import DEMO_SCORES, course, grade, rows  # noqa: F401 (course: a fixture)

pytestmark = pytest.mark.grading

DASK = str(Path(sys.executable).with_name("dask"))
#: What the submitting side writes into --out; nothing else may be there.
OUT_ENTRIES = {"gradebook.db", "grades.csv", "summary.txt", "timings.csv", "autograded",
               "feedback", "results", "nbgrader_config.py", "source", "release"}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _read_only(folder, command):
    """``command`` in a mount namespace of its own where ``folder`` is read-only (as root)."""
    if os.geteuid() != 0:
        return command
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
            str(folder), *command]


def _wait_for(path, text, process, seconds=120, times=1):
    """Wait until ``text`` is in ``path`` (``times`` times) while ``process`` runs."""
    deadline = time.monotonic() + seconds
    while path.read_text().count(text) < times:
        assert process.poll() is None, path.read_text()[-2000:]
        assert time.monotonic() < deadline, f"no {text!r} in {path}: {path.read_text()[-2000:]}"
        time.sleep(0.5)


@contextlib.contextmanager
def _dask(logs, workers, wrap=lambda command: command, worker_options=()):
    """A `dask scheduler` on a free port of 127.0.0.1 and ``workers`` single-thread `dask
    worker` processes (each command passed through ``wrap``), stopped at the end.

    Yields the scheduler's address and {worker address: (process, log)}.
    """
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = []

    def start(name, command):
        log = logs / f"{name}.log"
        with open(log, "w") as file:
            process = subprocess.Popen(command, stdout=file, stderr=subprocess.STDOUT, cwd=logs,
                                       start_new_session=True)
        started.append(process)
        return process, log

    try:
        scheduler, log = start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                             address.rsplit(":", 1)[1], "--no-dashboard"])
        _wait_for(log, "Scheduler at:", scheduler)
        running = {}
        for number in range(1, workers + 1):
            port = _free_port()
            running[f"tcp://127.0.0.1:{port}"] = start(f"worker-{number}", wrap([
                DASK, "worker", address, "--host", "127.0.0.1", "--worker-port", str(port),
                "--nworkers", "1", "--nthreads", "1", "--no-dashboard", *worker_options]))
        for process, log in running.values():
            _wait_for(log, "Registered to:", process)
        yield address, running
    finally:
        for process in reversed(started):  # the workers first: each stops its slots
            process.terminate()
            try:
                process.wait(timeout=60)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # whatever is left of its group
                process.wait()


@pytest.fixture(scope="module")
def cluster(course, tmp_path_factory):  # noqa: F811 (course is the imported fixture)
    """A scheduler and two workers of the course; the output folder the grading run will
    write is read-only to the workers."""
    out = tmp_path_factory.mktemp("elsewhere") / "out"
    out.mkdir()
    with _dask(tmp_path_factory.mktemp("cluster"), 2, lambda command: _read_only(out, command),
               ["--preload", "grading.cluster", "--course", str(course)]) as (address, workers):
        yield address, out, workers


@pytest.fixture(scope="module")
def graded(cluster, course):  # noqa: F811
    address, out, workers = cluster
    elsewhere = out.parent
    write_demo_class(elsewhere / "submitted")
    finished = grade(elsewhere, "submitted", "--course", course, "--out", out,
                     "--cluster", address)
    return out, workers, finished


def test_the_cluster_gives_the_local_grades(graded):
    out, _, finished = graded
    assert finished.returncode == 0, finished.stderr
    assert "on the cluster at tcp://127.0.0.1:" in finished.stderr
    graded_rows = rows(out)
    assert {s: (float(r["score"]), r["status"]) for s, r in graded_rows.items()} == DEMO_SCORES
    assert {r["max_score"] for r in graded_rows.values()} == {"7"}


def test_both_workers_graded(graded):
    out, workers, _ = graded
    with open(out / "timings.csv") as file:
        where = [row["where"] for row in csv.DictReader(file)]
    assert len(where) == len(DEMO_SCORES)
    assert set(where) == set(workers)


def test_only_the_submitting_side_wrote_the_output(graded):
    out, _, finished = graded
    assert {p.name for p in out.iterdir()} == OUT_ENTRIES, finished.stderr
    assert sorted(p.name for p in (out / "autograded").iterdir()) == sorted(DEMO_SCORES)


def _busy_worker_process(nanny, seconds=120):
    """The worker process under ``nanny`` (a `dask worker` process) once one of its slots
    runs a student's kernel."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in psutil.Process(nanny.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "grading.execute" in " ".join(process.cmdline()) and process.children():
                    return process.parent()
        time.sleep(0.2)
    raise AssertionError("no worker started a notebook")


def test_a_worker_lost_mid_run_loses_nothing(graded, cluster, course):  # noqa: F811
    """Kill one worker process while its kernel runs: Dask runs its task again, every
    submission is graded exactly once, and the new worker process removes the killed one's
    job folder."""
    address, out, workers = cluster
    again = out.parent / "again"
    running = subprocess.Popen(
        [sys.executable, "-m", "grading", "submitted", "--course", course, "--out", again,
         "--cluster", address], cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    nanny, log = list(workers.values())[1]
    victim = _busy_worker_process(nanny)
    left_behind = {Path(f.path).parent for f in victim.open_files()
                   if Path(f.path).name.startswith("executor-")}
    victim.kill()
    _, stderr = running.communicate(timeout=900)
    assert running.returncode == 0, stderr
    assert not victim.is_running()
    _wait_for(log, "Registered to:", nanny, times=2)  # the nanny started a new worker process
    assert left_behind and not any(folder.exists() for folder in left_behind), log.read_text()
    assert len(re.findall(r"^\[\d/5\] ", stderr, re.M)) == 5
    graded_rows = rows(again)
    assert {s: (float(r["score"]), r["status"]) for s, r in graded_rows.items()} == DEMO_SCORES
    with open(again / "timings.csv") as file:
        assert sorted(row["student"] for row in csv.DictReader(file)) == sorted(DEMO_SCORES)


def test_a_task_that_fails_on_a_worker_is_reported_and_the_run_goes_on(course, tmp_path):  # noqa: F811
    """A worker started without ``--preload grading.cluster`` cannot grade: every notebook is
    reported, not graded, with the reason, and the run ends normally."""
    write_demo_class(tmp_path / "submitted")
    with _dask(tmp_path, 1) as (address, _):
        finished = grade(tmp_path, "submitted", "--course", course, "--out", tmp_path / "out",
                         "--cluster", address)
    assert finished.returncode == 0, finished.stderr
    graded_rows = rows(tmp_path / "out")
    assert sorted(graded_rows) == sorted(DEMO_SCORES)
    for row in graded_rows.values():
        assert (row["score"], row["status"]) == ("0", "not graded")
        assert "--preload grading.cluster" in row["reason"]
