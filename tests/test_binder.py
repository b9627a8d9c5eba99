"""Binder: the environment repo2docker builds from .binder/ runs lesson 01's exercise.

A fresh virtualenv of .binder/runtime.txt's Python gets .binder/requirements.txt alone, as
repo2docker installs it: the learner set, pinned, with nothing of this repository installed.
The kernel starts through .binder/start, which puts the course's ``helpers`` on the path.
The lesson 01 exercise with its reference answers then runs from its first cell, and every
visible check says Correct. uv builds the environment from its cache (~/.cache/uv), so runs
after the first are fast.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernels import run_in, verdicts
from tests.submissions import answered

pytestmark = pytest.mark.binder
BINDER = REPO / ".binder"
UV = Path(sys.executable).with_name("uv")  # the developer set's


def uv(*args):
    return subprocess.run([str(UV), *map(str, args)], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def binder_python(tmp_path_factory):
    """The Python of a fresh virtualenv built from .binder/ only."""
    version = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    env = tmp_path_factory.mktemp("binder") / "env"
    uv("venv", "--quiet", "--no-python-downloads", "--python", version, env)
    python = env / "bin" / "python"
    uv("pip", "install", "--quiet", "--python", python, "-r", BINDER / "requirements.txt")
    return python


def test_binder_installs_the_learner_set_and_nothing_of_the_repository(binder_python):
    installed = {line.split("==")[0] for line in
                 uv("pip", "freeze", "--python", binder_python).stdout.splitlines()}
    assert {"tensorflow-cpu", "keras", "jupyterlab", "ipywidgets", "mlxtend"} <= installed
    assert not installed & {"intro-dl-helpers", "intro-dl-grader", "nbgrader", "pytest",
                            "playwright"}


def test_binder_runs_lesson_01_exercise_and_every_check_passes(binder_python, tmp_path):
    notebook = answered("01-single-neuron")
    run_in(binder_python, notebook, tmp_path, launcher=[BINDER / "start"],
           env={"REPO_DIR": str(REPO)})
    feedback = verdicts(notebook)
    assert [v["outcome"] for v in feedback] == ["correct"] * 4
