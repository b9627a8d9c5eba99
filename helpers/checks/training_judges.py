"""Judgements of how a model is trained: data splits, preprocessing, fit and callbacks."""

import math

import keras
import numpy as np

from helpers.checks.core import Incorrect
from helpers.checks.data_judges import as_dense


def _require_history(history):
    """Reject anything but the ``History`` that ``fit`` returns."""
    if not isinstance(history, keras.callbacks.History):
        raise Incorrect(
            f"`history` is a {type(history).__name__}; it should hold what `model.fit(...)` "
            "returns: `history = model.fit(...)`."
        )


def _loss_on(model, features, targets):
    """``model``'s compiled loss on one split, as ``fit`` reports it.

    Computed eagerly rather than with ``evaluate``: the functions ``fit`` traced may refuse
    targets of another type than it saw (a pandas Series after NumPy arrays, or back).
    """
    features = as_dense(features).astype("float32")
    predictions = model(features, training=False)
    return float(model.compute_loss(x=features, y=np.asarray(targets, dtype="float32"),
                                    y_pred=predictions, training=False))


def trained(history, model, epochs, batch_size, train, valid):
    """Judge training: the ``History`` of ``model.fit``, its epochs, batches and validation data.

    The last validation loss in ``history`` must be ``model``'s loss on the validation split
    (so the validation data were that split, and ``history`` is this model's); the steps of
    an epoch must be what all the training examples give in batches of ``batch_size``. The
    batch size itself is not recorded: batch sizes giving the same number of steps pass.

    Args:
        history: the learner's answer.
        model: the model it should have trained, as trained.
        epochs: the number of epochs asked for.
        batch_size: the batch size asked for.
        train, valid: ``(features, targets)`` of the training and the validation split.

    Returns:
        The message for a correct answer.
    """
    _require_history(history)  # the data first, then how long training ran
    if "val_loss" not in history.history:
        raise Incorrect("no validation loss was recorded: pass `validation_data=(X_valid, y_valid)` to `fit`.")
    last = history.history["val_loss"][-1]
    if not np.isclose(last, _loss_on(model, *valid), rtol=1e-3, atol=1e-6):
        if np.isclose(last, _loss_on(model, *train), rtol=1e-3, atol=1e-6):
            raise Incorrect(
                "the validation loss was measured on the training data. Train on "
                "`X_train, y_train` and pass the validation split: "
                "`validation_data=(X_valid, y_valid)`."
            )
        raise Incorrect(
            "the last validation loss in `history` is not `model`'s loss on the validation "
            "split. Train `model` itself (`history = model.fit(...)`) with "
            "`validation_data=(X_valid, y_valid)`."
        )
    n_train = len(train[0])
    steps = covers_training_split(history, batch_size, n_train,
                                  other_splits=(("the validation split", len(valid[0])),))
    ran_epochs(history, epochs)
    if len(history.epoch) != epochs:
        raise Incorrect(f"training stopped after {len(history.epoch)} of its {epochs} epochs: "
                        "train for every epoch, without a callback that stops it.")
    return (f"{epochs} epochs of {steps} steps over the {n_train} training examples, with the "
            "validation loss measured on the validation split. (A history records the steps "
            "of an epoch, not the batch size itself: the check counts the steps.)")


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
    if callback.mode == "max":
        raise Incorrect(
            "`mode='max'` makes the callback count a rising validation loss as progress, but a "
            "loss improves when it falls: leave `mode` out (Keras then picks 'min' for a loss)."
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
    if callback.baseline is not None:
        raise Incorrect(
            f"`baseline` is {callback.baseline:g}: the callback would also stop if the validation "
            "loss does not beat that value, which the question does not ask for. Leave it out."
        )
    if callback.start_from_epoch:
        raise Incorrect(
            f"`start_from_epoch` is {callback.start_from_epoch}: the callback would not watch "
            "the first epochs, which the question does not ask for. Leave it out."
        )
    return "training will stop once the validation loss stalls, and keep the best weights."


def stopped_early(history, model, epochs, batch_size, train, valid, min_delta):
    """Judge training with early stopping that restores the best weights.

    ``model``, as trained, must have on the validation split the loss of the epoch whose
    weights ``EarlyStopping`` restored: so the validation data were that split.

    Args:
        history: the learner's answer.
        model: the model it should have trained, as trained.
        epochs: the number of epochs the question gives as the upper limit.
        batch_size: the batch size asked for.
        train, valid: ``(features, targets)`` of the training and the validation split.
        min_delta: the callback's ``min_delta``, which decides the epoch it restores.

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
    covers_training_split(history, batch_size, len(train[0]),
                          other_splits=(("the validation split", len(valid[0])),))
    best = history.history["val_loss"][_restored_epoch(history.history["val_loss"], min_delta)]
    if not np.isclose(_loss_on(model, *valid), best, rtol=1e-4, atol=1e-6):
        if np.isclose(_loss_on(model, *train), best, rtol=1e-4, atol=1e-6):
            raise Incorrect("the validation loss was measured on the training data: pass the "
                            "validation split, `validation_data=(X_valid, y_valid)`.")
        raise Incorrect("`model`'s loss on the validation split is not the best validation "
                        "loss in `history`. Train `model` itself (`history = model.fit(...)`) "
                        "with `validation_data=(X_valid, y_valid)` and the callback.")
    return (f"early stopping ended training after {len(history.epoch)} epochs, and `model` "
            "holds the weights of its best epoch on the validation split.")


def _restored_epoch(losses, min_delta):
    """The epoch whose weights ``EarlyStopping`` restores: the last to beat the best loss
    before it by at least ``min_delta`` (Keras 3)."""
    best, restored = None, 0
    for epoch, loss in enumerate(losses):
        if best is None or loss < best - min_delta:
            best, restored = loss, epoch
    return restored


def covers_training_split(history, batch_size, n_train, other_splits=()):
    """Judge from the steps of an epoch that ``fit`` went through all the training examples.

    A ``History`` records the steps of an epoch, not the data or the batch size: this counts
    steps, so a batch size giving as many steps passes too.

    Args:
        history: the learner's answer, a ``History``.
        batch_size: the batch size the question gives (Keras's default is 32).
        n_train: how many training examples there are.
        other_splits: ``(words, size)`` of splits a learner may train on by mistake, e.g.
            ``(("the test images", 10000),)``.

    Returns:
        The number of steps.
    """
    steps, expected = history.params.get("steps"), math.ceil(n_train / batch_size)
    if steps == expected:
        return steps
    for words, size in other_splits:
        if steps == math.ceil(size / batch_size):
            raise Incorrect(f"each epoch took {steps} steps of {batch_size} examples, as many as "
                            f"{words} give: train on the training split, all of it.")
    raise Incorrect(f"each epoch took {steps} steps, but all {n_train} training examples in "
                    f"batches of {batch_size} take {expected}. Train on the whole training split "
                    "(no slice, no `validation_split`), with the batch size the question gives.")


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
