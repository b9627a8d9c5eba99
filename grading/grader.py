"""Grade a set of submissions: assemble, run in sandboxes, judge apart, score, record.

Each submission is assembled here, then run and judged in a slot (:mod:`grading.slots`):
``jobs`` slots on this machine, or the slots of a Dask cluster's workers
(:mod:`grading.cluster`), which send back only records. Each lesson's reference solution is
run once per machine and kept (``<course>/build/reference/`` by default, one folder per
version of the lesson and the helpers): the judge takes the instructor's context from it.
Scoring, the gradebook, feedback and exports happen here only, one at a time, in a fixed
order, so the grades do not depend on how many ran at once, or where.
"""

import shutil
import subprocess
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grading import (assemble, gradebook, handback, late, records, report, sandbox, sanitise,
                     scoring, slots)
from grading.lesson import Lesson
from grading.records import SubmissionResult


@dataclass
class Settings:
    """How to grade: where from, where to, how many at once, within which limits."""
    course: Path                   # holds solutions/ and notebooks/
    out: Path                      # gradebook.db, autograded/, feedback/, grades.csv
    jobs: int = 2
    limits: sandbox.Limits = sandbox.Limits()
    sandboxed: bool = True
    references: Path = None        # the reference solutions' values (default <course>/build/reference)
    cluster: str = None            # a Dask scheduler's address: run and judge on its workers

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
                                  notes=list(submission.notes), late=submission.late,
                                  timestamp=submission.timestamp, lms_id=submission.lms_id)
        results[number] = result
        student, problem = (None, submission.problem) if submission.problem \
            else _read_submission(submission.path)
        key = (submission.lesson, submission.notebook)
        if problem is None and key not in lessons:
            lessons[key] = Lesson(settings.course, settings.references, *key)
        if submission.path is not None:
            handback.keep_exchange_files(submission.path.parent, out, result)
        if problem:
            result.error = problem
            continue
        merged = lessons[key].assemble(student)
        result.notes += merged.notes
        pending.append((number, merged.notebook, lessons[key]))

    runner = _runner(settings, jobs)
    started, timings = time.monotonic(), []
    try:
        runner.prepare(lessons.values())
        futures = {number: runner.submit(number, notebook, lesson)
                   for number, notebook, lesson in pending}
        for count, (number, _, lesson) in enumerate(pending, 1):
            result = results[number]
            try:
                finished = futures[number].result()
            except slots.NotGraded as reason:  # reported with the submission; the run goes on
                result.error = str(reason)
            except Exception as error:  # the grader's own process failed on this one
                result.error = "the grader failed on this notebook"
                failures.append(f"{result.student}/{result.lesson}: {error}")
                continue
            else:
                if finished.reference_problem:
                    failures.append(finished.reference_problem)
                unchanged[number] = _take(result, finished, lesson, out, failures)
                timings.append([result.student, result.lesson, result.notebook,
                                f"{finished.run_seconds:.1f}", f"{finished.judge_seconds:.2f}",
                                f"{finished.run.peak_memory_bytes / 2**20:.0f}", finished.where])
            progress(f"[{count}/{len(pending)}] {report.printable(result.student)} "
                     f"{report.printable(result.lesson)}: "
                     f"{result.score:g}/{result.max_score:g} {result.status.value} "
                     f"({time.monotonic() - started:.0f} s)")
    finally:
        runner.close()

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
        late.penalise(url, late.config(out))  # as nbgrader autograde, with the folder's settings
        _take_penalties(results.values(), url)
    except Exception as error:  # a broken nbgrader_config.py or penalty plugin: the instructor's
        failures.append(f"late penalties: {error}")
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


def _take_penalties(results, url):
    """Give this run's results the gradebook's late penalties, for the summary."""
    rows = {(row.student, row.lesson, row.notebook): row for row in gradebook.rows(url)}
    for result in results:
        row = rows.get((result.student, result.lesson, result.notebook))
        if row is not None:
            result.late_penalty, result.seconds_late = row.late_penalty, row.seconds_late


def _runner(settings, jobs):
    """Where submissions run and are judged: slots here, or a cluster's workers."""
    if settings.cluster:
        from grading import cluster  # imports Dask only when asked for
        return cluster.ClusterSlots(settings)
    return slots.LocalSlots(settings, jobs)


def _take(result, done, lesson, out, failures):
    """Score one finished submission into ``result`` and keep its notebook, made inert, in
    ``autograded/``. Returns the written answers unchanged since the last run, whose marks
    by hand still stand."""
    run, judgements = done.run, {j.grade_id: j for j in done.judgements}
    executed = nbformat.reads(done.executed, as_version=4)
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
