"""Questions of lesson 01's exercise: a linear unit for the diabetes data."""

import functools

import keras
import numpy as np

from helpers import data
from helpers.checks import judges
from helpers.checks.core import Incorrect, Question

TARGET = "progression"
#: The inputs the untrained-output question gives: 100 examples of one feature.
GIVEN_X = np.linspace(-1.0, 1.0, 100).reshape(-1, 1)


@functools.cache
def n_features():
    """How many feature columns the exercise's table has (all but the target)."""
    return len(data.diabetes().columns) - 1


def _judge_weights(model, w, b):
    if not isinstance(model, keras.Model) or len(model.weights) != 2:
        raise Incorrect(
            "fix `model` first (question 2): `w` and `b` should be the two weight arrays of "
            "a single Dense layer, its kernel and its bias."
        )
    kernel, bias = (judges.as_array(v) for v in model.weights)
    w, b = judges.as_array(w), judges.as_array(b)
    if w.shape == bias.shape and b.shape == kernel.shape:
        raise Incorrect(
            "`w` and `b` are swapped: `model.weights` lists the kernel (the weights) first "
            "and the bias second."
        )
    for name, found, expected, role in (("w", w, kernel, "kernel"), ("b", b, bias, "bias")):
        if found.shape != expected.shape:
            raise Incorrect(
                f"`{name}` has shape {found.shape}, which is not the shape of your model's "
                f"{role}. Take it from `model.weights`: print it to see both arrays."
            )
        if not np.allclose(found, expected):
            raise Incorrect(
                f"`{name}` has the right shape but not your model's values. Read it from "
                "`model.weights` (or `model.get_weights()`) rather than making a new array."
            )
    return (
        f"the kernel has shape {kernel.shape}: one weight per input, for one unit. The "
        "weights start random and the bias starts at zero."
    )


def _judge_untrained_output(one_input_model, x, y):
    judges.linear_unit(one_input_model, 1, name="one_input_model")
    x = judges.as_array(x)
    if x.size != GIVEN_X.size or not np.allclose(x.reshape(GIVEN_X.shape), GIVEN_X):
        raise Incorrect(
            "`x` is not the one the answer cell gives: keep its first line, 100 values from "
            "-1 to 1 in one column, and compute `y` from it."
        )
    x, y = x.reshape(GIVEN_X.shape), judges.as_array(y)
    if y.size != x.shape[0]:
        raise Incorrect(
            f"`y` has {y.size} values but `x` has {x.shape[0]}: `y` should hold the "
            "model's output for each value of `x`."
        )
    expected = judges.as_array(one_input_model(x))
    if not np.allclose(y.reshape(-1), expected.reshape(-1), atol=1e-5):
        raise Incorrect(
            "`y` is not what `one_input_model` outputs for `x`. Compute it with "
            "`one_input_model.predict(x)` (or call the model on `x`) after building the model."
        )
    return "even untrained, a linear unit draws a line: a random slope and a bias of 0."


input_shape = Question(("input_shape",), lambda shape: judges.input_shape(shape, n_features()))
linear_model = Question(("model",), lambda model: judges.linear_unit(model, n_features()))
weights = Question(("model", "w", "b"), _judge_weights)
untrained_output = Question(("one_input_model", "x", "y"), _judge_untrained_output)
