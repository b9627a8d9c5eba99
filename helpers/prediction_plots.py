"""Pictures of a classifier's predictions: its confusion matrix, and one example's softmax.

Each function returns a captioned figure with alt text (``helpers.figures``) that a notebook
shows exactly once, by leaving it as the cell's last value or passing it to ``display``.
"""

import keras
import numpy as np
from sklearn import metrics

from helpers import keras_inspect
from helpers.figures import captioned_figure


def predicted_classes(model, x, threshold=0.5):
    """The class a classifier predicts for each example.

    Args:
        model: a Keras classifier: one sigmoid output unit, or one output per class.
        x: the examples.
        threshold: for one output unit, the probability above which it predicts class 1.

    Returns:
        An integer array, one class per example.
    """
    outputs = np.asarray(model.predict(x, verbose=0))
    if outputs.ndim == 2 and outputs.shape[1] == 1:
        return (outputs[:, 0] > threshold).astype(int)
    return outputs.argmax(axis=-1)


def confusion_matrix(model, x, y, class_names, threshold=0.5):
    """Draw the confusion matrix of a classifier's predictions on labelled examples.

    The counts come from ``sklearn.metrics.confusion_matrix``: row i, column j counts the
    examples of true class i that the model predicted as class j.

    Args:
        model: a Keras classifier: one sigmoid output unit, or one output per class.
        x, y: the examples and their true classes (integers, or 0.0/1.0).
        class_names: a name for each class, in the order of their numbers.
        threshold: for one output unit, the probability above which it predicts class 1.

    Returns:
        A captioned Figure with alt text: one square per (true, predicted) pair, with its count.

    Raises:
        ValueError: if x and y differ in length, or a label has no name in class_names.
    """
    y = np.asarray(y).astype(int).ravel()
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)} labels.")
    if y.min() < 0 or y.max() >= len(class_names):
        raise ValueError(f"The labels run from {y.min()} to {y.max()}, but there are only "
                         f"{len(class_names)} class names.")
    predicted = predicted_classes(model, x, threshold)
    counts = metrics.confusion_matrix(y, predicted, labels=range(len(class_names)))
    wrong = int(counts.sum() - np.trace(counts))
    cells = "; ".join(f"true {class_names[i]}, predicted {class_names[j]}: {counts[i, j]}"
                      for i in range(len(class_names)) for j in range(len(class_names)))
    size = 1.4 + 0.9 * len(class_names)
    fig = captioned_figure(
        f"Rows: the true class; columns: the prediction. The diagonal is right; the other "
        f"{wrong} of {len(y)} are the mistakes",
        f"Confusion matrix of {len(y)} examples as a grid of shaded squares with counts. "
        f"{cells}.",
        figsize=(size + 2.6, size))
    ax = fig.subplots()
    image = ax.imshow(counts, cmap="Blues")
    for (i, j), count in np.ndenumerate(counts):
        dark = count > counts.max() / 2
        ax.text(j, i, f"{count}", ha="center", va="center", fontsize=12,
                color="white" if dark else "black")
    ticks = range(len(class_names))
    ax.set_xticks(ticks, class_names)
    ax.set_yticks(ticks, class_names)
    ax.set(xlabel="predicted class", ylabel="true class")
    fig.colorbar(image, ax=ax, label="examples")
    return fig


def _check_outputs_logits(model):
    last = model.layers[-1]
    name = keras_inspect.activation_layer_name(last) or keras_inspect.activation_name(
        getattr(last, "activation", None))
    if name == "softmax":
        raise ValueError("This model ends in a softmax, so it outputs probabilities; "
                         "pass the model that outputs logits.")


def softmax_bars(model, image, label=None):
    """Draw one image, the model's logits for it, and the softmax probabilities they become.

    Args:
        model: a Keras classifier that outputs logits (no softmax at its end).
        image: one example, shaped as the model's input without the batch dimension.
        label: the image's true class, if known.

    Returns:
        A captioned Figure with alt text, three panels: the image, the logits as bars, and
        the probabilities as bars; the largest of each is highlighted.

    Raises:
        ValueError: if the model ends in a softmax or the image has the wrong shape.
    """
    _check_outputs_logits(model)
    image = np.asarray(image, dtype="float32")
    expected = keras_inspect.input_shape(model)
    if expected is not None and tuple(image.shape) != tuple(expected):
        raise ValueError(f"The model takes one example of shape {tuple(expected)}, "
                         f"not {image.shape}.")
    logits = np.asarray(model(image[None], training=False))[0]
    probabilities = np.asarray(keras.ops.softmax(logits))
    top = int(np.argmax(logits))
    classes = np.arange(len(logits))
    colors = ["tab:red" if c == top else "tab:blue" for c in classes]
    truth = f", labelled {label}" if label is not None else ""
    fig = captioned_figure(
        "Softmax turns the logits into probabilities that add up to 1: the largest logit "
        "gets the largest probability",
        f"Three panels. An image{truth}. Bar chart of the model's {len(logits)} logits, from "
        f"{logits.min():.2f} to {logits.max():.2f}; the largest, {logits[top]:.2f}, is for "
        f"class {top}. Bar chart of the softmax probabilities, from {probabilities.min():.3f} "
        f"to {probabilities.max():.3f}; class {top} gets the largest, {probabilities[top]:.1%}.",
        figsize=(11, 3.2))
    image_ax, logit_ax, probability_ax = fig.subplots(
        1, 3, gridspec_kw={"width_ratios": [0.8, 1.3, 1.3]})
    image_ax.imshow(image if image.ndim == 2 else image.reshape(1, -1), cmap="gray_r")
    image_ax.set_title(f"the input{truth}", fontsize=10)
    image_ax.axis("off")
    logit_ax.bar(classes, logits, color=colors)
    logit_ax.annotate(f"{logits[top]:.2f}", (top, logits[top]), ha="center", va="bottom",
                      fontsize=9)
    probability_ax.annotate(f"{probabilities[top]:.1%}", (top, probabilities[top]), ha="center",
                            va="bottom", fontsize=9)
    logit_ax.axhline(0, color="grey", linewidth=0.5)
    logit_ax.set(title="logits (any real numbers)", xlabel="class", xticks=classes)
    logit_ax.margins(y=0.15)
    probability_ax.bar(classes, probabilities, color=colors)
    probability_ax.set(title="softmax probabilities (sum 1)", xlabel="class", xticks=classes,
                       ylim=(0, max(0.2, probabilities.max() * 1.15)))
    fig.tight_layout()
    return fig
