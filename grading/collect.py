"""Find the submissions to grade, in nbgrader's folder layout or in an LMS's zip export.

Nothing is skipped silently: every student folder or file found becomes a :class:`Submission`,
and whatever cannot be graded (no notebook, a file that is not a notebook, an unknown lesson)
is carried along as a problem and reported with the student's name.
"""

import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grading import late

MAX_ZIP_BYTES = 2 * 1024**3  # unpacked; a larger export is refused rather than filling the disk


class CollectError(ValueError):
    """The submissions given cannot be read at all (not a folder or zip, unsafe zip...)."""


@dataclass
class Submission:
    """One student's work for one lesson: the notebook to grade, or why there is none."""
    student: str
    lesson: str
    notebook: str                  # the notebook's expected name, e.g. "exercise.ipynb"
    path: Path = None              # the file to grade (None if there is none)
    problem: str = None            # why it cannot be graded
    notes: list = field(default_factory=list)
    late: bool = False             # the LMS marked it late
    timestamp: str = None          # when it was submitted, from nbgrader's timestamp.txt
    lms_id: str = None             # the LMS's own id of the student, from a zip's names


#: nbgrader's exchange writes these beside a submission: they are not the student's files.
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def student_id(name):
    """A name usable as an nbgrader student id and a folder name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned or "unnamed"


def _lesson_submissions(student, lesson, folder, graded_notebooks, timestamps):
    """The submissions in one ``<student>/<lesson>/`` folder."""
    entries = sorted(p for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())
    files = [p for p in entries if p.is_file() and not p.is_symlink()]
    refused = [p.name for p in entries if p not in files]
    notebooks = [p for p in files if p.suffix == ".ipynb" and ".ipynb_checkpoints" not in p.parts]
    others = [p.name for p in files if p not in notebooks and ".ipynb_checkpoints" not in p.parts
              and not (timestamps and p.parent == folder and p.name in EXCHANGE_FILES)]
    timestamp, timestamp_note = late.read_timestamp(folder) if timestamps else (None, None)
    found = []
    unclaimed = [p for p in notebooks if p.name not in graded_notebooks]
    for name in graded_notebooks:
        submission = Submission(student, lesson, name, timestamp=timestamp,
                                notes=[timestamp_note] if timestamp_note else [])
        exact = [p for p in notebooks if p.name == name]
        if exact:
            submission.path = exact[0]
        elif len(unclaimed) == 1 and len(graded_notebooks) == 1:
            submission.path = unclaimed[0]
            submission.notes.append(f"the notebook was renamed to {unclaimed[0].name!r}; "
                                    f"it was graded as {name!r}")
        elif others and not notebooks:
            submission.problem = ("no notebook was submitted, only: " + ", ".join(others))
        else:
            submission.problem = f"no {name} was submitted"
        if others and submission.path:
            submission.notes.append("files that are not notebooks were ignored: " + ", ".join(others))
        if refused:
            submission.notes.append("links and special files are never followed or graded: "
                                    + ", ".join(refused))
        found.append(submission)
    return found


def from_folder(root, lessons, lesson=None, timestamps=True):
    """Submissions in nbgrader's ``<root>/<student>/<lesson>/`` layout.

    Args:
        root: the ``submitted/`` folder.
        lessons: lesson name -> the names of its graded notebooks.
        lesson: grade only this lesson (default: every lesson found).
        timestamps: read nbgrader's ``timestamp.txt`` (:func:`grading.late.read_timestamp`);
            False for an LMS zip, where such a file can only be the student's own.
    """
    root = Path(root)
    found = []
    for student_folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if student_folder.is_symlink():
            found.append(Submission(student_folder.name, lesson or "", "", problem=(
                "the student's folder is a link, which is never followed")))
            continue
        for lesson_folder in sorted(p for p in student_folder.iterdir() if p.is_dir()):
            if lesson and lesson_folder.name != lesson:
                continue
            if lesson_folder.is_symlink():
                found.append(Submission(student_folder.name, lesson_folder.name, "", problem=(
                    "the lesson's folder is a link, which is never followed")))
                continue
            if lesson_folder.name not in lessons:
                found.append(Submission(student_folder.name, lesson_folder.name, "",
                                        problem=f"{lesson_folder.name!r} is not a lesson of this course"))
                continue
            found += _lesson_submissions(student_folder.name, lesson_folder.name, lesson_folder,
                                         lessons[lesson_folder.name], timestamps)
    for submission in found:
        if not (submission.student + submission.lesson).isprintable():
            submission.notes.append(UNPRINTABLE)
    return found


UNPRINTABLE = ("the folder's name holds control characters: the gradebook keeps it as it is, "
               "grades.csv and the summary show them escaped")


def _safe_members(archive):
    """The zip's members, refusing absolute paths, ``..`` and a huge unpacked size."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
        raise CollectError(f"the zip unpacks to more than {MAX_ZIP_BYTES // 2**30} GB")
    for member in members:
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts:
            raise CollectError(f"the zip holds an unsafe path: {member.filename!r}")
    return [m for m in members if not PurePosixPath(m.filename).name.startswith(".")
            and "__MACOSX" not in PurePosixPath(m.filename).parts]


#: How an LMS names the files of its export: a regular expression over each member's path
#: with the groups ``student`` (the name), ``id`` (the LMS's own id, optional), ``late``
#: (matches when the LMS marked the work late, optional) and ``file`` (the file's own name).
CANVAS = (r"^(?P<student>[^_/]+)_(?:(?P<late>LATE)_)?(?P<id>\d+)_(?:\d+_)*"
          r"(?P<file>[^/]+)$")                   # lovelaceada_LATE_123_456_exercise.ipynb
MOODLE = (r"^(?P<student>[^/]+?)_(?P<id>\d+)_assignsubmission_[^/]*/(?:[^/]+/)*"
          r"(?P<file>[^/]+)$")                   # Ada Lovelace_123_assignsubmission_file_/x.ipynb
NAME_PATTERNS = (CANVAS, MOODLE)


@dataclass(frozen=True)
class Owner:
    """Whose a member of an LMS export is, under which file name, and whether it came late."""
    student: str
    file: str
    late: bool = False
    lms_id: str = None


def owner(member_path, patterns=NAME_PATTERNS):
    """The student a file in an LMS export belongs to, with the LMS's own id so that two
    students of the same name never collide (Canvas ``lovelaceada_LATE_123_456_exercise.ipynb``
    is ``lovelaceada-123``, late; Moodle ``Ada Lovelace_123_assignsubmission_file_/`` is
    ``Ada-Lovelace-123``). A path no pattern matches belongs to its top folder, or to the
    file's own name."""
    for pattern in patterns:
        found = re.match(pattern, member_path)
        if found:
            groups = found.groupdict()
            name = "-".join(filter(None, [groups["student"], groups.get("id")]))
            return Owner(student_id(name), groups.get("file") or PurePosixPath(member_path).name,
                         bool(groups.get("late")), groups.get("id"))
    parts = PurePosixPath(member_path).parts
    return Owner(student_id(PurePosixPath(parts[0]).stem if len(parts) == 1 else parts[0]),
                 parts[-1])


@dataclass
class Unpacked:
    """An LMS export unpacked: where, and what could not be taken as it was."""
    folder: Path
    notes: dict = field(default_factory=dict)       # student -> what happened to their files
    collisions: list = field(default_factory=list)  # files two members claimed
    late: set = field(default_factory=set)          # students the LMS marked late
    lms_ids: dict = field(default_factory=dict)     # student -> the LMS's own id


def _is_link(member):
    return stat.S_ISLNK(member.external_attr >> 16)


def unpack_zip(zip_path, lesson, destination, patterns=NAME_PATTERNS):
    """Unpack an LMS export of one lesson into nbgrader's layout under ``destination``.

    A damaged member or a link is reported for its student, and the rest is unpacked; a
    file two members claim is kept from the first and reported as a collision. ``patterns``
    say how the LMS names files (:data:`NAME_PATTERNS`).

    Returns:
        An :class:`Unpacked`.
    """
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise CollectError(f"{zip_path} is not a readable zip file: {error}") from error
    unpacked = Unpacked(Path(destination))
    with archive:
        for member in _safe_members(archive):
            found = owner(member.filename, patterns)
            original = found.file
            target = unpacked.folder / found.student / lesson / original
            target.parent.mkdir(parents=True, exist_ok=True)
            notes = unpacked.notes.setdefault(found.student, [])
            if found.lms_id:
                unpacked.lms_ids[found.student] = found.lms_id
            if found.late and found.student not in unpacked.late:
                unpacked.late.add(found.student)
                notes.append("the LMS marked this submission late")
            if _is_link(member):
                notes.append(f"{original} is a link in the zip; links are never followed")
                continue
            if target.exists():
                unpacked.collisions.append(f"{found.student}/{lesson}/{original}")
                notes.append(f"two files in the zip are {original}; the first was kept")
                continue
            try:
                with archive.open(member) as source, open(target, "wb") as copy:
                    shutil.copyfileobj(source, copy)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                target.unlink(missing_ok=True)
                notes.append(f"{original} is damaged in the zip and could not be unpacked")
    return unpacked
