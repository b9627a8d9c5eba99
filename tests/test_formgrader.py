"""The instructor's loop in a real browser: grade, mark by hand in formgrader, hand back,
grade again.

``make grade``'s output folder is an nbgrader course directory: JupyterLab started there
opens it in *Nbgrader → Formgrader*, where a written answer is marked (score, extra credit,
comment). ``--feedback-only`` then writes the feedback pages again with those marks. Grading
the class again from the command line must keep all three, and the written answer must not
ask to be marked again.
"""

import shutil
import subprocess
import sys
import time

import pytest
from nbgrader.api import Gradebook

from tests.browser import ARTIFACTS, TOKEN, _menu, _settings, browser, jupyterlab, page  # noqa: F401
from tests.conftest import REPO
from tests.test_grading import NBGRADER, _hidden_test_lines, grade, rows
from tests.submissions import DEMO_LESSON, write_demo_class

pytestmark = [pytest.mark.browser, pytest.mark.grading]

WRITTEN = "written_kernel_shape"  # lesson 01's written question, 2 points
STUDENT = "ada"                   # the reference answers: 5 of the 5 automatic points


def _grade(course, submitted, out):
    finished = grade(out.parent, submitted, "--course", course, "--out", out, "--jobs", 1)
    assert finished.returncode == 0, finished.stderr[-3000:]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Lesson 01's course, one student's submission, graded once into ``out``."""
    root = tmp_path_factory.mktemp("formgrader")
    course = root / "course"
    for folder in ("solutions", "notebooks"):
        shutil.copytree(REPO / folder / DEMO_LESSON, course / folder / DEMO_LESSON)
    submitted = root / "submitted"
    write_demo_class(root / "class")
    shutil.copytree(root / "class" / STUDENT, submitted / STUDENT)
    out = root / "out"
    _grade(course, submitted, out)
    return course, submitted, out


@pytest.fixture(scope="module")
def formgrader_lab(graded):
    """JupyterLab started in the grading output folder, as the README says."""
    _, _, out = graded
    settings = out.parent / "settings"
    _settings(settings)
    yield from jupyterlab(out, settings, [f"--LabApp.workspaces_dir={out.parent / 'workspaces'}"],
                          {}, lambda url: url)


def _open_submission(page, url):
    """Nbgrader → Formgrader → Manual Grading → the lesson → exercise → the submission."""
    page.goto(f"{url}/lab?reset&token={TOKEN}")
    page.locator("#jp-MainMenu").wait_for()
    _menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("iframe")
    frame.get_by_role("link", name="Manual Grading").click()
    frame.get_by_role("link", name=DEMO_LESSON).click()
    frame.get_by_role("link", name="exercise").click()
    frame.get_by_role("link", name="Submission #1").click()
    frame.locator(f"textarea#{WRITTEN}-comment").wait_for()
    grading_page = next(f for f in page.frames if "/formgrader/submissions/" in f.url)
    grading_page.wait_for_function(  # formgrader binds its fields once grades and comments load
        "() => window.formgrader && formgrader.grades && formgrader.grades.loaded"
        " && formgrader.comments && formgrader.comments.loaded")
    return frame


def _saved_marks(out):
    manual, extra, comment, _ = _marks(out)
    return comment, manual, extra


def _marks(out):
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(WRITTEN, "exercise", DEMO_LESSON, STUDENT)
        comment = gradebook.find_comment(WRITTEN, "exercise", DEMO_LESSON, STUDENT)
        return grade.manual_score, grade.extra_credit, comment.manual_comment, grade.needs_manual_grade


def _feedback_shows_the_marks(page):
    return ("From your instructor:</b> Right: one weight per feature." in page
            and "Score: <b>7.5 / 7</b>" in page and "<td>2.5 / 2</td>" in page)


def test_marks_made_in_formgrader_survive_grading_again(graded, formgrader_lab, page):
    course, submitted, out = graded
    assert rows(out)[STUDENT]["status"] == "to mark by hand"

    frame = _open_submission(page, formgrader_lab)
    marks = ((f"textarea#{WRITTEN}-comment", "Right: one weight per feature."),
             (f"input.score#{WRITTEN}", "2"), (f"input#{WRITTEN}_extra_credit", "0.5"))
    for count, (field, value) in enumerate(marks, 1):
        frame.locator(field).fill(value)
        frame.locator(field).press("Tab")  # formgrader saves a field when it loses focus
        expected = ("Right: one weight per feature.", 2.0, 0.5)[:count]
        deadline = time.monotonic() + 60  # saved before the next field: a save redraws them
        while _saved_marks(out)[:count] != expected and time.monotonic() < deadline:
            time.sleep(0.3)
    assert _marks(out) == (2.0, 0.5, "Right: one weight per feature.", False)

    handed_back = out / "feedback" / STUDENT / DEMO_LESSON / "exercise.html"
    assert "From your instructor" not in handed_back.read_text()
    rebuilt = subprocess.run([sys.executable, "-m", "grading", "--feedback-only", "--out", out],
                             capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _feedback_shows_the_marks(handed_back.read_text())

    _grade(course, submitted, out)  # the same submission, graded again
    assert _feedback_shows_the_marks(handed_back.read_text())

    assert _marks(out) == (2.0, 0.5, "Right: one weight per feature.", False)
    row = rows(out)[STUDENT]
    assert (row["score"], row["max_score"], row["status"]) == ("7.5", "7", "graded")
    assert len(list(out.glob("grades-*.csv"))) == 1  # the first run's grades, kept and dated

    frame = _open_submission(page, formgrader_lab)
    assert frame.locator(f"input.score#{WRITTEN}").input_value() == "2"
    assert frame.locator(f"input#{WRITTEN}_extra_credit").input_value() == "0.5"
    assert frame.locator(f"textarea#{WRITTEN}-comment").input_value() == "Right: one weight per feature."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "formgrader-after-regrading.png"))


def test_a_changed_written_answer_asks_to_be_marked_again(graded):
    """The mark stays, but a new text needs a person's eyes again."""
    course, submitted, out = graded
    assert _marks(out)[0] == 2.0  # marked in the test above
    path = submitted / STUDENT / DEMO_LESSON / "exercise.ipynb"
    path.write_text(path.read_text().replace("The 10 counts", "I think the 10 counts", 1))
    _grade(course, submitted, out)
    manual, extra, comment, to_mark = _marks(out)
    assert (manual, extra, comment, to_mark) == (2.0, 0.5, "Right: one weight per feature.", True)
    assert rows(out)[STUDENT]["status"] == "to mark by hand"


def test_nbgraders_own_feedback_is_the_course_page(graded):
    """Formgrader's *Generate Feedback* (``nbgrader generate_feedback``) in the output folder
    writes the course's page, with the marks, and never the autograded notebook's hidden tests."""
    _, _, out = graded
    generated = subprocess.run([NBGRADER, "generate_feedback", DEMO_LESSON, "--force"], cwd=out,
                               capture_output=True, text=True, timeout=300)
    assert generated.returncode == 0, generated.stderr[-3000:]
    page = (out / "feedback" / STUDENT / DEMO_LESSON / "exercise.html").read_text()
    assert f"Student: <b>{STUDENT}</b>" in page and "From your instructor:" in page
    hidden = _hidden_test_lines()
    assert hidden and not [line for line in hidden if line in page]
