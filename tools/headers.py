"""Write the same header into every notebook in solutions/, from course.toml.

The header is the first two cells: a markdown cell with the title, "Open in Colab" and
"Binder" buttons for this very notebook, and what the notebook teaches; then a code cell
that, on Colab only, installs the course's helpers package. The title and the "what you will
learn" text stay as the author wrote them; the buttons and the set-up cell are rewritten.

Usage: python tools/headers.py [--check]   (--check: exit 1 if a notebook is out of date)
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
BUTTONS_MARK = "<!-- course-buttons -->"
COLAB_MARK = "# Colab set-up"


def course():
    """The [course] table of course.toml."""
    return tomllib.loads((REPO / "course.toml").read_text())["course"]


def _github_path(settings):
    match = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(\.git)?/?", settings["repository"])
    if not match:
        raise ValueError(f"course.toml: repository must be a GitHub address, not {settings['repository']!r}")
    return match.group(1)


def colab_url(notebook, settings=None):
    """Open ``notebooks/<lesson>/<name>`` of the public repository in Colab."""
    settings = settings or course()
    return (f"https://colab.research.google.com/github/{_github_path(settings)}/blob/"
            f"{settings['branch']}/{notebook}")


def binder_url(notebook, settings=None):
    """Open ``notebook`` in JupyterLab on mybinder.org, in the environment.yml environment."""
    settings = settings or course()
    return (f"https://mybinder.org/v2/gh/{_github_path(settings)}/{settings['branch']}"
            f"?urlpath=lab/tree/{notebook}")


def install_spec(settings=None):
    """What pip installs on Colab: the helpers package straight from the repository."""
    settings = settings or course()
    return f"intro-dl-helpers @ git+{settings['repository']}@{settings['branch']}"


def buttons(notebook, settings=None):
    return (f"{BUTTONS_MARK}\n"
            f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(notebook, settings)}) "
            f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(notebook, settings)})")


def colab_cell_source(settings=None):
    return (
        f"{COLAB_MARK}: on Google Colab this installs the course's helpers and their data\n"
        "# packages (Colab's own TensorFlow and Keras stay as they are). Elsewhere it does nothing.\n"
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


def with_header(notebook, released_path, settings=None):
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


def notebooks():
    """Every solutions notebook, with the path of its released copy."""
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        yield path, f"notebooks/{path.parent.name}/{path.name}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    stale = []
    check = parser.parse_args().check
    for path, released in notebooks():
        text = path.read_text()
        notebook = with_header(nbformat.reads(text, as_version=4), released)
        new = nbformat.writes(notebook) + "\n"
        if new != text:
            stale.append(path)
            if not check:
                path.write_text(new)
    if check and stale:
        print("Out of date (run `make headers release`): " + ", ".join(map(str, stale)))
        sys.exit(1)


if __name__ == "__main__":
    main()
