"""Take the answer files a student's kernel wrote, without trusting the folder they are in.

The kernel's working folder is the student's: it may hold links to anything, special files,
or far too much. Only plain files with the names :mod:`helpers.checks.crossing` writes, in
the folders of the lesson's questions, are copied, each read through a descriptor opened
without following links, within a size budget.
"""

import os
import re
import stat
from pathlib import Path

FILE_NAME = re.compile(r"^(manifest\.json|v[0-9]{1,6}\.(npy|npz|keras))$")
MAX_FILE_BYTES = 200 * 2**20
MAX_TOTAL_BYTES = 500 * 2**20


def copy_regular(source, target, budget):
    """Copy one plain file of at most ``budget`` bytes (never through a link, never a
    device or pipe); return the bytes copied, or 0."""
    try:
        descriptor = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return 0
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_size > min(MAX_FILE_BYTES, budget):
            return 0
        data = handle.read(status.st_size + 1)
    if len(data) > status.st_size:
        return 0  # it grew while being read
    target.write_bytes(data)
    return len(data)


def harvest(values, destination, grade_ids):
    """Copy the answer files of ``grade_ids`` from ``values`` into ``destination``.

    Returns:
        Notes on what was left behind (empty when everything was taken).
    """
    values, destination = Path(values), Path(destination)
    notes, budget = [], MAX_TOTAL_BYTES
    for grade_id in grade_ids:
        folder = values / grade_id
        if not folder.is_dir() or folder.is_symlink():
            continue
        (destination / grade_id).mkdir(parents=True, exist_ok=True)
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if not FILE_NAME.match(entry.name):
                continue
            copied = copy_regular(entry.path, destination / grade_id / entry.name, budget)
            if copied == 0 and not (destination / grade_id / entry.name).exists():
                notes.append(f"an answer file of {grade_id!r} was not a plain file of a "
                             "reasonable size; it was left out")
            budget -= copied
    return notes
