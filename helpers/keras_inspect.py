"""Read a Keras model's structure through public Keras 3 APIs only.

Shared by the diagrams (to draw a model) and the checks (to judge one). A model is read
as a stack of dense steps: each ``Dense`` layer together with the activation that follows
it, whether that activation is an argument of ``Dense`` or a layer of its own.
"""

from dataclasses import dataclass

import keras

#: Activations recognised by name, as ``keras.activations.get`` knows them.
KNOWN_ACTIVATIONS = (
    "linear", "relu", "elu", "selu", "silu", "gelu", "sigmoid", "tanh", "softmax",
    "softplus", "leaky_relu", "relu6", "exponential",
)


@dataclass(frozen=True)
class DenseStep:
    """One dense layer of a model and what follows it.

    Attributes:
        units: the number of units of the ``Dense`` layer.
        activation: the name of the activation applied after it ("linear" for none).
        separate_activation: True when that activation is a layer of its own.
    """

    units: int
    activation: str
    separate_activation: bool = False


def activation_name(function):
    """Name an activation function, e.g. ``keras.activations.relu`` -> ``"relu"``.

    Args:
        function: an activation function, a name, or None.

    Returns:
        The Keras name of the activation, or the function's own ``__name__``.
    """
    if function is None:
        return "linear"
    if isinstance(function, str):
        return activation_name(keras.activations.get(function))
    for name in KNOWN_ACTIVATIONS:
        if function is keras.activations.get(name):
            return name
    return getattr(function, "__name__", type(function).__name__)


def activation_layer_name(layer):
    """Name the activation a layer applies, or return None if it is not an activation layer.

    Args:
        layer: any Keras layer.

    Returns:
        ``"relu"`` for ``Activation("relu")`` and a plain ``ReLU()``, ``"leaky_relu"`` for
        ``LeakyReLU``, and so on; None for layers that are not activations.
    """
    if isinstance(layer, keras.layers.Activation):
        return activation_name(layer.activation)
    if isinstance(layer, keras.layers.ReLU):
        config = layer.get_config()
        plain = (
            config.get("max_value") is None
            and not config.get("negative_slope")
            and not config.get("threshold")
        )
        return "relu" if plain else "modified_relu"
    if isinstance(layer, keras.layers.LeakyReLU):
        return "leaky_relu"
    if isinstance(layer, keras.layers.ELU):
        return "elu"
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    return None


def dense_steps(model):
    """Read a model as a list of :class:`DenseStep`.

    Activation layers are merged into the dense layer before them. A ``Dense`` with its own
    activation followed by an activation layer is reported with the later one, marked as
    ``"<inner>+<outer>"``, so a doubled activation is visible.

    Args:
        model: a Keras model.

    Returns:
        A list of DenseStep, one per ``Dense`` layer, in order.
    """
    steps = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            steps.append(DenseStep(layer.units, activation_name(layer.activation)))
            continue
        name = activation_layer_name(layer)
        if name is None or not steps:
            continue
        last = steps[-1]
        combined = name if last.activation == "linear" else f"{last.activation}+{name}"
        steps[-1] = DenseStep(last.units, combined, separate_activation=True)
    return steps


def input_shape(model):
    """The shape of one example the model expects, without the batch dimension.

    Args:
        model: a Keras model.

    Returns:
        A tuple such as ``(8,)``, or None if the model does not know its input yet
        (no ``keras.Input`` and no ``input_shape``).
    """
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs:
        return None
    return tuple(inputs[0].shape[1:])
