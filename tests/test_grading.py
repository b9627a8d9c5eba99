"""`python -m grading` end to end: release, submit, grade in sandboxes, feedback, export.

Every run here is the real command in a subprocess, started from a folder that is not the
repository, on a temporary course made from lesson 01.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests import attacks
from tests.conftest import REPO
from tests.submissions import DEMO_AUTOGRADED, DEMO_CLASS, DEMO_LESSON, write_demo_class

pytestmark = pytest.mark.grading

DEMO_SCORES = {  # student -> (score, status): the written question (2 points) waits for a person
    student: (score, "graded" if student == "barbara" else "to mark by hand")
    for student, score in DEMO_AUTOGRADED.items()}
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))


def grade(cwd, *args):
    """Run the grading command from ``cwd``; return the finished process."""
    return subprocess.run([sys.executable, "-m", "grading", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=1200)


def rows(out):
    with open(out / "grades.csv") as file:
        return {row["student"]: row for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with lesson 01 only, released here by nbgrader."""
    folder = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "solutions" / DEMO_LESSON, folder / "solutions" / DEMO_LESSON)
    shutil.copy(REPO / "nbgrader_config.py", folder)
    shutil.copy(REPO / "course.toml", folder)  # its [release] model_answers setting
    subprocess.run([sys.executable, REPO / "tools" / "release.py", "--course-dir", folder], check=True)
    return folder


@pytest.fixture(scope="module")
def demo(course, tmp_path_factory):
    """The demo class, submitted and graded two at a time from an unrelated folder."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    write_demo_class(elsewhere / "submitted")
    out = elsewhere / "out"
    finished = grade(elsewhere, "submitted", "--course", course, "--out", out, "--jobs", 2)
    return elsewhere, out, finished


def test_the_release_is_the_committed_one(course):
    for name in ("tutorial.ipynb", "exercise.ipynb"):
        assert (course / "notebooks" / DEMO_LESSON / name).read_bytes() == \
            (REPO / "notebooks" / DEMO_LESSON / name).read_bytes()


def test_the_bundled_demo_class_is_up_to_date(tmp_path):
    """grading/demo/ is what tools/make_demo.py writes (run it after changing lesson 01)."""
    write_demo_class(tmp_path)
    for student in DEMO_CLASS:
        path = f"{student}/{DEMO_LESSON}/exercise.ipynb"
        assert (tmp_path / path).read_bytes() == (REPO / "grading/demo/submitted" / path).read_bytes()


def test_demo_class_gets_exact_grades(demo):
    _, out, finished = demo
    assert finished.returncode == 0, finished.stderr
    graded = rows(out)
    assert {s: (float(r["score"]), r["status"]) for s, r in graded.items()} == DEMO_SCORES
    assert {r["max_score"] for r in graded.values()} == {"7"}


def test_demo_progress_and_summary_table(demo):
    _, out, finished = demo
    assert re.search(r"\[5/5\] \w+ 01-single-neuron", finished.stderr)
    assert "model_is_one_linear_unit         2 / 5" in finished.stdout  # ada and grace
    assert "written_kernel_shape             0 / 5 (4 to mark by hand)" in finished.stdout
    assert (out / "summary.txt").read_text().strip() in finished.stdout


def test_demo_grades_are_in_nbgraders_gradebook(demo):
    elsewhere, out, _ = demo
    export = out / "nbgrader.csv"
    subprocess.run([NBGRADER, "export",
                    f"--db=sqlite:///{out / 'gradebook.db'}", f"--to={export}"],
                   cwd=elsewhere, check=True, capture_output=True)
    with open(export) as file:
        exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(file)}
    assert exported == {student: score for student, (score, _) in DEMO_SCORES.items()}


def _hidden_test_lines():
    source = nbformat.read(REPO / "solutions" / DEMO_LESSON / "exercise.ipynb", as_version=4)
    return [line.strip() for cell in source.cells
            for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END", cell.source, re.S)
            for line in block.splitlines() if len(line.strip()) > 12]


def _hidden_and_solution_lines():
    source = nbformat.read(REPO / "solutions" / DEMO_LESSON / "exercise.ipynb", as_version=4)
    secret = []
    for cell in source.cells:
        for block in re.findall(r"### BEGIN (?:HIDDEN TESTS|SOLUTION)\n(.*?)### END", cell.source, re.S):
            secret += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    return secret


def test_feedback_teaches_and_never_shows_hidden_tests_or_solutions(demo):
    elsewhere, out, _ = demo
    secrets = _hidden_and_solution_lines()
    assert secrets
    for student in DEMO_CLASS:
        page = (out / "feedback" / student / DEMO_LESSON / "exercise.html").read_text()
        submitted = elsewhere / "submitted" / student / DEMO_LESSON / "exercise.ipynb"
        own = "\n".join(c.source for c in nbformat.read(submitted, as_version=4).cells)
        shown = [line for line in secrets
                 if line in page.replace("&quot;", '"').replace("&#x27;", "'") and line not in own]
        assert not shown, f"{student}'s feedback shows {shown}"
    alan = (out / "feedback/alan" / DEMO_LESSON / "exercise.html").read_text()
    assert "The unit applies `relu`" in alan and "Not quite" in alan
    edsger = (out / "feedback/edsger" / DEMO_LESSON / "exercise.html").read_text()
    assert "Not attempted" in edsger


def test_one_at_a_time_gives_the_same_grades_and_late_work_nbgraders_penalty(demo, course):
    """Graded one at a time, into a gradebook where the instructor set the due date with
    nbgrader and the penalty "zero" in nbgrader_config.py: edsger, on time by nbgrader's
    timestamp.txt, gets the grade he got two at a time; alan, late, gets 0 everywhere."""
    elsewhere, out, _ = demo
    some = elsewhere / "some"
    for student, stamp in (("alan", "2026-11-20 14:30:00.000000 UTC"),
                           ("edsger", "2026-11-20 11:00:00.000000 UTC")):
        shutil.copytree(elsewhere / "submitted" / student, some / student)
        (some / student / DEMO_LESSON / "timestamp.txt").write_text(stamp)  # as nbgrader collect
    serial = elsewhere / "serial"
    serial.mkdir()
    zero = 'c.LateSubmissionPlugin.penalty_method = "zero"\n'
    (serial / "nbgrader_config.py").write_text("c = get_config()\n" + zero)
    subprocess.run([NBGRADER, "db", "assignment", "add", DEMO_LESSON,
                    "--duedate=2026-11-20 12:00:00 UTC", f"--db=sqlite:///{serial / 'gradebook.db'}"],
                   cwd=serial, check=True, capture_output=True,
                   env={**os.environ, "PATH": f"{Path(NBGRADER).parent}:{os.environ['PATH']}"})
    finished = grade(elsewhere, some, "--course", course, "--out", serial, "--jobs", 1)
    assert finished.returncode == 0, finished.stderr
    assert zero in (serial / "nbgrader_config.py").read_text()  # the instructor's line stays
    parallel = {s: r for s, r in rows(out).items() if s in ("alan", "edsger")}
    graded = rows(serial)
    assert graded["edsger"] == parallel["edsger"] and parallel["alan"]["score"] == "2"
    assert (graded["alan"]["score"], graded["alan"]["late_penalty"], graded["alan"]["late"]) == \
        ("0", "2", "late")
    assert "2 h 30 min after the due date" in graded["alan"]["reason"]
    assert re.search(r"alan +01-single-neuron +0 / 7 .*late penalty 2", finished.stdout)
    export = serial / "nbgrader.csv"
    subprocess.run([NBGRADER, "export", f"--to={export}"], cwd=serial, check=True,
                   capture_output=True)  # the due date survived grading: nbgrader sees it
    with open(export) as file:
        exported = {row["student_id"]: row for row in csv.DictReader(file)}
    assert {s: (float(r["raw_score"]), float(r["late_submission_penalty"]), float(r["score"]))
            for s, r in exported.items()} == {"alan": (2, 2, 0), "edsger": (2, 0, 2)}
    assert exported["alan"]["timestamp"].startswith("2026-11-20 14:30:00")
    alan = (serial / "feedback/alan" / DEMO_LESSON / "exercise.html").read_text()
    assert "Score: <b>0 / 7</b>" in alan
    assert "Submitted 2 h 30 min after the due date: a late penalty of 2 points" in alan
    edsger = (serial / "feedback/edsger" / DEMO_LESSON / "exercise.html").read_text()
    assert "Score: <b>2 / 7</b>" in edsger and "late penalty" not in edsger


def test_an_lms_zip_export_is_graded_and_its_grades_go_back_to_canvas(course, tmp_path):
    """A Canvas-style export: every file at the top, named <student>[_LATE]_<ids>_<file>;
    then canvas.csv, for Canvas's import, from the gradebook."""
    write_demo_class(tmp_path / "class")
    export = tmp_path / "canvas.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for student, number, late in (("ada", 11, "LATE_"), ("barbara", 12, "")):
            archive.write(tmp_path / "class" / student / DEMO_LESSON / "exercise.ipynb",
                          f"{student}_{late}{number}_{number + 100}_exercise.ipynb")
    finished = grade(tmp_path, export, "--lesson", DEMO_LESSON, "--course", course, "--out", tmp_path / "out")
    assert finished.returncode == 0, finished.stderr
    graded = rows(tmp_path / "out")
    assert {s: float(r["score"]) for s, r in graded.items()} == \
        {"ada-11": 5, "barbara-12": 0}  # with Canvas's user id
    assert (graded["ada-11"]["late"], graded["ada-11"]["late_penalty"]) == ("late", "0")  # no time
    assert (tmp_path / "out/submitted/ada-11" / DEMO_LESSON / "exercise.ipynb").exists()  # kept
    back = grade(tmp_path, "--out", tmp_path / "out", "--canvas", f"{DEMO_LESSON}=Exercise 1 (4567)")
    assert back.returncode == 0 and "2 students" in back.stdout, back.stderr
    with open(tmp_path / "out" / "canvas.csv", newline="") as file:
        header, points, *students = list(csv.reader(file))
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 1 (4567)"]
    assert points == ["Points Possible", "", "", "", "", "7"]
    assert sorted(students) == [["ada-11", "11", "", "", "", "5"], ["barbara-12", "12", "", "", "", "0"]]


def test_a_zip_needs_its_lesson(course, tmp_path):
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("ada_1_exercise.ipynb", "{}")
    finished = grade(tmp_path, tmp_path / "export.zip", "--course", course, "--out", tmp_path / "out")
    assert finished.returncode == 2 and "--lesson" in finished.stderr


def test_without_the_sandbox_grading_refuses_unless_told(course, tmp_path):
    write_demo_class(tmp_path / "submitted")
    for student in ("grace", "alan", "barbara", "edsger"):
        shutil.rmtree(tmp_path / "submitted" / student)
    no_bwrap = {"PATH": str(REPO / ".venv/bin"), "HOME": str(tmp_path)}  # no /usr/bin: no bwrap
    refused = subprocess.run([sys.executable, "-m", "grading", "submitted", "--course", course,
                              "--out", "out"], cwd=tmp_path, env=no_bwrap, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "bubblewrap" in refused.stderr and "--unsafe-no-sandbox" in refused.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()
    unsafe = subprocess.run([sys.executable, "-m", "grading", "submitted", "--course", course, "--out",
                             "out", "--unsafe-no-sandbox"], cwd=tmp_path, capture_output=True, text=True,
                            env={**no_bwrap, "PATH": f"{REPO / '.venv/bin'}:/usr/bin:/bin"})
    assert unsafe.returncode == 0, unsafe.stderr
    assert "WITHOUT a sandbox" in unsafe.stderr or "--unsafe-no-sandbox" in unsafe.stderr
    assert rows(tmp_path / "out")["ada"]["score"] == "5"


# Hostile and broken submissions ---------------------------------------------------------------

#: student -> (points out of the 5 autograded, status, what the reason must mention)
HOSTILE = {
    "ada": (5, "to mark by hand", ""),
    "loop": (4, "to mark by hand", "stopped at the time limit"),
    "stubborn-loop": (4, "needs review", "stopped"),  # answering, or at the notebook's limit
    "memory-bomb": (4, "needs review", "memory"),
    "fork-bomb": (4, "needs review", "stopped at cell"),  # too many processes, or their memory
    "sys-exit": (4, "to mark by hand", ""),
    "os-exit": (4, "needs review", "the kernel died"),
    "reads-secrets": (4, "to mark by hand", ""),
    "writes-gradebook": (4, "to mark by hand", ""),
    "network": (4, "to mark by hand", ""),
    "always-equal": (4, "to mark by hand", ""),
    "patches-checks": (4, "to mark by hand", ""),
    "patches-builtins": (4, "needs review", "stopped"),  # its kernel hangs
    "swallows-errors": (4, "to mark by hand", ""),
    "deleted-test": (4, "to mark by hand", "was deleted"),
    "moved-tests": (5, "to mark by hand", "graded in the instructor's order"),
    "edited-metadata": (4, "to mark by hand", "was edited"),
    "renamed": (5, "to mark by hand", "renamed"),
    "corrupt-json": (0, "not graded", "not valid JSON"),
    "not-a-notebook": (0, "not graded", "not a valid notebook"),
    "only-a-pdf": (0, "not graded", "only: exercise.pdf"),
    "huge-output": (5, "to mark by hand", "was cut"),
    "silent-exceptions": (4, "to mark by hand", ""),
    "input-transformer": (4, "to mark by hand", ""),
    "shell-class": (4, "to mark by hand", ""),
    "fake-matplotlib-callback": (4, "to mark by hand", ""),
    "numpy-internals": (4, "to mark by hand", ""),
    "fake-verdict": (4, "to mark by hand", ""),
    "rebinds-questions": (4, "to mark by hand", ""),
    "reads-history": (4, "to mark by hand", ""),
    "crafted-values": (4, "to mark by hand", ""),
    "value-symlinks": (4, "to mark by hand", "not a plain file"),
    "lambda-model": (4, "to mark by hand", ""),
    "display-updates": (4, "to mark by hand", "was cut"),
    "widget-flood": (4, "to mark by hand", "was cut"),
    "malformed-message": (0, "not graded", "could not read"),
    "fills-folder": (4, "needs review", "MB to its folder"),
    "many-files": (4, "needs review", "files in its folder"),
    "fills-tmpfs": (4, "to mark by hand", ""),
    "script-in-outputs": (4, "to mark by hand", ""),
}
LIMITS = ["--cell-timeout", 20, "--notebook-timeout", 90, "--memory-mb", 1500]


@pytest.fixture(scope="module")
def hostile(course, tmp_path_factory):
    """The hostile class, graded once; its results are read by the tests below."""
    elsewhere = tmp_path_factory.mktemp("hostile")
    submitted, out = elsewhere / "submitted", elsewhere / "out"
    attacks.write_class(attacks.hostile_class(course, out, submitted), submitted)
    finished = grade(elsewhere, submitted, "--course", course, "--out", out, "--jobs", 2, *LIMITS)
    return elsewhere, out, finished


def test_hostile_class_covers_every_case():
    assert set(HOSTILE) == set(attacks.hostile_class(REPO, REPO, REPO))


def test_hostile_class_is_graded_without_failing(hostile):
    _, out, finished = hostile
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert set(rows(out)) == set(HOSTILE)  # nobody dropped


@pytest.mark.parametrize("student", HOSTILE)
def test_each_attack_gains_nothing(hostile, student):
    _, out, _ = hostile
    row = rows(out)[student]
    points, status, reason = HOSTILE[student]
    assert (float(row["score"]), row["status"]) == (points, status), row["reason"]
    assert reason in row["reason"]
    assert row["max_score"] == "7"  # edited points change nothing


def _printed(out, student):
    notebook = nbformat.read(out / "autograded" / student / DEMO_LESSON / "exercise.ipynb", as_version=4)
    return "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)


def test_the_sandbox_hides_the_course_the_gradebook_and_other_students(hostile, course):
    _, out, _ = hostile
    printed = _printed(out, "reads-secrets")
    assert printed.count("blocked") == 5 and "READ" not in printed
    printed = _printed(out, "writes-gradebook")
    assert printed.count("blocked") == 2 and "WROTE" not in printed
    assert not (course / "solutions" / "hacked.db").exists()
    printed = _printed(out, "network")
    assert printed.count("blocked") == 3 and "CONNECTED" not in printed


def test_the_students_kernel_never_sees_the_hidden_tests(hostile):
    _, out, _ = hostile
    hidden = _hidden_test_lines()
    printed = _printed(out, "reads-history")
    assert "HISTORY" in printed and "questions.weights.check()" in printed  # earlier cells
    assert hidden and not [line for line in hidden if line in printed]


def test_answer_files_are_refused_without_quoting_them(hostile):
    _, out, _ = hostile
    for student in ("crafted-values", "value-symlinks"):
        page = (out / "feedback" / student / DEMO_LESSON / "exercise.html").read_text()
        assert "root:" not in page and "BEGIN SOLUTION" not in page
    crafted = (out / "feedback/crafted-values" / DEMO_LESSON / "exercise.html").read_text()
    assert "could not be read by the grader" in crafted
    lambda_model = (out / "feedback/lambda-model" / DEMO_LESSON / "exercise.html").read_text()
    assert "Lambda" in lambda_model


def test_autograded_notebooks_carry_no_script(hostile):
    """What formgrader shows the instructor is inert: no script, handler or frame."""
    _, out, _ = hostile
    for path in (out / "autograded").rglob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        shown = [c.source for c in notebook.cells if c.cell_type != "code"] + \
            [str(o) for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
        for danger in ("<script", "<iframe", "<img", "application/javascript"):
            assert not [text for text in shown if danger in text], (path, danger)
    answered = (out / "autograded" / "script-in-outputs" / DEMO_LESSON / "exercise.ipynb").read_text()
    assert "&lt;script&gt;alert(4)" in answered  # the written answer is kept, escaped


def test_tmpfs_is_capped(hostile):
    assert "refused /tmp" in _printed(hostile[1], "fills-tmpfs")


def test_a_non_root_instructor_grades_with_a_user_namespace(course, tmp_path):
    """Not root: bubblewrap makes a user namespace, nothing drops to a sandbox user, and the
    in-memory folders are still capped (run as uid 1000 in a user namespace of its own)."""
    students = attacks.hostile_class(course, tmp_path / "out", tmp_path / "submitted")
    attacks.write_class({s: students[s] for s in ("ada", "fills-tmpfs")}, tmp_path / "submitted")
    finished = subprocess.run(
        [str(arg) for arg in ["unshare", "--user", "--map-user=1000", "--map-group=1000",
                              sys.executable, "-m", "grading", tmp_path / "submitted", "--course",
                              course, "--out", tmp_path / "out", "--jobs", 2, *LIMITS]],
        cwd=tmp_path, capture_output=True, text=True, timeout=1200)
    assert finished.returncode == 0, finished.stderr[-3000:]
    graded = rows(tmp_path / "out")
    assert {s: float(r["score"]) for s, r in graded.items()} == {"ada": 5.0, "fills-tmpfs": 4.0}
    assert "refused /tmp OSError" in _printed(tmp_path / "out", "fills-tmpfs")  # full, not forbidden


def test_huge_output_is_cut(hostile):
    _, out, _ = hostile
    path = out / "autograded" / "huge-output" / DEMO_LESSON / "exercise.ipynb"
    assert path.stat().st_size < 3_000_000
    assert "output cut at 1,000,000 bytes" in _printed(out, "huge-output")


def test_a_rerun_gives_the_same_grades_and_a_sound_gradebook(hostile, course):
    """Grading some of the class again, into the same gradebook, changes no grade."""
    elsewhere, out, _ = hostile
    before = (out / "grades.csv").read_text()
    again = elsewhere / "again"
    for student in ("ada", "writes-gradebook", "edited-metadata", "corrupt-json", "only-a-pdf"):
        shutil.copytree(elsewhere / "submitted" / student, again / student)
    finished = grade(elsewhere, again, "--course", course, "--out", out, "--jobs", 2, *LIMITS)
    assert finished.returncode == 0, finished.stderr[-3000:]
    rerun = rows(out)
    first = {line.split(",")[0]: line for line in before.splitlines()[1:]}
    for student, row in rerun.items():
        assert first[student].startswith(f"{student},{row['lesson']},{row['notebook']},{row['score']},")
    export = out / "nbgrader-after.csv"
    subprocess.run([NBGRADER, "export", f"--db=sqlite:///{out / 'gradebook.db'}",
                    f"--to={export}"], cwd=elsewhere, check=True, capture_output=True)
    with open(export) as file:
        exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(file)}
    assert exported == {s: float(p) for s, (p, _, _) in HOSTILE.items()}


# Every lesson ---------------------------------------------------------------------------------

#: Lessons whose answers cross as every kind of value: tables and arrays from scikit-learn,
#: histories, callbacks, loss objects, nested models (lesson 01 is the demo's ada; the
#: answer corpus judges every lesson's answers in-process, through the same judge).
EVERY_KIND_OF_VALUE = ["03-stochastic-gradient-descent", "06-binary-classification",
                       "07-handwritten-digits"]


def test_every_kind_of_answer_crosses_the_sandbox_and_gets_every_point(tmp_path):
    """The reference answers, graded in sandboxes in the real course, earn every test's
    points with nothing flagged."""
    from tests.submissions import answered

    expected = {}
    for lesson in EVERY_KIND_OF_VALUE:
        path = tmp_path / "submitted" / "reference" / lesson / "exercise.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(answered(lesson), path)
        source = nbformat.read(REPO / "solutions" / lesson / "exercise.ipynb", as_version=4)
        expected[lesson] = sum(c.metadata["nbgrader"]["points"] for c in source.cells
                               if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code")
    finished = grade(tmp_path, "submitted", "--out", tmp_path / "out", "--jobs", 2)
    assert finished.returncode == 0, finished.stderr[-3000:]
    with open(tmp_path / "out" / "grades.csv") as file:
        graded = {row["lesson"]: row for row in csv.DictReader(file)}
    assert {lesson: float(row["score"]) for lesson, row in graded.items()} == expected
    assert {row["status"] for row in graded.values()} <= {"graded", "to mark by hand"}
    assert not any(row["reason"] for row in graded.values())
