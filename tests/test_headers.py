"""Every notebook starts with the same header, made from course.toml (the one place for the
course's address): title, Colab and Binder buttons for that very notebook, what it teaches,
and the Colab set-up cell. The README's Binder badge comes from the same place."""

import re
import sys

import nbformat
import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import headers  # noqa: E402

NOTEBOOKS = sorted([*REPO.glob("solutions/*/*.ipynb"), *REPO.glob("notebooks/*/*.ipynb")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(REPO)) for p in NOTEBOOKS])
def test_notebook_header(path):
    notebook = nbformat.read(path, as_version=4)
    released = f"notebooks/{path.parent.name}/{path.name}"
    title = notebook.cells[0]
    assert title.cell_type == "markdown"
    assert re.match(r"# Lesson \d\d · \S", title.source)
    assert f"]({headers.colab_url(released)})" in title.source
    assert f"]({headers.binder_url(released)})" in title.source
    assert "**What you will learn**" in title.source
    assert notebook.cells[1].source == headers.colab_cell_source()
    assert "session.start(seed=0)" in notebook.cells[2].source


def test_headers_are_up_to_date():
    for path, released in headers.notebooks():
        text = path.read_text()
        assert nbformat.writes(headers.with_header(nbformat.reads(text, as_version=4), released)) + "\n" \
            == text, f"{path}: run `make headers release`"


def test_addresses_come_from_course_toml():
    settings = {"repository": "https://github.com/someone/course", "branch": "spring"}
    page = "notebooks/01-single-neuron/tutorial.ipynb"
    assert headers.colab_url(page, settings) == \
        "https://colab.research.google.com/github/someone/course/blob/spring/" + page
    assert headers.binder_url(page, settings) == \
        "https://mybinder.org/v2/gh/someone/course/spring?urlpath=lab/tree/" + page
    assert "git+https://github.com/someone/course@spring" in headers.colab_cell_source(settings)
    with pytest.raises(ValueError, match="GitHub"):
        headers.colab_url(page, {"repository": "https://example.org/x", "branch": "main"})


def test_readme_binder_badge_opens_the_first_lesson():
    readme = (REPO / "README.md").read_text()
    first = "notebooks/01-single-neuron/tutorial.ipynb"
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({headers.binder_url(first)})" in readme
