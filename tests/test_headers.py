"""Every notebook starts with the same header, made from course.toml (or the `origin` remote):
title, how to open that very notebook, what it teaches, and the Colab set-up cell. Published
(an address and a tag), the header has Colab and Binder buttons and a set-up cell pinned to
the tag; unpublished, neither. No notebook and no README links to a placeholder."""

import re
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import headers  # noqa: E402

NOTEBOOKS = sorted([*REPO.glob("solutions/*/*.ipynb"), *REPO.glob("notebooks/*/*.ipynb")])
PUBLISHED = {"repository": "https://github.com/someone/course", "ref": "v2026.1"}
UNPUBLISHED = {"repository": None, "ref": None}
PAGE = "notebooks/01-single-neuron/tutorial.ipynb"
LINK = re.compile(r"(?:https?://|git\+|git@)[^\s)\"'>\]]+")


def _links(text):
    return LINK.findall(text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(REPO)) for p in NOTEBOOKS])
def test_notebook_header(path):
    notebook = nbformat.read(path, as_version=4)
    title = notebook.cells[0]
    assert title.cell_type == "markdown"
    assert re.match(r"# Lesson \d\d · \S", title.source)
    assert headers.BUTTONS_MARK in title.source
    assert "**What you will learn**" in title.source
    assert notebook.cells[1].source.startswith(headers.COLAB_MARK)
    assert "session.start(seed=0)" in notebook.cells[2].source


def test_headers_are_up_to_date():
    for path, text in headers.rewrites(headers.course()):
        assert path.read_text() == text, f"{path}: run `make headers release`"


@pytest.mark.parametrize("path", [*NOTEBOOKS, REPO / "README.md"],
                         ids=[str(p.relative_to(REPO)) for p in [*NOTEBOOKS, REPO / "README.md"]])
def test_no_link_points_at_a_placeholder(path):
    for link in _links(path.read_text()):
        assert not any(p.lower() in link.lower() for p in headers.PLACEHOLDERS), \
            f"{path.name} links to a placeholder: {link}"


def test_published_headers_have_buttons_and_a_pinned_install():
    notebook = headers.with_header(nbformat.read(REPO / "solutions" / PAGE.split("/", 1)[1],
                                                 as_version=4), PAGE, PUBLISHED)
    title, setup = notebook.cells[0].source, notebook.cells[1].source
    assert "](https://colab.research.google.com/github/someone/course/blob/v2026.1/" + PAGE + ")" \
        in title
    assert "](https://mybinder.org/v2/gh/someone/course/v2026.1?urlpath=lab/tree/" + PAGE + ")" \
        in title
    assert '"intro-dl-helpers @ git+https://github.com/someone/course@v2026.1"' in setup
    assert headers.OPEN_FROM_CLONE not in title
    readme = headers.readme_badges((REPO / "README.md").read_text(), PUBLISHED)
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({headers.binder_url(PAGE, PUBLISHED)})" \
        in readme


def test_unpublished_headers_have_no_buttons_and_no_install_line():
    for settings in (UNPUBLISHED, {"repository": PUBLISHED["repository"], "ref": None}):
        notebook = headers.with_header(nbformat.read(REPO / "solutions" / PAGE.split("/", 1)[1],
                                                     as_version=4), PAGE, settings)
        title, setup = notebook.cells[0].source, notebook.cells[1].source
        assert headers.OPEN_FROM_CLONE in title and "make lab" in title
        assert _links(title) == [] and _links(setup) == []
        assert "pip" not in setup and "raise RuntimeError" in setup
        readme = headers.readme_badges((REPO / "README.md").read_text(), settings)
        assert "mybinder.org/v2" not in readme and "colab.research.google.com/github" not in readme


def test_the_address_comes_from_course_toml_else_from_a_github_origin(tmp_path):
    (tmp_path / "course.toml").write_text('[course]\nrepository = ""\nref = "v1.0"\n')
    git = ["git", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "--quiet"], check=True)
    assert headers.course(tmp_path) == {"repository": None, "ref": "v1.0"}
    subprocess.run([*git, "remote", "add", "origin", "/somewhere/local"], check=True)
    assert headers.course(tmp_path)["repository"] is None
    subprocess.run([*git, "remote", "set-url", "origin", "git@github.com:someone/course.git"],
                   check=True)
    assert headers.course(tmp_path) == {"repository": "https://github.com/someone/course",
                                        "ref": "v1.0"}
    (tmp_path / "course.toml").write_text(
        '[course]\nrepository = "https://github.com/other/fork"\nref = "v1.0"\n')
    assert headers.course(tmp_path)["repository"] == "https://github.com/other/fork"


@pytest.mark.parametrize("settings, complaint", [
    ({"repository": "https://example.org/x", "ref": "v1.0"}, "GitHub address"),
    ({"repository": "https://github.com/your-org/course", "ref": "v1.0"}, "GitHub address"),
    ({"repository": "https://github.com/someone/course", "ref": "main"}, "a branch moves"),
])
def test_a_placeholder_address_or_a_branch_is_refused(settings, complaint):
    with pytest.raises(ValueError, match=complaint):
        headers.check(settings)
