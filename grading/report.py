"""The exported grades (one row per student and notebook, always with a reason when it
matters) and the summary table an instructor reads at the end of a run."""

import csv
import unicodedata
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from grading.records import Outcome, Status

COLUMNS = ["student", "lesson", "notebook", "score", "max_score", "status", "reason", "late",
           "late_penalty"]  # score: after the late penalty


def _reason(result):
    return "; ".join(([result.error] if result.error else []) + result.review + result.notes)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printable(text):
    """``text`` with control and format characters (newlines, terminal escapes, bidi
    overrides) written as ``\\xNN`` or ``\\uNNNN``, so a name can never split a row, move
    a terminal's cursor or reorder what an instructor reads."""
    return "".join(_escaped(c) if unicodedata.category(c) in _UNSEEN else c for c in text)


_UNSEEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escaped(character):
    code = ord(character)
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: printable, and quoted where it could start a
    formula."""
    text = printable(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def keep_previous(path):
    """Move an earlier ``grades.csv`` aside as ``grades-<its date>.csv``, never overwriting."""
    path = Path(path)
    if not path.exists():
        return None
    stamp = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%dT%H%M%S")
    kept, number = path.with_name(f"{path.stem}-{stamp}{path.suffix}"), 1
    while kept.exists():
        number += 1
        kept = path.with_name(f"{path.stem}-{stamp}-{number}{path.suffix}")
    path.rename(kept)
    return kept


def duration(seconds):
    """``seconds`` as a person reads a delay: ``2 days 3 h``, ``3 h 20 min``, ``45 s``."""
    seconds = int(seconds)
    days, hours, minutes = seconds // 86400, seconds // 3600 % 24, seconds // 60 % 60
    if days:
        return f"{days} day{'s' if days > 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    return f"{minutes} min" if minutes else f"{seconds} s"


def _late(result, row=None):
    """``late`` when the LMS marked it so or nbgrader's timestamp is after the due date."""
    flagged = result is not None and result.late
    return "late" if flagged or (row is not None and row.seconds_late > 0) else ""


def _penalty_reason(row):
    if not row.seconds_late:
        return []
    return [f"submitted {duration(row.seconds_late)} after the due date: late penalty "
            f"{row.late_penalty:g} (score {row.score:g} before it)"]


def _status(row, result):
    if result is not None and (result.error or result.review):
        return result.status
    return Status.TO_MARK if row.to_mark else Status.GRADED


def write_csv(results, rows, path):
    """Write ``grades.csv`` from the gradebook's ``rows`` (every notebook ever graded, marks by
    hand and late penalty included: ``score`` is after the penalty, which ``late_penalty`` and
    the reason give), with this run's ``results`` for status and reason; a result the gradebook
    cannot hold (no known lesson) gets its own row. An earlier file is kept, dated."""
    keep_previous(path)
    by_key = {(r.student, r.lesson, r.notebook): r for r in results}
    lines = []
    for row in rows:
        result = by_key.pop((row.student, row.lesson, row.notebook), None)
        reason = _reason(result) if result else "not in this run: as the gradebook holds it"
        lines.append([row.student, row.lesson, row.notebook, f"{row.final_score:g}",
                      f"{row.max_score:g}", _status(row, result).value,
                      "; ".join(filter(None, [reason, *_penalty_reason(row)])),
                      _late(result, row), f"{row.late_penalty:g}"])
    lines += [[r.student, r.lesson, r.notebook, f"{r.score:g}", f"{r.max_score:g}", r.status.value,
               _reason(r), _late(r), "0"] for r in by_key.values()]
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows([safe_cell(cell) for cell in line] for line in sorted(lines))


TIMING_COLUMNS = ["student", "lesson", "notebook", "run_seconds", "judge_seconds", "peak_memory_mb",
                  "where"]


def write_timings(rows, path):
    """What each submission cost: its notebook's run in the sandbox, and its judging; and where
    it ran (``local``, or the cluster worker's address)."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(TIMING_COLUMNS)
        writer.writerows([safe_cell(cell) for cell in row] for row in sorted(rows))


def _table(header, rows):
    rows = [[printable(str(x)) for x in row] for row in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = lambda row: "  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _short_reason(result):
    penalty = f"late penalty {result.late_penalty:g}" if result.late_penalty else ""
    reason = "; ".join(filter(None, [penalty, _reason(result)]))
    return reason[:70] + "…" if len(reason) > 70 else reason


def summary(results):
    """Two tables: each student's score (after any late penalty), and how many got each
    question right."""
    students = [[r.student, r.lesson, f"{r.final_score:g} / {r.max_score:g}", r.status.value,
                 _short_reason(r)] for r in sorted(results, key=lambda r: (r.lesson, r.student))]
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
