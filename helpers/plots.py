"""Plots for the lessons: activation functions, fitted lines and curves, learning curves.

Each function returns a ``matplotlib.figure.Figure`` that a notebook shows exactly once
(``helpers.figures``): by leaving it as the cell's last value or passing it to ``display``.
"""

import keras
import numpy as np

from helpers.figures import new_figure

#: The activations of the lesson 02 gallery, with the names the lesson uses for them.
GALLERY = {"relu": "ReLU", "elu": "ELU", "selu": "SELU", "silu": "swish / SiLU",
           "sigmoid": "sigmoid", "tanh": "tanh"}


def _evaluate_activation(name, x):
    function = keras.activations.get(name)
    return np.asarray(function(keras.ops.convert_to_tensor(x)).numpy())


def activation(name, x_range=(-3.0, 3.0), ax=None):
    """Plot one activation function, e.g. ``"relu"``.

    Args:
        name: any name ``keras.activations.get`` accepts.
        x_range: the interval of inputs to draw.
        ax: the axes to draw on; a new figure is made if None.

    Returns:
        The Figure.
    """
    if ax is None:
        ax = new_figure(figsize=(4, 3)).subplots()
    x = np.linspace(*x_range, 401).astype("float32")
    ax.plot(x, _evaluate_activation(name, x), linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_title(GALLERY.get(name, name))
    ax.set_xlabel("x")
    return ax.figure


def activation_gallery(names=tuple(GALLERY), x_range=(-3.0, 3.0), columns=3):
    """Plot several activation functions side by side.

    Args:
        names: the activations to draw, by Keras name.
        x_range: the interval of inputs to draw.
        columns: how many plots per row.

    Returns:
        The Figure, with one axes per activation.
    """
    rows = -(-len(names) // columns)
    fig = new_figure(figsize=(3.6 * columns, 2.8 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, name in zip(axes.flat, names):
        activation(name, x_range, ax=ax)
    for ax in axes.flat[len(names):]:
        fig.delaxes(ax)
    fig.tight_layout()
    return fig


def scatter_with_line(x, y, w, b, xlabel="x", ylabel="y", ax=None):
    """Scatter data and draw the line y = w·x + b of a linear unit over it.

    Args:
        x, y: the data, one value per example.
        w, b: the unit's weight and bias.
        xlabel, ylabel: axis labels.
        ax: the axes to draw on; a new figure is made if None.

    Returns:
        The Figure.
    """
    if ax is None:
        ax = new_figure(figsize=(6, 4)).subplots()
    ax.scatter(x, y, alpha=0.6, label="data")
    grid = np.linspace(np.min(x), np.max(x), 100)
    ax.plot(grid, w * grid + b, color="tab:red", linewidth=2, label=f"y = {w:g}·x + {b:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax.figure


def line(x, y, xlabel="x", ylabel="y", title=None):
    """Plot a model's output ``y`` against its single input ``x``.

    Args:
        x, y: the inputs and the outputs, one value per example.
        xlabel, ylabel, title: labels.

    Returns:
        The Figure.
    """
    ax = new_figure(figsize=(5, 3.5)).subplots()
    ax.plot(np.ravel(x), np.ravel(y), color="tab:red", linewidth=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax.figure


def fits(x, y, predictions, xlabel="x", ylabel="y", columns=None):
    """Scatter one-input data and draw several models' fitted curves, one panel each.

    Args:
        x, y: the data, one value per example.
        predictions: a dict from a panel title to ``(grid, fitted values)``.
        xlabel, ylabel: axis labels.
        columns: panels per row (all in one row if None).

    Returns:
        The Figure, with one axes per entry of ``predictions``.
    """
    columns = columns or len(predictions)
    rows = -(-len(predictions) // columns)
    fig = new_figure(figsize=(3.6 * columns, 3.0 * rows))
    axes = fig.subplots(rows, columns, squeeze=False, sharey=True)
    for ax, (title, (grid, fitted)) in zip(axes.flat, predictions.items()):
        ax.scatter(x, y, s=8, alpha=0.5, color="tab:blue")
        ax.plot(np.ravel(grid), np.ravel(fitted), color="tab:red", linewidth=2)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    for ax in axes.flat[len(predictions):]:
        fig.delaxes(ax)
    fig.tight_layout()
    return fig


def error_penalties(max_error=3.0):
    """Plot how the mean absolute and mean squared error penalise one prediction's error.

    Args:
        max_error: the largest error drawn, on either side of zero.

    Returns:
        The Figure.
    """
    errors = np.linspace(-max_error, max_error, 301)
    ax = new_figure(figsize=(5, 3.5)).subplots()
    ax.plot(errors, np.abs(errors), linewidth=2, label="absolute error |e|  (MAE)")
    ax.plot(errors, errors**2, linewidth=2, label="squared error e²  (MSE)")
    ax.set_xlabel("error e = prediction − target")
    ax.set_ylabel("penalty")
    ax.legend()
    return ax.figure


def learning_curves(history, metrics=("loss",), units=None):
    """Plot training (and validation, if present) curves from a ``fit`` history.

    Args:
        history: the ``History`` returned by ``model.fit``, or its ``.history`` dict.
        metrics: the metrics to plot, one panel each, e.g. ``("loss", "accuracy")``.
        units: what the values are measured in, shown beside each metric's name on its axis:
            one text for every panel (e.g. ``"mpg"``), or a dict by metric (e.g.
            ``{"accuracy": "share correct"}``). None: the metric's name alone.

    Returns:
        The Figure.

    Raises:
        KeyError: if a metric was not recorded, naming the ones that were.
    """
    logs = getattr(history, "history", history)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise KeyError(f"No {missing} in this history; it recorded {sorted(logs)}.")
    fig = new_figure(figsize=(5 * len(metrics), 3.5))
    axes = fig.subplots(1, len(metrics), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], label=f"training {metric}")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], label=f"validation {metric}")
        ax.set_xlabel("epoch")
        unit = units.get(metric) if isinstance(units, dict) else units
        ax.set_ylabel(f"{metric} ({unit})" if unit else metric)
        ax.legend()
    fig.tight_layout()
    return fig


def digit_grid(images, labels, predictions=None, probabilities=None, columns=10):
    """Show images of digits in a grid, titled with their labels (and predictions).

    Args:
        images: an array of shape (n, 28, 28).
        labels: the true digit of each image.
        predictions: the predicted digit of each image, if any; wrong ones are titled in red.
        probabilities: the probability the model gave its prediction, if any.
        columns: images per row.

    Returns:
        The Figure, with one axes per image.
    """
    count = len(images)
    rows = -(-count // columns)
    fig = new_figure(figsize=(1.2 * columns, 1.45 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        ax.imshow(images[index], cmap="gray_r")
        title, color = f"{labels[index]}", "black"
        if predictions is not None:
            title = f"{predictions[index]} (true {labels[index]})"
            if probabilities is not None:
                title = f"{predictions[index]}: {probabilities[index]:.0%}\ntrue {labels[index]}"
            color = "black" if predictions[index] == labels[index] else "tab:red"
        ax.set_title(title, fontsize=8, color=color)
    fig.tight_layout()
    return fig
