"""`make hub`: a JupyterHub for a class, on this machine.

Reads the class (hub/class.toml), then, as root:
- installs configurable-http-proxy from hub/package-lock.json into <state>/proxy (npm ci);
- makes the class's system users (when ``create_users``), with random passwords written to
  <state>/private/logins.txt (readable by root only); existing accounts are left as they are;
- makes nbgrader's exchange (mode 777, as nbgrader's docs say) and the Jupyter configuration
  of each role: everyone gets nbgrader's exchange and course id; students do not get the
  formgrader or the assignment creator;
- installs everyone's environment in <state>/venv (the instructor set and the course's
  packages, from an interpreter every user can run);
- gives the instructor a course folder (~/course) with every lesson in source/, ready for
  formgrader's *Generate* and *Release*, and ~/intro-dl (the course's solutions/ and
  notebooks/) for ``intro-dl-grade ~/course --course ~/intro-dl --out ~/course``;
- starts JupyterHub (PAM login, one JupyterLab per user running as that user) in the
  foreground. Ctrl-C (or SIGTERM) stops it and every user's server.

Usage: python tools/hub.py [--class hub/class.toml] [--state /opt/intro-dl-hub] [--uv UV]
       [--python /usr/bin/python3] [--setup-only]
"""

import argparse
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUB = REPO / "hub"
USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


class ClassError(ValueError):
    """The class file cannot be served as it is."""


@dataclass(frozen=True)
class Class:
    """Who is in the class, and where it is served."""
    course_id: str
    address: str
    exchange: Path
    create_users: bool
    instructor: str
    students: tuple

    @property
    def everyone(self):
        return (self.instructor, *self.students)


def read_class(path):
    """The class in ``path`` (TOML, see hub/class.toml); :class:`ClassError` says what is wrong."""
    try:
        table = tomllib.loads(Path(path).read_text())["class"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise ClassError(f"{path}: cannot read a [class] table ({error})") from error
    instructors, students = list(table.get("instructors", [])), list(table.get("students", []))
    if len(instructors) != 1:
        raise ClassError(f"{path}: name exactly one instructor (the course folder is theirs); "
                         f"found {len(instructors)}")
    bad = [name for name in instructors + students if not USER_NAME.match(str(name))]
    if bad:
        raise ClassError(f"{path}: not system user names: {', '.join(map(repr, bad))}")
    if instructors[0] in students or len(set(students)) != len(students):
        raise ClassError(f"{path}: each person appears once, in one role")
    host, _, port = str(table.get("address", "")).rpartition(":")
    if not host or not port.isdigit():
        raise ClassError(f"{path}: address must be HOST:PORT, e.g. 127.0.0.1:8000")
    if not table.get("course_id"):
        raise ClassError(f"{path}: name the course_id, as nbgrader's exchange knows it")
    return Class(course_id=str(table["course_id"]), address=f"{host}:{port}",
                 exchange=Path(table.get("exchange", "/srv/nbgrader/exchange")),
                 create_users=bool(table.get("create_users", False)),
                 instructor=instructors[0], students=tuple(students))


def exchange_config(klass):
    """nbgrader's configuration shared by every user of the hub: the course's exchange
    (grading/exchange.py: whole submissions, a word on a closed lesson, a collect that
    trusts nothing the students wrote)."""
    return (f"c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {klass.course_id!r}\n"
            f"c.Exchange.root = {str(klass.exchange)!r}\n"
            "c.ExchangeFactory.submit = 'grading.exchange.CourseExchangeSubmit'\n"
            "c.ExchangeFactory.collect = 'grading.exchange.CourseExchangeCollect'\n")


#: JupyterHub's servers refuse every frame (``frame-ancestors 'none'``); the formgrader is a
#: frame of JupyterLab's own page, so allow frames from the same server only.
EVERY_SERVER = {"ServerApp": {"tornado_settings": {"headers": {
    "Content-Security-Policy": "frame-ancestors 'self'"}}}}
#: The instructor's server starts in their home: formgrader reads the course folder's own
#: nbgrader_config.py (the grader's settings, the late penalty) through this one.
INSTRUCTOR_CONFIG = """\
import os

c = get_config()  # noqa: F821
c.CourseDirectory.root = {course!r}
c.CourseExchangeCollect.roster_only = True  # the class's students, in the gradebook
if os.path.isfile(os.path.join(c.CourseDirectory.root, "nbgrader_config.py")):
    load_subconfig(os.path.join(c.CourseDirectory.root, "nbgrader_config.py"))  # noqa: F821
"""
STUDENT_SERVER = {"ServerApp": {"jpserver_extensions": {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False}}}
STUDENT_LAB = {"disabledExtensions": {
    "@jupyter/nbgrader:formgrader": True,
    "@jupyter/nbgrader:create-assignment": True,
    "@jupyter/nbgrader:course-list": True}}


def write_jupyter_config(folder, klass, course):
    """The Jupyter configuration folders of each role; return role -> JUPYTER_CONFIG_PATH."""
    common, student, instructor = folder / "common", folder / "student", folder / "instructor"
    for path in (common, student / "labconfig", instructor):
        path.mkdir(parents=True, exist_ok=True)
    (common / "nbgrader_config.py").write_text(exchange_config(klass))
    (common / "jupyter_server_config.json").write_text(json.dumps(EVERY_SERVER, indent=2))
    (student / "jupyter_server_config.json").write_text(json.dumps(STUDENT_SERVER, indent=2))
    (student / "labconfig" / "page_config.json").write_text(json.dumps(STUDENT_LAB, indent=2))
    (instructor / "nbgrader_config.py").write_text(INSTRUCTOR_CONFIG.format(course=str(course)))
    for path in (folder, *folder.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return {"student": f"{student}:{common}", "instructor": f"{instructor}:{common}"}


def read_logins(path):
    """user -> password, from a logins file written before."""
    if not path.exists():
        return {}
    return dict(line.split(" ", 1) for line in path.read_text().splitlines() if " " in line)


def make_accounts(klass, logins_file):
    """Create the class's users that do not exist yet, each with a random password. Users
    that exist keep theirs: an account made before (or a real one) is never changed.
    Write user -> password (of the users made here) to ``logins_file``, mode 600."""
    logins = read_logins(logins_file)
    for name in klass.everyone:
        if _exists(name):
            continue
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        Path(pwd.getpwnam(name).pw_dir).chmod(0o700)  # nobody reads another's work
        logins[name] = secrets.token_urlsafe(12)
        subprocess.run(["chpasswd"], input=f"{name}:{logins[name]}\n", text=True, check=True)
    logins_file.touch(mode=0o600)
    logins_file.chmod(0o600)
    logins_file.write_text("".join(f"{name} {password}\n" for name, password in logins.items()))
    return logins


def make_exchange(root):
    """nbgrader's exchange: one folder everyone can write to (nbgrader's docs: ugo+rw)."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o777)


def make_course(instructor, course_id, students, course_repo):
    """The instructor's course folder, ~/course, with every lesson in source/ (kept if there)
    and the class's students in its gradebook, and ~/intro-dl: the course's solutions/ and
    notebooks/, which the grader reads (``--course ~/intro-dl``). Both are the instructor's
    alone."""
    from nbgrader.api import Gradebook

    from grading import gradebook
    account = pwd.getpwnam(instructor)
    course, material = Path(account.pw_dir) / "course", Path(account.pw_dir) / "intro-dl"
    for folder in ("solutions", "notebooks"):
        shutil.rmtree(material / folder, ignore_errors=True)
        shutil.copytree(course_repo / folder, material / folder)
    for lesson in sorted(p.name for p in (course_repo / "solutions").iterdir() if p.is_dir()):
        if not (course / "source" / lesson).exists():
            shutil.copytree(course_repo / "solutions" / lesson, course / "source" / lesson)
    if not (course / "nbgrader_config.py").exists():
        (course / "nbgrader_config.py").write_text(gradebook.CONFIG)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as book:
        for student in students:  # the class list, which collect keeps to (roster_only)
            book.update_or_create_student(student)
    for folder in (course, material):
        for path in (folder, *folder.rglob("*")):
            os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
        folder.chmod(0o700)  # the solutions and the gradebook: the instructor's only
    return course


def install_proxy(folder):
    """configurable-http-proxy, as hub/package-lock.json pins it; return its command."""
    folder.mkdir(parents=True, exist_ok=True)
    command = folder / "node_modules" / ".bin" / "configurable-http-proxy"
    lock = (HUB / "package-lock.json").read_bytes()
    if command.exists() and (folder / "package-lock.json").read_bytes() == lock:
        return command
    for name in ("package.json", "package-lock.json"):
        shutil.copy(HUB / name, folder / name)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)
    return command


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LAB_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {
    "fetchNews": "false", "checkForUpdates": False}}


def install_environment(folder, uv, python, course_repo=REPO):
    """The environment every user's server runs in: the instructor set, with the course's
    helpers and grader installed as packages (not linked to this checkout, which the class's
    users may not be able to read), made from ``python``, an interpreter everyone can run."""
    if not (folder / "bin" / "python").exists():
        subprocess.run([uv, "venv", "--quiet", "--python", python, str(folder)], check=True)
    install = [uv, "pip", "install", "--quiet", "--python", str(folder / "bin" / "python")]
    subprocess.run([*install, "-r", str(course_repo / "requirements" / "instructor.txt")], check=True)
    quiet = folder / "share" / "jupyter" / "lab" / "settings"  # no news pop-ups in class
    quiet.mkdir(parents=True, exist_ok=True)
    (quiet / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=2))
    subprocess.run([*install, "--no-deps", "--reinstall-package", "intro-dl-helpers",
                    "--reinstall-package", "intro-dl-grader",
                    str(course_repo), str(course_repo / "grading")], check=True)
    return folder / "bin"


def check_runnable(bin_dir, name):
    """Refuse early, and say why, when a user of the class cannot run the environment."""
    probe = subprocess.run(["runuser", "-u", name, "--", str(bin_dir / "python"), "-c",
                            "import helpers, grading, nbgrader, jupyterhub"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        raise ClassError(f"{name} cannot run {bin_dir / 'python'}: {probe.stderr.strip()[-300:]}")


def prepare(klass, state, uv, python, course_repo=REPO):
    """Everything the hub needs before it starts; return the path of its settings file."""
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)  # users' servers run from the environment and configuration below it
    private = state / "private"  # the hub's database, cookie secret, logins: root's only
    private.mkdir(mode=0o700, exist_ok=True)
    private.chmod(0o700)
    proxy = install_proxy(state / "proxy")
    bin_dir = install_environment(state / "venv", uv, python, course_repo)
    if klass.create_users:
        make_accounts(klass, private / "logins.txt")
    missing = [name for name in klass.everyone if not _exists(name)]
    if missing:
        raise ClassError(f"no such system users: {', '.join(missing)} (create_users is false)")
    check_runnable(bin_dir, klass.students[0] if klass.students else klass.instructor)
    make_exchange(klass.exchange)
    course = make_course(klass.instructor, klass.course_id, klass.students, course_repo)
    settings = {
        "private": str(private), "address": klass.address, "proxy": str(proxy),
        "proxy_api_port": _free_port(), "hub_api_port": _free_port(), "bin": str(bin_dir),
        "instructors": [klass.instructor], "students": list(klass.students),
        "course": str(course),
        "config_path": write_jupyter_config(state / "jupyter", klass, course),
    }
    path = state / "hub.json"
    path.write_text(json.dumps(settings, indent=2))
    return path


def _exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="klass", type=Path, default=HUB / "class.toml")
    parser.add_argument("--state", type=Path, default=Path("/opt/intro-dl-hub"),
                        help="where the hub keeps its database, proxy, users' environment and logins")
    parser.add_argument("--uv", default=shutil.which("uv") or "uv", help="the uv that installs the users' environment")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="the interpreter of the users' environment: one every user can run")
    parser.add_argument("--setup-only", action="store_true", help="prepare everything, start nothing")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("make hub runs as root: it creates users and starts each user's server as them")
    try:
        klass = read_class(args.klass)
        settings = prepare(klass, args.state.resolve(), args.uv, args.python)
    except ClassError as error:
        sys.exit(f"error: {error}")
    host = klass.address
    print(f"The class's hub: http://{host}/  (instructor: {klass.instructor}; students: "
          f"{', '.join(klass.students)})")
    if klass.create_users:
        print(f"Passwords: {args.state / 'private' / 'logins.txt'} (root only)")
    if args.setup_only:
        return 0
    bin_dir = Path(json.loads(settings.read_text())["bin"])
    env = {**os.environ, "INTRO_DL_HUB_SETTINGS": str(settings),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    os.chdir(args.state / "private")
    os.execve(str(bin_dir / "jupyterhub"),
              [str(bin_dir / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")], env)


if __name__ == "__main__":
    sys.exit(main())
