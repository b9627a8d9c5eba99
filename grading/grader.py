"""Grade a set of submissions: assemble, run in sandboxes, judge apart, score, record.

Per slot (at most ``jobs`` at once) there are two long-lived processes: an executor that runs
student notebooks in sandboxed kernels (:mod:`grading.execute`), and a judge, sandboxed too,
that grades the answer files each run leaves behind (:mod:`grading.judge`). Each lesson's
reference solution is run once, the same way, and kept (``<course>/build/reference/`` by
default, one folder per version of the lesson and the helpers): the judge takes the
instructor's context from it. Scoring, the gradebook, feedback and exports happen
here, one at a time, in a fixed order, so the grades do not depend on how many ran at once.
"""

import fcntl
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from grading import (assemble, cgroups, gradebook, handback, harvest, judge, records, report,
                     sandbox, sanitise, scoring)
from grading.execute import VALUES
from grading.plan import lesson_plan
from grading.records import Export, Job, Run, SubmissionResult


@dataclass
class Settings:
    """How to grade: where from, where to, how many at once, within which limits."""
    course: Path                   # holds solutions/ and notebooks/
    out: Path                      # gradebook.db, autograded/, feedback/, grades.csv
    jobs: int = 2
    limits: sandbox.Limits = sandbox.Limits()
    sandboxed: bool = True
    references: Path = None        # the reference solutions' values (default <course>/build/reference)

    def __post_init__(self):
        self.references = Path(self.references or Path(self.course) / "build" / "reference").resolve()


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
        return None, f"the file is {kind}"


class _Lesson:
    """One graded notebook of a lesson: its sources, plan and reference values."""

    def __init__(self, course, references, lesson, name):
        self.source = nbformat.read(Path(course) / "solutions" / lesson / name, as_version=4)
        self.released = nbformat.read(Path(course) / "notebooks" / lesson / name, as_version=4)
        self.plan = lesson_plan(lesson, name, self.source, self.released)
        self.folder = Path(references) / lesson / f"{Path(name).stem}-{self.plan.fingerprint}"
        self.ready, self.problem = threading.Event(), None
        if (self.folder / "complete").exists():
            self.ready.set()

    @property
    def plan_file(self):
        return self.folder / "plan.json"

    def exports(self, notebook, reference):
        """What the kernel writes after each test cell: the answer, or (for the reference
        solution) everything the judge reads."""
        cells = {assemble.nbgrader_metadata(c).get("grade_id"): i
                 for i, c in enumerate(notebook.cells) if assemble.is_test(c)}
        return [Export(cells[q.grade_id], q.grade_id,
                       q.reference_names if reference else list(q.names))
                for q in self.plan.questions if q.grade_id in cells]

    def assemble(self, student):
        """The notebook to run: the student's answers, the *released* test cells."""
        merged = assemble.assemble(self.source, self.released, student)
        released = {q.grade_id: q.released_source for q in self.plan.questions}
        for cell in merged.notebook.cells:
            grade_id = assemble.nbgrader_metadata(cell).get("grade_id")
            if assemble.is_test(cell):
                cell.source = released[grade_id]
        return merged


class _Worker:
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


class _Slot:
    """A slot's executor and judge, and the sandbox users they run as."""

    def __init__(self, number, jobs, settings, users):
        self.number = number
        self.kernel_uid, self.judge_uid = users.kernels[number], users.judges[number]
        self.executor = _Worker([sys.executable, "-m", "grading.execute", "--serve"],
                                jobs / f"executor-{number}.log")
        judge_command = [sys.executable, "-m", "grading.judge"]
        if settings.sandboxed:
            scratch = sandbox.prepare_work_folder(jobs / f"judge-{number}", self.judge_uid)
            judge_command = sandbox.wrap(
                judge_command, scratch, self.judge_uid, settings.limits,
                read_only=[jobs, settings.references, Path(judge.__file__).parent])
        self.judge = _Worker(judge_command, jobs / f"judge-{number}.log")
        self.judge.start()  # it imports TensorFlow while the first notebooks run
        self.memory = cgroups.create(f"intro-dl-grading-{os.getpid()}-{number}",
                                     settings.limits.memory_bytes) if settings.sandboxed else None

    def stop(self):
        self.executor.stop()
        self.judge.stop()
        cgroups.remove(self.memory)


def _run_notebook(slot, folder, notebook, exports, settings, attempts=2):
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


def _judge(slot, folder, lesson):
    """Judge one submission's answer files; return (judgements, failure or None)."""
    records.dump(judge.JudgeJob(str(lesson.plan_file), str(lesson.folder / "values"),
                                str((folder / "values").resolve())), folder / "judge.json")
    timeout = judge.QUESTION_SECONDS * len(lesson.plan.questions) + 120
    try:
        lines = slot.judge.ask(folder.resolve(), timeout)
    except RuntimeError as error:
        return {}, str(error)
    return judge.read_judgements(lines, lesson.plan)


def _reference(lesson, slots, settings, jobs):
    """Run a lesson's reference solution once and keep its values for the judge (another
    grading run that needs the same reference meanwhile waits for it)."""
    slot = slots.get()
    lock = open(lesson.folder.with_suffix(".lock"), "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (lesson.folder / "complete").exists():
            return
        shutil.rmtree(lesson.folder, ignore_errors=True)
        folder = jobs / f"reference-{lesson.plan.lesson}-{Path(lesson.plan.notebook).stem}"
        folder.mkdir(parents=True)
        notebook = lesson.assemble(lesson.source).notebook
        run, _ = _run_notebook(slot, folder, notebook, lesson.exports(notebook, True), settings)
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
        slots.put(slot)
        lesson.ready.set()


@dataclass
class _Done:
    """One submission, run and judged."""
    run: Run
    judgements: dict
    notes: list
    failure: str = None          # why the judge gave no verdicts, if it did not
    run_seconds: float = 0.0
    judge_seconds: float = 0.0


def _submission(folder, notebook, lesson, slots, settings):
    """Run and judge one student's notebook."""
    slot = slots.get()
    try:
        started = time.monotonic()
        run, notes = _run_notebook(slot, folder, notebook,
                                   lesson.exports(notebook, False), settings)
        ran = time.monotonic()
        lesson.ready.wait()
        if lesson.problem:
            return _Done(run, {}, notes, "the lesson's reference solution could not be run",
                         ran - started)
        waited = time.monotonic()
        judgements, failure = _judge(slot, folder, lesson)
        return _Done(run, judgements, notes, failure, ran - started, time.monotonic() - waited)
    finally:
        slots.put(slot)


def _autograded(executed, lesson, judgements):
    """The notebook as it ran, with the instructor's test cells and the judge's verdicts,
    as nbgrader's own autograded notebooks look to formgrader."""
    from helpers.checks.core import VERDICT_MIME
    tests = {q.grade_id: q for q in lesson.plan.questions}
    for cell in executed.cells:
        question = tests.get(assemble.nbgrader_metadata(cell).get("grade_id"))
        if question is None or not assemble.is_test(cell):
            continue
        cell.source = question.test_source
        judgement = judgements.get(question.grade_id)
        if judgement is not None:
            text = f"Grader: {records.LABELS[judgement.outcome]}: {judgement.message}"
            cell.outputs.append(nbformat.v4.new_output(
                "display_data", data={"text/plain": text, VERDICT_MIME: records.to_dict(judgement)}))
    return executed


def grade(submissions, settings, progress=print):
    """Grade every submission, and record the grades, autograded notebooks and feedback.

    A failure of the grader itself on one notebook is reported in ``failures``; the other
    submissions are graded all the same.
    """
    out = Path(settings.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    # Job folders live in a short temporary path: a kernel's socket path must stay short.
    jobs = Path(tempfile.mkdtemp(prefix="grading-"))
    jobs.chmod(0o755)
    settings.references.mkdir(parents=True, exist_ok=True)
    url = gradebook.db_url(out)
    lessons, failures, results, pending, unchanged = {}, [], {}, [], {}
    registering = threading.Thread(target=_register, args=(
        settings.course, sorted({s.lesson for s in submissions if not s.problem}), out, failures))
    registering.start()  # nbgrader takes a few seconds: meanwhile the kernels start

    for number, submission in enumerate(submissions):
        result = SubmissionResult(submission.student, submission.lesson, submission.notebook,
                                  notes=list(submission.notes), late=submission.late)
        results[number] = result
        student, problem = (None, submission.problem) if submission.problem \
            else _read_submission(submission.path)
        key = (submission.lesson, submission.notebook)
        if problem is None and key not in lessons:
            lessons[key] = _Lesson(settings.course, settings.references, *key)
        if problem:
            result.error = problem
            continue
        merged = lessons[key].assemble(student)
        result.notes += merged.notes
        folder = jobs / f"{number:04d}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        pending.append((number, folder, merged.notebook, lessons[key]))

    slots = queue.Queue()
    users = sandbox.claim_users(settings.jobs)
    slot_list = [_Slot(n, jobs, settings, users) for n in range(settings.jobs)]
    for slot in slot_list:
        slots.put(slot)
    started, timings = time.monotonic(), []
    with ThreadPoolExecutor(max_workers=settings.jobs) as pool:
        for lesson in lessons.values():
            if not lesson.ready.is_set():
                lesson.folder.parent.mkdir(parents=True, exist_ok=True)
                pool.submit(_reference, lesson, slots, settings, jobs)
        futures = {number: pool.submit(_submission, folder, notebook, lesson, slots, settings)
                   for number, folder, notebook, lesson in pending}
        for count, (number, folder, _, lesson) in enumerate(pending, 1):
            result = results[number]
            try:
                finished = futures[number].result()
            except Exception as error:  # the grader's own process failed on this one
                result.error = "the grader failed on this notebook"
                failures.append(f"{result.student}/{result.lesson}: {error}")
                continue
            if lesson.problem:
                failures.append(lesson.problem)
            unchanged[number] = _take(result, finished, folder, lesson, out, failures)
            timings.append([result.student, result.lesson, result.notebook,
                            f"{finished.run_seconds:.1f}", f"{finished.judge_seconds:.2f}",
                            f"{finished.run.peak_memory_bytes / 2**20:.0f}"])
            progress(f"[{count}/{len(pending)}] {report.printable(result.student)} "
                     f"{report.printable(result.lesson)}: "
                     f"{result.score:g}/{result.max_score:g} {result.status.value} "
                     f"({time.monotonic() - started:.0f} s)")

    for slot in slot_list:
        slot.stop()
    users.lock.close()
    registering.join()
    for number in sorted(results):
        result = results[number]
        lesson = lessons.get((result.lesson, result.notebook))
        if result.error and not result.questions and lesson is not None:
            scoring.zero(result, lesson.plan)
        if result.questions:  # a notebook of a known lesson: it has a place in the gradebook
            try:
                gradebook.record(url, result, unchanged.get(number, set()))
            except Exception as error:  # the gradebook's failure, not the student's
                failures.append(f"{result.student}/{result.lesson}: gradebook: {error}")
        handback.keep(out, result)
    try:
        handback.rebuild(out, url)  # feedback pages, with the marks already given by hand
    except Exception as error:  # the gradebook's failure, not a student's
        failures.append(f"feedback pages: {error}")
    report.write_timings(timings, out / "timings.csv")
    shutil.rmtree(out / "jobs", ignore_errors=True)
    if failures:  # keep the jobs and their logs for a look
        shutil.move(jobs, out / "jobs")
    else:
        shutil.rmtree(jobs, ignore_errors=True)
    return Graded([results[n] for n in sorted(results)], sorted(set(failures)))


def _take(result, done, folder, lesson, out, failures):
    """Score one finished submission into ``result`` and keep its notebook, made inert, in
    ``autograded/``. Returns the written answers unchanged since the last run, whose marks
    by hand still stand."""
    run, judgements = done.run, done.judgements
    executed = nbformat.read(folder / "executed.ipynb", as_version=4)
    scoring.score(result, lesson.plan, run, judgements, executed, done.failure)
    result.notes += done.notes
    result.notes += [f"cell {index + 1} was stopped at the time limit of a cell"
                     for index in run.timed_out]
    result.notes += [f"the output of cell {index + 1} was cut (too long)"
                     for index in run.truncated]
    if not run.started:
        failures.append(f"{result.student}/{result.lesson}: {run.stop_reason}")
    autograded = out / "autograded" / result.student / result.lesson / result.notebook
    before = _written_answers(nbformat.read(autograded, as_version=4)) if autograded.is_file() else {}
    notebook = _autograded(sanitise.notebook(executed), lesson, judgements)
    autograded.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, autograded)
    return {grade_id for grade_id, text in _written_answers(notebook).items()
            if before.get(grade_id) == text}


def _written_answers(notebook):
    """grade id -> text of each written answer, as it stands in an autograded notebook."""
    return {assemble.nbgrader_metadata(cell)["grade_id"]: cell.source for cell in notebook.cells
            if assemble.is_written_answer(cell) and not assemble.is_test(cell)}


def _register(course, lessons, out, failures):
    """Register each lesson in the gradebook; a failure is the grader's, and is reported."""
    for lesson in lessons:
        try:
            gradebook.register_lesson(course, lesson, out)
        except subprocess.CalledProcessError as error:
            failures.append(f"nbgrader could not register {lesson}: {error.stderr.strip()[-500:]}")
