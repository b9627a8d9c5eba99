"""Fast checks of the grading package's parts (no kernels): collecting, the sandbox's argv."""

import csv
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grading import cgroups, collect, sandbox
from tests.conftest import REPO

LESSONS = {"01-single-neuron": ["exercise.ipynb"]}


def test_moodle_export_one_folder_per_student(tmp_path):
    export = tmp_path / "moodle.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("Ada Lovelace_123_assignsubmission_file_/exercise.ipynb", "{}")
        archive.writestr("Alan Turing_456_assignsubmission_file_/notes.txt", "hello")
        archive.writestr("__MACOSX/._junk", "")
    folder = collect.unpack_zip(export, "01-single-neuron", tmp_path / "submitted").folder
    found = {s.student: s for s in collect.from_folder(folder, LESSONS)}
    assert set(found) == {"Ada-Lovelace-123", "Alan-Turing-456"}  # with Moodle's participant id
    assert found["Ada-Lovelace-123"].path.name == "exercise.ipynb"
    assert not found["Ada-Lovelace-123"].problem
    assert found["Alan-Turing-456"].problem == "no notebook was submitted, only: notes.txt"


@pytest.mark.parametrize("name", ["../escape.ipynb", "/etc/passwd"])
def test_a_zip_cannot_write_outside_its_folder(tmp_path, name):
    export = tmp_path / "evil.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr(name, "{}")
    with pytest.raises(collect.CollectError, match="unsafe path"):
        collect.unpack_zip(export, "01-single-neuron", tmp_path / "submitted")


def test_not_a_zip_is_a_clear_error(tmp_path):
    (tmp_path / "export.zip").write_text("not a zip")
    with pytest.raises(collect.CollectError, match="not a readable zip"):
        collect.unpack_zip(tmp_path / "export.zip", "01-single-neuron", tmp_path / "submitted")


def test_an_unknown_lesson_folder_is_reported(tmp_path):
    (tmp_path / "ada" / "99-unknown").mkdir(parents=True)
    [found] = collect.from_folder(tmp_path, LESSONS)
    assert found.student == "ada" and "not a lesson" in found.problem


def test_the_sandbox_shows_only_what_the_kernel_needs(tmp_path):
    argv = sandbox.wrap(["python"], tmp_path, 0, sandbox.Limits())
    assert {"--unshare-net", "--unshare-pid", "--die-with-parent", "--clearenv"} <= set(argv)
    mounted = {argv[i + 2] for i, word in enumerate(argv) if word in ("--ro-bind", "--bind")}
    assert str(REPO / "helpers") in mounted and str(tmp_path) in mounted
    assert not any(path in mounted for path in (str(REPO), str(REPO / "solutions"), "/root", "/home"))
    writable = {argv[i + 2] for i, word in enumerate(argv) if word == "--bind"}
    assert writable == {str(tmp_path)}


def test_links_in_a_submitted_folder_are_never_followed(tmp_path):
    """Instructors collect with `cp -a`, `rsync -a` or `tar`, which keep links."""
    classmate = tmp_path / "submitted" / "ada" / "01-single-neuron"
    classmate.mkdir(parents=True)
    (classmate / "exercise.ipynb").write_text("{}")
    linker = tmp_path / "submitted" / "mallory" / "01-single-neuron"
    linker.mkdir(parents=True)
    (linker / "exercise.ipynb").symlink_to(REPO / "solutions" / "01-single-neuron" / "exercise.ipynb")
    (tmp_path / "submitted" / "eve").symlink_to(tmp_path / "submitted" / "ada")
    (tmp_path / "submitted" / "oscar").mkdir()
    (tmp_path / "submitted" / "oscar" / "01-single-neuron").symlink_to(classmate)
    found = {s.student: s for s in collect.from_folder(tmp_path / "submitted", LESSONS)}
    assert found["ada"].path == classmate / "exercise.ipynb"
    assert found["mallory"].path is None and "no exercise.ipynb" in found["mallory"].problem
    assert "links and special files" in " ".join(found["mallory"].notes)
    assert "is a link" in found["eve"].problem and "is a link" in found["oscar"].problem


def _canvas_zip(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_canvas_students_of_the_same_name_keep_their_own_ids(tmp_path):
    export = _canvas_zip(tmp_path / "canvas.zip", {
        "smithjo_101_9001_exercise.ipynb": "{}", "smithjo_LATE_102_9002_exercise.ipynb": "{}"})
    unpacked = collect.unpack_zip(export, "01-single-neuron", tmp_path / "submitted")
    found = {s.student for s in collect.from_folder(unpacked.folder, LESSONS)}
    assert found == {"smithjo-101", "smithjo-102"} and not unpacked.collisions
    assert unpacked.late == {"smithjo-102"}
    assert "marked this submission late" in " ".join(unpacked.notes["smithjo-102"])


def test_an_lms_of_its_own_names_files_by_a_pattern_the_instructor_gives(tmp_path):
    export = _canvas_zip(tmp_path / "lms.zip", {
        "u4711-late-Ada Lovelace/exercise.ipynb": "{}", "u4712-ontime-Ada Lovelace/exercise.ipynb": "{}"})
    pattern = r"^u(?P<id>\d+)-(?:(?P<late>late)|ontime)-(?P<student>[^/]+)/(?P<file>[^/]+)$"
    unpacked = collect.unpack_zip(export, "01-single-neuron", tmp_path / "submitted", [pattern])
    found = {s.student for s in collect.from_folder(unpacked.folder, LESSONS)}
    assert found == {"Ada-Lovelace-4711", "Ada-Lovelace-4712"}
    assert unpacked.late == {"Ada-Lovelace-4711"}


def test_a_damaged_member_is_reported_and_the_rest_unpacked(tmp_path):
    export = _canvas_zip(tmp_path / "canvas.zip", {
        "ada_1_1_exercise.ipynb": "{}", "bob_2_2_exercise.ipynb": '{"cells": []}' * 50})
    data = bytearray(export.read_bytes())
    start = data.index(b'{"cells"')
    data[start + 10:start + 20] = b"X" * 10  # the CRC no longer matches
    export.write_bytes(bytes(data))
    unpacked = collect.unpack_zip(export, "01-single-neuron", tmp_path / "submitted")
    found = {s.student: s for s in collect.from_folder(unpacked.folder, LESSONS)}
    assert found["ada-1"].path is not None
    assert found["bob-2"].path is None and "no exercise.ipynb" in found["bob-2"].problem
    assert "damaged" in " ".join(unpacked.notes["bob-2"])


def test_links_and_collisions_in_a_zip_are_reported(tmp_path):
    export = tmp_path / "moodle.zip"
    with zipfile.ZipFile(export, "w") as archive:
        link = zipfile.ZipInfo("Eve_7_assignsubmission_file_/exercise.ipynb")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/shadow")
        archive.writestr("Ada_8_assignsubmission_file_/exercise.ipynb", "{}")
        archive.writestr("Ada_8_assignsubmission_file_/sub/exercise.ipynb", "{}")
    unpacked = collect.unpack_zip(export, "01-single-neuron", tmp_path / "submitted")
    assert not (unpacked.folder / "Eve-7" / "01-single-neuron" / "exercise.ipynb").exists()
    assert "link" in " ".join(unpacked.notes["Eve-7"])
    assert unpacked.collisions == ["Ada-8/01-single-neuron/exercise.ipynb"]


def test_a_name_with_control_characters_is_reported_and_kept(tmp_path):
    name = "ada\nlovelace"
    folder = tmp_path / name / "01-single-neuron"
    folder.mkdir(parents=True)
    (folder / "exercise.ipynb").write_text("{}")
    (found,) = collect.from_folder(tmp_path, {"01-single-neuron": ["exercise.ipynb"]})
    assert found.student == name and collect.UNPRINTABLE in found.notes


def test_own_cgroups_are_read_for_both_versions(tmp_path):
    listing = tmp_path / "cgroup"
    listing.write_text("12:pids:/a\n4:memory:/process_api/x\n0::/user.slice/me\n")
    assert cgroups._own_groups(listing) == ("/user.slice/me", "/process_api/x")
    listing.write_text("0::/only/v2\n")
    assert cgroups._own_groups(listing) == ("/only/v2", None)


def test_a_memory_group_stops_a_sandbox_that_passes_its_limit(tmp_path):
    group = cgroups.create("intro-dl-test-limit", 300 * 2**20)
    if group is None:
        pytest.skip("this machine gives the grader no memory cgroup (the README says what holds)")
    try:
        work = sandbox.prepare_work_folder(tmp_path / "work", sandbox.FIRST_SANDBOX_UID - 1)
        code = "x = bytearray(200 * 2**20); print('fits', flush=True); y = bytearray(400 * 2**20); print('no')"
        command = sandbox.wrap([sys.executable, "-c", code], work, sandbox.FIRST_SANDBOX_UID - 1,
                               sandbox.Limits())
        finished = subprocess.run(cgroups.enter(group, command), capture_output=True, text=True)
        assert finished.stdout.split() == ["fits"] and finished.returncode in (137, -9)
        assert group.oom_kills() == 1
    finally:
        cgroups.remove(group)
    assert not group.path.exists()


def test_nbgrader_export_in_the_output_folder_is_safe_for_spreadsheets(tmp_path, monkeypatch):
    """The output folder's nbgrader_config.py selects the safe export: a student id with a
    comma, a newline or a formula keeps to its own cell, as text."""
    from nbgrader.api import Gradebook

    from grading import export, gradebook

    (tmp_path / "nbgrader_config.py").write_text(gradebook.CONFIG)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")  # alembic
    with Gradebook(gradebook.db_url(tmp_path)) as book:
        book.add_assignment("01-single-neuron")
        book.add_student('=HYPERLINK("http://x","a,b")\nmore', first_name="@SUM(1)")
    finished = subprocess.run([str(Path(sys.executable).with_name("nbgrader")), "export",
                               "--to=export.csv"], cwd=tmp_path, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    with open(tmp_path / "export.csv", newline="") as file:
        header, row = list(csv.reader(file))
    assert header == export.COLUMNS
    assert row[3] == "'=HYPERLINK(\"http://x\",\"a,b\")\\x0amore" and row[5] == "'@SUM(1)"
