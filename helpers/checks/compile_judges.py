"""Judgements of ``model.compile``: optimizer, loss and metrics, in any form Keras accepts."""

import keras
import numpy as np

from helpers.checks.core import Incorrect, NotAttempted

# Two examples (targets 0 and 1, predictions 0.2 and 0.6) on which common losses differ.
_PROBE_TRUE = np.array([[0.0], [1.0]])
_PROBE_PREDICTED = np.array([[0.2], [0.6]])
_LOSS_VALUES = {0.3: "mean absolute error", 0.1: "mean squared error",
                0.36698: "binary cross-entropy"}
# One example of class 1 and a model's three raw outputs (logits) for it.
_CLASS_TRUE = np.array([1])
_CLASS_LOGITS = np.array([[0.0, 2.0, 0.0]])
_CLASS_LOSS_VALUES = {0.23954: "sparse categorical cross-entropy from logits",
                      0.0: "sparse categorical cross-entropy from probabilities"}
_METRIC_NAMES = {"accuracy": "accuracy", "acc": "accuracy",
                 "binary_accuracy": "binary accuracy", "BinaryAccuracy": "binary accuracy",
                 "sparse_categorical_accuracy": "sparse categorical accuracy",
                 "SparseCategoricalAccuracy": "sparse categorical accuracy"}


def loss_kind(loss):
    """Name what a loss computes, whatever form it was given in.

    Args:
        loss: a loss name such as ``"mae"``, a loss function or a ``keras.losses.Loss``.

    Returns:
        ``"mean absolute error"``, ``"mean squared error"``, ``"binary cross-entropy"``,
        or the loss's own name.
    """
    function = keras.losses.get(loss) if isinstance(loss, str) else loss
    try:
        value = float(np.mean(np.asarray(function(_PROBE_TRUE, _PROBE_PREDICTED))))
        table = _LOSS_VALUES
    except Exception:  # noqa: BLE001 - TensorFlow raises its own error types
        # A loss for integer class labels and one output per class fails on that probe.
        value = float(np.mean(np.asarray(function(_CLASS_TRUE, _CLASS_LOGITS))))
        table = _CLASS_LOSS_VALUES
    for known, name in table.items():
        if np.isclose(value, known, atol=1e-4):
            return name
    if getattr(loss, "get_config", None) and loss.get_config().get("from_logits"):
        return f"{getattr(loss, 'name', type(loss).__name__)} with from_logits=True"
    return getattr(loss, "name", None) or getattr(loss, "__name__", str(loss))


def metric_kind(metric):
    """Name a metric from ``model.get_compile_config()``, e.g. ``"binary accuracy"``.

    Args:
        metric: a metric as Keras serialises it: a name, or a dict for objects and functions.

    Returns:
        ``"accuracy"`` for the names Keras resolves from the loss (``"accuracy"``, ``"acc"``),
        ``"binary accuracy"`` or ``"sparse categorical accuracy"`` for every spelling of
        those, otherwise the metric's class or name.
    """
    if isinstance(metric, dict):
        metric = metric.get("config", "") if metric.get("class_name") == "function" \
            else metric.get("class_name", "unknown metric")
    return _METRIC_NAMES.get(str(metric), str(metric))


def _metrics(model):
    metrics = model.get_compile_config().get("metrics") or []
    if isinstance(metrics, dict):
        metrics = list(metrics.values())
    # A tuple stays a tuple in the learner's model, and becomes a list once saved.
    return [metric_kind(m) for m in (metrics if isinstance(metrics, (list, tuple)) else [metrics])]


def compiled(model, optimizer, loss, metrics=None):
    """Judge that ``model`` was compiled with an optimizer class, a loss and a metric.

    Args:
        model: the learner's model.
        optimizer: the expected optimizer class, e.g. ``keras.optimizers.Adam``; a
            subclass (such as ``AdamW``) is another optimizer and is rejected.
        loss: the expected :func:`loss_kind`, e.g. ``"mean absolute error"``.
        metrics: the accepted :func:`metric_kind` names of the one metric asked for, the
            name the question uses first, e.g. ``("binary accuracy", "accuracy")``; None if
            no metric is asked for.

    Returns:
        The message for a correct answer.
    """
    if getattr(model, "optimizer", None) is None:
        raise NotAttempted("`model` is not compiled yet: call `model.compile(...)` in the cell above.")
    if type(model.optimizer) is not optimizer:  # exactly: Keras 3's AdamW subclasses Adam
        raise Incorrect(
            f"`model` is compiled with the {type(model.optimizer).__name__} optimizer; the "
            f"question asks for {optimizer.__name__}."
        )
    if isinstance(model.loss, type):  # compile accepts it, but it is not a loss yet
        raise Incorrect(
            f"`model`'s loss is the class `{model.loss.__name__}` itself, not a loss: create "
            f"one with parentheses, `keras.losses.{model.loss.__name__}()`, or give its name "
            "as a string."
        )
    found = loss_kind(model.loss) if model.loss is not None else "no loss"
    if found != loss:
        raise Incorrect(f"`model` is compiled with {found} as its loss; the question asks for {loss}.")
    if metrics is not None:
        found_metrics = _metrics(model)
        if "Accuracy" in found_metrics:
            raise Incorrect(
                "`keras.metrics.Accuracy()` counts predictions exactly equal to the labels, "
                "which probabilities never are. Binary accuracy rounds each probability at "
                "0.5 (or takes the most probable class) first: use `'accuracy'`, which Keras "
                "matches to the loss."
            )
        if not set(found_metrics) & set(metrics):
            listed = ", ".join(found_metrics) or "none"
            raise Incorrect(f"`model` reports these metrics: {listed}; the question asks for "
                            f"{metrics[0]} (pass it in `metrics=[...]`).")
    return f"{optimizer.__name__} will minimise the {loss}."
