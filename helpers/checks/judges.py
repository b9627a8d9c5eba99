"""Reusable judgements of answers, shared by the lessons' questions.

A judge returns a message for a correct answer or raises ``Incorrect`` with a message that
says what was expected, what was found and where to look, without giving the answer away.
"""

import keras
import numpy as np

from helpers import keras_inspect
from helpers.checks import crossing
from helpers.checks.core import Incorrect

_PLURAL = {1: ""}


def _units(count):
    return f"{count} unit{_PLURAL.get(count, 's')}"


def input_shape(shape, n_features):
    """Judge an input shape for tabular data with ``n_features`` feature columns.

    Accepts a tuple, a list or any sequence of one whole number, e.g. ``(8,)`` or ``[8]``.

    Args:
        shape: the learner's answer.
        n_features: how many feature columns the data have.

    Returns:
        The message for a correct answer.
    """
    if isinstance(shape, (int, np.integer)):
        raise Incorrect(
            "`input_shape` is a single number. A shape is a tuple or a list even "
            "when it has one entry: wrap the number in parentheses with a trailing comma, "
            "or in square brackets."
        )
    if hasattr(shape, "columns") or (hasattr(shape, "ndim") and np.ndim(shape) > 1):
        raise Incorrect(
            "`input_shape` holds a table of data, not a shape. The input shape describes one "
            "example: how many numbers it has. Look at `X.shape`."
        )
    try:
        if isinstance(shape, str):
            raise TypeError("a shape is not text")
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise Incorrect(
            f"`input_shape` is a {type(shape).__name__}; it should be a tuple or list of "
            "whole numbers, such as the shape of one row of `X`."
        ) from None
    if len(dims) == 2 and dims[1] == n_features:
        raise Incorrect(
            "`input_shape` has two entries, the number of rows and the number of columns. "
            "Keras adds the batch dimension (the rows) itself: the input shape describes "
            "one example, a single row of `X`."
        )
    if len(dims) != 1:
        raise Incorrect(
            f"`input_shape` has {len(dims)} dimensions. One example of tabular data is a "
            "row: a flat list of numbers, so its shape has one entry."
        )
    if dims[0] == n_features + 1:
        raise Incorrect(
            "`input_shape` counts one column too many. Did you count the target? The target "
            "is what the model predicts, not one of its inputs: count the columns of `X`."
        )
    if dims[0] != n_features:
        raise Incorrect(
            f"`input_shape` says each example has {dims[0]} features, but the rows of `X` "
            "have a different number. Count the columns of `X` (`X.shape` tells you)."
        )
    return f"each example is a row of {n_features} numbers, so the input shape is {dims}."


def model_input(model, n_features, name="model"):
    """Judge that ``model`` is a Keras model that takes examples of the expected shape.

    Args:
        model: the learner's answer.
        n_features: how many feature columns the data have, or the whole shape of one
            example as a tuple (e.g. ``(28, 28)`` for an image).
        name: the variable's name, for messages.
    """
    expected = n_features if isinstance(n_features, tuple) else (n_features,)
    if not isinstance(model, keras.Model):
        raise Incorrect(
            f"`{name}` is a {type(model).__name__}, not a Keras model. Build it with "
            "`keras.Sequential([...])`."
        )
    unreadable = crossing.problem(model)  # a model of its own class has no input to read
    if unreadable:
        raise Incorrect(f"`{name}` {unreadable}")
    shape = keras_inspect.input_shape(model)
    if shape is None:
        raise Incorrect(
            f"`{name}` does not know its input shape yet. Start the list of layers with "
            "`keras.Input(shape=...)`, so Keras can create the weights."
        )
    if shape != expected:
        raise Incorrect(
            f"`{name}` expects examples of shape {shape}, but one example of the data has "
            "a different shape. Use the shape of one example (one row of a table, one image)."
        )


def _activation_problem(step, position):
    """Explain what is wrong with a hidden layer's activation, or return None."""
    if step.activation == "relu":
        return None
    if step.activation == "linear":
        return (
            f"{position} has no activation. Without one, stacked Dense layers collapse "
            "into a single linear map: give it a ReLU."
        )
    if step.activation == "relu+relu":
        return f"{position} applies ReLU twice: give either the Dense layer or the next layer the ReLU, not both."
    return f"{position} applies `{step.activation}`; the question asks for ReLU."


def _only_dense_layers(model, name, allowed):
    """Reject any layer but Dense layers and the activations that follow them."""
    for step in keras_inspect.layer_steps(model):
        if step.kind != "dense":
            raise Incorrect(f"`{name}` has a layer the question does not ask for, {step}: "
                            f"{allowed}")


def _biases(model, positions):
    """Reject a Dense layer without a bias; ``positions`` name the Dense layers in order."""
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for position, layer in zip(positions, dense):
        if not layer.use_bias:
            raise Incorrect(f"{position} has no bias (`use_bias=False`). Each unit adds a bias "
                            "to its weighted sum: leave `use_bias` out.")


def _layer_after_layer(model, n_features, name):
    """Reject a model that does not apply its Dense layers one after the other, each once.

    Only for a model already judged to be Dense layers with ReLU or no activation: its output
    on random inputs is compared with those layers' weights applied in order.
    """
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    probe = np.random.default_rng(0).normal(size=(4, n_features)).astype("float32")
    expected = probe
    for layer, step in zip(dense, keras_inspect.dense_steps(model)):
        kernel, bias = (as_array(weight) for weight in layer.weights)
        expected = expected @ kernel + bias
        if step.activation == "relu":
            expected = np.maximum(expected, 0)
    if not np.allclose(as_array(model(probe)), expected, rtol=1e-3, atol=1e-4):
        raise Incorrect(
            f"`{name}` does not pass each example through its Dense layers one after the "
            "other. In `keras.Sequential([...])` each layer feeds the next; in the functional "
            "API, call each layer once, on the output of the layer before it."
        )


def dense_stack(model, n_features, hidden_units, separate_activations=False, name="model"):
    """Judge a regression network: ReLU hidden layers and one linear output unit.

    Accepts every way of writing ReLU: ``activation="relu"``, ``keras.activations.relu``,
    a following ``layers.Activation("relu")`` or ``layers.ReLU()``; Sequential and functional
    models. Rejects any other layer, a Dense layer without bias, and a model that does not
    apply its Dense layers one after the other (a layer skipped or used twice).

    Args:
        model: the learner's answer.
        n_features: how many feature columns the data have.
        hidden_units: the units of each hidden layer, e.g. ``[512, 512, 512]``.
        separate_activations: require each ReLU to be a layer of its own.
        name: the variable's name, for messages.

    Returns:
        The message for a correct answer.
    """
    model_input(model, n_features, name)
    _only_dense_layers(model, name, "build it from Dense layers and their ReLU activations only.")
    steps = keras_inspect.dense_steps(model)
    if len(steps) != len(hidden_units) + 1:
        raise Incorrect(
            f"`{name}` has {len(steps)} Dense layers; the question asks for "
            f"{len(hidden_units)} hidden layers and then an output layer, each a Dense layer."
        )
    for number, (step, units) in enumerate(zip(steps, hidden_units), start=1):
        position = f"Hidden layer {number}"
        if step.units != units:
            raise Incorrect(
                f"{position} has {_units(step.units)}; read again how many units the "
                "question asks for."
            )
        problem = _activation_problem(step, position)
        if problem:
            raise Incorrect(problem)
        if separate_activations and not step.separate_activation:
            raise Incorrect(
                f"{position} has its ReLU inside the Dense layer. That computes the same "
                "thing, but here each activation should be a layer of its own: a Dense "
                "layer without activation, then `layers.Activation('relu')`."
            )
    output = steps[-1]
    if output.units != 1:
        raise Incorrect(
            f"The output layer has {_units(output.units)}. The model predicts one number "
            "per example, so the output layer needs one unit per predicted number."
        )
    if output.activation != "linear":
        raise Incorrect(
            f"The output layer applies `{output.activation}`. For regression the output "
            "should be linear (no activation), so it can take any value."
        )
    _biases(model, [f"Hidden layer {n}" for n in range(1, len(steps))] + ["The output layer"])
    _layer_after_layer(model, n_features, name)
    return "the hidden layers bend the function with ReLU and the linear output predicts the target."


def linear_unit(model, n_features, name="model"):
    """Judge a model made of one linear unit taking ``n_features`` inputs: one Dense layer
    with one unit, a bias and no activation, and no other layer.

    Args:
        model: the learner's answer.
        n_features: how many inputs the unit takes.
        name: the variable's name, for messages.

    Returns:
        The message for a correct answer.
    """
    model_input(model, n_features, name)
    _only_dense_layers(model, name, "a single linear unit is one Dense layer and nothing else.")
    steps = keras_inspect.dense_steps(model)
    if len(steps) != 1:
        raise Incorrect(
            f"`{name}` has {len(steps)} Dense layers. A single linear unit is one Dense layer."
        )
    (step,) = steps
    if step.units != 1:
        raise Incorrect(
            f"The Dense layer has {_units(step.units)}. Each unit makes one output; a single "
            "linear unit is `units=1`."
        )
    if step.activation != "linear":
        raise Incorrect(
            f"The unit applies `{step.activation}`. A linear unit has no activation "
            "function: leave the `activation` argument out."
        )
    _biases(model, ["The Dense layer"])
    return f"one linear unit with {n_features} inputs: {n_features} weights and one bias."


_KIND_NAMES = {"dense": "a Dense layer", "dropout": "a Dropout layer",
               "batch_norm": "a BatchNormalization layer", "Flatten": "a Flatten layer"}


def _step_problem(position, found, expected):
    """Explain how one step differs from the expected one, or return None."""
    if found.kind != expected.kind:
        wanted = _KIND_NAMES.get(expected.kind, expected.kind)
        return f"{position} is {found}, where the question puts {wanted}."
    if (found.kind == "dense" and (found.units, found.activation) == (1, "linear")
            and expected.activation == "relu"):
        return (f"{position} is the output layer (one linear unit), but the question puts "
                "another hidden layer there: count the hidden layers.")
    if found.kind == "dense" and found.units != expected.units:
        return (f"{position} is a Dense layer with {_units(found.units)}; read again how many "
                "units the question asks for.")
    if found.kind == "dense" and found.activation != expected.activation:
        if expected.activation == "relu":
            return _activation_problem(found, position)
        if found.activation == "softmax" and expected.activation == "linear":
            return (f"{position} applies softmax. Here the output should be the raw scores "
                    "(logits), with no activation: the loss turns them into probabilities "
                    "itself (`from_logits=True`), which is more accurate numerically.")
        if expected.activation == "sigmoid":
            return (f"{position} applies `{found.activation}`. For binary classification the "
                    "output needs a sigmoid, so that it is a probability between 0 and 1.")
        return (f"{position} applies `{found.activation}`; an output layer for regression "
                "is linear (no activation).")
    if found.kind == "dropout" and not np.isclose(found.rate, expected.rate):
        return (f"{position} drops {found.rate:g} of its inputs (its rate) during training; "
                "use the rate the question gives.")
    return None


def layer_sequence(model, n_features, expected, name="model"):
    """Judge a model layer by layer: kinds, units, activations and dropout rates.

    Activations may be arguments of Dense or layers of their own (see
    ``keras_inspect.layer_steps``).

    Args:
        model: the learner's answer.
        n_features: how many inputs the model takes.
        expected: the expected list of ``keras_inspect.LayerStep``.
        name: the variable's name, for messages.

    Returns:
        The message for a correct answer.
    """
    model_input(model, n_features, name)
    found = keras_inspect.layer_steps(model)
    for number, (step, wanted) in enumerate(zip(found, expected), start=1):
        problem = _step_problem(f"Layer {number} of `{name}`", step, wanted)
        if problem:
            raise Incorrect(problem)
    if len(found) < len(expected):
        wanted = _KIND_NAMES.get(expected[len(found)].kind, expected[len(found)].kind)
        raise Incorrect(f"`{name}` stops after {len(found)} layers; next the question puts "
                        f"{wanted}.")
    if len(found) > len(expected):
        raise Incorrect(f"`{name}` has more layers than the question asks for, from layer "
                        f"{len(expected) + 1} ({found[len(expected)]}) on.")
    return "every layer is in its place."


def as_array(value):
    """Turn a tensor, a variable, a list or an array into a NumPy array."""
    if hasattr(value, "numpy"):  # Keras variables and TensorFlow tensors
        value = value.numpy()
    return np.asarray(value)
