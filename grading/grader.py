"""Grade a set of submissions: assemble, run in sandboxes in parallel, score, record.

Each notebook runs in a process of its own (``python -m grading.execute``), at most ``jobs``
at once; scoring, the gradebook, feedback and exports happen here, one at a time, in a fixed
order, so the grades do not depend on how many ran in parallel.
"""

import json
import queue
import select
import shutil
import threading
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from grading import assemble, feedback, gradebook, integrity, sandbox, scoring
from grading.execute import Job


@dataclass
class Settings:
    """How to grade: where from, where to, how many at once, within which limits."""
    course: Path                   # holds solutions/ and notebooks/
    out: Path                      # gradebook.db, autograded/, feedback/, grades.csv
    jobs: int = 2
    limits: sandbox.Limits = sandbox.Limits()
    sandboxed: bool = True


@dataclass
class Graded:
    """The results, one per submission in a stable order, and what failed in the grader."""
    results: list
    failures: list


def graded_notebooks(course):
    """Lesson -> names of its notebooks that have graded cells, from ``solutions/``."""
    lessons = {}
    for folder in sorted((Path(course) / "solutions").iterdir()):
        for path in sorted(folder.glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            if any(assemble.nbgrader_metadata(c).get("grade") for c in notebook.cells):
                lessons.setdefault(folder.name, []).append(path.name)
    return lessons


def _read_submission(path):
    """The submitted notebook, or the reason it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # repeated cell ids: assemble renumbers them
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)
        return notebook, None
    except Exception as error:  # nbformat raises many kinds for broken files
        kind = "not valid JSON" if isinstance(error, ValueError) else "not a valid notebook"
        first_line = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        return None, f"the file is {kind} ({first_line})"


def _answers_before_tests(notebook):
    """grade_id of each test cell -> the source of the answer cell just before it."""
    answers, last = {}, ""
    for cell in notebook.cells:
        if assemble.is_answer(cell) and not assemble.is_written_answer(cell):
            last = cell.source
        elif assemble.is_test(cell):
            answers[assemble.nbgrader_metadata(cell)["grade_id"]] = last
    return answers


class _Lesson:
    """What the grader needs about one notebook of a lesson, read once."""

    def __init__(self, course, lesson, name):
        self.source = nbformat.read(Path(course) / "solutions" / lesson / name, as_version=4)
        self.released = nbformat.read(Path(course) / "notebooks" / lesson / name, as_version=4)
        self.stubs = {assemble.nbgrader_metadata(c).get("grade_id"): c.source
                      for c in self.released.cells}
        self.watched_names = integrity.imported_names(
            c.source for c in self.source.cells
            if c.cell_type == "code" and not assemble.is_answer(c))


class _Worker:
    """One slot's executor process (``python -m grading.execute --serve``), started on demand
    and started again if a job kills it or runs past its time."""

    def __init__(self, slot, log):
        self.slot, self.log, self.process, self.log_file = slot, log, None, None

    def run(self, job_folder, timeout):
        """Run one job; return None when it finished, or what went wrong."""
        if self.process is None or self.process.poll() is not None:
            self.log_file = self.log_file or open(self.log, "a")
            self.process = subprocess.Popen(
                [sys.executable, "-m", "grading.execute", "--serve"], text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log_file)
        self.process.stdin.write(f"{job_folder}\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        answer = self.process.stdout.readline().strip() if ready else "failed: no answer in time"
        if answer != "done":
            self.stop()
            return answer or "failed: the executor stopped"
        return None

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None


def _execute(job_folder, slots, workers, limits, attempts=2):
    """Run one job on a free slot's worker; return its run record.

    A kernel that did not even start (before any student code ran) is the grader's problem,
    not the student's: that job is tried once more.
    """
    slot = slots.get()
    try:
        job = json.loads((job_folder / "job.json").read_text())
        job["slot"] = slot
        (job_folder / "job.json").write_text(json.dumps(job))
        for _ in range(attempts):
            sandbox.clear_slot(slot)
            shutil.rmtree(job_folder / "work", ignore_errors=True)
            sandbox.prepare_work_folder(job["work"], slot)
            problem = workers[slot].run(job_folder, limits.notebook_seconds + 180)
            if problem:
                raise RuntimeError(problem)
            run = json.loads((job_folder / "run.json").read_text())
            if run["started"]:
                break
        return run
    finally:
        sandbox.clear_slot(slot)
        shutil.rmtree(job_folder / "work", ignore_errors=True)
        slots.put(slot)


def grade(submissions, settings, progress=print):
    """Grade every submission, and record the grades, autograded notebooks and feedback.

    A failure of the grader itself on one notebook is reported in ``failures``; the other
    submissions are graded all the same.
    """
    out = Path(settings.out)
    (out / "jobs").mkdir(parents=True, exist_ok=True)
    url = gradebook.db_url(out)
    lessons, failures, results, pending = {}, [], {}, []
    registering = threading.Thread(target=_register, args=(
        settings.course, sorted({s.lesson for s in submissions if not s.problem}), url, failures))
    registering.start()  # nbgrader takes a few seconds: meanwhile the kernels start

    for number, submission in enumerate(submissions):
        result = scoring.SubmissionResult(submission.student, submission.lesson,
                                          submission.notebook, notes=list(submission.notes))
        results[number] = result
        folder = _prepare_job(number, submission, result, lessons, settings, out)
        if folder:
            pending.append((number, folder, lessons[(submission.lesson, submission.notebook)]))

    slots = queue.Queue()
    for slot in range(settings.jobs):
        slots.put(slot)
    workers = [_Worker(slot, out / "jobs" / f"worker-{slot}.log") for slot in range(settings.jobs)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=settings.jobs) as pool:
        futures = {number: pool.submit(_execute, folder, slots, workers, settings.limits)
                   for number, folder, _ in pending}
        for done, (number, folder, lesson) in enumerate(pending, 1):
            result = results[number]
            try:
                run = futures[number].result()
            except Exception as error:  # the grader's own process failed on this one
                result.error = f"the grader failed on this notebook: {type(error).__name__}"
                failures.append(f"{result.student}/{result.lesson}: {error}")
                continue
            _take_run(result, run, folder, lesson, settings, out, failures)
            progress(f"[{done}/{len(pending)}] {result.student} {result.lesson}: "
                     f"{result.score:g}/{result.max_score:g} {result.status} "
                     f"({time.monotonic() - started:.0f} s)")

    for worker in workers:
        worker.stop()
    registering.join()
    ordered = [results[n] for n in sorted(results)]
    for result in ordered:
        if result.error and not result.questions:
            result.questions = _zero_questions(settings.course, result)
        if result.questions:  # a notebook of a known lesson: it has a place in the gradebook
            try:
                gradebook.record(url, result)
            except Exception as error:  # the gradebook's failure, not the student's
                failures.append(f"{result.student}/{result.lesson}: gradebook: {error}")
        page = out / "feedback" / result.student / result.lesson / \
            Path(result.notebook or "submission").with_suffix(".html")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(feedback.render(result))
    if not failures:  # otherwise keep the jobs' logs for a look
        shutil.rmtree(out / "jobs", ignore_errors=True)
    return Graded(ordered, failures)


def _prepare_job(number, submission, result, lessons, settings, out):
    """Read and assemble one submission into a job folder; return the folder, or None
    (with ``result.error`` set) if there is nothing to run."""
    student, problem = (None, submission.problem) if submission.problem \
        else _read_submission(submission.path)
    if problem:
        result.error = problem
        return None
    key = (submission.lesson, submission.notebook)
    if key not in lessons:
        lessons[key] = _Lesson(settings.course, *key)
    lesson = lessons[key]
    merged = assemble.assemble(lesson.source, lesson.released, student)
    result.notes += merged.notes
    result.review += [f"the student's code {reason}"
                      for reason in integrity.screen("\n".join(merged.student_sources))]
    folder = out / "jobs" / f"{number:04d}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(merged.notebook, folder / "input.ipynb")
    job = Job(work=str((folder / "work").resolve()), slot=0,
              test_cells=[i for i, c in enumerate(merged.notebook.cells) if assemble.is_test(c)],
              watched_names=lesson.watched_names, limits=asdict(settings.limits),
              sandboxed=settings.sandboxed)
    (folder / "job.json").write_text(json.dumps(asdict(job)))
    return folder


def _take_run(result, run, folder, lesson, settings, out, failures):
    """Score a finished job into ``result`` and keep its notebook in ``autograded/``."""
    executed = nbformat.read(folder / "executed.ipynb", as_version=4)
    scored = scoring.score(executed, run, result.student, result.lesson, result.notebook,
                           _answers_before_tests(executed), lesson.stubs)
    result.questions, result.error = scored.questions, scored.error
    result.review += scored.review
    result.notes += [f"cell {index + 1} was stopped at the limit of "
                     f"{settings.limits.cell_seconds} s" for index in run["timed_out"]]
    result.notes += [f"the output of cell {index + 1} was cut (too long)"
                     for index in run["truncated"]]
    if not run.get("started"):
        failures.append(f"{result.student}/{result.lesson}: {run.get('stop_reason')}")
    autograded = out / "autograded" / result.student / result.lesson / result.notebook
    autograded.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed, autograded)


def _register(course, lessons, url, failures):
    """Register each lesson in the gradebook; a failure is the grader's, and is reported."""
    for lesson in lessons:
        try:
            gradebook.register_lesson(course, lesson, url)
        except subprocess.CalledProcessError as error:
            failures.append(f"nbgrader could not register {lesson}: {error.stderr.strip()[-500:]}")


def _zero_questions(course, result):
    """Every graded question of an ungradable submission, at 0 points."""
    path = Path(course) / "solutions" / result.lesson / result.notebook
    if not result.notebook or not path.exists():
        return []
    source = nbformat.read(path, as_version=4)
    return [scoring.QuestionResult(assemble.nbgrader_metadata(c)["grade_id"],
                                   float(assemble.nbgrader_metadata(c).get("points", 0)), 0.0,
                                   "not run", f"Not graded: {result.error}.")
            for c in source.cells if assemble.nbgrader_metadata(c).get("grade")]
