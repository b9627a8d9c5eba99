"""The exported grades (one row per student and notebook, always with a reason when it
matters) and the summary table an instructor reads at the end of a run."""

import csv
from collections import defaultdict

from grading.records import Outcome

COLUMNS = ["student", "lesson", "notebook", "score", "max_score", "status", "reason"]


def _reason(result):
    return "; ".join(([result.error] if result.error else []) + result.review + result.notes)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: one that could start a formula is quoted."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(results, path):
    """Write every result, graded or not, to ``path``."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for r in sorted(results, key=lambda r: (r.student, r.lesson, r.notebook)):
            writer.writerow([safe_cell(cell) for cell in (
                r.student, r.lesson, r.notebook, f"{r.score:g}", f"{r.max_score:g}",
                r.status.value, _reason(r))])


TIMING_COLUMNS = ["student", "lesson", "notebook", "run_seconds", "judge_seconds", "peak_memory_mb"]


def write_timings(rows, path):
    """What each submission cost: its notebook's run in the sandbox, and its judging."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(TIMING_COLUMNS)
        writer.writerows([safe_cell(cell) for cell in row] for row in sorted(rows))


def _table(header, rows):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = lambda row: "  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def summary(results):
    """Two tables: each student's score, and how many got each question right."""
    students = [[r.student, r.lesson, f"{r.score:g} / {r.max_score:g}", r.status.value,
                 (_reason(r)[:70] + "…") if len(_reason(r)) > 70 else _reason(r)]
                for r in sorted(results, key=lambda r: (r.lesson, r.student))]
    right, graded, by_hand = defaultdict(int), defaultdict(int), defaultdict(int)
    for result in results:
        for question in result.questions:
            key = (result.lesson, question.grade_id)
            graded[key] += 1
            right[key] += question.outcome is Outcome.CORRECT
            by_hand[key] += question.score is None
    questions = [[*key, f"{right[key]} / {graded[key]}"
                  + (f" ({by_hand[key]} to mark by hand)" if by_hand[key] else "")]
                 for key in sorted(graded)]
    return (_table(["student", "lesson", "score", "status", "reason"], students) + "\n\n"
            + _table(["lesson", "question", "correct"], questions))
