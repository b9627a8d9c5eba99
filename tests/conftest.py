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
