"""Judgements of how a model is trained: preprocessing, compile settings, fit settings."""

import math

import keras
import numpy as np

from helpers.checks.core import Incorrect, NotAttempted


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


def loss_kind(loss):
    """Name what a loss computes, whatever form it was given in.

    Args:
        loss: a loss name such as ``"mae"``, a loss function or a ``keras.losses.Loss``.

    Returns:
        ``"mean absolute error"``, ``"mean squared error"``, or the loss's own name.
    """
    function = keras.losses.get(loss) if isinstance(loss, str) else loss
    y_true, y_pred = np.array([[0.0], [0.0]]), np.array([[1.0], [3.0]])
    value = np.mean(np.asarray(function(y_true, y_pred)))
    known = {2.0: "mean absolute error", 5.0: "mean squared error"}
    for target, name in known.items():
        if np.isclose(value, target):
            return name
    return getattr(loss, "name", None) or getattr(loss, "__name__", str(loss))


def compiled(model, optimizer, loss):
    """Judge that ``model`` was compiled with an optimizer class and a loss.

    Args:
        model: the learner's model.
        optimizer: the expected optimizer class, e.g. ``keras.optimizers.Adam``.
        loss: the expected :func:`loss_kind`, e.g. ``"mean absolute error"``.

    Returns:
        The message for a correct answer.
    """
    if getattr(model, "optimizer", None) is None:
        raise NotAttempted("`model` is not compiled yet: call `model.compile(...)` in the cell above.")
    if not isinstance(model.optimizer, optimizer):
        raise Incorrect(
            f"`model` is compiled with the {type(model.optimizer).__name__} optimizer; the "
            f"question asks for {optimizer.__name__}."
        )
    found = loss_kind(model.loss) if model.loss is not None else "no loss"
    if found != loss:
        raise Incorrect(f"`model` is compiled with {found} as its loss; the question asks for {loss}.")
    return f"{optimizer.__name__} will minimise the {loss}."


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
    if not isinstance(history, keras.callbacks.History):
        raise Incorrect(
            f"`history` is a {type(history).__name__}; it should hold what `model.fit(...)` "
            "returns: `history = model.fit(...)`."
        )
    if history.params.get("epochs") != epochs:
        raise Incorrect(f"training ran for {history.params.get('epochs')} epochs; use the "
                        "number of epochs the question gives.")
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
    if not np.isclose(callback.min_delta, min_delta):
        raise Incorrect(
            f"`min_delta` is {callback.min_delta:g}. It is the smallest drop of the validation "
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
