"""Questions of lesson 02's exercise: deep networks for the concrete data."""

import functools

from helpers import data
from helpers.checks import judges
from helpers.checks.core import Question

TARGET = "compressive_strength"


@functools.cache
def n_features():
    """How many feature columns the exercise's table has (all but the target)."""
    return len(data.concrete().columns) - 1


def _judge_input_shape(shape):
    return judges.input_shape(shape, n_features()) + (
        " The check sees only the value, not how you got it: compute it from `X` (rather than "
        "typing the number), so it stays right when the data change."
    )


input_shape = Question(("input_shape",), _judge_input_shape)
deep_model = Question(
    ("model",), lambda model: judges.dense_stack(model, n_features(), [512, 512, 512])
)
activation_layers = Question(
    ("model_with_activation_layers",),
    lambda model: judges.dense_stack(
        model, n_features(), [32, 32], separate_activations=True,
        name="model_with_activation_layers",
    ),
)
