"""`make hub`'s pure parts (tools/hub.py), without a hub: the class file, each role's
Jupyter configuration."""

import json
import sys

import pytest
from nbgrader.exchange import ExchangeFactory
from traitlets.config.loader import PyFileConfigLoader

from grading import exchange
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import hub  # noqa: E402

CLASS = """\
[class]
course_id = "intro-to-deep-learning"
address = "127.0.0.1:8000"
exchange = "/srv/nbgrader/exchange"
create_users = true
instructors = ["dl-instructor"]
students = ["dl-student1", "dl-student2"]
"""


def _class(tmp_path, text=CLASS):
    path = tmp_path / "class.toml"
    path.write_text(text)
    return hub.read_class(path)


def test_the_shipped_class_file_reads():
    klass = hub.read_class(REPO / "hub" / "class.toml")
    assert klass.instructor == "dl-instructor" and len(klass.students) == 3
    assert klass.address.startswith("127.0.0.1:")  # loopback unless told otherwise


@pytest.mark.parametrize("change, reason", [
    (('instructors = ["dl-instructor"]', 'instructors = []'), "exactly one instructor"),
    (('"dl-student2"', '"Robert; rm -rf /"'), "not system user names"),
    (('"dl-student2"', '"dl-student1"'), "each person appears once"),
    (('"dl-student2"', '"dl-instructor"'), "each person appears once"),
    (('"127.0.0.1:8000"', '"localhost"'), "HOST:PORT"),
    (("[class]", "[klass]"), "cannot read a [class] table"),
])
def test_a_bad_class_file_says_what_is_wrong(tmp_path, change, reason):
    with pytest.raises(hub.ClassError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        _class(tmp_path, CLASS.replace(*change))


def test_students_get_no_formgrader_and_the_instructor_reads_the_course_config(tmp_path):
    klass = _class(tmp_path)
    course = tmp_path / "home" / "course"
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.LateSubmissionPlugin.penalty_method = 'zero'\n")
    paths = hub.write_jupyter_config(tmp_path / "jupyter", klass, course)

    student = paths["student"].split(":")
    server = json.loads((tmp_path / "jupyter" / "student" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    lab = json.loads((tmp_path / "jupyter" / "student" / "labconfig" / "page_config.json").read_text())
    assert lab["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    shared = PyFileConfigLoader("nbgrader_config.py", path=student[-1]).load_config()
    assert shared.Exchange.root == "/srv/nbgrader/exchange"
    assert shared.CourseDirectory.course_id == "intro-to-deep-learning"
    factory = ExchangeFactory(config=shared)  # the course's exchange, for students and instructor
    assert (factory.submit, factory.collect) == (exchange.CourseExchangeSubmit, exchange.CourseExchangeCollect)

    instructor = paths["instructor"].split(":")
    assert not (tmp_path / "jupyter" / "instructor" / "jupyter_server_config.json").exists()
    own = PyFileConfigLoader("nbgrader_config.py", path=instructor[0]).load_config()
    assert own.CourseDirectory.root == str(course)
    assert own.CourseExchangeCollect.roster_only is True  # collect keeps to the class list
    assert own.LateSubmissionPlugin.penalty_method == "zero"  # the course folder's own settings


def test_logins_are_kept_between_runs(tmp_path):
    path = tmp_path / "logins.txt"
    path.write_text("dl-student1 abc-DEF_123\n")
    assert hub.read_logins(path) == {"dl-student1": "abc-DEF_123"}
    assert hub.read_logins(tmp_path / "missing.txt") == {}
