"""The Colab path with Colab's own versions, and self-study without nbgrader.

A fresh virtualenv gets Colab's versions of what the course uses there and of their
dependencies (tests/colab/colab-packages.txt, from googlecolab/backend-info; written by
tools/colab_packages.py) and a stand-in ``google.colab`` package. Two differences from Colab,
both forced: Python is 3.11 (Colab's is 3.13; this machine has only 3.11 and downloads no
interpreter; every pinned version has 3.11 wheels), and TensorFlow is ``tensorflow-cpu`` at
Colab's version (the same code without the CUDA build: a 246 MB wheel, not 591 MB). uv
builds the virtualenv from its cache (~/.cache/uv, shared with the Binder test): after
the first run, in about half a minute.

Every exercise, with its reference answers, then runs there from its first cell: the header's
Colab set-up cell, as `make headers` writes it for a published course, installs a wheel of
the helpers in place of the tagged GitHub address; afterwards every visible check says
Correct, and `pip freeze` shows only the helpers added, nothing Colab ships changed (least of
all TensorFlow and Keras). nbgrader is not installed there. The kernel has no network, like
the other notebook tests, so lesson 07 uses its 5,000 offline digits.
"""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import LESSONS, REPO
from tests.kernels import run_in, verdicts
from tests.submissions import answered

pytestmark = pytest.mark.colab

sys.path.insert(0, str(REPO / "tools"))
import headers  # noqa: E402

COLAB_PACKAGES = REPO / "tests" / "colab" / "colab-packages.txt"
UV = Path(sys.executable).with_name("uv")  # the developer set's; its cache is ~/.cache/uv
PUBLISHED = {"repository": "https://github.com/someone/course", "ref": "v1.0"}


def pins(lines):
    """name -> version (or ``@ source``) of pip freeze lines, names normalized."""
    found = {}
    for line in lines:
        line = line.split("  #")[0].strip()
        if line.startswith("#") or not ("==" in line or " @ " in line):
            continue
        name, version = line.split(" @ " if " @ " in line else "==", 1)
        found[name.lower().replace("_", "-")] = version
    return found


COLAB = pins(COLAB_PACKAGES.read_text().splitlines())
# tensorflow-cpu: the same TensorFlow without the CUDA build.
TO_INSTALL = [f"{'tensorflow-cpu' if name == 'tensorflow' else name}=={version}"
              for name, version in COLAB.items()]


def run(*command):
    return subprocess.run([str(part) for part in command], check=True, capture_output=True,
                          text=True)


def installed(python):
    return pins(run(python, "-m", "pip", "freeze", "--all").stdout.splitlines())


def untouched_since(site):
    """When each installed distribution's files were last written, but the helpers': a
    reinstall at the same version shows here, not in ``pip freeze``."""
    return {path.name: path.stat().st_mtime_ns for path in site.glob("*.dist-info")
            if not path.name.startswith("intro_dl_helpers-")}


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A virtualenv with Colab's versions and google.colab, and a wheel of the helpers."""
    folder = tmp_path_factory.mktemp("colab")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", folder / "wheels",
        REPO)
    env = folder / "env"
    run(UV, "venv", "--quiet", "--python", sys.executable, env)
    run(UV, "pip", "install", "--quiet", "--python", env / "bin" / "python", *TO_INSTALL)
    fake = folder / "fake-colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('"""Stands in for Colab\'s google.colab package."""\n')
    python = env / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    (Path(site) / "fake_colab.pth").write_text(str(folder / "fake-colab") + "\n")
    return python, next((folder / "wheels").glob("intro_dl_helpers-*.whl")), Path(site)


def test_the_environment_has_colabs_versions(colab):
    python, _, _ = colab
    have = installed(python)
    assert have["tensorflow-cpu"] == COLAB["tensorflow"]
    for name, version in COLAB.items():
        if name != "tensorflow":
            assert have.get(name) == version, name
    assert "intro-dl-helpers" not in have and "nbgrader" not in have


def _check_cells(notebook):
    """How many visible checks the notebook has (nbgrader's autograder test cells)."""
    return sum(1 for cell in notebook.cells
               if cell.metadata.get("nbgrader", {}).get("grade")
               and not cell.metadata["nbgrader"].get("solution"))


@pytest.mark.parametrize("lesson", LESSONS)
def test_colab_setup_cell_installs_the_helpers_and_every_check_passes(colab, lesson, tmp_path):
    python, wheel, site = colab
    before, written = installed(python), untouched_since(site)
    notebook = answered(lesson)
    setup = headers.colab_cell_source(PUBLISHED)
    assert json.dumps(headers.install_spec(PUBLISHED)) in setup
    notebook.cells[1].source = setup.replace(json.dumps(headers.install_spec(PUBLISHED)),
                                             json.dumps(str(wheel)))
    run_in(python, notebook, tmp_path)

    after = installed(python)
    assert wheel.name in after.pop("intro-dl-helpers")
    before.pop("intro-dl-helpers", None)
    assert after == before, "the helpers' install changed a package Colab ships"
    assert untouched_since(site) == written, "the helpers' install reinstalled a package"
    assert after["tensorflow-cpu"] == COLAB["tensorflow"] and after["keras"] == COLAB["keras"]
    assert "nbgrader" not in after

    feedback = verdicts(notebook)
    assert len(feedback) == _check_cells(notebook) > 0
    assert all(v["outcome"] == "correct" for v in feedback), \
        [v for v in feedback if v["outcome"] != "correct"]


def test_unpublished_setup_cell_stops_on_colab_and_says_how_to_open_the_course(colab, tmp_path):
    python, _, _ = colab
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        headers.colab_cell_source({"repository": None, "ref": None}))])
    with pytest.raises(Exception, match="make lab"):
        run_in(python, notebook, tmp_path)


def test_outside_colab_the_setup_cell_does_nothing(tmp_path):
    cells = [nbformat.v4.new_code_cell(headers.colab_cell_source(settings))
             for settings in (PUBLISHED, {"repository": None, "ref": None})]
    notebook = run_in(sys.executable, nbformat.v4.new_notebook(cells=cells), tmp_path)
    assert all(cell.outputs == [] for cell in notebook.cells)
