"""Late submissions, penalised as ``nbgrader autograde`` penalises them.

nbgrader's exchange leaves a ``timestamp.txt`` in each ``submitted/<student>/<lesson>/``.
The grader reads it (:func:`read_timestamp`) and stores it on the gradebook's submission;
nbgrader compares it with the assignment's due date (set in formgrader, or with
``nbgrader db assignment add <lesson> --duedate=...``). :func:`penalise` then asks the
late-submission plugin that the output folder's ``nbgrader_config.py`` configures
(``c.AssignLatePenalties.plugin_class``, by default nbgrader's ``LateSubmissionPlugin`` with
``c.LateSubmissionPlugin.penalty_method`` ``"none"`` or ``"zero"``) for each notebook's
penalty, and stores it where formgrader and ``nbgrader export`` read it.
"""

import logging
import os
import stat

from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties
from nbgrader.utils import parse_utc
from traitlets.config.loader import PyFileConfigLoader

TIMESTAMP = "timestamp.txt"
MAX_BYTES = 200  # nbgrader writes about 30; anything longer is not its file
_QUIET = logging.getLogger("grading.late")  # nbgrader's plugin logs each late notebook


def read_timestamp(folder):
    """When a submission was made, from the ``timestamp.txt`` nbgrader's exchange leaves in
    its folder, read as nbgrader reads it (:func:`nbgrader.utils.parse_utc`, in UTC).

    Never raises: no file gives no timestamp, as in nbgrader. An empty file, a link, a file
    that is too long or not a date also gives no timestamp, with a note saying so: the
    submission then counts as on time, as nbgrader counts an empty file (nbgrader stops
    grading the student on a file it cannot parse; here the rest is graded). A timestamp
    stored by an earlier run stays in the gradebook.

    Returns:
        ``(timestamp, note)``: the UTC time in ISO format or None, and a note or None.
    """
    path = os.path.join(folder, TIMESTAMP)
    ignored = f"{TIMESTAMP} {{}}: the submission counts as on time"
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, None
    except OSError:  # a link, or unreadable
        return None, ignored.format("is a link or cannot be read")
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None, ignored.format("is not a plain file")
        raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return None, ignored.format("is too long to be a time")
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return None, ignored.format("is empty")
    try:
        return parse_utc(text).isoformat(), None
    except (ValueError, OverflowError, TypeError):  # dateutil's ways of refusing a string
        return None, ignored.format("is not a time")


def config(out):
    """The settings of the output folder's ``nbgrader_config.py``, loaded as nbgrader loads
    them (an empty config when there is no file)."""
    path = os.path.join(out, "nbgrader_config.py")
    if not os.path.isfile(path):
        from traitlets.config import Config
        return Config()
    return PyFileConfigLoader("nbgrader_config.py", path=str(out)).load_config()


def penalise(url, settings):
    """Set the late penalty of every submitted notebook in the gradebook at ``url``, as
    nbgrader's ``AssignLatePenalties`` does in ``nbgrader autograde``: none when on time
    (or without a timestamp or due date), else the configured plugin's penalty, kept between
    0 and the notebook's score. The score includes marks given by hand, so running this
    again after marking keeps the penalty right. ``settings`` is a traitlets Config
    (:func:`config`)."""
    assigner = AssignLatePenalties(config=settings, log=_QUIET)
    if not assigner.enabled:
        return
    plugin = assigner.plugin_class(parent=assigner, log=_QUIET)
    with Gradebook(url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                seconds_late = submission.total_seconds_late
                for notebook in submission.notebooks:
                    notebook.late_submission_penalty = None
                    if seconds_late > 0:
                        penalty = plugin.late_submission_penalty(
                            submission.student.id, notebook.score, seconds_late)
                        if penalty is not None:
                            notebook.late_submission_penalty = min(max(penalty, 0.0),
                                                                   notebook.score)
        gradebook.db.commit()

