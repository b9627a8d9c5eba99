"""A real nbgrader course: release, submit as students, autograde, read the gradebook."""

import pathlib
import shutil
import subprocess
from dataclasses import dataclass

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.conftest import LESSONS, REPO
from tests.submissions import (DEMO_AUTOGRADED, DEMO_LESSON, answered, released,
                               write_demo_class)

# One mistake that must cost exactly one question's points: in the first lesson, in the one
# whose questions build on each other (04) and in the last. The answer corpus shows the same
# for every question of every lesson, through the judges.
ONE_MISTAKE = {
    "01-single-neuron": ("weights_come_from_model", {"answer_weights": "b, w = model.weights"}),
    "04-overfitting-and-underfitting": ("early_stopping_settings", {
        "answer_early_stopping": (
            "early_stopping = keras.callbacks.EarlyStopping(min_delta=0.001, patience=5)"
        ),
    }),
    "07-handwritten-digits": ("predicted_digit_is_argmax", {
        "answer_prediction": "predicted_digit = probability_model(x_test[:1]).numpy()",
    }),
}

STUDENTS = {
    "reference": lambda lesson: answered(lesson),
    "untouched": lambda lesson: released(lesson),
    "one_mistake": lambda lesson: answered(lesson, replace=ONE_MISTAKE[lesson][1]),
}
DEMO = ("grace", "alan", "edsger")  # the demo class's other students (ada and barbara are above)


@dataclass
class GradedCourse:
    """A graded course folder and its scores: (student, lesson) -> grade_id -> (auto, max)."""

    folder: pathlib.Path
    scores: dict

    def __getitem__(self, student_and_lesson):
        return self.scores[student_and_lesson]

    def executed(self, student, lesson):
        """The notebook nbgrader executed for a student, with its outputs."""
        path = self.folder / "autograded" / student / lesson / "exercise.ipynb"
        return nbformat.read(path, as_version=4)


def autograded(scores):
    """The questions nbgrader scored itself (those graded by hand have no auto score)."""
    return {name: score for name, score in scores.items() if score[0] is not None}


def nbgrader(course, *args):
    subprocess.run(["nbgrader", *args, "--log-level=ERROR"], cwd=course, check=True)


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A course directory whose three students' exercises have been autograded."""
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "solutions", course / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", course)
    for lesson in LESSONS:
        nbgrader(course, "generate_assignment", lesson, "--force")
        for student, make in STUDENTS.items():
            if student == "one_mistake" and lesson not in ONE_MISTAKE:
                continue
            folder = course / "submitted" / student / lesson
            folder.mkdir(parents=True)
            nbformat.write(make(lesson), folder / "exercise.ipynb")
        if lesson == DEMO_LESSON:
            write_demo_class(course / "demo")
            for student in DEMO:
                shutil.copytree(course / "demo" / student, course / "submitted" / student)
        nbgrader(course, "autograde", lesson, "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {
            (student, lesson): {
                grade.name: (grade.auto_score, grade.max_score)
                for grade in gradebook.find_submission_notebook(
                    "exercise", lesson, student).grades
            }
            for student in STUDENTS for lesson in LESSONS
            if student != "one_mistake" or lesson in ONE_MISTAKE
        }
        scores.update({
            (student, DEMO_LESSON): {
                grade.name: (grade.auto_score, grade.max_score)
                for grade in gradebook.find_submission_notebook(
                    "exercise", DEMO_LESSON, student).grades}
            for student in DEMO})
    yield GradedCourse(course, scores)


@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_reference_solutions_get_full_marks(graded_course, lesson):
    scores = autograded(graded_course["reference", lesson])
    assert scores, "no autograded question found"
    assert {name: auto for name, (auto, _) in scores.items()} == \
        {name: full for name, (_, full) in scores.items()}


@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_untouched_release_gets_zero(graded_course, lesson):
    assert all(auto == 0 for auto, _ in autograded(graded_course["untouched", lesson]).values())


@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", ONE_MISTAKE)
def test_one_mistake_loses_exactly_that_question(graded_course, lesson):
    wrong_question = ONE_MISTAKE[lesson][0]
    for name, (auto, full) in autograded(graded_course["one_mistake", lesson]).items():
        assert auto == (0 if name == wrong_question else full), name


@pytest.mark.nbgrader
def test_plain_nbgrader_grades_honest_work_as_make_grade_does(graded_course):
    """The demo class's honest answers, right, wrong and broken, get the points that
    `make grade` gives them (tests/test_grading.py asserts the same numbers)."""
    names = {"ada": "reference", "barbara": "untouched"}
    for student, points in DEMO_AUTOGRADED.items():
        scores = autograded(graded_course[names.get(student, student), DEMO_LESSON])
        assert sum(auto for auto, _ in scores.values()) == points, student


@pytest.mark.nbgrader
def test_written_question_waits_for_manual_grading(graded_course):
    auto, full = graded_course["reference", "01-single-neuron"]["written_kernel_shape"]
    assert auto is None and full == 2  # no automatic score: an instructor grades it


@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_untouched_release_reports_not_attempted(graded_course, lesson):
    """A learner who runs the released exercise without answering sees 'Not attempted yet'
    under every question, not a NameError."""
    notebook = graded_course.executed("untouched", lesson)
    checks = [cell for cell in notebook.cells if ".check()" in cell.source]
    assert checks
    for cell in checks:
        shown = [o["data"]["text/html"] for o in cell.outputs if o.output_type == "display_data"]
        assert len(shown) == 1 and "Not attempted yet" in shown[0], cell.source
        (error,) = [o for o in cell.outputs if o.output_type == "error"]
        assert error.ename == "CheckFailed"
