"""The prepared splits of lesson 05 are exactly lesson 04's, cell for cell."""

import nbformat
import numpy as np
import pytest
from sklearn.compose import make_column_transformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from helpers import data, prepared
from tests.conftest import REPO

LESSON_04 = REPO / "solutions" / "04-overfitting-and-underfitting"


def run_data_cell(notebook):
    """Run the cell of a lesson 04 notebook that splits and preprocesses its table."""
    cell = next(c for c in nbformat.read(LESSON_04 / notebook, as_version=4).cells
                if c.get("id") == "cell-03")
    namespace = {"np": np, "data": data, "train_test_split": train_test_split,
                 "make_column_transformer": make_column_transformer,
                 "OneHotEncoder": OneHotEncoder, "StandardScaler": StandardScaler}
    exec(cell.source, namespace)  # noqa: S102 - the course's own notebook
    return namespace


@pytest.mark.parametrize("notebook, loader, rows", [
    ("tutorial.ipynb", prepared.hotel_prices, (9240, 3081, 3081)),
    ("exercise.ipynb", prepared.ames_log_prices, (1758, 586, 586)),
], ids=["hotel", "ames"])
def test_prepared_splits_are_lesson_04s(notebook, loader, rows):
    lesson = run_data_cell(notebook)
    splits = loader()
    for part in ("train", "valid", "test"):
        np.testing.assert_array_equal(getattr(splits, f"X_{part}"), lesson[f"X_{part}"])
        np.testing.assert_array_equal(getattr(splits, f"y_{part}"), lesson[f"y_{part}"])
    assert (len(splits.X_train), len(splits.X_valid), len(splits.X_test)) == rows
    # The target is standardised with the training rows' own statistics.
    assert abs(splits.y_train.mean()) < 1e-9 and abs(splits.y_train.std() - 1) < 1e-9
    assert splits.target_std > 0


def test_three_way_split_keeps_every_row_once():
    table = data.ames()
    train, valid, test = prepared.three_way_split(table)
    indexes = train.index.append(valid.index).append(test.index)
    assert sorted(indexes) == sorted(table.index)
    assert len(test) == pytest.approx(0.2 * len(table), abs=1)
    assert len(valid) == pytest.approx(0.2 * len(table), abs=1)
