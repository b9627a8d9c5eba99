"""The grades in nbgrader's own gradebook, so formgrader and ``nbgrader export`` work on them.

Only the grader process writes here, one submission at a time, after its kernel has gone:
no student code can see or touch the database. Writing the same results again gives the
same gradebook.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from nbgrader.api import Gradebook

from grading.records import Outcome


def db_url(out):
    """The gradebook of an output folder."""
    return f"sqlite:///{Path(out).resolve() / 'gradebook.db'}"


def register_lesson(course, lesson, url):
    """Put a lesson's notebooks and grade cells into the gradebook with nbgrader itself.

    Runs ``nbgrader generate_assignment`` on a copy of ``solutions/<lesson>`` so nothing in the
    course folder changes.
    """
    nbgrader = Path(sys.executable).with_name("nbgrader")
    # nbgrader runs alembic through PATH: this environment's bin comes first
    env = {**os.environ, "PATH": f"{nbgrader.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory(prefix="grading-release-") as scratch:
        shutil.copytree(Path(course) / "solutions" / lesson, Path(scratch) / "source" / lesson)
        subprocess.run(
            [str(nbgrader), "generate_assignment", lesson, "--force", "--log-level=ERROR",
             f"--db={url}", f"--CourseDirectory.root={scratch}",
             "--CourseDirectory.source_directory=source",
             "--CourseDirectory.release_directory=release"],
            cwd=scratch, env=env, check=True, capture_output=True, text=True)


def _sqlalchemy_warning():
    from sqlalchemy.exc import SAWarning
    return SAWarning


def record(url, result):
    """Write one :class:`~grading.records.SubmissionResult` into the gradebook."""
    notebook = Path(result.notebook).stem
    with Gradebook(url) as gradebook, warnings.catch_warnings():
        # nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warning
        warnings.simplefilter("ignore", category=_sqlalchemy_warning())
        gradebook.update_or_create_student(result.student)
        gradebook.update_or_create_submission(result.lesson, result.student)
        scores = {q.grade_id: q for q in result.questions}
        submitted = gradebook.find_submission_notebook(notebook, result.lesson, result.student)
        for grade in submitted.grades:
            question = scores.get(grade.name)
            if result.error or question is None:
                grade.auto_score, grade.needs_manual_grade = 0.0, True
            else:
                grade.auto_score = question.score
                grade.needs_manual_grade = (question.score is None
                                            or question.outcome is Outcome.ERROR)
        gradebook.db.commit()
