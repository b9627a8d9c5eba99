"""A class on JupyterHub, in a real browser: `make hub`'s hub with real system users, PAM
logins, each user's JupyterLab running as that user, and nbgrader's exchange.

The instructor generates and releases lesson 01's exercise in formgrader. Three students
fetch it from the *Assignment List*, answer in JupyterLab, run the checks and submit: ada
twice (a mistake first, then again with the hub restarting as she presses Submit), mallory
with an attack and a blank exercise forged in ada's name, grace half right and after the
deadline; a user of the machine who is not in the class cannot log in, and what he drops
into the exchange is not collected. The instructor collects, grades with the course's
sandboxed grader as their own user, marks the written answers in formgrader, and generates
and releases feedback. Each student fetches feedback and reads their points and messages,
never the hidden tests. The final grades are asserted from nbgrader's export. Then the
instructor closes the lesson, and a submit says so.

Needs root (it creates the users and the hub runs as root, as `make hub` does); the users
are removed afterwards.
"""

import csv
import datetime
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests import attacks
from tests.browser import ARTIFACTS, _free_port, _menu, _settings, browser  # noqa: F401
from tests.conftest import REPO
from tests.submissions import DEMO_LESSON, reference_answers
from tests.test_grading import _hidden_test_lines

pytestmark = [pytest.mark.browser, pytest.mark.hub]

INSTRUCTOR = "hubtest-teacher"
STUDENTS = {"hubtest-ada": "ada", "hubtest-mallory": "mallory", "hubtest-grace": "grace"}
ADA, MALLORY, GRACE = STUDENTS
OUTSIDER = "hubtest-outsider"
WRITTEN = "written_kernel_shape"
REFERENCE = reference_answers(DEMO_LESSON)
#: half right: a ReLU unit, so the linear model question (2 of the 5 automatic points) is
#: wrong. ada's first try, and grace's answers
HALF_RIGHT = {**REFERENCE, "answer_linear_model": (
    "model = keras.Sequential([keras.Input(shape=input_shape), layers.Dense(1, activation='relu')])")}
#: mallory's last answer reads the instructor's gradebook and solutions, and the passwords
MALLORY_ANSWERS = {**REFERENCE, attacks.LAST: attacks._secrets_reader([
    f"/home/{INSTRUCTOR}/course/gradebook.db", f"/home/{INSTRUCTOR}/intro-dl/solutions",
    "/etc/shadow"])}


def _remove_users():
    for name in [INSTRUCTOR, *STUDENTS, OUTSIDER]:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        subprocess.run(["userdel", "--remove", name], capture_output=True)


class Hub:
    """`tools/hub.py` (what `make hub` runs) for this test's class, on a free loopback port."""

    def __init__(self, state):
        self.state, port = state, _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.klass = state / "class.toml"
        self.klass.write_text(
            "[class]\ncourse_id = \"intro-to-deep-learning\"\n"
            f"address = \"127.0.0.1:{port}\"\nexchange = \"{state / 'exchange'}\"\n"
            f"create_users = true\ninstructors = [\"{INSTRUCTOR}\"]\n"
            f"students = {json.dumps(list(STUDENTS))}\n")
        self.process = None

    def start(self):
        log = open(self.state / "hub.log", "a")
        self.process = subprocess.Popen(
            [sys.executable, REPO / "tools" / "hub.py", "--class", self.klass, "--state",
             self.state / "hub", "--uv", Path(sys.executable).with_name("uv")],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(f"{self.url}/hub/login", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        pytest.fail("the hub did not start: " + (self.state / "hub.log").read_text()[-3000:])

    def stop(self):
        """SIGTERM, as Ctrl-C or a service manager stops it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)

    @property
    def logins(self):
        lines = (self.state / "hub" / "private" / "logins.txt").read_text().splitlines()
        return dict(line.split(" ", 1) for line in lines)


@pytest.fixture(scope="module")
def hub():
    """The class's hub, running; its users exist (made by tools/hub.py) until the end."""
    assert os.geteuid() == 0, "the hub test creates system users: run it as root (CI does)"
    _remove_users()
    state = Path(tempfile.mkdtemp(prefix="hub-", dir="/tmp"))
    state.chmod(0o755)
    running = Hub(state)
    running.start()
    for name in [INSTRUCTOR, *STUDENTS]:  # every cell on the page (the default draws only those in view)
        home = Path(pwd.getpwnam(name).pw_dir)
        _settings(home / ".jupyter" / "lab" / "user-settings")
        subprocess.run(["chown", "-R", f"{name}:{name}", home / ".jupyter"], check=True)
    subprocess.run(["useradd", OUTSIDER], check=True)  # a user of the machine, not of the class
    subprocess.run(["chpasswd"], input=f"{OUTSIDER}:{OUTSIDER}-password\n", text=True, check=True)
    yield running
    if os.environ.get("HUB_TEST_KEEP"):  # to look into a failing run: everything stays
        return
    running.stop()
    if ARTIFACTS.is_dir():
        shutil.copy(state / "hub.log", ARTIFACTS / "hub.log")
    _remove_users()
    shutil.rmtree(state, ignore_errors=True)


@pytest.fixture
def people(browser):
    """A separate browser context per person, as if on separate machines."""
    contexts = []

    def person():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(120_000)
        return page
    yield person
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, context in enumerate(contexts):  # each person's last view, for a failing run
        for page in context.pages:
            page.screenshot(path=str(ARTIFACTS / f"hub-person-{number}.png"))
        context.close()


def _log_in(page, url, name, password):
    page.goto(f"{url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.locator("#jp-MainMenu").wait_for(timeout=180_000)  # spawned, JupyterLab loaded


def _back(page, url):
    page.goto(f"{url}/hub/spawn")
    page.locator("#jp-MainMenu").wait_for(timeout=180_000)


def _formgrader(page):
    _menu(page, "Nbgrader", "Formgrader")
    return page.frame_locator("iframe")


def _assignment_action(frame, icon):
    """Click one of formgrader's buttons on lesson 01's row, close its success dialog and
    return what it said (nbgrader's log)."""
    row = frame.locator("tr", has=frame.get_by_role("link", name=DEMO_LESSON, exact=True))
    row.locator(f".glyphicon-{icon}").click()
    dialog = frame.locator("#success-modal, #error-modal")
    dialog.wait_for(timeout=300_000)
    text = dialog.inner_text()
    assert dialog.get_attribute("id") == "success-modal", text
    dialog.locator(".modal-footer button").click()
    dialog.wait_for(state="detached")
    return text


def _fetch(page):
    """*Nbgrader → Assignment List*, then *Fetch* on the released lesson."""
    _menu(page, "Nbgrader", "Assignment List")
    page.locator("#released_assignments_list").get_by_role("button", name="Fetch").click()
    page.locator("#fetched_assignments_list").get_by_text(DEMO_LESSON).first.wait_for()


def _answer(page, home, answers):
    """Open the fetched exercise, type each answer into its cell, run every cell, save."""
    path = Path(home) / DEMO_LESSON / "exercise.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    page.locator("#jp-MainMenu").wait_for()
    base = page.url.split("/lab")[0]
    page.goto(f"{base}/lab/tree/{DEMO_LESSON}/exercise.ipynb")
    panel = page.locator(".jp-NotebookPanel:visible")
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=180_000)
    for index, cell in enumerate(cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in answers or not cell.metadata["nbgrader"].get("solution"):
            continue
        shown = panel.locator(".jp-Notebook .jp-Cell").nth(index)
        shown.scroll_into_view_if_needed()
        shown.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Enter")  # edit mode, in code and markdown cells alike
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answers[grade_id])
        page.keyboard.press("Escape")
    _run_all(page, panel)
    return nbformat.read(path, as_version=4)


def _run_all(page, panel):
    """*Run All Cells*, until every cell ran or a check stopped the run (a wrong answer's
    check raises, as nbgrader needs), then save."""
    counts = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .map(p => p.textContent)"""
    before = max([int(n) for text in page.evaluate(counts) for n in re.findall(r"\[(\d+)\]", text)] or [0])
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(  # nothing queued, and a cell ran in this run
        f"""() => {{
            const prompts = ({counts})();
            const busy = prompts.some(text => text.includes('*'));
            const counts = prompts.map(text => parseInt((text.match(/\\[(\\d+)\\]/) || [0, 0])[1]));
            return !busy && Math.max(...counts) > {before};
        }}""", timeout=300_000, polling=500)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
    _menu(page, "File", "Save Notebook")
    page.locator(".lm-TabBar-tab.jp-mod-dirty").wait_for(state="detached")


def _submit(page, inbound, student):
    """*Submit* in the Assignment List; wait until the submission is in the exchange."""
    def submitted():
        return len(list(inbound.glob(f"{student}+{DEMO_LESSON}+*/exercise.ipynb")))
    before = submitted()
    _menu(page, "Nbgrader", "Assignment List")
    page.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first.click()
    deadline = time.monotonic() + 120
    while submitted() == before and time.monotonic() < deadline:
        time.sleep(0.3)
    assert submitted() == before + 1, f"{student}'s submission did not reach the exchange"


def _assert_whole(inbound):
    """Every submission collect can see has what nbgrader's submit writes last."""
    for folder in inbound.glob(f"*+{DEMO_LESSON}+*"):
        assert {"exercise.ipynb", "timestamp.txt", "submission_secret.txt"} <= {p.name for p in folder.iterdir()}, folder


#: a student's own script: ``notebook`` into the exchange's ``inbound`` folder as a submission
#: of ``lesson`` by ``student``, stamped now, as nbgrader's submit would write it
FORGE = """
import datetime, os, shutil, sys
inbound, student, lesson, notebook = sys.argv[1:]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
folder = os.path.join(inbound, f"{student}+{lesson}+{now}+forged")
os.mkdir(folder)
shutil.copy(notebook, os.path.join(folder, "exercise.ipynb"))
open(os.path.join(folder, "timestamp.txt"), "w").write(now)
"""


def _verdicts(notebook):
    return [line for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) for line in [output.get("data", {}).get("text/html", "")]
            if "intro-dl-verdict" in line]


def _as(user, *command, cwd=None):
    account = pwd.getpwnam(user)
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", f"HOME={account.pw_dir}", f"USER={user}",
         "TF_CPP_MIN_LOG_LEVEL=3", *map(str, command)],
        cwd=cwd or account.pw_dir, capture_output=True, text=True, timeout=1200)


def test_a_class_on_jupyterhub(hub, people):
    url, logins, state = hub.url, hub.logins, hub.state
    bin_dir = state / "hub" / "venv" / "bin"
    home = {name: Path(pwd.getpwnam(name).pw_dir) for name in [INSTRUCTOR, *STUDENTS]}
    course = home[INSTRUCTOR] / "course"
    inbound = state / "exchange" / "intro-to-deep-learning" / "inbound"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # the instructor releases lesson 01's exercise
    teacher = people()
    _log_in(teacher, url, INSTRUCTOR, logins[INSTRUCTOR])
    frame = _formgrader(teacher)
    _assignment_action(frame, "education")      # Generate
    _assignment_action(frame, "cloud-upload")   # Release
    assert (state / "exchange" / "intro-to-deep-learning" / "outbound" / DEMO_LESSON / "exercise.ipynb").is_file()

    # a student sees no formgrader; ada submits a mistake, then her fixed answers
    ada = people()
    _log_in(ada, url, ADA, logins[ADA])
    ada.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True).click()
    assert ada.locator(".lm-Menu-content").get_by_text("Formgrader", exact=True).count() == 0
    ada.keyboard.press("Escape")
    _fetch(ada)
    first = _answer(ada, home[ADA], HALF_RIGHT)
    assert any("Not quite" in v for v in _verdicts(first))
    _submit(ada, inbound, ADA)
    fixed = _answer(ada, home[ADA], REFERENCE)
    assert not any("Not quite" in v for v in _verdicts(fixed))

    # she presses Submit and the hub restarts at once (an upgrade, a crash), stopping her
    # server: the submit arrives whole or not at all (tests/test_exchange.py kills one mid-copy)
    _menu(ada, "Nbgrader", "Assignment List")
    ada.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first.click()
    hub.stop()
    hub.start()
    _assert_whole(inbound)
    for page in (ada, teacher):  # still logged in: the hub starts their servers again
        _back(page, url)
    _submit(ada, inbound, ADA)  # the last one is graded
    assert len(list(inbound.glob(f"{ADA}+{DEMO_LESSON}+*"))) >= 2  # every submission is kept

    # someone with an account on the machine, but not in the class, cannot log in
    outsider = people()
    outsider.goto(f"{url}/hub/login")
    outsider.fill("#username_input", OUTSIDER)
    outsider.fill("#password_input", f"{OUTSIDER}-password")
    outsider.click("#login_submit")
    outsider.get_by_text("Invalid username or password").wait_for()
    assert not list(Path("/home").glob(f"{OUTSIDER}*/{DEMO_LESSON}"))
    released = state / "exchange" / "intro-to-deep-learning" / "outbound" / DEMO_LESSON / "exercise.ipynb"
    dropped = _as(OUTSIDER, bin_dir / "python", "-c", FORGE, inbound, OUTSIDER, DEMO_LESSON, released,
                  cwd="/tmp")  # from a shell on the machine: collect keeps to the class list
    assert dropped.returncode == 0, dropped.stderr

    mallory = people()
    _log_in(mallory, url, MALLORY, logins[MALLORY])
    _fetch(mallory)
    tried = _answer(mallory, home[MALLORY], MALLORY_ANSWERS)
    printed = "".join(o.get("text", "") for c in tried.cells if c.cell_type == "code" for o in c.outputs)
    assert "READ" not in printed and printed.count("blocked") == 3  # her own server: Unix rights
    _submit(mallory, inbound, MALLORY)
    # by hand, she also puts a blank exercise into the exchange in ada's name, made later
    forged = _as(MALLORY, bin_dir / "python", "-c", FORGE, inbound, ADA, DEMO_LESSON, released)
    assert forged.returncode == 0, forged.stderr

    # the deadline: the next whole minute; grace answers before it and submits after it
    grace = people()
    _log_in(grace, url, GRACE, logins[GRACE])
    _fetch(grace)
    now = datetime.datetime.now(datetime.timezone.utc)
    due = (now + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
    _set_due_date(teacher, due)
    _answer(grace, home[GRACE], HALF_RIGHT)
    while datetime.datetime.now(datetime.timezone.utc) < due + datetime.timedelta(seconds=2):
        time.sleep(1)
    _submit(grace, inbound, GRACE)

    # collect, and grade with the course's sandboxed grader, as the instructor
    (course / "nbgrader_config.py").write_text(
        (course / "nbgrader_config.py").read_text() + 'c.LateSubmissionPlugin.penalty_method = "zero"\n')
    frame = _formgrader(teacher)
    collected = _assignment_action(frame, "cloud-download")  # Collect
    assert f"in {ADA}'s name but belongs to {MALLORY}" in collected  # the instructor reads why
    assert f"{OUTSIDER} is not on the class list" in collected
    assert not (course / "submitted" / OUTSIDER).exists()
    for student in STUDENTS:
        assert (course / "submitted" / student / DEMO_LESSON / "timestamp.txt").is_file()
    graded = _as(INSTRUCTOR, bin_dir / "intro-dl-grade", course, "--course", home[INSTRUCTOR] / "intro-dl",
                 "--out", course, "--jobs", 2)
    assert graded.returncode == 0, graded.stdout[-2000:] + graded.stderr[-3000:]

    # the written answers, marked in formgrader
    _mark_written_answers(teacher, url, course, {ADA: ("2", "Right: one weight per feature."),
                                    MALLORY: ("1", "Half: say what the shape means."),
                                    GRACE: ("2", "Right, but late.")})
    teacher.goto(f"{url}/user/{INSTRUCTOR}/lab")
    frame = _formgrader(teacher)
    _assignment_action(frame, "comment")   # Generate Feedback: the course's pages
    _assignment_action(frame, "envelope")  # Release Feedback
    teacher.screenshot(path=str(ARTIFACTS / "hub-formgrader.png"))

    # each student fetches feedback: points and messages, never the hidden tests
    hidden = _hidden_test_lines()
    expected = {ADA: "7 / 7", MALLORY: "5 / 7", GRACE: "0 / 7"}
    for student, page in ((ADA, ada), (MALLORY, mallory), (GRACE, grace)):
        _menu(page, "Nbgrader", "Assignment List")
        page.locator("#submitted_assignments_list").get_by_role("button", name="Fetch Feedback").first.click()
        pages = []
        deadline = time.monotonic() + 60
        while not pages and time.monotonic() < deadline:
            pages = sorted((home[student] / DEMO_LESSON / "feedback").glob("*/exercise.html"))
            time.sleep(0.5)
        assert pages, f"{student} got no feedback"
        shown = pages[-1].read_text()
        shutil.copy(pages[-1], ARTIFACTS / f"hub-feedback-{STUDENTS[student]}.html")
        assert f"Score: <b>{expected[student]}</b>" in shown, (student, re.findall(r"Score.{0,60}", shown))
        assert "From your instructor:" in shown
        assert not [line for line in hidden if line in shown], student
        page.goto(f"{url}/user/{student}/files/{DEMO_LESSON}/feedback/{pages[-1].parent.name}/exercise.html")
        assert expected[student] in page.locator("body").inner_text()
    grace_page = sorted((home[GRACE] / DEMO_LESSON / "feedback").glob("*/exercise.html"))[-1].read_text()
    assert "a late penalty of 5 points" in grace_page  # half right (3 + 2 marked), then late

    # the final grades, from nbgrader's export of the gradebook
    exported = _as(INSTRUCTOR, bin_dir / "nbgrader", "export", "--to", course / "final.csv", cwd=course)
    assert exported.returncode == 0, exported.stderr[-2000:]
    with open(course / "final.csv") as file:
        final = {row["student_id"]: row for row in csv.DictReader(file)}
    assert {s: float(final[s]["score"]) for s in STUDENTS} == {ADA: 7.0, MALLORY: 5.0, GRACE: 0.0}
    assert float(final[GRACE]["raw_score"]) == 5.0 and float(final[GRACE]["late_submission_penalty"]) == 5.0
    assert list(inbound.glob(f"{ADA}+{DEMO_LESSON}+*+forged"))  # refused by collect, still there
    assert list(inbound.glob(f"{OUTSIDER}+{DEMO_LESSON}+*+forged"))

    # the instructor closes lesson 01 (Unrelease) while ada's Assignment List still offers
    # Submit (a list loaded since no longer does): her submit says so, and sends nothing
    _back(ada, url)
    _menu(ada, "Nbgrader", "Assignment List")
    submit = ada.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first
    submit.wait_for()
    _assignment_action(_formgrader(teacher), "remove")
    before = len(list(inbound.glob(f"{ADA}+*")))
    submit.click()
    refusal = ada.locator(".nbgrader-ErrorDialog")
    refusal.get_by_text("is closed").wait_for()
    assert "Nothing was sent" in refusal.inner_text()
    ada.screenshot(path=str(ARTIFACTS / "hub-closed.png"))
    refusal.locator(".jp-Dialog-button.jp-mod-accept").click()
    jupyter = state / "hub" / "jupyter"  # a terminal in her JupyterLab has her server's config
    in_terminal = _as(ADA, "env", f"JUPYTER_CONFIG_PATH={jupyter / 'student'}:{jupyter / 'common'}",
                      bin_dir / "nbgrader", "submit", DEMO_LESSON)
    assert in_terminal.returncode != 0 and f"{DEMO_LESSON} is closed" in in_terminal.stderr, in_terminal.stderr
    assert len(list(inbound.glob(f"{ADA}+*"))) == before

    # the hub stops cleanly: no user's server is left running
    hub.stop()
    deadline, left = time.monotonic() + 30, True
    while left and time.monotonic() < deadline:  # kernels notice their server is gone within seconds
        left = [subprocess.run(["pgrep", "-a", "-u", name], capture_output=True, text=True).stdout
                for name in [INSTRUCTOR, *STUDENTS]]
        left = [line for lines in left for line in lines.splitlines()]
        time.sleep(1)
    assert not left


def _set_due_date(page, due):
    frame = _formgrader(page)
    row = frame.locator("tr", has=frame.get_by_role("link", name=DEMO_LESSON, exact=True))
    row.locator(".glyphicon-pencil").click()
    dialog = frame.locator("#edit-assignment-modal")
    dialog.locator("input.modal-duedate").fill(due.strftime("%Y-%m-%dT%H:%M"))
    dialog.locator("input.modal-timezone").fill("UTC")
    dialog.locator("button.save").click()
    dialog.wait_for(state="detached")
    row.locator(".duedate").get_by_text(due.strftime("%Y-%m-%d")).wait_for()


def _mark_written_answers(page, url, course, marks):
    """Mark each student's written answer on formgrader's grading page, as the instructor
    does after *Manual Grading*; wait until formgrader has saved it."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        ids = {student: gradebook.find_submission_notebook("exercise", DEMO_LESSON, student).id
               for student in marks}
    for student, (score, comment) in marks.items():
        page.goto(f"{url}/user/{INSTRUCTOR}/formgrader/submissions/{ids[student]}/?index=0")
        page.locator(f"textarea#{WRITTEN}-comment").wait_for()
        page.wait_for_function(
            "() => window.formgrader && formgrader.grades && formgrader.grades.loaded"
            " && formgrader.comments && formgrader.comments.loaded")
        for field, value in ((f"textarea#{WRITTEN}-comment", comment), (f"input.score#{WRITTEN}", score)):
            page.locator(field).fill(value)
            page.locator(field).press("Tab")  # formgrader saves a field when it loses focus
        deadline = time.monotonic() + 60
        while _written_mark(course, student) != (float(score), comment) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert _written_mark(course, student) == (float(score), comment)


def _written_mark(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return (gradebook.find_grade(WRITTEN, "exercise", DEMO_LESSON, student).manual_score,
                gradebook.find_comment(WRITTEN, "exercise", DEMO_LESSON, student).manual_comment)
