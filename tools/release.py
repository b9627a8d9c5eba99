"""Regenerate the student notebooks (notebooks/) from the instructor ones (solutions/).

Runs ``nbgrader generate_assignment`` for every lesson, without touching a gradebook, so the
release is reproducible: the same solutions always give byte-identical notebooks.

With ``[release] model_answers = true`` in the course's ``course.toml``, a folded model
answer follows every written (hand-graded markdown) answer cell, for learners studying on
their own. Its text is that cell's reference answer in solutions/; the inserted cell carries
no nbgrader metadata, so nbgrader neither grades nor checks it. With ``false`` (or no such
setting) the release is nbgrader's alone, and no model answer is anywhere in it.

Usage: python tools/release.py [--course-dir DIR]
"""

import argparse
import pathlib
import subprocess
import sys
import tomllib

import nbformat

REPO = pathlib.Path(__file__).resolve().parent.parent
#: The tag of every inserted model-answer cell.
MODEL_ANSWER_TAG = "model-answer"
MODEL_ANSWER_SUMMARY = "Model answer: open it after writing your own"


def lessons(course_dir):
    """The lesson folders of ``course_dir/solutions``, in order."""
    return sorted(p.name for p in (course_dir / "solutions").iterdir() if p.is_dir())


def model_answers_enabled(course_dir):
    """The ``[release] model_answers`` setting of ``course_dir/course.toml`` (off if absent)."""
    path = course_dir / "course.toml"
    settings = tomllib.loads(path.read_text()) if path.exists() else {}
    value = settings.get("release", {}).get("model_answers", False)
    if not isinstance(value, bool):
        raise ValueError(f"course.toml: [release] model_answers must be true or false, not {value!r}")
    return value


def is_written_answer(cell):
    """A markdown answer cell graded by hand."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "markdown" and bool(meta.get("grade")) and bool(meta.get("solution"))


def model_answer_cell(grade_id, text):
    """A folded markdown cell showing ``text``, the reference answer of ``grade_id``."""
    cell = nbformat.v4.new_markdown_cell(
        f"<details><summary><b>{MODEL_ANSWER_SUMMARY}</b></summary>\n\n"
        f"{text.strip()}\n\n"
        "*One good answer among many: compare the ideas, not the words.*\n"
        "</details>",
        metadata={"tags": [MODEL_ANSWER_TAG]})
    cell.id = f"model-answer-{grade_id}"
    return cell


def add_model_answers(source_path, released_path):
    """Insert a model answer after every written answer cell of a released notebook."""
    references = {c.metadata.nbgrader["grade_id"]: c.source
                  for c in nbformat.read(source_path, as_version=4).cells if is_written_answer(c)}
    if not references:
        return
    notebook = nbformat.read(released_path, as_version=4)
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if is_written_answer(cell):
            grade_id = cell.metadata.nbgrader["grade_id"]
            cells.append(model_answer_cell(grade_id, references[grade_id]))
    notebook.cells = cells
    nbformat.write(notebook, released_path)


def release(course_dir):
    """Generate ``course_dir/notebooks/<lesson>/`` for every lesson in ``course_dir/solutions``."""
    nbgrader = pathlib.Path(sys.executable).with_name("nbgrader")
    with_model_answers = model_answers_enabled(course_dir)
    for lesson in lessons(course_dir):
        subprocess.run(
            [str(nbgrader), "generate_assignment", lesson, "--force", "--no-db",
             "--log-level=ERROR", f"--course-dir={course_dir}"],
            cwd=course_dir, check=True,
        )
        if with_model_answers:
            for source in sorted((course_dir / "solutions" / lesson).glob("*.ipynb")):
                add_model_answers(source, course_dir / "notebooks" / lesson / source.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course-dir", type=pathlib.Path, default=REPO,
                        help="a folder holding solutions/, course.toml and nbgrader_config.py")
    release(parser.parse_args().course_dir.resolve())


if __name__ == "__main__":
    main()
