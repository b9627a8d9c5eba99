"""Fast checks of the grading package's parts (no kernels): collecting, the sandbox's argv,
late penalties and the exports."""

import csv
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from nbgrader.api import Gradebook
from traitlets.config import Config

from grading import (canvas, cgroups, collect, execute, gradebook, handback, late, records,
                     report, sandbox)
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


def _watched(tmp_path, monkeypatch, code, memory_mb):
    """Run ``code`` in a Python process under the kernel's watchdog, with a memory limit;
    return the run record and, for each sum of the tree's memory, whether it was proportional."""
    summed, measure = [], execute._Watchdog._memory

    def counted(tree, proportional):
        summed.append(proportional)
        return measure(tree, proportional)

    monkeypatch.setattr(execute._Watchdog, "_memory", staticmethod(counted))
    process = subprocess.Popen([sys.executable, "-c", code])
    run = records.Run()
    watchdog = execute._Watchdog(SimpleNamespace(provisioner=SimpleNamespace(process=process)),
                                 sandbox.Limits(memory_bytes=memory_mb * 2**20), run, [3], tmp_path)
    watchdog.start()
    process.wait(timeout=60)
    watchdog.done.set()
    watchdog.join()
    return run, summed


def test_the_watchdog_stops_a_kernel_over_its_memory_limit(tmp_path, monkeypatch):
    run, _ = _watched(tmp_path, monkeypatch,
                      "import time; x = bytearray(b'1') * (300 * 2**20); time.sleep(30)", 200)
    assert run.stop_reason == "used more than 200 MB of memory" and run.stopped_at == 3
    assert run.peak_memory_bytes > 200 * 2**20


def test_the_watchdog_reads_proportional_memory_once_a_second_under_the_limit(tmp_path, monkeypatch):
    run, summed = _watched(tmp_path, monkeypatch,
                           "import time; x = bytearray(b'1') * (100 * 2**20); time.sleep(3)", 2000)
    assert run.stop_reason is None
    assert 100 * 2**20 < run.peak_memory_bytes < 400 * 2**20
    # One proportional sum (about 15 ms of the kernel's time for TensorFlow) for five
    # resident ones, however long the process ran.
    assert 1 <= summed.count(True) <= summed.count(False) // 5 + 1


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


# Late submissions and Canvas's import -----------------------------------------------------------

NBGRADER_STAMP = "2026-11-20 14:30:00.123456 UTC"  # as nbgrader's exchange writes timestamp.txt


def _stamped(tmp_path, content):
    (tmp_path / "timestamp.txt").write_bytes(content)
    return late.read_timestamp(tmp_path)


def test_nbgraders_timestamp_is_read_in_utc(tmp_path):
    assert _stamped(tmp_path, NBGRADER_STAMP.encode()) == ("2026-11-20T14:30:00.123456", None)
    assert _stamped(tmp_path, b"2026-11-20T15:30:00+01:00\n")[0] == "2026-11-20T14:30:00"
    (tmp_path / "timestamp.txt").unlink()
    assert late.read_timestamp(tmp_path) == (None, None)  # no file: no timestamp, as in nbgrader


@pytest.mark.parametrize("content, says", [
    (b"", "is empty"), (b"  \n", "is empty"), (b"next tuesday-ish", "is not a time"),
    (b"\xff\xfe\x00garbage", "is not a time"), (b"2026-99-99 10:00", "is not a time"),
    (b"9" * 40, "is not a time"), (b"2026-11-20 " * 50, "is too long")])
def test_a_broken_timestamp_counts_as_on_time_with_a_note(tmp_path, content, says):
    timestamp, note = _stamped(tmp_path, content)
    assert timestamp is None and says in note and "counts as on time" in note


def test_a_timestamp_that_is_a_link_or_a_fifo_is_never_read(tmp_path):
    (tmp_path / "secret").write_text(NBGRADER_STAMP)
    (tmp_path / "timestamp.txt").symlink_to(tmp_path / "secret")
    assert late.read_timestamp(tmp_path) == (None, "timestamp.txt is a link or cannot be read: "
                                                   "the submission counts as on time")
    (tmp_path / "timestamp.txt").unlink()
    os.mkfifo(tmp_path / "timestamp.txt")  # opening it to read would wait for a writer
    assert "not a plain file" in late.read_timestamp(tmp_path)[1]


def test_the_timestamp_travels_with_the_submission_and_is_not_an_ignored_file(tmp_path):
    folder = tmp_path / "submitted" / "ada" / "01-single-neuron"
    folder.mkdir(parents=True)
    (folder / "exercise.ipynb").write_text("{}")
    (folder / "timestamp.txt").write_text(NBGRADER_STAMP)
    [found] = collect.from_folder(tmp_path / "submitted", LESSONS)
    assert found.timestamp == "2026-11-20T14:30:00.123456" and found.notes == []
    [from_a_zip] = collect.from_folder(tmp_path / "submitted", LESSONS, timestamps=False)
    assert from_a_zip.timestamp is None  # in an LMS zip, the student's own file
    assert "ignored: timestamp.txt" in from_a_zip.notes[0]


def _class_gradebook(folder, duedate="2026-11-20 12:00:00 UTC"):
    """A gradebook of one 5-point question: ``late`` submitted 2 h 30 min after the due date
    (4 points by the grader, 1 by hand), ``ontime`` before it (4 points)."""
    url = gradebook.db_url(folder)
    with Gradebook(url) as book, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush warning, as in gradebook.py
        book.add_assignment("01-single-neuron", duedate=duedate)
        book.add_notebook("exercise", "01-single-neuron")
        book.add_grade_cell("q", "exercise", "01-single-neuron", max_score=5, cell_type="code")
        for student, stamp, canvas_id in (("late", "2026-11-20 14:30:00 UTC", "101"),
                                          ("ontime", "2026-11-20 11:59:00 UTC", "102"),
                                          ("from-a-folder", None, None)):
            book.add_student(student, lms_user_id=canvas_id)
            book.add_submission("01-single-neuron", student, timestamp=stamp)
            grade = book.find_grade("q", "exercise", "01-single-neuron", student)
            grade.auto_score, grade.manual_score = 4.0, (5.0 if student == "late" else None)
        book.db.commit()
    return url


def _penalties(url):
    return {row.student: (row.score, row.late_penalty, row.final_score)
            for row in gradebook.rows(url)}


def test_penalty_zero_takes_a_late_notebooks_whole_score_marks_by_hand_included(tmp_path):
    url = _class_gradebook(tmp_path)
    zero = Config()
    zero.LateSubmissionPlugin.penalty_method = "zero"
    late.penalise(url, zero)
    assert _penalties(url) == {"late": (5.0, 5.0, 0.0), "ontime": (4.0, 0.0, 4.0),
                               "from-a-folder": (4.0, 0.0, 4.0)}  # no timestamp: on time
    late.penalise(url, Config())  # nbgrader's default, "none": the penalty goes again
    assert _penalties(url)["late"] == (5.0, 0.0, 5.0)


def test_without_a_due_date_nothing_is_late(tmp_path):
    url = _class_gradebook(tmp_path, duedate=None)
    zero = Config()
    zero.LateSubmissionPlugin.penalty_method = "zero"
    late.penalise(url, zero)
    assert {row.late_penalty for row in gradebook.rows(url)} == {0.0}


def test_the_instructors_penalty_in_nbgrader_config_survives_the_grader_rewriting_it(tmp_path):
    config = tmp_path / "nbgrader_config.py"
    config.write_text(gradebook._config_text(config))
    with open(config, "a") as file:
        file.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    config.write_text(gradebook._config_text(config))  # the next run writes it again
    assert config.read_text().count("penalty_method") == 1
    assert config.read_text().startswith(gradebook.CONFIG)
    url = _class_gradebook(tmp_path)
    late.penalise(url, late.config(tmp_path))
    assert _penalties(url)["late"] == (5.0, 5.0, 0.0)
    config.write_text('c = get_config()\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    assert gradebook._config_text(config) == gradebook.CONFIG + \
        'c.LateSubmissionPlugin.penalty_method = "zero"\n'  # a file of before the mark


def test_grades_csv_gives_the_score_after_the_penalty_and_why(tmp_path):
    url = _class_gradebook(tmp_path)
    zero = Config()
    zero.LateSubmissionPlugin.penalty_method = "zero"
    late.penalise(url, zero)
    report.write_csv([], gradebook.rows(url), tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv") as file:
        graded = {row["student"]: row for row in csv.DictReader(file)}
    assert (graded["late"]["score"], graded["late"]["late_penalty"], graded["late"]["late"]) == \
        ("0", "5", "late")
    assert "2 h 30 min after the due date: late penalty 5 (score 5 before it)" in \
        graded["late"]["reason"]
    assert (graded["ontime"]["score"], graded["ontime"]["late_penalty"], graded["ontime"]["late"]) \
        == ("4", "0", "")


def test_the_feedback_page_says_the_work_was_late_and_what_it_cost():
    from grading import feedback
    from grading.records import QuestionResult, SubmissionResult

    result = SubmissionResult("ada", "01-single-neuron", "exercise.ipynb",
                              [QuestionResult("q", 5, 5.0)], late_penalty=5.0, seconds_late=93784)
    page = feedback.render(result)
    assert "Score: <b>0 / 5</b>" in page
    assert "Submitted 1 day 2 h after the due date: a late penalty of 5 points (5 before it)" in page
    on_time = feedback.render(SubmissionResult("ada", "01-single-neuron", "exercise.ipynb",
                                               [QuestionResult("q", 5, 5.0)]))
    assert "Score: <b>5 / 5</b>" in on_time and "late" not in on_time.split("</style>")[1]


def test_canvas_import_csv_has_canvass_columns_and_reports_who_it_cannot_match(tmp_path):
    url = _class_gradebook(tmp_path)
    zero = Config()
    zero.LateSubmissionPlugin.penalty_method = "zero"
    late.penalise(url, zero)
    with Gradebook(url) as book:
        book.find_student("ontime").last_name = "=cmd|' /C calc'!A0"  # a formula, kept as text
        book.db.commit()
    written = canvas.write(url, tmp_path / "canvas.csv", {"01-single-neuron": "Exercise 1 (4567)"})
    with open(tmp_path / "canvas.csv", newline="") as file:
        lines = list(csv.reader(file))
    assert lines == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 1 (4567)"],
        ["Points Possible", "", "", "", "", "5"],
        ["late", "101", "", "", "", "0"],
        ["'=cmd|' /C calc'!A0", "102", "", "", "", "4"]]
    assert written.without_id == ["from-a-folder"]


def test_canvas_column_titles_name_their_lesson():
    lessons = ["01-single-neuron", "02-deep-neural-networks"]
    assert canvas.titles(["02-deep-neural-networks=Exercise 2 (12)"], lessons) == \
        {"02-deep-neural-networks": "Exercise 2 (12)"}
    assert canvas.titles(["Ex = 1 (11)"], lessons, "01-single-neuron") == \
        {"01-single-neuron": "Ex = 1 (11)"}
    assert canvas.titles(["Exercise 1 (11)"], lessons[:1]) == {"01-single-neuron": "Exercise 1 (11)"}
    with pytest.raises(ValueError, match="say which lesson"):
        canvas.titles(["Exercise 1 (11)"], lessons)


def test_a_canvas_zip_keeps_each_students_canvas_id(tmp_path):
    export = _canvas_zip(tmp_path / "canvas.zip", {
        "lovelaceada_LATE_123_456_exercise.ipynb": "{}", "turingalan_124_457_exercise.ipynb": "{}"})
    unpacked = collect.unpack_zip(export, "01-single-neuron", tmp_path / "submitted")
    assert unpacked.lms_ids == {"lovelaceada-123": "123", "turingalan-124": "124"}


def test_a_regrade_without_timestamp_txt_keeps_the_one_the_gradebook_has(tmp_path):
    from grading.records import QuestionResult, SubmissionResult

    url = _class_gradebook(tmp_path)
    gradebook.record(url, SubmissionResult("late", "01-single-neuron", "exercise.ipynb",
                                           [QuestionResult("q", 5, 3.0)], lms_id="101"))
    with Gradebook(url) as book:
        submission = book.find_submission("01-single-neuron", "late")
        assert (str(submission.timestamp), submission.total_seconds_late) == \
            ("2026-11-20 14:30:00", 9000)
        assert book.find_student("late").lms_user_id == "101"


def test_nbgraders_exchange_files_are_kept_for_release_feedback_when_plain_and_small(tmp_path):
    """timestamp.txt and submission_secret.txt go beside the autograded notebook and the
    feedback page; a link, a pipe or a huge file a student left in their place does not."""
    submitted, out = tmp_path / "submitted", tmp_path / "out"
    submitted.mkdir()
    (submitted / "timestamp.txt").write_text("2026-11-26 18:40:00.000000 UTC")
    (submitted / "submission_secret.txt").write_text("x" * (handback.EXCHANGE_FILE_BYTES + 1))
    result = SimpleNamespace(student="ada", lesson="01-single-neuron")
    handback.keep_exchange_files(submitted, out, result)
    for folder in ("autograded", "feedback"):
        kept = out / folder / "ada" / "01-single-neuron"
        assert (kept / "timestamp.txt").read_text() == "2026-11-26 18:40:00.000000 UTC"
        assert not (kept / "submission_secret.txt").exists()  # too long to be nbgrader's

    for name in ("timestamp.txt", "submission_secret.txt"):
        (submitted / name).unlink()
    (submitted / "timestamp.txt").symlink_to("/etc/passwd")
    os.mkfifo(submitted / "submission_secret.txt")
    other = SimpleNamespace(student="mallory", lesson="01-single-neuron")
    handback.keep_exchange_files(submitted, out, other)
    assert not list((out / "feedback" / "mallory").rglob("*.txt"))
