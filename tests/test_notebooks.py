"""Every solution notebook runs top to bottom, quietly, and every test in it passes."""

import functools

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import LESSONS, REPO

SOLUTIONS = [REPO / "solutions" / lesson / name
             for lesson in LESSONS for name in ("tutorial.ipynb", "exercise.ipynb")]
CELL_TIMEOUT = 120  # seconds


def execute(path):
    """Run a notebook in a fresh kernel, from its own folder, and return it with outputs."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


@functools.cache
def executed_solution(path):
    """Each solution notebook is run once and shared by the tests that read its outputs."""
    return execute(path)


def text_outputs(notebook):
    """What a notebook printed and displayed as text, cell by cell."""
    return [
        [output.get("text") or output.get("data", {}).get("text/plain")
         for output in cell.get("outputs", [])]
        for cell in notebook.cells
    ]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", SOLUTIONS, ids=[f"{p.parent.name}/{p.stem}" for p in SOLUTIONS])
def test_solution_notebook_runs_cleanly(path):
    """Runs with no error (so every visible and hidden test passes) and writes nothing to
    stderr (nbgrader would give a graded cell 0 points for it)."""
    notebook = executed_solution(path)
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index}: {output.get('evalue')}"
            if output.output_type == "stream":
                assert output.name != "stderr", f"cell {index} wrote to stderr: {output.text}"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", SOLUTIONS, ids=[f"{p.parent.name}/{p.stem}" for p in SOLUTIONS])
def test_solution_notebook_numbers_are_the_same_on_every_run(path):
    """Seeds are set: a second run prints exactly the same numbers as the first."""
    assert text_outputs(execute(path)) == text_outputs(executed_solution(path))
