"""Judgements of the data a model learns from: splits and preprocessed features."""

import math

import numpy as np

from helpers.checks.core import Incorrect


def as_dense(features):
    """A 2-D float array from a DataFrame, an array or a SciPy sparse matrix."""
    if hasattr(features, "toarray"):
        features = features.toarray()
    return np.asarray(features, dtype=float)


def _find_columns(found, expected):
    """For each expected column, whether some column of ``found`` equals it."""
    return [any(np.allclose(found[:, j], column, atol=1e-6) for j in range(found.shape[1]))
            for column in expected.T]


def preprocessed(X_train, X_valid, expected_train, expected_valid, categorical):
    """Judge preprocessed features against the reference, in any column order.

    Args:
        X_train, X_valid: the learner's preprocessed training and validation features.
        expected_train, expected_valid: the reference ones (numeric columns standardised
            with statistics of the training set, categorical ones one-hot encoded).
        categorical: the names of the categorical columns, for messages.

    Returns:
        The message for a correct answer.
    """
    found_train, found_valid = as_dense(X_train), as_dense(X_valid)
    names = ", ".join(f"`{c}`" for c in categorical)
    for name, found, expected in (("X_train", found_train, expected_train),
                                  ("X_valid", found_valid, expected_valid)):
        if found.ndim != 2 or found.shape[0] != expected.shape[0]:
            raise Incorrect(f"`{name}` should have one row per example of its own split: "
                            f"it has shape {found.shape}.")
    if found_train.shape[1] < expected_train.shape[1]:
        raise Incorrect(
            f"`X_train` has {found_train.shape[1]} columns, too few. Is {names} one-hot "
            "encoded, one 0/1 column per category? Are all the numeric features there?"
        )
    if found_train.shape[1] > expected_train.shape[1]:
        raise Incorrect(
            f"`X_train` has {found_train.shape[1]} columns, too many. Leave out the target "
            "and any column that is not a feature (such as a name)."
        )
    numeric = [j for j in range(found_train.shape[1])
               if not np.isin(found_train[:, j], (0.0, 1.0)).all()]
    means = np.abs(found_train[:, numeric].mean(axis=0))
    stds = found_train[:, numeric].std(axis=0)
    if (means > 0.5).any() or (np.abs(stds - 1) > 0.5).any():
        raise Incorrect(
            "some numeric columns of `X_train` are not standardised (mean 0, standard "
            "deviation 1). Scale the numeric features with `StandardScaler` in the "
            "column transformer."
        )
    if (means > 1e-6).any():
        raise Incorrect(
            "the numeric columns of `X_train` are scaled, but not with the training set's own "
            "mean and standard deviation. Fit the preprocessor on the training data only "
            "(`fit_transform`), then apply it to the validation data with `transform`."
        )
    if not all(_find_columns(found_train, expected_train)):
        raise Incorrect(f"some columns of `X_train` differ from the expected features: "
                        f"standardise the numeric ones and one-hot encode {names}.")
    if not all(_find_columns(found_valid, expected_valid)):
        raise Incorrect(
            "`X_valid` was not transformed with the preprocessor fitted on the training "
            "data. Use `preprocessor.transform` on the validation features, never `fit` again."
        )
    return "numeric features standardised with the training set's statistics, categories one-hot encoded."


def stratified_split(train, valid, whole, target, test_size, random_state):
    """Judge a train/validation split: complete, disjoint, of the asked size, stratified on
    ``target``, and the very rows ``train_test_split`` gives with ``random_state``.

    Args:
        train, valid: the learner's two DataFrames.
        whole: the table they were split from.
        target: the class column whose proportions both splits must keep.
        test_size: the validation split's share of the rows, as given to ``train_test_split``.
        random_state: the seed the question gives.

    Returns:
        The message for a correct answer.
    """
    for name, part in (("the training split", train), ("the validation split", valid)):
        if not hasattr(part, "index") or target not in getattr(part, "columns", ()):
            raise Incorrect(f"{name} should be a DataFrame with the `{target}` column, as "
                            "`train_test_split` returns it.")
    if len(train) + len(valid) != len(whole) or train.index.intersection(valid.index).size:
        raise Incorrect("together the two splits should hold every row exactly once: split "
                        "the whole table once with `train_test_split`.")
    n_valid = math.ceil(test_size * len(whole))  # how train_test_split rounds
    if len(train) == n_valid and len(valid) == len(whole) - n_valid:
        raise Incorrect(f"the two splits are swapped: the training split has {len(train)} rows "
                        f"and the validation split {len(valid)}. `train_test_split` returns "
                        "the training part first.")
    if len(valid) != n_valid:
        raise Incorrect(f"the validation split has {len(valid)} of the {len(whole)} rows; the "
                        f"share the question gives is {n_valid} rows (`test_size`).")
    overall = whole[target].value_counts(normalize=True)
    for name, part in (("training", train), ("validation", valid)):
        share = part[target].value_counts(normalize=True).reindex(overall.index, fill_value=0)
        tolerance = 1.0 / len(part) + 1e-9
        if (np.abs(share - overall) > tolerance).any():
            worst = (share - overall).abs().idxmax()
            raise Incorrect(
                f"the split is not stratified: `{target}` = {worst!r} makes up "
                f"{share[worst]:.1%} of the {name} rows but {overall[worst]:.1%} of all rows. "
                f"Pass `stratify=` the `{target}` column to `train_test_split`."
            )
    if not _seeded_split(valid, whole, target, test_size, random_state):
        raise Incorrect(f"the split has the right size and is stratified, but it is not the one "
                        f"`random_state={random_state}` gives: pass `random_state={random_state}` "
                        "to `train_test_split`, so that everyone gets the same split.")
    return f"both splits keep the proportions of `{target}`."


def _seeded_split(valid, whole, target, test_size, random_state):
    """Whether ``valid`` holds the rows of the seeded, stratified validation split.

    The rows depend on the order in which the classes are numbered: ``stratify=`` the class
    column and ``stratify=`` a 0/1 (or True/False) column for one class can number them in
    reverse, so both orders are accepted.
    """
    from sklearn.model_selection import train_test_split  # only this judge needs it

    classes, codes = np.unique(np.asarray(whole[target]), return_inverse=True)
    found = set(np.asarray(valid.index).tolist())
    for numbering in (codes, len(classes) - 1 - codes):  # the classes in either order
        _, expected = train_test_split(whole, test_size=test_size, stratify=numbering,
                                       random_state=random_state)
        if set(np.asarray(expected.index).tolist()) == found:
            return True
    return False
