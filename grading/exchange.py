"""The course's exchange: nbgrader's shared-folder exchange, mended for a class on a hub.

Configured for every user of `make hub` (``c.ExchangeFactory.submit`` and ``.collect``):

- **Submit** copies into a hidden folder of ``inbound/`` and renames it when it is whole, so
  a submit cut short (a hub restart, a killed server) leaves nothing that collect takes.
  Submitting a lesson that is not released any more (formgrader's *Unrelease* closes it)
  says so in words, instead of nbgrader's "Assignment not found: <path>" at the end of a
  long traceback.
- **Collect** runs as the instructor on folders the students wrote, so it trusts nothing in
  them: a folder that names another student than the one who owns it is refused, and with
  ``roster_only`` one of a student who is not on the gradebook's list; the time of
  a submission is when it arrived in the exchange (the files' change times, which no user can
  set back), not the time the student's own process wrote; links, pipes and devices are not
  copied (nbgrader's copy follows a link to any file the instructor can read).
"""

import datetime
import glob
import os
import pwd
import secrets
import stat
from collections import defaultdict
from stat import S_IRGRP, S_IROTH, S_IRUSR, S_IWUSR, S_IXGRP, S_IXOTH, S_IXUSR

from nbgrader.api import Gradebook
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import ignore_patterns
from traitlets import Bool

#: a submission being copied; glob's ``*`` (nbgrader's collect) never matches a leading dot
PARTIAL = ".partial-"
#: how long before its arrival a submission may say it was made (nbgrader stamps the start
#: of a submit, and copying a large folder takes a while)
ALLOWANCE = datetime.timedelta(minutes=2)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
_CHUNK = 2**20


def closed_message(lesson, folder):
    """What a student reads, under a traceback, after submitting a closed lesson: short
    lines, as it is shown unwrapped."""
    return (f"\n{lesson} is closed: your instructor takes no more submissions for it.\n"
            f"Nothing was sent. Your work is still in {folder}.\n"
            "If you think it should be open, ask your instructor.")


def arrival_time(path):
    """The last change anywhere in the folder ``path``, in UTC (naive, as nbgrader's times):
    a change time, which the kernel sets and no user can move back."""
    latest = os.lstat(path).st_ctime
    for folder, folders, files in os.walk(path):
        for name in folders + files:
            latest = max(latest, os.lstat(os.path.join(folder, name)).st_ctime)
    return datetime.datetime.fromtimestamp(latest, datetime.timezone.utc).replace(tzinfo=None)


def trusted_time(claimed, arrived, allowance=ALLOWANCE):
    """The time a submission counts as made: the time it ``claimed`` (written by the
    student's own process) if that is plausible, no later than its arrival and no more than
    ``allowance`` before it; otherwise the time it ``arrived``."""
    if claimed is not None and arrived - allowance <= claimed <= arrived:
        return claimed
    return arrived


def choose(records, duedate, before_duedate):
    """Each student's submission to collect, as nbgrader chooses: the latest, or with
    ``before_duedate`` the latest made by the due date if there is one."""
    by_student = defaultdict(list)
    for record in records:
        by_student[record["username"]].append(record)
    chosen = []
    for own in by_student.values():
        own.sort(key=lambda record: record["timestamp"], reverse=True)
        in_time = [r for r in own if duedate is not None and r["timestamp"] <= duedate]
        chosen.append(in_time[0] if before_duedate and in_time else own[0])
    return chosen


def copy_plain_tree(source, target, ignored):
    """Copy the folders and plain files under ``source`` to the new folder ``target``,
    never through a link (each file and folder is opened without following one), leaving out
    what ``ignored(folder, names)`` names. Returns the paths left out for being a link, a
    pipe or a device."""
    skipped = []
    descriptor = os.open(source, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        _copy_folder(descriptor, source, target, ignored, skipped)
    finally:
        os.close(descriptor)
    return skipped


def _copy_folder(descriptor, source, target, ignored, skipped):
    os.mkdir(target)
    names = sorted(os.listdir(descriptor))
    left_out = set(ignored(source, names))
    for name in names:
        if name in left_out:
            continue
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            child = os.open(name, flags, dir_fd=descriptor)
        except OSError:  # a link (O_NOFOLLOW), or gone
            skipped.append(os.path.join(source, name))
            continue
        try:
            mode = os.fstat(child).st_mode
            if stat.S_ISDIR(mode):
                _copy_folder(child, os.path.join(source, name), os.path.join(target, name),
                             ignored, skipped)
            elif stat.S_ISREG(mode):
                with open(os.path.join(target, name), "xb") as copy:
                    while chunk := os.read(child, _CHUNK):
                        copy.write(chunk)
            else:
                skipped.append(os.path.join(source, name))
        finally:
            os.close(child)


class CourseExchangeSubmit(ExchangeSubmit):
    """nbgrader's submit, whole or not at all, and a clear word on a closed lesson."""

    def start(self):
        """Refuse a closed lesson before anything else, so that the traceback the Assignment
        List shows above the reason is short."""
        course, lesson = self.coursedir.course_id, self.coursedir.assignment_id
        if course and lesson and not os.path.isdir(os.path.join(self.root, course, "outbound", lesson)):
            self.fail(closed_message(lesson, os.path.abspath(os.path.join(self.assignment_dir, lesson))))
        return super().start()

    def copy_files(self):
        self.init_release()
        secret = secrets.token_hex(64)
        final = os.path.join(self.inbound_path, self.assignment_filename)
        partial = os.path.join(self.inbound_path, PARTIAL + self.assignment_filename)
        self.log.info("Source: %s", self.src_path)
        self.log.info("Destination: %s", final)
        self.check_filename_diff()
        self.do_copy(self.src_path, partial)
        self._stamp(partial, secret)
        self.set_perms(partial, fileperms=S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH,
                       dirperms=S_IRUSR | S_IWUSR | S_IXUSR | S_IRGRP | S_IXGRP | S_IROTH | S_IXOTH)
        os.chmod(partial, 0o777)  # as nbgrader: the instructor may delete it later
        os.rename(partial, final)  # one step: collect sees all of it or none of it

        name = self.assignment_filename
        cache = os.path.join(self.cache_path, name.rsplit("+", 1)[0] if self.add_random_string else name)
        os.makedirs(self.cache_path, exist_ok=True)
        self.do_copy(self.src_path, cache)
        self._stamp(cache, secret)
        self.log.info("Submitted as: %s %s %s", self.coursedir.course_id,
                      self.coursedir.assignment_id, self.timestamp)

    def _stamp(self, folder, secret):
        for name, text in (("timestamp.txt", self.timestamp), ("submission_secret.txt", secret)):
            with open(os.path.join(folder, name), "w") as file:
                file.write(text)


class CourseExchangeCollect(ExchangeCollect):
    """nbgrader's collect, on submissions it does not trust."""

    trust_claimed_times = Bool(False, help=(
        "Date each submission by the time its student's process wrote, as nbgrader does, not "
        "by its arrival. Only for an exchange restored or moved (which changes every change "
        "time, so every submission would count as made then).")).tag(config=True)

    roster_only = Bool(False, help=(
        "Collect only the students on the gradebook's list (formgrader's Manage Students); "
        "anyone else's submission is refused, with a note, and stays in the exchange.")).tag(config=True)

    def init_src(self):
        super().init_src()  # nbgrader's checks of the inbound folder, and the due date
        roster = self._roster() if self.roster_only else None
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(
            self.coursedir.student_id or "*", self.coursedir.assignment_id))
        records = []
        for path in sorted(glob.glob(pattern)):
            record = self._path_to_record(path)
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                self.log.error("Refused %s: not a folder. It stays in the exchange.", path)
                continue
            if roster is not None and record["username"] not in roster:
                self.log.error("Refused %s: %s is not on the class list (formgrader's Manage "
                               "Students). It stays in the exchange.", path, record["username"])
                continue
            owner = _owner(path)
            if self.check_owner and owner != record["username"]:
                self.log.error("Refused %s: it is in %s's name but belongs to %s. It stays in the "
                               "exchange.", path, record["username"], owner)
                continue
            record["claimed"] = record["timestamp"]
            if not self.trust_claimed_times:
                record["timestamp"] = trusted_time(record["timestamp"], arrival_time(path))
            if record["timestamp"] != record["claimed"]:
                self.log.warning("%s says it was made at %s but arrived at %s: it counts as made "
                                 "when it arrived.", path, record["claimed"], record["timestamp"])
            records.append(record)
        self.src_records = choose(records, self.duedate, self.before_duedate)
        self._times = {os.path.join(self.inbound_path, r["filename"]): r["timestamp"]
                       for r in self.src_records}

    def _roster(self):
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            return {student.id for student in gradebook.students}

    def do_copy(self, src, dest, log=None):
        ignored = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                  max_file_size=self.coursedir.max_file_size, log=self.log)
        for path in copy_plain_tree(src, dest, ignored):
            self.log.warning("Not collected (a link, a pipe or a device): %s", path)
        with open(os.path.join(dest, "timestamp.txt"), "w") as file:
            file.write(self._times[src].strftime(TIMESTAMP_FORMAT))


def _owner(path):
    try:
        return pwd.getpwuid(os.lstat(path).st_uid).pw_name
    except KeyError:
        return "an unknown user"
