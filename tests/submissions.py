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
