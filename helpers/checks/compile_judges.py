"""Judgements of ``model.compile``: optimizer, loss and metrics, in any form Keras accepts."""

import keras
import numpy as np

from helpers.checks.core import Incorrect, NotAttempted

# Two examples (targets 0 and 1, predictions 0.2 and 0.6) on which common losses differ.
_PROBE_TRUE = np.array([[0.0], [1.0]])
_PROBE_PREDICTED = np.array([[0.2], [0.6]])
_LOSS_VALUES = {0.3: "mean absolute error", 0.1: "mean squared error",
                0.36698: "binary cross-entropy"}
_BINARY_ACCURACY_NAMES = {"binary_accuracy", "accuracy", "acc"}


def loss_kind(loss):
    """Name what a loss computes, whatever form it was given in.

    Args:
        loss: a loss name such as ``"mae"``, a loss function or a ``keras.losses.Loss``.

    Returns:
        ``"mean absolute error"``, ``"mean squared error"``, ``"binary cross-entropy"``,
        or the loss's own name.
    """
    function = keras.losses.get(loss) if isinstance(loss, str) else loss
    value = float(np.mean(np.asarray(function(_PROBE_TRUE, _PROBE_PREDICTED))))
    for known, name in _LOSS_VALUES.items():
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
        ``"binary accuracy"`` for every spelling of it, otherwise the metric's class or name.
    """
    if isinstance(metric, dict):
        if metric.get("class_name") != "function":
            if metric.get("class_name") == "BinaryAccuracy":
                return "binary accuracy"
            return metric.get("class_name", "unknown metric")
        metric = metric.get("config", "")
    if str(metric).lower() in _BINARY_ACCURACY_NAMES:
        return "binary accuracy"
    return str(metric)


def _metrics(model):
    metrics = model.get_compile_config().get("metrics") or []
    if isinstance(metrics, dict):
        metrics = list(metrics.values())
    return [metric_kind(m) for m in (metrics if isinstance(metrics, list) else [metrics])]


def compiled(model, optimizer, loss, metric=None):
    """Judge that ``model`` was compiled with an optimizer class, a loss and a metric.

    Args:
        model: the learner's model.
        optimizer: the expected optimizer class, e.g. ``keras.optimizers.Adam``.
        loss: the expected :func:`loss_kind`, e.g. ``"mean absolute error"``.
        metric: the expected :func:`metric_kind`, or None if no metric is asked for.

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
    if metric is not None:
        metrics = _metrics(model)
        if "Accuracy" in metrics:
            raise Incorrect(
                "`keras.metrics.Accuracy()` counts predictions exactly equal to the labels, "
                "which probabilities never are. Binary accuracy rounds each probability at "
                "0.5 first: use `'binary_accuracy'` or `keras.metrics.BinaryAccuracy()`."
            )
        if metric not in metrics:
            listed = ", ".join(metrics) or "none"
            raise Incorrect(f"`model` reports these metrics: {listed}; the question asks for "
                            f"{metric} (pass it in `metrics=[...]`).")
    return f"{optimizer.__name__} will minimise the {loss}."
