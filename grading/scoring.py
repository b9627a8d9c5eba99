"""Turn an executed notebook into grades: one result per graded cell, with a message.

A test cell earns its points when it ran without an error. It earns nothing when it failed,
did not run (the kernel died or hit a limit first), or ran after the integrity probe found
tampering; the last two are also flagged for review. What a test cell writes to stderr does
not matter (plain nbgrader would give it 0). Messages come from the checks' own feedback and
from exception messages, never from tracebacks, so hidden test code is never shown.
"""

import html
import re
from dataclasses import dataclass, field

from grading.assemble import is_test, is_written_answer, nbgrader_metadata

HIDDEN_TEST_FAILED = ("A hidden test found a problem the visible check did not. "
                      "Read the question again, and test your answer on other inputs.")


@dataclass
class QuestionResult:
    """The grade of one graded cell."""
    grade_id: str
    max_points: float
    score: float = None          # None: a person has to mark it
    status: str = "correct"      # correct, incorrect, not attempted, not run, flagged, manual
    message: str = ""
    answer: str = ""             # the student's answer (for feedback), if it is one cell


@dataclass
class SubmissionResult:
    """Everything about one student's notebook."""
    student: str
    lesson: str
    notebook: str
    questions: list = field(default_factory=list)
    notes: list = field(default_factory=list)      # what the grader changed or noticed
    review: list = field(default_factory=list)     # reasons a person should look at it
    error: str = None                              # why it could not be graded at all

    @property
    def score(self):
        return sum(q.score or 0 for q in self.questions)

    @property
    def max_score(self):
        return sum(q.max_points for q in self.questions)

    @property
    def status(self):
        if self.error:
            return "not graded"
        if self.review:
            return "needs review"
        if any(q.score is None for q in self.questions):
            return "to mark by hand"
        return "graded"


def _text(html_text):
    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def _feedback_message(cell):
    """The check's own feedback box, as text, if the cell displayed one."""
    for output in cell.get("outputs", []):
        shown = output.get("data", {}).get("text/html")
        if shown and ("Correct</b>" in shown or "Not quite</b>" in shown
                      or "Not attempted yet</b>" in shown):
            return _text(shown)
    return ""


def _error(cell):
    return next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)


def _status_and_message(cell, error):
    feedback = _feedback_message(cell)
    if error is None:
        return "correct", feedback or "Correct."
    if feedback.startswith("Not attempted yet"):
        return "not attempted", feedback
    if feedback.startswith("Not quite"):
        return "incorrect", feedback
    if error.ename == "AssertionError":
        return "incorrect", error.evalue or HIDDEN_TEST_FAILED
    return "incorrect", f"{error.ename}: {error.evalue}"


def score(executed, run, student, lesson, notebook, answers_of, stubs):
    """Grade an executed, assembled notebook.

    Args:
        executed: the notebook after :mod:`grading.execute` ran it.
        run: the ``run.json`` record, as a dict.
        answers_of: grade_id of a test cell -> the student's answer cell source before it.
        stubs: grade_id of a written answer -> the released, unanswered text.
    """
    result = SubmissionResult(student, lesson, notebook)
    tampering = {int(k): v for k, v in run.get("tampering", {}).items()}
    stopped_at = run.get("stopped_at")
    timed_out = set(run.get("timed_out", []))
    if not run.get("started"):
        result.error = run.get("stop_reason") or "the notebook could not be run"
    for index, cell in enumerate(executed.cells):
        meta = nbgrader_metadata(cell)
        if is_written_answer(cell) and not is_test(cell):
            unanswered = cell.source.strip() == stubs.get(meta["grade_id"], "").strip()
            result.questions.append(QuestionResult(
                meta["grade_id"], float(meta.get("points", 0)),
                score=0.0 if unanswered else None,
                status="not attempted" if unanswered else "manual",
                message="Not answered." if unanswered else "A person will mark this answer.",
                answer=cell.source))
            continue
        if not is_test(cell):
            continue
        question = QuestionResult(meta["grade_id"], float(meta.get("points", 0)),
                                  answer=answers_of.get(meta["grade_id"], ""))
        ran = cell.get("execution_count") is not None or bool(cell.get("outputs"))
        if index in tampering:
            reason = "the code the tests rely on was changed: " + ", ".join(tampering[index][:5])
            question.score, question.status, question.message = 0.0, "flagged", reason
            result.review.append(f"{meta['grade_id']}: {reason}")
        elif not ran or (stopped_at is not None and index >= stopped_at and _error(cell) is None):
            why = run.get("stop_reason") or "an earlier cell stopped the notebook"
            question.score, question.status = 0.0, "not run"
            question.message = f"This test did not run: {why}."
            if run.get("started"):
                result.review.append(f"{meta['grade_id']}: did not run ({why})")
        elif index in timed_out:
            question.score, question.status = 0.0, "incorrect"
            question.message = ("This test ran past the time limit: look for a slow or endless "
                                "loop in your answer.")
        else:
            question.status, question.message = _status_and_message(cell, _error(cell))
            question.score = question.max_points if question.status == "correct" else 0.0
        result.questions.append(question)
    return result
