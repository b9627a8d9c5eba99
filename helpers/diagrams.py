"""Drawings of linear units and dense networks, made with matplotlib.

Each function returns a ``matplotlib.figure.Figure`` that a notebook shows exactly once
(``helpers.figures``): by leaving it as the cell's last value or passing it to ``display``.
Nodes are ``Circle`` patches and every label is a text artist, so tests can count them.
"""

from matplotlib.patches import Circle, FancyArrowPatch


from helpers import keras_inspect
from helpers.figures import new_figure

NODE_RADIUS = 0.28
COLORS = {"input": "#dbe9f6", "bias": "#f3f3f3", "unit": "#fde5c8", "output": "#d5efd5"}


def _blank_axes(width, height):
    fig = new_figure(figsize=(width, height))
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
        shape = keras_inspect.input_shape(layers)
        if shape is None:
            raise ValueError("The model does not know its input shape yet: add keras.Input.")
        steps = keras_inspect.dense_steps(layers)
        layers = [shape[-1]] + [step.units for step in steps]
        activations = [step.activation for step in steps]
    sizes = list(layers)
    rows = [_drawn_rows(size, max_drawn) for size in sizes]
    tallest = max(len(r) for r in rows)
    fig, ax = _blank_axes(2.2 * len(sizes) + 0.5, 0.75 * tallest + 2.2)
    positions = []
    for i, drawn in enumerate(rows):
        x = 2.4 * i
        ys = [(len(drawn) - 1) / 2 - j for j in range(len(drawn))]
        positions.append([(x, y) for node, y in zip(drawn, ys) if node is not None])
        kind = "input" if i == 0 else "output" if i == len(sizes) - 1 else "unit"
        for node, y in zip(drawn, ys):
            if node is None:
                ax.text(x, y, "⋮", ha="center", va="center", fontsize=18)
            else:
                _node(ax, (x, y), "", kind)
    many_edges = sum(len(a) * len(b) for a, b in zip(positions, positions[1:])) > 60
    for left, right in zip(positions, positions[1:]):
        for start in left:
            for end in right:
                _edge(ax, start, end, arrow=not many_edges, alpha=0.35 if many_edges else 0.8)
    if show_bias:
        for i, right in enumerate(positions[1:], start=1):
            bias_at = (2.4 * i - 1.2, (tallest - 1) / 2 + 0.7)
            _node(ax, bias_at, "1", "bias")
            for end in right:
                _edge(ax, bias_at, end, alpha=0.6)
    bottom = -(tallest - 1) / 2 - 0.6
    for i, text in enumerate(_layer_description(sizes, activations)):
        ax.text(2.4 * i, bottom, text, ha="center", va="top", fontsize=10)
    ax.set_xlim(-0.8, 2.4 * (len(sizes) - 1) + 0.8)
    ax.set_ylim(bottom - 1.3, (tallest - 1) / 2 + (1.2 if show_bias else 0.6))
    return fig
