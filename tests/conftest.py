"""Shared test set-up: quiet TensorFlow before anything imports it, draw off-screen."""

import os
import pathlib

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

from helpers import session  # noqa: E402

session.quiet_tensorflow()

REPO = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state."""
    session.seed_everything(0)


#: The test files that take minutes, longest first. pytest-xdist (``--dist loadfile``) hands
#: out files in collection order, so starting these first keeps both workers busy to the end
#: instead of leaving one long file running alone.
LONGEST_FIRST = ["test_notebooks.py", "test_grading.py", "test_nbgrader_roundtrip.py",
                 "test_hub.py", "test_colab.py", "test_cluster.py", "test_formgrader.py",
                 "test_binder.py"]


def pytest_collection_modifyitems(items):
    """Collect the longest files first; every file keeps its own order."""
    rank = {name: number for number, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
