"""The three dependency sets, the commands that install them, Binder's copy, and the wheels.

learner (the notebooks) < instructor (+ nbgrader, the grader) < developer (+ the tests'
tools), each locked in requirements/<set>.txt by `make lock` (tools/lock.py) for Linux
x86_64, macOS arm64 and Windows x86_64.
"""

import json
import os
import re
import subprocess
import sys
import zipfile

import pytest
from packaging.markers import Marker

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import lock  # noqa: E402

UV = os.path.join(os.path.dirname(sys.executable), "uv")
PINNED_LINE = re.compile(r"[a-z0-9][a-z0-9._-]*==[^\s=;]+( ; .+)?")
# Marker environments of the three platforms, as pip sees them there.
PLATFORM_MARKERS = {
    "Linux x86_64": {"sys_platform": "linux", "platform_machine": "x86_64", "os_name": "posix"},
    "macOS arm64": {"sys_platform": "darwin", "platform_machine": "arm64", "os_name": "posix"},
    "Windows x86_64": {"sys_platform": "win32", "platform_machine": "AMD64", "os_name": "nt"},
}
NOT_FOR_LEARNERS = {"nbgrader", "pytest", "pytest-xdist", "playwright", "uv"}


def lock_text(name):
    return (REPO / "requirements" / f"{name}.txt").read_text()


def lock_lines(name):
    return [line for line in lock_text(name).splitlines() if line and not line.startswith("#")]


def names(pins):
    return {name for name, _ in pins}


def direct_requirements(name):
    """The package names an .in file asks for itself (not through -r or -c)."""
    lines = (REPO / "requirements" / f"{name}.in").read_text().splitlines()
    return {lock.normalize(re.match(r"[A-Za-z0-9._-]+", line).group()) for line in lines
            if line.strip() and not line.startswith(("#", "-"))}


@pytest.mark.parametrize("name", lock.SETS)
def test_each_lock_pins_every_package_exactly_and_says_how_it_is_made(name):
    assert all(PINNED_LINE.fullmatch(line) for line in lock_lines(name))
    assert "`make lock`" in lock_text(name) and f"requirements/{name}.in" in lock_text(name)


@pytest.mark.parametrize("name", lock.SETS)
def test_each_lock_pins_what_its_in_file_asks_for(name):
    pinned = lock.pins(lock_text(name))
    assert direct_requirements(name) <= names(pinned)
    exact = lock.pins((REPO / "requirements" / f"{name}.in").read_text())
    assert exact <= pinned  # tensorflow 2.21.0, nbgrader 0.9.6 as asked


def test_the_sets_build_on_each_other_with_the_same_versions():
    learner, instructor, developer = (lock.pins(lock_text(name)) for name in lock.SETS)
    assert learner < instructor < developer


def test_the_learner_set_has_no_grading_or_test_tools():
    assert not names(lock.pins(lock_text("learner"))) & NOT_FOR_LEARNERS
    assert {"nbgrader", "psutil"} <= names(lock.pins(lock_text("instructor")))
    assert {"pytest", "playwright", "uv"} <= names(lock.pins(lock_text("developer")))


@pytest.mark.parametrize("platform", PLATFORM_MARKERS)
def test_tensorflow_is_the_cpu_build_on_linux_and_the_plain_one_elsewhere(platform):
    environment = PLATFORM_MARKERS[platform]
    installed = set()
    for line in lock_lines("learner"):
        requirement, _, marker = line.partition(" ; ")
        if not marker or Marker(marker).evaluate(environment):
            installed.add(requirement)
    tensorflow = {r for r in installed if r.startswith("tensorflow")}
    expected = "tensorflow-cpu" if platform == "Linux x86_64" else "tensorflow"
    assert tensorflow == {f"{expected}==2.21.0"}


@pytest.mark.parametrize("platform", lock.PLATFORMS)
def test_the_learner_set_installs_from_wheels_on_python_3_13(platform):
    """The newest Python the course supports; `make lock` checks every set on 3.11-3.13."""
    _, problem = lock.resolve_on(UV, "learner", platform, lock.PYTHONS[-1])
    assert problem is None


def test_binder_installs_the_learner_lock_as_it_resolves_on_linux():
    text = (REPO / ".binder" / "requirements.txt").read_text()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[a-z0-9._-]+==[^\s=;]+", line) for line in lines)  # no -e, -r
    binder = lock.pins(text)
    assert binder < lock.pins(lock_text("learner")) and ("tensorflow-cpu", "2.21.0") in binder
    assert lock.binder_python() in lock.PYTHONS
    assert not (REPO / "environment.yml").exists()


def dry_run(target, venv):
    """The commands `make <target>` would run, with every file out of date."""
    return subprocess.run(["make", "--no-print-directory", "-n", "-B", target, f"VENV={venv}"],
                          cwd=REPO, check=True, capture_output=True, text=True).stdout


def test_make_lab_installs_only_the_learner_set_without_sudo_or_apt(tmp_path):
    commands = dry_run("lab", tmp_path / "venv")
    assert "-r requirements/learner.txt" in commands and "jupyter lab" in commands
    for other in ("instructor.txt", "developer.txt", "sudo", "apt", "system-packages"):
        assert other not in commands


def test_make_grade_and_make_test_add_the_debian_packages_they_need(tmp_path):
    grade = dry_run("grade", tmp_path / "venv")
    assert "-r requirements/instructor.txt" in grade and "developer.txt" not in grade
    assert "system-packages.sh bubblewrap\n" in grade and "intro-dl-grade" in grade
    test = dry_run("test", tmp_path / "venv")
    assert "-r requirements/developer.txt" in test
    assert "system-packages.sh bubblewrap chromium" in test


def test_a_developer_venv_serves_make_lab_without_reinstalling(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("#!/bin/sh\n")  # stands in for pip: installs nothing
    (venv / "bin" / "python").chmod(0o755)
    subprocess.run(["make", "--silent", f"VENV={venv}", f"{venv}/.developer"], cwd=REPO,
                   check=True, capture_output=True)
    lab = subprocess.run(["make", "-n", "lab", f"VENV={venv}"], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    assert "pip" not in lab and "jupyter lab" in lab


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """The learner's wheel and the grader's, and what building them printed."""
    folder = tmp_path_factory.mktemp("wheels")
    printed = ""
    for project in (REPO, REPO / "grading"):
        printed += subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v",
                                   "-w", folder, project], check=True, capture_output=True,
                                  text=True).stdout
    return folder, printed


def wheel_files(folder, name):
    with zipfile.ZipFile(next(folder.glob(f"{name}-*.whl"))) as wheel:
        return {path: wheel.read(path).decode(errors="replace") for path in wheel.namelist()}


def requirements(metadata):
    """The package names a wheel's METADATA requires."""
    return {lock.normalize(re.match(r"Requires-Dist: ([A-Za-z0-9._-]+)", line).group(1))
            for line in metadata.splitlines() if line.startswith("Requires-Dist:")}


def test_the_learner_wheel_holds_helpers_only_with_every_licence_named(wheels):
    files = wheel_files(wheels[0], "intro_dl_helpers")
    assert {path.split("/")[0] for path in files} == {"helpers", "intro_dl_helpers-0.1.0.dist-info"}
    metadata = files["intro_dl_helpers-0.1.0.dist-info/METADATA"]
    # the code's MIT, and the licences of the R tables in helpers/datasets/ (manifest.json)
    assert "License-Expression: MIT AND GPL-2.0-only AND (GPL-2.0-only OR GPL-3.0-only)" in metadata
    manifest = json.loads(files["helpers/datasets/manifest.json"])
    assert {entry["licence"].split(" (")[0] for entry in manifest.values()} == {"MIT", "GPL-2", "GPL-2 | GPL-3"}
    assert "intro_dl_helpers-0.1.0.dist-info/licenses/LICENSE" in files
    assert requirements(metadata) <= names(lock.pins(lock_text("learner")))


def test_the_grader_wheel_has_its_dependencies_and_a_command(wheels):
    files = wheel_files(wheels[0], "intro_dl_grader")
    assert {path.split("/")[0] for path in files} == {"grading", "intro_dl_grader-0.1.0.dist-info"}
    requires = requirements(files["intro_dl_grader-0.1.0.dist-info/METADATA"])
    assert {"intro-dl-helpers", "nbgrader", "nbclient", "psutil"} <= requires
    assert requires - {"intro-dl-helpers"} <= names(lock.pins(lock_text("instructor")))
    entry_points = files["intro_dl_grader-0.1.0.dist-info/entry_points.txt"]
    assert "intro-dl-grade = grading.cli:main" in entry_points


def test_building_the_wheels_warns_of_nothing_deprecated(wheels):
    assert "deprecat" not in wheels[1].lower()
