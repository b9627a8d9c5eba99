"""Model answers for self-study: on, every written question is followed by its folded
reference answer from solutions/; off, no model answer is anywhere in notebooks/.
Either way the release stays a valid nbgrader release."""

import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import REPO
from tests.submissions import answered

sys.path.insert(0, str(REPO / "tools"))
import release  # noqa: E402

SOURCES = sorted(REPO.glob("solutions/*/*.ipynb"))


def _written_answers(path):
    """grade_id -> reference text of every written answer cell of a solutions notebook."""
    return {c.metadata.nbgrader["grade_id"]: c.source
            for c in nbformat.read(path, as_version=4).cells if release.is_written_answer(c)}


def _is_model_answer(cell):
    return release.MODEL_ANSWER_TAG in cell.metadata.get("tags", [])


def _without_model_answers(notebook):
    notebook.cells = [c for c in notebook.cells if not _is_model_answer(c)]
    return notebook


def _sentences(text):
    """The reference text's sentences: none of them may be shown when model answers are off."""
    return [s.strip() for s in text.replace("\n", " ").split(". ") if len(s.strip()) > 20]


def test_the_course_setting_is_read_strictly(tmp_path):
    assert release.model_answers_enabled(tmp_path) is False  # no course.toml: off
    (tmp_path / "course.toml").write_text("[release]\nmodel_answers = true\n")
    assert release.model_answers_enabled(tmp_path) is True
    (tmp_path / "course.toml").write_text('[release]\nmodel_answers = "no"\n')
    with pytest.raises(ValueError, match="true or false"):
        release.model_answers_enabled(tmp_path)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_on_every_written_question_has_its_model_answer(tmp_path, source):
    """nbgrader's release (the committed one without model answers) with model answers
    added: each written answer cell is followed by a folded cell holding its reference text,
    with no nbgrader metadata; the committed release is exactly this when the course says on."""
    committed = REPO / "notebooks" / source.parent.name / source.name
    path = tmp_path / source.name
    nbformat.write(_without_model_answers(nbformat.read(committed, as_version=4)), path)
    release.add_model_answers(source, path)
    cells = nbformat.read(path, as_version=4).cells

    written = _written_answers(source)
    shown = {}
    for cell, after in zip(cells, cells[1:]):
        if release.is_written_answer(cell):
            assert _is_model_answer(after), f"{cell.metadata.nbgrader['grade_id']}: no model answer after it"
            shown[cell.metadata.nbgrader["grade_id"]] = after
    assert shown.keys() == written.keys()
    for grade_id, cell in shown.items():
        assert cell.cell_type == "markdown" and "nbgrader" not in cell.metadata
        assert cell.source.startswith("<details>") and cell.source.endswith("</details>")
        assert written[grade_id].strip() in cell.source
    assert sum(map(_is_model_answer, cells)) == len(written)
    if release.model_answers_enabled(REPO):
        assert path.read_bytes() == committed.read_bytes()


def test_the_release_has_written_questions_to_answer():
    """The mechanism is not vacuous: the exercises do have written questions."""
    assert sum(len(_written_answers(p)) for p in SOURCES) >= 8


@pytest.mark.nbgrader
def test_off_no_model_answer_anywhere_in_the_release(tmp_path):
    """`make release` with model_answers = false: the release is nbgrader's alone, the
    committed one without its model-answer cells, and holds no sentence of any reference
    written answer."""
    shutil.copytree(REPO / "solutions", tmp_path / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    settings = (REPO / "course.toml").read_text()
    assert "model_answers = true" in settings or "model_answers = false" in settings
    (tmp_path / "course.toml").write_text(settings.replace("model_answers = true", "model_answers = false"))
    subprocess.run([sys.executable, str(REPO / "tools" / "release.py"), f"--course-dir={tmp_path}"],
                   check=True)

    files = sorted(p for p in (tmp_path / "notebooks").rglob("*") if p.is_file())
    released_text = "\n".join(p.read_text() for p in files)  # every file, as stored
    released_text += "\n".join(c.source for p in files if p.suffix == ".ipynb"  # and unescaped
                               for c in nbformat.read(p, as_version=4).cells)
    assert release.MODEL_ANSWER_TAG not in released_text
    assert release.MODEL_ANSWER_SUMMARY not in released_text
    sentences = [s for p in SOURCES for text in _written_answers(p).values() for s in _sentences(text)]
    assert sentences
    leaked = [s for s in sentences if s in released_text]
    assert not leaked, f"reference answers in the release: {leaked}"

    for source in SOURCES:
        fresh = tmp_path / "notebooks" / source.parent.name / source.name
        committed = REPO / "notebooks" / source.parent.name / source.name
        assert nbformat.read(fresh, as_version=4) == _without_model_answers(
            nbformat.read(committed, as_version=4)), f"{committed} differs beyond its model answers"


@pytest.mark.nbgrader
def test_nbgrader_validates_a_release_with_model_answers(tmp_path):
    """nbgrader's own validation passes an answered release that holds a model answer."""
    notebook = answered("01-single-neuron")
    assert any(map(_is_model_answer, notebook.cells))
    path = tmp_path / "exercise.ipynb"
    nbformat.write(notebook, path)
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    nbgrader = pathlib.Path(sys.executable).with_name("nbgrader")
    result = subprocess.run([str(nbgrader), "validate", str(path)],
                            cwd=tmp_path, capture_output=True, text=True)
    assert "Success! Your notebook passes all the tests." in result.stdout, result.stdout + result.stderr
