"""Write the same header into every notebook in solutions/, and the README's badges.

The header is the first two cells: a markdown cell with the title, how to open this very
notebook, and what it teaches; then a code cell for Colab. The title and the "what you will
learn" text stay as the author wrote them; the rest is rewritten.

Where the course is published depends on two things: its public GitHub address (course.toml's
`repository`, else the `origin` git remote when that is on GitHub) and the tag it is published
at (course.toml's `ref`). With both, the header has "Open in Colab" and "Binder" buttons for
that tag, and on Colab the set-up cell installs the helpers package from that tag. Without
them, it has no buttons and no install line, only how to open the course from a clone.

Usage: python tools/headers.py [--check]   (--check: exit 1 if a notebook is out of date)
"""

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
BUTTONS_MARK = "<!-- course-buttons -->"
BADGES_MARK = "<!-- course-badges: written by `make headers` from course.toml -->"
COLAB_MARK = "# Colab set-up"
GITHUB = re.compile(r"(?:https://github\.com/|git@github\.com:)([\w.-]+/[\w.-]+?)(?:\.git)?/?")
# A tag such as v1.0 or 2026.1, or a full commit hash; never a branch, which moves.
PINNED = re.compile(r"v?\d+(\.\d+)*([.-]\w+)*|[0-9a-f]{40}")
PLACEHOLDERS = ("your-org", "example.com", "example.org", "<owner>", "OWNER/")
OPEN_FROM_CLONE = ("To work through this notebook, clone the course and run `make lab` in its "
                   "folder (see *Start* in the course's README).")


def origin(root=REPO):
    """The ``origin`` remote of the git checkout at ``root`` if it is on GitHub, else None."""
    found = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                           capture_output=True, text=True)
    match = GITHUB.fullmatch(found.stdout.strip())
    return f"https://github.com/{match.group(1)}" if found.returncode == 0 and match else None


def course(root=REPO):
    """Where the course is published: ``{"repository": URL or None, "ref": tag or None}``."""
    table = tomllib.loads((root / "course.toml").read_text()).get("course", {})
    settings = {"repository": table.get("repository") or origin(root), "ref": table.get("ref")}
    check(settings)
    return settings


def check(settings):
    """Refuse an address that is not a real GitHub repository, or a ref that is not pinned."""
    repository, ref = settings.get("repository"), settings.get("ref")
    if repository and (not GITHUB.fullmatch(repository)
                       or any(p in repository for p in PLACEHOLDERS)):
        raise ValueError(f"course.toml: repository must be the course's GitHub address, "
                         f"not {repository!r}")
    if ref and not PINNED.fullmatch(ref):
        raise ValueError(f"course.toml: ref must be a tag (such as v1.0) or a commit hash, not "
                         f"{ref!r}: a branch moves, and old copies of a notebook would get "
                         "newer helpers")


def published(settings):
    return bool(settings.get("repository") and settings.get("ref"))


def _github_path(settings):
    return GITHUB.fullmatch(settings["repository"]).group(1)


def colab_url(notebook, settings):
    """Open ``notebooks/<lesson>/<name>`` of the published tag in Colab."""
    return (f"https://colab.research.google.com/github/{_github_path(settings)}/blob/"
            f"{settings['ref']}/{notebook}")


def binder_url(notebook, settings):
    """Open ``notebook`` of the published tag in JupyterLab on mybinder.org."""
    return (f"https://mybinder.org/v2/gh/{_github_path(settings)}/{settings['ref']}"
            f"?urlpath=lab/tree/{notebook}")


def install_spec(settings):
    """What pip installs on Colab: the helpers package of the published tag."""
    return f"intro-dl-helpers @ git+{settings['repository']}@{settings['ref']}"


def buttons(notebook, settings):
    if not published(settings):
        return f"{BUTTONS_MARK}\n{OPEN_FROM_CLONE}"
    return (f"{BUTTONS_MARK}\n"
            f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(notebook, settings)}) "
            f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(notebook, settings)})")


def colab_cell_source(settings):
    if not published(settings):
        return (
            f"{COLAB_MARK}: this copy of the course is not published, so on Google Colab it cannot\n"
            "# install the course's helpers. Elsewhere it does nothing.\n"
            "try:\n"
            "    import google.colab  # noqa: F401  (only Colab has it)\n"
            "except ImportError:\n"
            "    pass\n"
            "else:\n"
            "    raise RuntimeError(\n"
            "        \"This copy of the course has no public address, so Colab cannot install its \"\n"
            "        \"helpers. To work through this notebook, clone the course and run `make lab` in \"\n"
            "        \"its folder (see *Start* in the course's README).\")"
        )
    return (
        f"{COLAB_MARK}: on Google Colab this installs the course's helpers ({settings['ref']}), which\n"
        "# hold the lessons' data; Colab's own TensorFlow, Keras, NumPy and pandas stay as they are.\n"
        "# Elsewhere it does nothing.\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        "try:\n"
        "    import google.colab  # noqa: F401  (only Colab has it)\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        f"    HELPERS = \"{install_spec(settings)}\"\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", HELPERS], check=True)"
    )


def with_header(notebook, released_path, settings):
    """``notebook`` with its buttons and Colab cell made from ``settings``."""
    title_cell = notebook.cells[0]
    lines = [line for line in title_cell.source.split("\n\n")
             if not line.startswith(BUTTONS_MARK)]
    title, rest = lines[0], lines[1:]
    title_cell.source = "\n\n".join([title, buttons(released_path, settings), *rest])
    colab = nbformat.v4.new_code_cell(colab_cell_source(settings))
    colab["id"] = "colab-setup"
    if notebook.cells[1].source.startswith(COLAB_MARK):
        notebook.cells[1] = colab
    else:
        notebook.cells.insert(1, colab)
    return notebook


def readme_badges(readme, settings):
    """``readme`` with the paragraph after BADGES_MARK made from ``settings``: Colab and
    Binder badges for the first lesson when published, nothing otherwise."""
    first = "notebooks/01-single-neuron/tutorial.ipynb"
    badges = f"\n{buttons(first, settings).split(chr(10), 1)[1]}" if published(settings) else ""
    paragraph = re.compile(re.escape(BADGES_MARK) + r"[^\n]*(\n[^\n]+)*")
    if not paragraph.search(readme):
        raise ValueError(f"README.md has no line {BADGES_MARK!r}")
    return paragraph.sub(lambda _: BADGES_MARK + badges, readme, count=1)


def notebooks():
    """Every solutions notebook, with the path of its released copy."""
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        yield path, f"notebooks/{path.parent.name}/{path.name}"


def rewrites(settings):
    """Every notebook and the README, each with its text as ``settings`` make it."""
    for path, released in notebooks():
        notebook = with_header(nbformat.read(path, as_version=4), released, settings)
        yield path, nbformat.writes(notebook) + "\n"
    readme = REPO / "README.md"
    yield readme, readme_badges(readme.read_text(), settings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    check_only = parser.parse_args().check
    settings = course()
    if not published(settings):
        missing = "tag (ref)" if settings["repository"] else "public GitHub address"
        print(f"course.toml gives no {missing}: headers without Colab or Binder buttons.")
    stale = {path: text for path, text in rewrites(settings) if path.read_text() != text}
    if check_only and stale:
        print("Out of date (run `make headers release`): " + ", ".join(map(str, stale)))
        sys.exit(1)
    for path, text in stale.items():
        path.write_text(text)


if __name__ == "__main__":
    main()
