"""Tables split into training, validation and test sets and preprocessed, the way an
earlier lesson did it in full view, for the lessons that reuse them.

Lesson 04's tutorial prepares the hotel bookings and its exercise the Ames houses; lesson 05
starts from the same splits with :func:`hotel_prices` and :func:`ames_log_prices`.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from helpers import data

#: The share of a table kept back as the test set, and the share of the rest for validation.
TEST_SHARE = 0.2
VALID_SHARE = 0.25
SEED = 0


@dataclass(frozen=True)
class Prepared:
    """Features and standardised targets of the three splits.

    ``target_std`` is one standardised unit of the target in the target's own units (euros
    a night, or log dollars): a loss of 0.2 is ``0.2 * target_std`` of those.
    """

    X_train: np.ndarray
    y_train: pd.Series
    X_valid: np.ndarray
    y_valid: pd.Series
    X_test: np.ndarray
    y_test: pd.Series
    target_std: float


def three_way_split(table, seed=SEED):
    """Split a table into training, validation and test parts (60%, 20%, 20%).

    Args:
        table: the DataFrame to split.
        seed: the ``random_state`` of both ``train_test_split`` calls.

    Returns:
        ``(train, valid, test)`` DataFrames.
    """
    rest, test = train_test_split(table, test_size=TEST_SHARE, random_state=seed)
    train, valid = train_test_split(rest, test_size=VALID_SHARE, random_state=seed)
    return train, valid, test


def _prepare(table, target, transform, min_frequency):
    """Split, one-hot encode and standardise with the training part's statistics only."""
    features = table.drop(columns=target)
    numeric = features.select_dtypes("number").columns.tolist()
    categorical = features.select_dtypes("object").columns.tolist()
    train, valid, test = three_way_split(table)
    preprocessor = make_column_transformer(
        (StandardScaler(), numeric),
        (OneHotEncoder(sparse_output=False, handle_unknown="ignore",
                       min_frequency=min_frequency), categorical),
    )
    X_train = preprocessor.fit_transform(train)
    mean, std = transform(train[target]).mean(), transform(train[target]).std()
    standardised = [(transform(part[target]) - mean) / std for part in (train, valid, test)]
    return Prepared(X_train, standardised[0], preprocessor.transform(valid), standardised[1],
                    preprocessor.transform(test), standardised[2], float(std))


def hotel_prices():
    """Lesson 04's hotel bookings: the price a night, standardised, from the booking details.

    Returns:
        A :class:`Prepared`; ``target_std`` is in euros a night.
    """
    hotel = data.hotel_rates().drop(columns="arrival_date")
    return _prepare(hotel, "avg_price_per_room", lambda price: price, min_frequency=20)


def ames_log_prices():
    """Lesson 04's Ames houses: the logarithm of the sale price, standardised.

    Returns:
        A :class:`Prepared`; ``target_std`` is in natural-log units of the price.
    """
    return _prepare(data.ames(), "sale_price", np.log, min_frequency=10)
