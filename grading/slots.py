"""The slots that run and judge submissions: the per-submission work, here or on a cluster.

A slot has two long-lived processes: an executor that runs student notebooks in sandboxed
kernels (:mod:`grading.execute`), and a judge, sandboxed too, that grades the answer files
each run leaves behind (:mod:`grading.judge`). :func:`run_and_judge` is everything one
submission needs of a slot; :class:`LocalSlots` runs it on this machine, ``jobs`` at once,
and :mod:`grading.cluster` runs the same function on a Dask cluster's workers. Each lesson's
reference solution is run once, the same way, and kept (:func:`make_reference`): the judge
takes the instructor's context from it.
"""

import fcntl
import os
import queue
import select
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import nbformat

from grading import cgroups, harvest, judge, records, sandbox
from grading.execute import VALUES
from grading.records import Finished, Job, Run


#: A slot's memory cgroup is ``<GROUP_PREFIX><pid of the grading process>-<slot>``.
GROUP_PREFIX = "intro-dl-grading-"


class NotGraded(Exception):
    """A submission the slots could not finish, for a reason to report with it (the run goes
    on, and this is not the grader's own failure)."""


class Server:
    """One long-lived process that takes a job folder per line and answers with lines ending
    in ``done``; started on demand, and again after a job kills it or runs past its time."""

    def __init__(self, argv, log):
        self.argv, self.log, self.process, self.log_file = argv, log, None, None
        self.pending = b""

    def start(self):
        """Start the process unless it runs (it then loads while other work goes on)."""
        if self.process is None or self.process.poll() is not None:
            self.log_file = self.log_file or open(self.log, "a")
            self.process = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self.log_file)
            self.pending = b""

    def ask(self, job_folder, timeout):
        """Send one job; return its answer lines, or raise RuntimeError with what went wrong."""
        self.start()
        self.process.stdin.write(f"{job_folder}\n".encode())
        self.process.stdin.flush()
        lines, deadline = [], time.monotonic() + timeout
        output = self.process.stdout.fileno()
        while True:
            while b"\n" in self.pending:
                line, self.pending = self.pending.split(b"\n", 1)
                if line.strip() == b"done":
                    return lines
                lines.append(line.decode(errors="replace").strip())
            ready, _, _ = select.select([output], [], [], max(0, deadline - time.monotonic()))
            chunk = os.read(output, 1 << 16) if ready else None
            if not chunk:
                self.stop()
                raise RuntimeError("no answer in time" if chunk is None else "the process stopped")
            self.pending += chunk

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None


class Slot:
    """A slot's executor and judge, and the sandbox users they run as."""

    def __init__(self, number, jobs, settings, users):
        self.number = number
        self.kernel_uid, self.judge_uid = users.kernels[number], users.judges[number]
        self.executor = Server([sys.executable, "-m", "grading.execute", "--serve"],
                               jobs / f"executor-{number}.log")
        judge_command = [sys.executable, "-m", "grading.judge"]
        if settings.sandboxed:
            scratch = sandbox.prepare_work_folder(jobs / f"judge-{number}", self.judge_uid)
            judge_command = sandbox.wrap(
                judge_command, scratch, self.judge_uid, settings.limits,
                read_only=[jobs, settings.references, Path(judge.__file__).parent])
        self.judge = Server(judge_command, jobs / f"judge-{number}.log")
        self.judge.start()  # it imports TensorFlow while the first notebooks run
        self.memory = cgroups.create(f"{GROUP_PREFIX}{os.getpid()}-{number}",
                                     settings.limits.memory_bytes) if settings.sandboxed else None

    def stop(self):
        self.executor.stop()
        self.judge.stop()
        cgroups.remove(self.memory)


def run_notebook(slot, folder, notebook, exports, settings, attempts=2):
    """Run one notebook in a slot's sandbox; harvest its answer files into ``folder/values``.

    A kernel that did not even start (before any student code ran) is the grader's problem,
    not the student's: that notebook is tried once more.
    """
    work = folder / "work"
    nbformat.write(notebook, folder / "input.ipynb")
    for _ in range(attempts):
        sandbox.clear_user(slot.kernel_uid)
        shutil.rmtree(work, ignore_errors=True)
        sandbox.prepare_work_folder(work, slot.kernel_uid)
        job = Job(str(work.resolve()), slot.kernel_uid, exports, asdict(settings.limits),
                  settings.sandboxed, str(slot.memory.path) if slot.memory else "")
        records.dump(job, folder / "job.json")
        answer = slot.executor.ask(folder.resolve(), settings.limits.notebook_seconds + 180)
        if answer:
            raise RuntimeError(answer[0][:300])
        run = records.load(Run, folder / "run.json")
        if run.started:
            break
    notes = harvest.harvest(work / VALUES, folder / "values", [e.grade_id for e in exports])
    sandbox.clear_user(slot.kernel_uid)
    shutil.rmtree(work, ignore_errors=True)
    return run, notes


def judge_answers(slot, folder, lesson):
    """Judge one submission's answer files; return (judgements, failure or None)."""
    records.dump(judge.JudgeJob(str(lesson.plan_file), str(lesson.folder / "values"),
                                str((folder / "values").resolve())), folder / "judge.json")
    timeout = judge.QUESTION_SECONDS * len(lesson.plan.questions) + 120
    try:
        lines = slot.judge.ask(folder.resolve(), timeout)
    except RuntimeError as error:
        return {}, str(error)
    return judge.read_judgements(lines, lesson.plan)


def make_reference(slot, lesson, settings, jobs):
    """Run a lesson's reference solution once in ``slot`` and keep its values for the judge
    (another grading run, or cluster worker, that needs the same reference meanwhile waits
    for it); then set ``lesson.ready``, with ``lesson.problem`` if it failed."""
    lock = open(lesson.folder.with_suffix(".lock"), "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (lesson.folder / "complete").exists():
            return
        shutil.rmtree(lesson.folder, ignore_errors=True)
        folder = jobs / f"reference-{lesson.plan.lesson}-{Path(lesson.plan.notebook).stem}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        notebook = lesson.assemble(lesson.source).notebook
        run, _ = run_notebook(slot, folder, notebook, lesson.exports(notebook, True), settings)
        if not run.started or run.stop_reason:
            raise RuntimeError(run.stop_reason or "it did not start")
        lesson.folder.mkdir(parents=True)
        shutil.move(folder / "values", lesson.folder / "values")
        records.dump(lesson.plan, lesson.plan_file)
        (lesson.folder / "complete").touch()
    except Exception as error:  # every submission of this lesson is then not judged
        lesson.problem = f"the reference solution of {lesson.plan.lesson} failed: {error}"
    finally:
        lock.close()
        lesson.ready.set()


def run_and_judge(slot, folder, notebook, lesson, settings, reference_ready):
    """Run one student's notebook in ``slot`` and judge it: all one submission needs of a
    slot. ``reference_ready()`` returns once the lesson's reference values are there, or
    ``lesson.problem`` says why they are not."""
    started = time.monotonic()
    run, notes = run_notebook(slot, folder, notebook, lesson.exports(notebook, False), settings)
    executed = (folder / "executed.ipynb").read_text()
    ran = time.monotonic()
    reference_ready()
    if lesson.problem:
        return Finished(executed, run, [], notes, "the lesson's reference solution could not be run",
                        lesson.problem, ran - started)
    waited = time.monotonic()
    judgements, failure = judge_answers(slot, folder, lesson)
    return Finished(executed, run, list(judgements.values()), notes, failure, None,
                    ran - started, time.monotonic() - waited)


class LocalSlots:
    """``settings.jobs`` slots on this machine. The lessons' reference solutions and the
    submissions share them; :meth:`submit` gives a future of a :class:`Finished`."""

    def __init__(self, settings, jobs):
        self.settings, self.jobs = settings, jobs
        self.users = sandbox.claim_users(settings.jobs)
        self.slots = [Slot(n, jobs, settings, self.users) for n in range(settings.jobs)]
        self.free = queue.Queue()
        for slot in self.slots:
            self.free.put(slot)
        self.pool = ThreadPoolExecutor(max_workers=settings.jobs)

    def prepare(self, lessons):
        """Start the reference solutions that are not kept yet."""
        for lesson in lessons:
            if not lesson.ready.is_set():
                lesson.folder.parent.mkdir(parents=True, exist_ok=True)
                self.pool.submit(self._in_a_slot, make_reference, lesson, self.settings, self.jobs)

    def submit(self, number, notebook, lesson):
        folder = self.jobs / f"{number:04d}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return self.pool.submit(self._in_a_slot, run_and_judge, folder, notebook, lesson,
                                self.settings, lesson.ready.wait)

    def _in_a_slot(self, work, *args):
        slot = self.free.get()
        try:
            return work(slot, *args)
        finally:
            self.free.put(slot)

    def close(self):
        self.pool.shutdown(wait=True)
        for slot in self.slots:
            slot.stop()
        self.users.lock.close()
