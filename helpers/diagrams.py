"""Drawings of linear units and dense networks, made with matplotlib.

Each function returns a ``matplotlib.figure.Figure`` that a notebook shows exactly once
(``helpers.figures``): by leaving it as the cell's last value or passing it to ``display``.
Nodes are ``Circle`` patches and every label is a text artist, so tests can count them.
"""

import keras
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch

from helpers import keras_inspect
from helpers.figures import captioned_figure, new_figure

NODE_RADIUS = 0.28
COLORS = {"input": "#dbe9f6", "bias": "#f3f3f3", "unit": "#fde5c8", "output": "#d5efd5"}


def _blank_axes(width, height, fig=None):
    fig = fig or new_figure(figsize=(width, height))
    ax = fig.subplots()
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _node(ax, xy, label, kind, fontsize=12):
    ax.add_patch(Circle(xy, NODE_RADIUS, facecolor=COLORS[kind], edgecolor="#333333", zorder=3))
    ax.text(*xy, label, ha="center", va="center", fontsize=fontsize, zorder=4)


def _label_size(label):
    """A font size that fits ``label`` inside a node."""
    return 13 if len(label) <= 2 else 9 if len(label) <= 5 else 7


def _edge(ax, start, end, label=None, arrow=True, alpha=1.0, label_at=0.45):
    style = "-|>" if arrow else "-"
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle=style, mutation_scale=12, shrinkA=NODE_RADIUS * 72,
            shrinkB=NODE_RADIUS * 72, color="#555555", alpha=alpha, zorder=1,
        )
    )
    if label:
        x = start[0] + (end[0] - start[0]) * label_at
        y = start[1] + (end[1] - start[1]) * label_at
        ax.text(x, y + 0.12, label, ha="center", va="bottom", fontsize=11, color="#1f4e99")


def linear_unit(input_names=("x",), output_name="y"):
    """Draw a linear unit y = w·x + b: inputs, weights, the bias with its constant 1.

    Args:
        input_names: one label per input, e.g. ``("sugars", "fiber", "protein")``.
        output_name: the label of the output.

    Returns:
        The Figure.
    """
    n = len(input_names)
    weights = ["w"] if n == 1 else [f"w{i}" for i in range(n)]
    fig, ax = _blank_axes(6, 1.6 + 0.9 * n)
    ys = [(n - 1) / 2 - i for i in range(n)]
    unit = (3.0, 0.0)
    for name, weight, y in zip(input_names, weights, ys):
        _node(ax, (0.0, y), name, "input", fontsize=_label_size(name))
        _edge(ax, (0.0, y), unit, weight)
    bias_at = (0.0, min(ys) - 1.0)
    _node(ax, bias_at, "1", "bias")
    _edge(ax, bias_at, unit, "b")
    _node(ax, unit, "+", "unit", fontsize=16)
    _node(ax, (5.0, 0.0), output_name, "output", fontsize=_label_size(output_name))
    _edge(ax, unit, (5.0, 0.0))
    formula = " + ".join(f"{w}·{x}" for w, x in zip(weights, input_names)) + " + b"
    ax.text(2.5, bias_at[1] - 0.7, f"{output_name} = {formula}", ha="center", fontsize=12)
    ax.set_xlim(-0.6, 5.6)
    ax.set_ylim(bias_at[1] - 1.0, max(ys) + 0.6)
    return fig


def _layer_description(layer_sizes, activations):
    last = len(layer_sizes) - 1
    for i, size in enumerate(layer_sizes):
        if i == 0:
            yield f"input\n{size} feature{'s' if size != 1 else ''}"
            continue
        role = "output" if i == last else "hidden"
        text = f"{role}\n{size} unit{'s' if size != 1 else ''}"
        if activations:
            text += f"\n{activations[i - 1]}"
        yield text


def _drawn_rows(size, max_drawn):
    """Which nodes of a layer are drawn, top to bottom; None stands for the ellipsis."""
    if size <= max_drawn:
        return list(range(size))
    head = max_drawn - 2
    return list(range(head)) + [None, size - 1]


def dense_network(layers, max_drawn=6, show_bias=False):
    """Draw a fully connected network from its layer sizes or from a Keras model.

    Wide layers are drawn with their first few units, an ellipsis and their last unit, and
    labelled with their true size, so a 512-unit layer stays readable.

    Args:
        layers: layer sizes from input to output, e.g. ``[2, 4, 3, 1]``, or a Keras model
            that knows its input shape.
        max_drawn: the most rows drawn in one layer, counting the ellipsis as one.
        show_bias: draw each layer's bias as a node holding the constant 1.

    Returns:
        The Figure.
    """
    activations = None
    if hasattr(layers, "layers"):  # a Keras model
        shape = _known_input_shape(layers)
        steps = keras_inspect.dense_steps(layers)
        layers = [shape[-1]] + [step.units for step in steps]
        activations = [step.activation for step in steps]
    sizes = list(layers)
    tallest = max(len(_drawn_rows(size, max_drawn)) for size in sizes)
    fig, ax = _blank_axes(2.2 * len(sizes) + 0.5, 0.75 * tallest + 2.2)
    _draw_network(ax, sizes, list(_layer_description(sizes, activations)), max_drawn,
                  show_bias=show_bias)
    return fig


def _known_input_shape(model):
    shape = keras_inspect.input_shape(model)
    if shape is None:
        raise ValueError("The model does not know its input shape yet: add keras.Input.")
    return shape


def _cross_out(ax, xy):
    r = NODE_RADIUS * 0.8
    for sign in (1, -1):
        ax.plot([xy[0] - r, xy[0] + r], [xy[1] - sign * r, xy[1] + sign * r],
                color="tab:red", linewidth=2.5, zorder=5)


def _draw_network(ax, sizes, descriptions, max_drawn, show_bias=False, dropped=None):
    """Draw layers of nodes, fully connected; ``dropped[i]`` crosses out units of layer i."""
    dropped = dropped or {}
    rows = [_drawn_rows(size, max_drawn) for size in sizes]
    tallest = max(len(r) for r in rows)
    positions = []
    for i, drawn in enumerate(rows):
        x = 2.4 * i
        ys = [(len(drawn) - 1) / 2 - j for j in range(len(drawn))]
        kept = []
        kind = "input" if i == 0 else "output" if i == len(sizes) - 1 else "unit"
        for node, y in zip(drawn, ys):
            if node is None:
                ax.text(x, y, "⋮", ha="center", va="center", fontsize=18)
            elif i in dropped and dropped[i][node]:
                _node(ax, (x, y), "", "bias")
                _cross_out(ax, (x, y))
            else:
                _node(ax, (x, y), "", kind)
                kept.append((x, y))
        positions.append((kept, [(x, y) for node, y in zip(drawn, ys) if node is not None]))
    pairs = list(zip(positions, positions[1:]))
    many_edges = sum(len(a[0]) * len(b[1]) for a, b in pairs) > 60
    for (left, _), (_, right) in pairs:
        for start in left:
            for end in right:
                _edge(ax, start, end, arrow=not many_edges, alpha=0.35 if many_edges else 0.8)
    if show_bias:
        for i, (_, right) in enumerate(positions[1:], start=1):
            bias_at = (2.4 * i - 1.2, (tallest - 1) / 2 + 0.7)
            _node(ax, bias_at, "1", "bias")
            for end in right:
                _edge(ax, bias_at, end, alpha=0.6)
    bottom = -(tallest - 1) / 2 - 0.6
    for i, text in enumerate(descriptions):
        ax.text(2.4 * i, bottom, text, ha="center", va="top", fontsize=10)
    ax.set_xlim(-0.8, 2.4 * (len(sizes) - 1) + 0.8)
    ax.set_ylim(bottom - 1.6, (tallest - 1) / 2 + (1.2 if show_bias else 0.6))


def _dropout_masks(model):
    """Layer sizes of ``model`` and, per layer index, which units its Dropout zeroes now."""
    sizes, masks, rates = [int(np.prod(_known_input_shape(model)))], {}, {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            sizes.append(layer.units)
        elif isinstance(layer, keras.layers.Dropout):
            ones = np.ones((1, sizes[-1]), dtype="float32")
            masks[len(sizes) - 1] = np.asarray(layer(ones, training=True))[0] == 0
            rates[len(sizes) - 1] = float(layer.rate)
    if not masks:
        raise ValueError("This model has no Dropout layer: there is nothing to cross out.")
    return sizes, masks, rates


def dropout_network(model, max_drawn=9):
    """Draw a Keras model with Dropout for one training step: the dropped units crossed out.

    Each Dropout layer is called with ``training=True`` on a batch of ones as wide as the
    layer before it; the units it sets to 0 are crossed out, with their outgoing connections
    removed. Layers other than Dense and Dropout (Flatten, Activation) are not drawn.

    Args:
        model: a Keras model that knows its input shape and has at least one Dropout layer.
        max_drawn: the most rows drawn in one layer, counting the ellipsis as one.

    Returns:
        A captioned Figure with alt text.

    Raises:
        ValueError: if the model has no input shape or no Dropout layer.
    """
    sizes, masks, rates = _dropout_masks(model)
    activations = [step.activation for step in keras_inspect.dense_steps(model)]
    descriptions = list(_layer_description(sizes, activations))
    counts = []
    for i, mask in masks.items():
        descriptions[i] += f"\n{mask.sum()} dropped\n(rate {rates[i]:g})"
        counts.append(f"{mask.sum()} of {sizes[i]} units of layer {i} (rate {rates[i]:g})")
    tallest = max(len(_drawn_rows(size, max_drawn)) for size in sizes)
    fig = captioned_figure(
        "One training step with dropout: crossed-out units output 0; the next step drops others",
        f"Diagram of a dense network with layers of {', '.join(map(str, sizes))} units. "
        f"For one training step, dropout crosses out {'; '.join(counts)}, and their "
        "connections to the next layer are removed.",
        figsize=(2.4 * len(sizes) + 1.5, 0.75 * tallest + 2.8))
    fig, ax = _blank_axes(None, None, fig=fig)
    _draw_network(ax, sizes, descriptions, max_drawn, dropped=masks)
    return fig


def _single_relu_unit(layer):
    """The weight and bias of a one-input, one-unit ReLU Dense layer, built if needed."""
    if not isinstance(layer, keras.layers.Dense):
        raise TypeError(f"relu_unit needs a keras.layers.Dense layer, not {type(layer).__name__}.")
    if keras_inspect.activation_name(layer.activation) != "relu":
        raise ValueError("relu_unit needs a Dense layer with activation='relu', not "
                         f"{keras_inspect.activation_name(layer.activation)!r}.")
    if not layer.built:
        layer.build((None, 1))
    kernel, bias = (np.asarray(v) for v in layer.weights)
    if kernel.shape != (1, 1):
        raise ValueError("relu_unit draws one unit with one input: Dense(1) on one feature, "
                         f"not a kernel of shape {kernel.shape}.")
    return float(kernel[0, 0]), float(bias[0])


def relu_unit(layer, x_range=(-3.0, 3.0)):
    """Draw a Keras ReLU unit: its diagram with its real weights, and its input→output curve.

    The curve is the layer itself called on a grid of inputs; the dashed line is the linear
    part w·x + b before the rectifier.

    Args:
        layer: a ``keras.layers.Dense(1, activation="relu")``, built on one input or not yet
            built (it is then built for one input).
        x_range: the interval of inputs to draw.

    Returns:
        A captioned Figure with alt text: the diagram on the left, the curve on the right.

    Raises:
        TypeError, ValueError: if the layer is not a one-input, one-unit ReLU Dense layer.
    """
    w, b = _single_relu_unit(layer)
    x = np.linspace(*x_range, 401).astype("float32").reshape(-1, 1)
    y = np.asarray(layer(x)).ravel()
    bend = -b / w if w else None
    where = f"bends at x = {bend:.2f}" if bend is not None else "is flat (w = 0)"
    formula = f"y = max(0, {w:.2f}·x {'+' if b >= 0 else '−'} {abs(b):.2f})"
    fig = captioned_figure(
        f"A ReLU unit: w·x + b where that is positive, 0 elsewhere; this one {where}",
        f"Left: a diagram of one rectified linear unit: input x, weight {w:.2f}, bias {b:.2f} "
        f"times a constant 1, a sum, the ReLU, output y; {formula}. Right: the unit's output "
        f"for x from {x_range[0]:g} to {x_range[1]:g}, 0 on one side of the bend and a straight "
        f"line of slope {w:.2f} on the other, over the dashed line w·x + b.",
        figsize=(10, 3.4))
    diagram_ax, curve_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    diagram_ax.set_aspect("equal")
    diagram_ax.axis("off")
    _node(diagram_ax, (0.0, 0.5), "x", "input")
    _edge(diagram_ax, (0.0, 0.5), (2.2, 0.0), f"w = {w:.2f}")
    _node(diagram_ax, (0.0, -0.8), "1", "bias")
    _edge(diagram_ax, (0.0, -0.8), (2.2, 0.0), f"b = {b:.2f}", label_at=0.3)
    _node(diagram_ax, (2.2, 0.0), "+", "unit", fontsize=16)
    _edge(diagram_ax, (2.2, 0.0), (3.7, 0.0))
    _node(diagram_ax, (3.7, 0.0), "ReLU", "unit", fontsize=8)
    _edge(diagram_ax, (3.7, 0.0), (5.2, 0.0))
    _node(diagram_ax, (5.2, 0.0), "y", "output")
    diagram_ax.text(2.6, -1.5, formula, ha="center", fontsize=12)
    diagram_ax.set_xlim(-0.6, 5.8)
    diagram_ax.set_ylim(-1.9, 1.1)
    curve_ax.plot(x.ravel(), w * x.ravel() + b, linestyle="--", color="grey", label="w·x + b")
    curve_ax.plot(x.ravel(), y, color="tab:red", linewidth=2, label="layer output y")
    if bend is not None and x_range[0] <= bend <= x_range[1]:
        curve_ax.axvline(bend, color="grey", linewidth=0.5)
    curve_ax.axhline(0, color="grey", linewidth=0.5)
    curve_ax.set(xlabel="input x", ylabel="output y")
    curve_ax.legend(loc="upper left" if w < 0 else "upper center", fontsize=9)
    fig.tight_layout()
    return fig
