"""Per-student HTML feedback: each question's result and the judge's teaching message.

Built from the grades only (the student's own answers and the checks' messages), never from
the graded notebook, so hidden tests and reference solutions cannot appear in it. The
colours are the checks' own (:data:`helpers.checks.core.STYLE`).
"""

from html import escape

from helpers.checks.core import STYLE
from helpers.checks.core import Outcome as CheckOutcome
from grading.report import duration
from grading.records import LABELS, Outcome

_COLOUR = {outcome: STYLE[check][1] for outcome, check in (
    (Outcome.CORRECT, CheckOutcome.CORRECT), (Outcome.INCORRECT, CheckOutcome.INCORRECT),
    (Outcome.UNREADABLE, CheckOutcome.INCORRECT), (Outcome.NOT_RUN, CheckOutcome.INCORRECT),
    (Outcome.ERROR, CheckOutcome.INCORRECT), (Outcome.NOT_ATTEMPTED, CheckOutcome.NOT_ATTEMPTED),
    (Outcome.MANUAL, CheckOutcome.NOT_ATTEMPTED))}

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #202124;
       background: #ffffff; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; font-size: .85rem; }
.late { font-weight: bold; }
""" + "".join(f".{o.name.lower()} {{ color: {c}; }}\n" for o, c in _COLOUR.items())

ON_ITS_OWN = ("Each question is judged on its own, with the reference solution's data and "
              "earlier answers: a mistake in one answer does not cost you another.")


def _comment(text):
    return f"<p class='comment'><b>From your instructor:</b> {escape(text)}</p>" if text else ""


def render(result, comments=None):
    """The feedback page of one :class:`~grading.records.SubmissionResult`, as HTML, with the
    comments a person gave in formgrader (grade id -> text)."""
    comments = comments or {}
    rows = []
    for question in result.questions:
        points = "–" if question.score is None else f"{question.score:g}"
        answer = (f"<details><summary>your answer</summary><pre>{escape(question.answer)}</pre>"
                  "</details>" if question.answer.strip() else "")
        rows.append(
            f"<tr><td>{escape(question.grade_id)}</td>"
            f"<td>{points} / {question.max_points:g}</td>"
            f"<td class='{question.outcome.name.lower()}'>{LABELS[question.outcome]}</td>"
            f"<td>{escape(question.message)}{_comment(comments.get(question.grade_id))}"
            f"{answer}</td></tr>")
    notes = "".join(f"<li>{escape(note)}</li>" for note in [*result.notes, *result.review])
    problem = (f"<p class='incorrect'>Not graded: {escape(result.error)}</p>"
               if result.error else "")
    score = f"{result.score:g} / {result.max_score:g}"
    if result.late_penalty or result.seconds_late:
        score = f"{result.final_score:g} / {result.max_score:g}"
        problem += (f"<p class='late'>Submitted {duration(result.seconds_late)} after the "
                    f"due date: a late penalty of {result.late_penalty:g} points "
                    f"({result.score:g} before it).</p>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Feedback: {escape(result.lesson)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(result.lesson)}: {escape(result.notebook)}</h1>"
        f"<p>Student: <b>{escape(result.student)}</b>. Score: <b>{score}</b> "
        f"({escape(result.status.value)}).</p>{problem}"
        f"<p>{ON_ITS_OWN}</p>"
        + (f"<h2>Notes</h2><ul>{notes}</ul>" if notes else "")
        + "<table><tr><th>Question</th><th>Points</th><th>Result</th><th>Feedback</th></tr>"
        + "".join(rows) + "</table></body></html>\n")
