"""The course's exchange (grading/exchange.py) on a real nbgrader exchange in a scratch
folder: a submit killed half-way leaves nothing collect takes, a closed lesson says so, and
collect refuses what a hostile student can write into ``inbound/`` by hand."""

import datetime
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.abc.exchange import ExchangeError
from traitlets.config import Config

from grading import exchange
from grading.exchange import (ALLOWANCE, PARTIAL, CourseExchangeCollect, CourseExchangeSubmit,
                              arrival_time, choose, copy_plain_tree, trusted_time)

COURSE, LESSON = "course", "01-lesson"
NOW = datetime.datetime(2026, 11, 26, 12, 0, 0)


# -- pure rules ------------------------------------------------------------------------------

def test_a_plausible_claimed_time_is_kept():
    assert trusted_time(NOW - datetime.timedelta(seconds=5), NOW) == NOW - datetime.timedelta(seconds=5)
    assert trusted_time(NOW - ALLOWANCE, NOW) == NOW - ALLOWANCE


@pytest.mark.parametrize("claimed", [NOW - ALLOWANCE - datetime.timedelta(seconds=1),  # backdated
                                     NOW + datetime.timedelta(seconds=1),  # after it was there
                                     None])
def test_an_implausible_or_missing_claim_counts_from_the_arrival(claimed):
    assert trusted_time(claimed, NOW) == NOW


def _record(name, minutes):
    return {"username": name, "timestamp": NOW + datetime.timedelta(minutes=minutes), "filename": f"{name}{minutes}"}


def test_the_latest_submission_of_each_student_is_chosen():
    records = [_record("ada", 1), _record("ada", 3), _record("bob", 2)]
    assert sorted(r["filename"] for r in choose(records, None, False)) == ["ada3", "bob2"]


def test_before_the_due_date_chooses_the_last_one_in_time_else_the_last():
    records = [_record("ada", 1), _record("ada", 3), _record("bob", 2)]
    chosen = choose(records, NOW + datetime.timedelta(minutes=1, seconds=30), True)
    assert sorted(r["filename"] for r in chosen) == ["ada1", "bob2"]
    assert sorted(r["filename"] for r in choose(records, NOW + datetime.timedelta(minutes=5), False)) == ["ada3", "bob2"]


def test_copy_plain_tree_copies_folders_and_files_never_links_or_pipes(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the instructor's")
    source = tmp_path / "source"
    (source / "sub").mkdir(parents=True)
    (source / "exercise.ipynb").write_text("mine")
    (source / "sub" / "data.csv").write_text("1,2")
    (source / "sub" / "skip.pyc").write_text("x")
    (source / "link.ipynb").symlink_to(secret)
    (source / "folder-link").symlink_to(tmp_path)
    os.mkfifo(source / "pipe")
    skipped = copy_plain_tree(source, tmp_path / "copy", lambda folder, names: [n for n in names if n.endswith(".pyc")])
    copied = sorted(str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*"))
    assert copied == ["exercise.ipynb", "sub", "sub/data.csv"]
    assert (tmp_path / "copy" / "sub" / "data.csv").read_text() == "1,2"
    assert sorted(Path(p).name for p in skipped) == ["folder-link", "link.ipynb", "pipe"]


# -- on a real exchange ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    """A gradebook made once (nbgrader makes one with alembic, which takes seconds)."""
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    with Gradebook(f"sqlite:///{path}", COURSE):
        pass
    return path


@pytest.fixture
def place(tmp_path, empty_gradebook):
    """An exchange with lesson 01 released, a student's fetched copy of it, and the course."""
    root = tmp_path / "exchange"
    (root / COURSE / "outbound" / LESSON).mkdir(parents=True)
    (root / COURSE / "inbound").mkdir()
    root.chmod(0o777)
    (root / COURSE / "inbound").chmod(0o2733)
    nbformat.write(nbformat.v4.new_notebook(), root / COURSE / "outbound" / LESSON / "exercise.ipynb")
    home = tmp_path / "home"
    (home / LESSON).mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]),
                   home / LESSON / "exercise.ipynb")
    (tmp_path / "course").mkdir()
    shutil.copy(empty_gradebook, tmp_path / "course" / "gradebook.db")
    return tmp_path


def _config(place, student):
    config = Config()
    config.Exchange.root = str(place / "exchange")
    config.Exchange.assignment_dir = str(place / "home")
    config.Exchange.cache = str(place / "cache")
    config.CourseDirectory.root = str(place / "course")
    config.CourseDirectory.course_id = COURSE
    config.CourseDirectory.assignment_id = LESSON
    config.CourseDirectory.student_id = student
    return config


def _run(kind, place, student="*", **options):
    """Run nbgrader's submit or collect of the course's exchange, with ``options`` set on it."""
    config = _config(place, student)
    for name, value in options.items():
        setattr(config[kind.__name__], name, value)
    kind(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config), config=config).start()


def _inbound(place):
    return place / "exchange" / COURSE / "inbound"


def _me():
    return pwd.getpwuid(os.geteuid()).pw_name


def test_a_submission_arrives_whole_and_is_collected(place):
    _run(CourseExchangeSubmit, place, _me())
    [folder] = _inbound(place).iterdir()
    assert folder.name.startswith(f"{_me()}+{LESSON}+")
    assert sorted(p.name for p in folder.iterdir()) == ["exercise.ipynb", "submission_secret.txt", "timestamp.txt"]
    _run(CourseExchangeCollect, place)
    collected = place / "course" / "submitted" / _me() / LESSON
    assert (collected / "exercise.ipynb").read_text() == (place / "home" / LESSON / "exercise.ipynb").read_text()
    assert (collected / "timestamp.txt").read_text() == (folder / "timestamp.txt").read_text()


def test_a_closed_lesson_says_so_and_sends_nothing(place):
    for released in (place / "exchange" / COURSE / "outbound" / LESSON).iterdir():
        released.unlink()
    (place / "exchange" / COURSE / "outbound" / LESSON).rmdir()  # formgrader's Unrelease
    with pytest.raises(ExchangeError) as refused:
        _run(CourseExchangeSubmit, place, _me())
    assert str(refused.value) == exchange.closed_message(LESSON, str(place / "home" / LESSON))
    assert "is closed" in str(refused.value) and "Nothing was sent" in str(refused.value)
    assert max(len(line) for line in str(refused.value).splitlines()) < 100 + len(str(place))
    assert not list(_inbound(place).iterdir())


def test_a_submit_killed_half_way_leaves_nothing_to_collect(place):
    """A real `nbgrader submit`, killed while it copies (a hub restart stops the student's
    server): its hidden folder stays, collect takes nothing; the next submit is collected."""
    many = place / "home" / LESSON / "data"
    many.mkdir()
    for number in range(3000):  # enough files that the copy takes a while
        (many / f"{number}.txt").write_text(str(number))
    command = [sys.executable, "-m", "nbgrader", "submit", LESSON, "--course", COURSE,
               f"--Exchange.root={place / 'exchange'}", f"--Exchange.cache={place / 'cache'}",
               "--ExchangeFactory.submit=grading.exchange.CourseExchangeSubmit"]
    environment = {**os.environ, "USER": _me()}  # nbgrader names the student from USER
    submit = subprocess.Popen(command, cwd=place / "home", env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(_inbound(place).glob(PARTIAL + "*")) and time.monotonic() < deadline:
        time.sleep(0.001)
    submit.send_signal(signal.SIGKILL)
    submit.wait()
    [partial] = list(_inbound(place).iterdir())
    assert partial.name.startswith(PARTIAL), "the kill came after the copy: nothing was tested"
    _run(CourseExchangeCollect, place)
    assert not (place / "course" / "submitted").exists()

    finished = subprocess.run(command, cwd=place / "home", env=environment, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr[-2000:]
    _run(CourseExchangeCollect, place)
    collected = place / "course" / "submitted" / _me() / LESSON
    assert len(list((collected / "data").iterdir())) == 3000


def _forge(place, student, claimed, owner=None, files=None):
    """A folder written into inbound/ by hand, as a hostile student can."""
    folder = _inbound(place) / f"{student}+{LESSON}+{claimed.strftime(exchange.TIMESTAMP_FORMAT)}+forged"
    folder.mkdir()
    for name, text in (files or {"exercise.ipynb": "{}"}).items():
        (folder / name).write_text(text)
    (folder / "timestamp.txt").write_text(claimed.strftime(exchange.TIMESTAMP_FORMAT))
    if owner is not None:
        for path in (folder, *folder.iterdir()):
            os.chown(path, owner, owner)
    return folder


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def test_collect_refuses_a_submission_in_someone_elses_name(place, caplog):
    if os.geteuid() != 0:
        pytest.skip("making a folder that another user owns needs root")
    nobody = pwd.getpwnam("nobody").pw_uid
    own = _forge(place, "nobody", _utcnow(), owner=nobody)
    _forge(place, "daemon", _utcnow() + datetime.timedelta(seconds=1), owner=nobody)
    _run(CourseExchangeCollect, place)
    assert (place / "course" / "submitted" / "nobody" / LESSON / "exercise.ipynb").is_file()
    assert not (place / "course" / "submitted" / "daemon").exists()
    assert "in daemon's name but belongs to nobody" in caplog.text
    assert own.is_dir() and len(list(_inbound(place).iterdir())) == 2  # nothing is deleted


def test_with_roster_only_collect_takes_the_class_list_only(place, caplog):
    with Gradebook(f"sqlite:///{place / 'course' / 'gradebook.db'}", COURSE) as gradebook:
        gradebook.update_or_create_student("ada")
    _forge(place, _me(), _utcnow())  # its owner's own, but not on the list
    _run(CourseExchangeCollect, place, roster_only=True)
    assert not (place / "course" / "submitted").exists()
    assert f"{_me()} is not on the class list" in caplog.text
    _run(CourseExchangeCollect, place)  # without it, as nbgrader
    assert (place / "course" / "submitted" / _me() / LESSON / "exercise.ipynb").is_file()


def test_collect_counts_a_backdated_submission_from_its_arrival(place, caplog):
    backdated = _utcnow() - datetime.timedelta(hours=1)
    folder = _forge(place, _me(), backdated)
    arrived = arrival_time(folder)
    _run(CourseExchangeCollect, place)
    stamped = (place / "course" / "submitted" / _me() / LESSON / "timestamp.txt").read_text()
    assert stamped == arrived.strftime(exchange.TIMESTAMP_FORMAT)
    assert abs(arrived - _utcnow()) < datetime.timedelta(minutes=1)
    assert "counts as made when it arrived" in caplog.text


def test_an_exchange_that_was_moved_can_be_collected_by_the_claimed_times(place):
    backdated = _utcnow() - datetime.timedelta(hours=1)
    _forge(place, _me(), backdated)
    _run(CourseExchangeCollect, place, trust_claimed_times=True)
    stamped = (place / "course" / "submitted" / _me() / LESSON / "timestamp.txt").read_text()
    assert stamped == backdated.strftime(exchange.TIMESTAMP_FORMAT)


def test_collect_never_follows_a_link_out_of_a_submission(place, caplog):
    secret = place / "course" / "gradebook-secret.txt"
    secret.write_text("solutions")
    folder = _forge(place, _me(), _utcnow())
    (folder / "exercise.ipynb").unlink()
    (folder / "exercise.ipynb").symlink_to(secret)
    (_inbound(place) / f"{_me()}+{LESSON}+{_utcnow().strftime(exchange.TIMESTAMP_FORMAT)}+link").symlink_to(
        place / "course")
    _run(CourseExchangeCollect, place)
    collected = place / "course" / "submitted" / _me() / LESSON
    assert not (collected / "exercise.ipynb").exists()
    assert "Not collected (a link, a pipe or a device)" in caplog.text
    assert "not a folder" in caplog.text
