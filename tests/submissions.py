"""Build student submissions from the release: answered with the reference solutions,
left untouched, or with chosen answers replaced."""

import re

import nbformat

from tests.conftest import REPO

_DELIMITER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.MULTILINE)


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def reference_answers(lesson, notebook="exercise"):
    """The reference answer of every solution cell, as a learner would type it."""
    source = nbformat.read(REPO / "solutions" / lesson / f"{notebook}.ipynb", as_version=4)
    return {
        _grade_id(cell): _DELIMITER.sub("", cell.source).strip()
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def released(lesson, notebook="exercise"):
    """The student version of a notebook, as released in notebooks/."""
    return nbformat.read(REPO / "notebooks" / lesson / f"{notebook}.ipynb", as_version=4)


def answered(lesson, notebook="exercise", replace=None):
    """The released notebook with every answer cell filled in.

    Args:
        lesson: the lesson folder, e.g. ``"01-single-neuron"``.
        notebook: the notebook's name without ``.ipynb``.
        replace: answers to use instead of the reference ones, by grade_id.
    """
    answers = {**reference_answers(lesson, notebook), **(replace or {})}
    student = released(lesson, notebook)
    for cell in student.cells:
        if _grade_id(cell) in answers and cell.metadata["nbgrader"].get("solution"):
            cell.source = answers[_grade_id(cell)]
    return student


# The demo class graded by `make grade` with no arguments (grading/demo/submitted/).
DEMO_LESSON = "01-single-neuron"
DEMO_CLASS = {
    "ada": {},  # the reference answers
    "grace": {  # different, equally correct answers (and the old input_shape= form)
        "answer_input_shape": "input_shape = [10]",
        "answer_linear_model": "model = keras.Sequential([layers.Dense(1, input_shape=input_shape)])",
        "answer_weights": "w, b = model.get_weights()",
        "answer_untrained_output": (
            "x = np.linspace(-1.0, 1.0, 100).reshape(-1, 1)  # 100 examples of one feature each\n"
            "one_input_model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])\n"
            "y = one_input_model(x)"),
        "written_kernel_shape": "One weight for each of the 10 features, for 1 output unit; "
                                "they are random until training.",
    },
    "alan": {  # partly wrong: a ReLU unit, and predictions for only ten inputs
        "answer_linear_model": (
            "model = keras.Sequential([keras.Input(shape=input_shape), "
            "layers.Dense(1, activation='relu')])"),
        "answer_untrained_output": (
            "x = np.linspace(-1.0, 1.0, 100).reshape(-1, 1)  # 100 examples of one feature each\n"
            "one_input_model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])\n"
            "y = one_input_model.predict(x[:10], verbose=0)"),
    },
    "barbara": None,  # the release, untouched
    "edsger": {  # answers that raise: a typo, then a name that was never defined
        "answer_linear_model": "model = keras.Sequental([keras.Input(shape=input_shape), layers.Dense(1)])",
        "answer_weights": "w, b = modle.weights",
    },
}


#: The demo class's autograded points out of 5 (the written question waits for a person).
#: Plain `nbgrader autograde` and `make grade` must both give these.
DEMO_AUTOGRADED = {"ada": 5, "grace": 5, "alan": 2, "barbara": 0, "edsger": 2}


def write_demo_class(submitted):
    """Write the demo class in nbgrader's layout under ``submitted``."""
    for student, answers in DEMO_CLASS.items():
        notebook = released(DEMO_LESSON) if answers is None else answered(DEMO_LESSON, replace=answers)
        path = submitted / student / DEMO_LESSON / "exercise.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
