"""Feedback pages made again after marking by hand, with nothing run.

Each grading run keeps every submission's result as a typed record in ``<out>/results/``.
``python -m grading --feedback-only --out <out>`` reads those records and the gradebook
(the scores, extra credit and comments given in formgrader) and writes ``feedback/`` anew.
Pages come from records and the gradebook only, never from the autograded notebooks, which
hold the hidden tests (nbgrader's own ``generate_feedback`` would show them).
"""

import dataclasses
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from sqlalchemy.engine import make_url

from grading import feedback, late, records
from grading.collect import EXCHANGE_FILES
from grading.harvest import copy_regular
from grading.records import SubmissionResult

EXCHANGE_FILE_BYTES = 1024


def _place(out, folder, result, suffix):
    return Path(out) / folder / result.student / result.lesson / \
        Path(result.notebook or "submission").with_suffix(suffix)


def keep(out, result):
    """Keep one submission's result for :func:`rebuild`."""
    path = _place(out, "results", result, ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    records.dump(result, path)


def keep_exchange_files(submission_folder, out, result):
    """Copy nbgrader's ``timestamp.txt`` and ``submission_secret.txt`` from a submission's
    folder to its autograded and feedback folders, as ``nbgrader autograde`` does, so that
    formgrader's *Generate Feedback* and *Release Feedback* can hand the page back through
    the exchange. A student wrote them: only small plain files are copied."""
    for name in EXCHANGE_FILES:
        for folder in ("autograded", "feedback"):
            target = Path(out) / folder / result.student / result.lesson
            target.mkdir(parents=True, exist_ok=True)
            copy_regular(Path(submission_folder) / name, target / name, EXCHANGE_FILE_BYTES)


def write_page(out, result, comments=None):
    """Write one submission's feedback page."""
    page = _place(out, "feedback", result, ".html")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(feedback.render(result, comments or {}))


def marked(gradebook, result):
    """``result`` with the gradebook's scores (marks by hand and extra credit included) and
    late penalty, and
    the comments given by hand, grade id -> comment."""
    try:
        notebook = gradebook.find_submission_notebook(
            Path(result.notebook).stem, result.lesson, result.student)
    except MissingEntry:  # never graded into the gradebook (no known lesson): as it was
        return result, {}
    grades = {grade.name: grade for grade in notebook.grades}
    comments = {comment.name: comment.manual_comment for comment in notebook.comments
                if comment.manual_comment}
    questions = []
    for question in result.questions:
        grade = grades.get(question.grade_id)
        if grade is not None and (grade.manual_score is not None or grade.extra_credit):
            question = dataclasses.replace(question, score=grade.score)
        questions.append(question)
    late = {"seconds_late": notebook.assignment.total_seconds_late,  # grading.late's, as nbgrader's
            "late_penalty": notebook.late_submission_penalty or 0.0}
    return dataclasses.replace(result, questions=questions, **late), comments


def rebuild(out, url):
    """Write every kept result's feedback page again, with the gradebook's marks; return
    how many pages were written."""
    written = 0
    with Gradebook(url) as gradebook, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush warning, as in gradebook.py
        for path in sorted((Path(out) / "results").rglob("*.json")):
            result, comments = marked(gradebook, records.load(SubmissionResult, path))
            write_page(out, result, comments)
            written += 1
    return written


class CourseFeedbackPage(NbGraderPreprocessor):
    """nbgrader's own feedback (``nbgrader generate_feedback``, formgrader's *Generate
    Feedback*) made into the course's page: the autograded notebook, which holds the hidden
    tests, is replaced by the page built from the kept result and the gradebook's marks.
    The grader's ``nbgrader_config.py`` selects it; a notebook the course's grader never
    graded is refused rather than shown. (An nbgrader preprocessor: nbconvert's own are
    switched off unless enabled, and this one must never be skipped.)"""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        out = Path(make_url(info["db_url"]).database).parent
        kept = out / "results" / info["student"] / info["assignment"] / f"{info['notebook']}.json"
        if not kept.is_file():
            raise ValueError(f"{info['student']}/{info['assignment']}/{info['notebook']} was not "
                             "graded by the course's grader: grade it with `intro-dl-grade` first")
        late.penalise(info["db_url"], late.config(out))  # on the marks given since grading
        with Gradebook(info["db_url"]) as gradebook, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result, comments = marked(gradebook, records.load(SubmissionResult, kept))
        # an output, not a raw cell: nbconvert cleans raw HTML down to a few inline tags
        page = nbformat.v4.new_output("display_data", data={"text/html": feedback.render(result, comments)})
        nb.cells = [nbformat.v4.new_code_cell("", outputs=[page])]
        return nb, resources
