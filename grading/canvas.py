"""A grades file Canvas imports (Grades -> Import), from nbgrader's gradebook.

Canvas reads a CSV with the columns ``Student``, ``ID`` (Canvas's user id), ``SIS User ID``,
``SIS Login ID`` and ``Section``, then one column per assignment, titled as Canvas's own
export titles it (``Exercise 1 (4567)``, with the assignment's Canvas id); a ``Points
Possible`` row may follow the header. Canvas matches students by ``ID``: the user id in the
names of Canvas's submission zip, which the grader stores as the gradebook student's
``lms_user_id`` (:mod:`grading.collect`). A student without one cannot be matched, and is
listed rather than written. Scores are the gradebook's: marks by hand included, the late
penalty taken off. A lesson not submitted is left blank, which Canvas leaves as it is.
"""

import csv
from dataclasses import dataclass, field

from nbgrader.api import Gradebook

from grading.report import keep_previous, safe_cell

HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "Points Possible"


@dataclass
class Written:
    """What :func:`write` wrote: the students, and those with no Canvas id."""
    students: list = field(default_factory=list)
    without_id: list = field(default_factory=list)


def titles(values, lessons, lesson=None):
    """lesson -> Canvas column title, from ``--canvas`` values: ``LESSON=TITLE``, or a bare
    ``TITLE`` for ``lesson`` (or the only one of ``lessons``). Raises ValueError when a bare
    title names no single lesson."""
    found = {}
    for value in values:
        name, equals, title = value.partition("=")
        if equals and name in lessons:
            found[name] = title
        elif lesson or len(lessons) == 1:
            found[lesson or lessons[0]] = value
        else:
            raise ValueError(f"say which lesson {value!r} is: LESSON={value}, or --lesson")
    return found


def lessons(url):
    """The graded lessons in the gradebook."""
    with Gradebook(url) as gradebook:
        return [a.name for a in gradebook.assignments if a.max_score]


def _name(student):
    """Canvas's sortable form, ``Last, First``, or the gradebook's id."""
    names = [n for n in (student.last_name, student.first_name) if n]
    return ", ".join(names) or student.id


def _score(submission):
    return f"{max(0.0, submission.score - (submission.late_submission_penalty or 0.0)):g}"


def write(url, path, titles=None):
    """Write Canvas's import CSV of every graded lesson in the gradebook at ``url``.

    Args:
        url: the gradebook.
        path: the CSV to write; an earlier one is kept, dated.
        titles: lesson -> its column title in Canvas (``Exercise 1 (4567)``); a lesson not
            given keeps its own name, and Canvas makes a new assignment of it.

    Returns:
        A :class:`Written`.
    """
    titles = titles or {}
    written = Written()
    with Gradebook(url) as gradebook:
        lessons = [a for a in gradebook.assignments if a.max_score]  # not ungraded ones
        lines = [[POINTS_POSSIBLE, "", "", "", ""] + [f"{a.max_score:g}" for a in lessons]]
        for student in gradebook.students:
            if not student.lms_user_id:
                written.without_id.append(student.id)
                continue
            submitted = {s.assignment.name: s for s in student.submissions}
            lines.append([_name(student), student.lms_user_id, "", "", ""]
                         + [_score(submitted[a.name]) if a.name in submitted else ""
                            for a in lessons])
            written.students.append(student.id)
        header = HEADER + [titles.get(a.name, a.name) for a in lessons]
    keep_previous(path)
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerows([safe_cell(cell) for cell in line] for line in [header, *lines])
    return written
