"""The judge: grades each question from inert values, in a process that never ran student code.

For one submission it reads, for every question of the lesson:

- the reference solution's values at that test cell (computed once per lesson, as files);
- the student's values of the question's answer names (``Question.names``), as files the
  student's kernel wrote (:mod:`grading.answers` reads them, trusting nothing);

binds the reference values, replaces only the answer names with the student's, and runs the
instructor's whole test cell (the visible check and the hidden tests) in that namespace. So
each question is judged on its own, with the instructor's context, by the same check the
learner saw. Its verdicts are :class:`~grading.records.Judgement` records.

``python -m grading.judge --serve`` is the long-lived judge of one grading slot. It imports
TensorFlow and the lessons' checks once, makes itself undumpable (so no child can reach into
it), and for each job folder named on stdin forks a child with fresh memory that judges that
one submission and writes one JSON line per question; the parent passes those lines on and
ends with ``done``. The grader runs it in a sandbox with no network and read-only files.
"""

import contextlib
import ctypes
import json
import os
import select
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from grading import answers, records
from grading.plan import LessonPlan
from grading.records import Judgement, Outcome

QUESTION_SECONDS = 60        # one question's judging, in the child
HIDDEN_TEST_FAILED = ("A hidden test found a problem the visible check did not. Read the "
                      "question again, and test your answer on other inputs.")


@dataclass
class JudgeJob:
    """What to judge: ``judge.json`` in a job folder."""
    plan: str                # the lesson's plan.json
    reference: str           # the reference values: one folder per grade_id
    values: str              # the student's values: one folder per grade_id


class _TimeUp(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds):
    def stop(signum, frame):
        raise _TimeUp()
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def setup_namespace(plan):
    """The instructor's imports of a lesson, run once (instructor code)."""
    namespace = {"__name__": "__judge__"}
    exec(compile(plan.setup_source, f"<set-up of {plan.lesson}>", "exec"), namespace)
    return namespace


def _listed(names):
    return ", ".join(f"`{name}`" for name in names)


def judge_question(question, setup, reference, student, seconds=QUESTION_SECONDS):
    """Judge one question.

    Args:
        question: its :class:`~grading.plan.QuestionPlan`.
        setup: the namespace of the lesson's imports (copied, not changed).
        reference: ``(values, unreadable)`` of the reference solution at this test cell.
        student: ``(values, unreadable)`` of the student's answer names.
    """
    from helpers.checks import core

    started = time.monotonic()

    def verdict(outcome, message):
        return Judgement(question.grade_id, outcome, message, round(time.monotonic() - started, 3))

    values, unreadable = student
    unreadable = {n: why for n, why in unreadable.items() if n in question.names or n == "*"}
    if unreadable:
        name, why = next(iter(unreadable.items()))
        subject = "your answers" if name == "*" else f"`{name}`"
        return verdict(Outcome.UNREADABLE, f"{subject} {why}")
    missing_reference = [n for n in question.reference_names
                         if n not in question.names and n not in reference[0]]
    if missing_reference:
        return verdict(Outcome.ERROR, "the reference solution gave no value for "
                       f"{_listed(missing_reference)}: the instructor must look at this lesson.")
    namespace = dict(setup)
    namespace.update({n: v for n, v in reference[0].items() if n not in question.names})
    namespace.update({n: values[n] for n in question.names if n in values})
    shown = []
    previous_show, core.show = core.show, shown.append
    try:
        with _time_limit(seconds):
            exec(compile(question.test_source, f"<test {question.grade_id}>", "exec"), namespace)
    except core.CheckFailed as failed:
        outcome = (Outcome.NOT_ATTEMPTED if failed.feedback.outcome is core.Outcome.NOT_ATTEMPTED
                   else Outcome.INCORRECT)
        return verdict(outcome, failed.feedback.message)
    except AssertionError as failed:
        message = failed.args[0] if failed.args and isinstance(failed.args[0], str) else ""
        return verdict(Outcome.INCORRECT, message or HIDDEN_TEST_FAILED)
    except _TimeUp:
        return verdict(Outcome.ERROR, f"judging this answer took longer than {seconds} s.")
    except Exception as error:  # the judge could not finish: never the library's own words
        return verdict(Outcome.ERROR, "the grader could not finish judging this answer "
                       f"({type(error).__name__}); the instructor will look at it.")
    finally:
        core.show = previous_show
    if not shown or not shown[-1].correct:
        return verdict(Outcome.ERROR, "the test cell ran without calling its check; the "
                       "instructor must look at this question.")
    return verdict(Outcome.CORRECT, shown[-1].message)


def judge_submission(job, setup=None):
    """Judge every question of one submission; yield one :class:`Judgement` each."""
    plan = records.load(LessonPlan, job.plan)
    setup = setup if setup is not None else setup_namespace(plan)
    for question in plan.questions:
        reference = answers.load(Path(job.reference) / question.grade_id)
        student = answers.load(Path(job.values) / question.grade_id)
        yield judge_question(question, setup, reference, student)


def _undumpable():
    """Keep other processes of this user (the forked children) from reading our memory."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4


def _run_child(job_folder, setups, write_end):
    """In the forked child: judge one job, one JSON line per question, then exit."""
    with os.fdopen(write_end, "w") as out:
        try:
            job = records.load(JudgeJob, Path(job_folder) / "judge.json")
            for judgement in judge_submission(job, setups.get(job.plan)):
                out.write(json.dumps(records.to_dict(judgement)) + "\n")
                out.flush()
        except Exception as error:  # reported to the grader as the judge's own failure
            out.write(json.dumps({"failed": type(error).__name__}) + "\n")


def _relay(job_folder, setups, seconds):
    """Fork a child for one job and pass its lines on; kill it if it runs out of time."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 0
        try:
            _run_child(job_folder, setups, write_end)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    deadline, buffer = time.monotonic() + seconds, b""
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([pipe], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                print(json.dumps({"failed": "timeout"}), flush=True)
                break
            chunk = os.read(pipe.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                print(line.decode(errors="replace"), flush=True)
    os.waitpid(pid, 0)


def serve(seconds=600):
    """Judge the jobs named on stdin, one at a time, each in a fresh forked child."""
    from helpers import session
    session.quiet_tensorflow()
    import keras  # noqa: F401  (imported once here; every child shares it)
    _undumpable()
    setups = {}
    for line in sys.stdin:
        folder = line.strip()
        try:
            job = records.load(JudgeJob, Path(folder) / "judge.json")
            if job.plan not in setups:
                setups[job.plan] = setup_namespace(records.load(LessonPlan, job.plan))
            _relay(folder, setups, seconds)
        except Exception as error:  # reported; the next job starts afresh
            print(json.dumps({"failed": type(error).__name__}), flush=True)
        print("done", flush=True)


def read_judgements(lines, plan):
    """The judgements in a judge's output for ``plan``: only its own questions, once each.

    Returns:
        ``(judgements by grade_id, failure or None)``.
    """
    expected = {q.grade_id for q in plan.questions}
    found, failure = {}, None
    for line in lines:
        try:
            data = json.loads(line)
            if "failed" in data:
                failure = str(data["failed"])[:100]
                continue
            judgement = records.from_dict(Judgement, data)
        except (ValueError, TypeError):
            failure = "the judge wrote something unreadable"
            continue
        if judgement.grade_id in expected and judgement.grade_id not in found:
            found[judgement.grade_id] = judgement
    return found, failure


if __name__ == "__main__":
    serve()
