"""notebooks/ is exactly nbgrader's release of solutions/ (with the model answers course.toml asks
for), without solutions or outputs."""

import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import LESSONS, REPO
from tests.submissions import reference_answers

sys.path.insert(0, str(REPO / "tools"))
from release import MODEL_ANSWER_TAG  # noqa: E402

RELEASED = sorted((REPO / "notebooks").glob("*/*.ipynb"))


def _nbgrader_cells(path):
    notebook = nbformat.read(path, as_version=4)
    return [c for c in notebook.cells if "nbgrader" in c.metadata]


@pytest.mark.nbgrader
def test_release_is_what_nbgrader_generates_from_solutions(tmp_path):
    shutil.copytree(REPO / "solutions", tmp_path / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    shutil.copy(REPO / "course.toml", tmp_path)  # its [release] model_answers setting
    subprocess.run([sys.executable, str(REPO / "tools" / "release.py"),
                    f"--course-dir={tmp_path}"], check=True)
    generated = sorted((tmp_path / "notebooks").glob("*/*.ipynb"))
    assert [p.relative_to(tmp_path) for p in generated] == [p.relative_to(REPO) for p in RELEASED]
    for fresh, committed in zip(generated, RELEASED):
        assert fresh.read_bytes() == committed.read_bytes(), (
            f"{committed.relative_to(REPO)} is out of date: run `make release`")


def test_every_lesson_is_released():
    assert [p.parent.name for p in RELEASED[::2]] == LESSONS
    assert {p.name for p in RELEASED} == {"tutorial.ipynb", "exercise.ipynb"}


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_release_holds_no_solution_and_no_hidden_test(path):
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
        assert marker not in text
    notebook = nbformat.read(path, as_version=4)
    # written answers' reference text is shown, by design, in the model-answer cells only
    released_source = "\n".join(cell.source for cell in notebook.cells
                                if MODEL_ANSWER_TAG not in cell.metadata.get("tags", []))
    for grade_id, answer in reference_answers(path.parent.name, path.stem).items():
        solution_lines = [line for line in answer.splitlines()
                          if line.strip() and line not in released_source]
        assert solution_lines, f"{grade_id}: the release shows the whole reference answer"
    assert "_reference" not in released_source and "_probe" not in released_source


def test_no_committed_notebook_has_outputs():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    assert tracked, "no notebook is tracked by git"
    for name in tracked:
        for cell in json.loads((REPO / name).read_text())["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, name


@pytest.mark.parametrize("lesson", LESSONS)
def test_graded_cells_are_documented_named_and_scored(lesson):
    cells = _nbgrader_cells(REPO / "solutions" / lesson / "exercise.ipynb")
    grade_ids = [c.metadata.nbgrader["grade_id"] for c in cells]
    assert len(grade_ids) == len(set(grade_ids)), "grade_ids must be unique"
    tests = [c for c in cells if c.metadata.nbgrader.get("grade") and c.cell_type == "code"]
    assert tests, "an exercise needs graded test cells"
    for cell in tests:
        meta = cell.metadata.nbgrader
        assert cell.source.startswith('"""'), f"{meta['grade_id']}: start with a docstring"
        assert meta["points"] > 0
        assert "BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']}: no hidden tests"
        assert ".check()" in cell.source, f"{meta['grade_id']}: no visible check"
        assert "_" in meta["grade_id"] and not meta["grade_id"].startswith("cell-")


def test_lesson_01_has_a_written_question_graded_by_hand():
    cells = _nbgrader_cells(REPO / "solutions" / "01-single-neuron" / "exercise.ipynb")
    written = [c for c in cells if c.cell_type == "markdown" and c.metadata.nbgrader["grade"]]
    assert len(written) == 1 and written[0].metadata.nbgrader["solution"]
    assert written[0].metadata.nbgrader["points"] > 0
