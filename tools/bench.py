"""Time every solution notebook and measure its kernel's peak memory.

Each notebook runs in a fresh kernel, started by a fresh Python process, so one notebook's
imports do not speed up the next. Results go to benchmarks/notebooks.md with the date and
the machine.

Usage: python tools/bench.py            (all notebooks, writes the report)
       python tools/bench.py --one PATH (one notebook, prints its measurements as JSON)
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
REPORT = REPO / "benchmarks" / "notebooks.md"
TARGET_PEAK_MB = 1536
TARGET_COURSE_SECONDS = 300
TARGET_CHECK_MS = 200
TARGET_CLONE_TO_LAB_SECONDS = 180
HIDDEN_TESTS = re.compile(r"^\s*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\s*$\n?", re.S | re.M)


def target_seconds(path):
    """Lessons 01-02 should run in 30 s; the training lessons 03-07 in 45 s."""
    return 30 if path.parent.name[:2] in ("01", "02") else 45


#: Lines of notebook output worth recording, such as the digits' source and test accuracy.
REPORTED_OUTPUT = ("Using:", "test loss")


def run_one(path):
    """Execute one notebook in a fresh kernel.

    Returns:
        A dict with the wall time in seconds, the kernel's peak resident memory in MB, and
        the output lines that start with one of ``REPORTED_OUTPUT``.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    checks = {}  # the visible checks, as a learner runs them: without the hidden tests
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.source = HIDDEN_TESTS.sub("", cell.source)
            checks[meta["grade_id"]] = cell
    start = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    # The kernel is this process's child; once it has exited, its peak RSS is counted here.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [line for cell in notebook.cells for output in cell.get("outputs", [])
             if output.get("name") == "stdout" for line in output["text"].splitlines()
             if line.startswith(REPORTED_OUTPUT)]
    return {"seconds": seconds, "peak_mb": peak_mb, "reported": lines,
            "checks_ms": {grade_id: _cell_ms(cell) for grade_id, cell in checks.items()}}


def _cell_ms(cell):
    """How long the kernel took to run a cell, from nbclient's timing metadata."""
    timing = cell.metadata["execution"]
    began = datetime.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    ended = datetime.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (ended - began).total_seconds() * 1000


def clone_to_lab():
    """Seconds from `git clone` of this repository to JupyterLab answering, by `make lab`.

    `make lab` installs the learner set only (requirements/learner.txt), and no Debian
    package. pip's cache is not used, so every package is downloaded as on a new machine.
    """
    with tempfile.TemporaryDirectory(prefix="bench-clone-") as scratch:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        start = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", str(REPO), f"{scratch}/course"], check=True)
        lab = subprocess.Popen(
            ["make", "lab", f"LAB_ARGS=--no-browser --port={port} --IdentityProvider.token=bench"],
            cwd=f"{scratch}/course", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, env={k: v for k, v in os.environ.items() if k != "PATH"}
            | {"PATH": os.environ["PATH"].split(os.pathsep, 1)[-1],  # not this .venv
               "PIP_NO_CACHE_DIR": "1"})
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token=bench", timeout=2)
                    return time.perf_counter() - start
                except OSError:
                    if lab.poll() is not None:
                        raise RuntimeError("make lab stopped before JupyterLab answered")
                    time.sleep(0.5)
        finally:
            os.killpg(lab.pid, 15)
            lab.wait()


def machine():
    """A one-line description of this machine."""
    cpu = "unknown CPU"
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", type=pathlib.Path, help="benchmark this notebook only")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one.resolve())))
        return
    import tensorflow as tf

    rows, reported, total, checks = [], [], 0.0, []
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        result = subprocess.run([sys.executable, __file__, "--one", str(path)],
                                capture_output=True, text=True, check=True)
        measured = json.loads(result.stdout)
        seconds, peak_mb = measured["seconds"], measured["peak_mb"]
        reported += [f"- `{path.relative_to(REPO / 'solutions')}`: {line}"
                     for line in measured["reported"]]
        checks += [f"| {path.parent.name} | `{grade_id}` | {ms:.0f} | "
                   f"{'ok' if ms <= TARGET_CHECK_MS else 'OVER'} |"
                   for grade_id, ms in measured["checks_ms"].items()]
        total += seconds
        limit = target_seconds(path)
        verdict = "ok" if seconds <= limit and peak_mb <= TARGET_PEAK_MB else "OVER"
        rows.append(f"| {path.relative_to(REPO / 'solutions')} | {seconds:.1f} | "
                    f"{peak_mb:.0f} | ≤ {limit} s: {verdict} |")
        print(rows[-1], flush=True)
    lab_seconds = clone_to_lab()
    print(f"fresh clone to JupyterLab: {lab_seconds:.0f} s", flush=True)
    REPORT.write_text("\n".join([
        "# Notebook benchmark",
        "",
        f"Measured {datetime.date.today().isoformat()} by `make bench` on: {machine()}; "
        f"TensorFlow {tf.__version__}.",
        "",
        "Each notebook runs in a fresh kernel. Targets: ≤ 30 s for lessons 01-02 and ≤ 45 s "
        f"for lessons 03-07, ≤ {TARGET_PEAK_MB} MB peak memory per notebook (Binder gives "
        f"2 GB), ≤ {TARGET_COURSE_SECONDS} s for the whole course.",
        "",
        "| notebook | seconds | peak MB | target |",
        "|---|---:|---:|---|",
        *rows,
        f"| **whole course** | **{total:.1f}** | | ≤ {TARGET_COURSE_SECONDS} s: "
        f"{'ok' if total <= TARGET_COURSE_SECONDS else 'OVER'} |",
        "",
        "What the notebooks reported:",
        "",
        *reported,
        "",
        "## Visible checks",
        "",
        "How long each check cell takes when a learner runs it (the exercise's visible check, "
        "without the hidden tests, timed by the kernel), the first time, in the notebook run "
        f"above. Target: ≤ {TARGET_CHECK_MS} ms each.",
        "",
        "| lesson | check | ms | target |",
        "|---|---|---:|---|",
        *checks,
        "",
        "## From a fresh clone to JupyterLab",
        "",
        f"`git clone` of this repository, then `make lab` (which builds `.venv` from the "
        f"learner set, requirements/learner.txt, and starts JupyterLab), until JupyterLab "
        f"answers: **{lab_seconds:.0f} s** (target ≤ {TARGET_CLONE_TO_LAB_SECONDS} s: "
        f"{'ok' if lab_seconds <= TARGET_CLONE_TO_LAB_SECONDS else 'OVER'}), with pip's "
        "cache off, so every package was downloaded from PyPI. `make lab` installs no "
        "Debian package.",
        "",
    ]))
    print(f"written to {REPORT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
