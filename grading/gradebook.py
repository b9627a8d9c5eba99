"""The grades in nbgrader's own gradebook, so formgrader and ``nbgrader export`` work on them.

Only the grader process writes here, one submission at a time, after its kernel has gone:
no student code can see or touch the database. Writing the same results again gives the
same gradebook.
"""

import os
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from grading.records import Outcome


def db_url(out):
    """The gradebook of an output folder."""
    return f"sqlite:///{Path(out).resolve() / 'gradebook.db'}"


MARK = "# Your own settings (late penalty...) go below this line: grading keeps them.\n"
CONFIG = """\
# Written by the course's grader: this folder is an nbgrader course directory. Start
# JupyterLab here and open Nbgrader -> Manual grading to mark written answers; the grades,
# autograded/ and feedback/ are the grader's. Grading again keeps what you marked.
import os

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.ExportApp.plugin_class = "grading.export.SafeCsvExportPlugin"  # `nbgrader export`: no formulas
# formgrader's Generate Feedback: the course's pages, never the autograded notebooks (hidden tests)
c.GenerateFeedback.preprocessors = ["grading.handback.CourseFeedbackPage",
                                    "nbgrader.preprocessors.GetGrades"]
""" + MARK


def _code(line):
    return line.split("#", 1)[0].strip()


def _config_text(path):
    """:data:`CONFIG`, then the instructor's own lines of the file at ``path``: those below
    :data:`MARK`, or, in a file without it, its code that CONFIG does not already hold."""
    if not path.is_file():
        return CONFIG
    old = path.read_text()
    ours = {_code(line) for line in CONFIG.splitlines()}
    own = old.split(MARK, 1)[1] if MARK in old else "".join(
        line for line in old.splitlines(keepends=True) if _code(line) not in ours)
    return CONFIG + own.lstrip("\n")


def register_lesson(course, lesson, out):
    """Make ``out`` an nbgrader course directory that formgrader opens as it is, and put a
    lesson's notebooks and grade cells into its gradebook with nbgrader itself.

    ``solutions/<lesson>`` is copied to ``<out>/source/<lesson>`` and released there with
    ``nbgrader generate_assignment``: nothing in the course folder changes. The
    instructor's own lines in ``nbgrader_config.py`` and the assignment's due date stay.
    """
    out = Path(out).resolve()
    config = out / "nbgrader_config.py"
    config.write_text(_config_text(config))
    source = out / "source" / lesson
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(Path(course) / "solutions" / lesson, source)
    nbgrader = Path(sys.executable).with_name("nbgrader")
    # nbgrader runs alembic through PATH: this environment's bin comes first
    env = {**os.environ, "PATH": f"{nbgrader.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [str(nbgrader), "generate_assignment", lesson, "--force", "--log-level=ERROR",
         f"--db={db_url(out)}", f"--CourseDirectory.root={out}"],
        cwd=out, env=env, check=True, capture_output=True, text=True)


def _sqlalchemy_warning():
    from sqlalchemy.exc import SAWarning
    return SAWarning


def record(url, result, unchanged=frozenset()):
    """Write one :class:`~grading.records.SubmissionResult` into the gradebook.

    What people did in formgrader stays: manual scores, comments and extra credit are never
    touched. A written answer already marked stays marked while its text is one of
    ``unchanged`` (the same as when it was marked); a changed one asks to be marked again.
    """
    notebook = Path(result.notebook).stem
    with Gradebook(url) as gradebook, warnings.catch_warnings():
        # nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warning
        warnings.simplefilter("ignore", category=_sqlalchemy_warning())
        gradebook.update_or_create_student(  # the LMS's id, for its import (grading.canvas)
            result.student, **({"lms_user_id": result.lms_id} if result.lms_id else {}))
        gradebook.update_or_create_submission(  # without a timestamp, an earlier one stays
            result.lesson, result.student,
            **({"timestamp": result.timestamp} if result.timestamp else {}))
        scores = {q.grade_id: q for q in result.questions}
        submitted = gradebook.find_submission_notebook(notebook, result.lesson, result.student)
        for grade in submitted.grades:
            question = scores.get(grade.name)
            if result.error or question is None:
                grade.auto_score, grade.needs_manual_grade = 0.0, True
                continue
            grade.auto_score = question.score
            to_mark = question.score is None or question.outcome is Outcome.ERROR
            marked = grade.manual_score is not None and grade.name in unchanged
            grade.needs_manual_grade = to_mark and not marked
        gradebook.db.commit()


@dataclass(frozen=True, order=True)
class Row:
    """One submitted notebook as the gradebook holds it, marks by hand included."""
    student: str
    lesson: str
    notebook: str
    score: float
    max_score: float
    to_mark: bool
    late_penalty: float = 0.0      # nbgrader's, set by grading.late
    seconds_late: float = 0.0      # after the due date, by nbgrader's timestamp

    @property
    def final_score(self):
        """The score after the late penalty, as ``nbgrader export`` gives it."""
        return max(0.0, self.score - self.late_penalty)


def rows(url):
    """Every graded notebook in the gradebook, from every run so far."""
    with Gradebook(url) as gradebook:
        return sorted(
            Row(submission.student.id, assignment.name, f"{submitted.name}.ipynb",
                float(submitted.score or 0), float(submitted.max_score or 0),
                bool(submitted.needs_manual_grade), float(submitted.late_submission_penalty or 0),
                float(submission.total_seconds_late))
            for assignment in gradebook.assignments
            for submission in assignment.submissions
            for submitted in submission.notebooks if submitted.grades)  # not the tutorials
