"""Judgements of how a model is trained: data splits, preprocessing, fit and callbacks."""

import math

import keras
import numpy as np

from helpers.checks.core import Incorrect


def _as_dense(features):
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
    found_train, found_valid = _as_dense(X_train), _as_dense(X_valid)
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


def _require_history(history):
    """Reject anything but the ``History`` that ``fit`` returns."""
    if not isinstance(history, keras.callbacks.History):
        raise Incorrect(
            f"`history` is a {type(history).__name__}; it should hold what `model.fit(...)` "
            "returns: `history = model.fit(...)`."
        )


def trained(history, epochs, batch_size, n_train):
    """Judge the ``History`` returned by ``fit``: epochs, batch size, validation data.

    Args:
        history: the learner's answer.
        epochs: the number of epochs asked for.
        batch_size: the batch size asked for.
        n_train: how many training examples there are.

    Returns:
        The message for a correct answer.
    """
    ran_epochs(history, epochs)
    if history.params.get("steps") != math.ceil(n_train / batch_size):
        raise Incorrect(
            f"each epoch took {history.params.get('steps')} steps, which is not what the "
            f"question's batch size gives for {n_train} training examples. Check `batch_size`."
        )
    if "val_loss" not in history.history:
        raise Incorrect("no validation loss was recorded: pass `validation_data=(X_valid, y_valid)` to `fit`.")
    return f"{epochs} epochs of {math.ceil(n_train / batch_size)} steps, with a validation loss to compare."


def early_stopping(callback, min_delta, patience):
    """Judge an ``EarlyStopping`` callback's settings (Keras 3 semantics).

    Args:
        callback: the learner's answer.
        min_delta: the smallest change of the validation loss that counts as progress.
        patience: how many epochs without progress to wait before stopping.

    Returns:
        The message for a correct answer.
    """
    if not isinstance(callback, keras.callbacks.EarlyStopping):
        raise Incorrect(
            f"`early_stopping` is a {type(callback).__name__}; make it with "
            "`keras.callbacks.EarlyStopping(...)`."
        )
    if callback.monitor != "val_loss":
        raise Incorrect(
            f"the callback watches `{callback.monitor}`. Early stopping should watch the "
            "validation loss (the default, `val_loss`): that is where overfitting shows."
        )
    # Keras 3 keeps abs(min_delta), and flips its sign once training starts on a loss.
    if not np.isclose(abs(callback.min_delta), min_delta):
        raise Incorrect(
            f"`min_delta` is {abs(callback.min_delta):g}. It is the smallest drop of the validation "
            "loss, in the loss's own units, that Keras counts as an improvement (Keras 3 "
            "uses its absolute value); use the value the question gives."
        )
    if callback.patience != patience:
        raise Incorrect(
            f"`patience` is {callback.patience}: the number of epochs without improvement "
            "to wait before stopping. Use the value the question gives."
        )
    if not callback.restore_best_weights:
        raise Incorrect(
            "`restore_best_weights` is off, so the model keeps the weights of its last epoch, "
            "which are already past the best one. Set `restore_best_weights=True`."
        )
    return "training will stop once the validation loss stalls, and keep the best weights."


def stratified_split(train, valid, whole, target):
    """Judge a train/validation split: complete, disjoint and stratified on ``target``.

    Args:
        train, valid: the learner's two DataFrames.
        whole: the table they were split from.
        target: the class column whose proportions both splits must keep.

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
    return f"both splits keep the proportions of `{target}`."


def stopped_early(history, epochs):
    """Judge a ``History`` from training with early stopping and validation data.

    Args:
        history: the learner's answer.
        epochs: the number of epochs the question gives as the upper limit.

    Returns:
        The message for a correct answer.
    """
    _require_history(history)
    if "val_loss" not in history.history:
        raise Incorrect("no validation loss was recorded: pass `validation_data` to `fit`.")
    if history.params.get("epochs") != epochs:
        raise Incorrect(f"`fit` was asked for {history.params.get('epochs')} epochs; give it "
                        "the question's generous limit and let early stopping end training.")
    if len(history.epoch) >= epochs:
        raise Incorrect(f"training ran all {epochs} epochs. Was `callbacks=[early_stopping]` "
                        "passed to `fit`?")
    return f"early stopping ended training after {len(history.epoch)} epochs."


def ran_epochs(history, epochs):
    """Judge a ``History`` from training for a given number of epochs.

    Args:
        history: the learner's answer.
        epochs: the number of epochs asked for.

    Returns:
        The message for a correct answer.
    """
    _require_history(history)
    if history.params.get("epochs") != epochs:
        raise Incorrect(f"training ran for {history.params.get('epochs')} epochs; use the "
                        "number of epochs the question gives.")
    return f"{epochs} epochs: every training example seen {epochs} times."
