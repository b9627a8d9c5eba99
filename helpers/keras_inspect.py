"""Read a Keras model's structure through public Keras 3 APIs only.

Shared by the diagrams (to draw a model) and the checks (to judge one). A model is read
as a list of steps: each ``Dense`` layer together with the activation that follows it
(an argument of ``Dense`` or a layer of its own), and the Dropout and BatchNormalization
layers between them.
"""

from dataclasses import dataclass, replace

import keras

#: Activations recognised by name, as ``keras.activations.get`` knows them.
KNOWN_ACTIVATIONS = (
    "linear", "relu", "elu", "selu", "silu", "gelu", "sigmoid", "tanh", "softmax",
    "softplus", "leaky_relu", "relu6", "exponential",
)


@dataclass(frozen=True)
class LayerStep:
    """One step of a model, with a Dense layer's activation merged into it.

    Attributes:
        kind: "dense", "dropout", "batch_norm", "activation" (one with no Dense before
            it) or the class name of any other layer.
        units: a Dense layer's number of units.
        activation: the activation applied after a Dense layer ("linear" for none).
        separate_activation: True when that activation is a layer of its own.
        rate: a Dropout layer's rate.
    """

    kind: str
    units: int | None = None
    activation: str | None = None
    separate_activation: bool = False
    rate: float | None = None

    def __str__(self):
        if self.kind == "dense":
            return f"Dense({self.units}, {self.activation})"
        if self.kind == "dropout":
            return f"Dropout({self.rate:g})"
        if self.kind == "batch_norm":
            return "BatchNormalization"
        if self.kind == "activation":
            return f"Activation({self.activation})"
        return self.kind


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


def _merge_activation(steps, name):
    """Apply an activation layer to the last Dense step, past any BatchNormalization."""
    for index in range(len(steps) - 1, -1, -1):
        step = steps[index]
        if step.kind == "dense":
            combined = name if step.activation == "linear" else f"{step.activation}+{name}"
            steps[index] = replace(step, activation=combined, separate_activation=True)
            return
        if step.kind != "batch_norm":
            break
    steps.append(LayerStep("activation", activation=name))


def layer_steps(model):
    """Read a model as a list of :class:`LayerStep`, in order.

    An activation layer is merged into the Dense layer before it, even with a
    BatchNormalization between them. A Dense layer with its own activation followed by an
    activation layer is reported as ``"<inner>+<outer>"``, so a doubled activation shows.
    A functional model's ``InputLayer`` is not a step.

    Args:
        model: a Keras model.

    Returns:
        A list of LayerStep.
    """
    steps = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):  # a functional model's input
            continue
        if isinstance(layer, keras.layers.Dense):
            steps.append(LayerStep("dense", units=layer.units,
                                   activation=activation_name(layer.activation)))
        elif isinstance(layer, keras.layers.Dropout):
            steps.append(LayerStep("dropout", rate=float(layer.rate)))
        elif isinstance(layer, keras.layers.BatchNormalization):
            steps.append(LayerStep("batch_norm"))
        elif (name := activation_layer_name(layer)) is not None:
            _merge_activation(steps, name)
        else:
            steps.append(LayerStep(type(layer).__name__))
    return steps


def dense_steps(model):
    """The Dense steps of :func:`layer_steps`, each with its activation.

    Args:
        model: a Keras model.

    Returns:
        A list of LayerStep of kind "dense", one per ``Dense`` layer, in order.
    """
    return [step for step in layer_steps(model) if step.kind == "dense"]


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
