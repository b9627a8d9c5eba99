"""Per-student HTML feedback: each question's result and the check's teaching message.

Built from the grades only (the student's own answers and the checks' messages), never from
the graded notebook, so hidden tests and reference solutions cannot appear in it.
"""

from html import escape

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #202124; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.correct { color: #1e7b34; } .incorrect, .flagged, .not-run { color: #b3261e; }
.not-attempted, .manual { color: #8a6d00; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; font-size: .85rem; }
"""

_LABEL = {"correct": "Correct", "incorrect": "Not quite", "not attempted": "Not attempted",
          "not run": "Did not run", "flagged": "Flagged for review", "manual": "Marked by hand"}


def render(result):
    """The feedback page of one :class:`~grading.scoring.SubmissionResult`, as HTML."""
    rows = []
    for question in result.questions:
        points = "–" if question.score is None else f"{question.score:g}"
        answer = (f"<details><summary>your answer</summary><pre>{escape(question.answer)}</pre>"
                  "</details>" if question.answer.strip() else "")
        css = question.status.replace(" ", "-")
        rows.append(
            f"<tr><td>{escape(question.grade_id)}</td>"
            f"<td>{points} / {question.max_points:g}</td>"
            f"<td class='{css}'>{_LABEL.get(question.status, question.status)}</td>"
            f"<td>{escape(question.message)}{answer}</td></tr>")
    notes = "".join(f"<li>{escape(note)}</li>" for note in [*result.notes, *result.review])
    problem = f"<p class='incorrect'>Not graded: {escape(result.error)}</p>" if result.error else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Feedback: {escape(result.lesson)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(result.lesson)}: {escape(result.notebook)}</h1>"
        f"<p>Student: <b>{escape(result.student)}</b>. Score: <b>{result.score:g} / "
        f"{result.max_score:g}</b> ({escape(result.status)}).</p>{problem}"
        + (f"<h2>Notes</h2><ul>{notes}</ul>" if notes else "")
        + "<table><tr><th>Question</th><th>Points</th><th>Result</th><th>Feedback</th></tr>"
        + "".join(rows) + "</table></body></html>\n")
