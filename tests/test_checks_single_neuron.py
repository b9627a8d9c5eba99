"""Lesson 01's checks accept every correct form and teach on typical mistakes."""

import keras
import numpy as np
import pytest
from keras import layers

from helpers import data
from helpers.checks import single_neuron as questions
from tests.checking import assert_correct, assert_incorrect, assert_not_attempted

X = data.diabetes().drop(columns="progression")
SECRETS = ("10",)  # the number of features must not appear in a message


def linear_unit(n_inputs=10, **dense_kwargs):
    return keras.Sequential([keras.Input(shape=(n_inputs,)), layers.Dense(1, **dense_kwargs)])


# 1) input_shape

@pytest.mark.parametrize("shape", [(10,), [10], (X.shape[1],), [np.int64(10)]],
                         ids=["tuple", "list", "from X.shape", "numpy int"])
def test_input_shape_accepts(shape):
    assert_correct(questions.input_shape, input_shape=shape)


@pytest.mark.parametrize("shape, fragment", [
    (10, "tuple or a list even when it has one entry"),
    (X.shape, "the number of rows"),
    ((11,), "Did you count the target?"),
    ((3,), "says each example has 3 features"),
    (X, "table of data, not a shape"),
    ("ten", "tuple or list of whole numbers"),
    ("10", "it should be a tuple or list"),
], ids=["bare int", "X.shape", "target counted", "wrong count", "the table", "a string",
        "digits as text"])
def test_input_shape_rejects(shape, fragment):
    assert_incorrect(questions.input_shape, fragment, not_revealing=SECRETS, input_shape=shape)


def test_input_shape_not_attempted():
    assert_not_attempted(questions.input_shape, "input_shape")


# 2) linear model

def _old_style():
    with pytest.warns(UserWarning, match="input_shape"):
        return keras.Sequential([layers.Dense(units=1, input_shape=[10])])


def _functional():
    inputs = keras.Input(shape=(10,))
    return keras.Model(inputs, layers.Dense(1)(inputs))


@pytest.mark.parametrize("build", [
    lambda: linear_unit(),
    _old_style,
    lambda: linear_unit(activation="linear"),
    lambda: linear_unit(activation=None),
    _functional,
], ids=["keras.Input", "input_shape=[10]", "activation='linear'", "activation=None", "functional"])
def test_linear_model_accepts(build):
    assert_correct(questions.linear_model, model=build())


@pytest.mark.parametrize("build, fragment", [
    (lambda: keras.Sequential([layers.Dense(1)]), "does not know its input shape"),
    (lambda: linear_unit(3), "expects examples of shape (3,)"),
    (lambda: keras.Sequential([keras.Input(shape=(10,)), layers.Dense(10)]), "has 10 units"),
    (lambda: linear_unit(activation="relu"), "applies `relu`"),
    (lambda: keras.Sequential([keras.Input(shape=(10,)), layers.Dense(4), layers.Dense(1)]),
     "has 2 Dense layers"),
    (lambda: "Dense(1)", "not a Keras model"),
], ids=["no input", "wrong input", "ten units", "relu", "two layers", "a string"])
def test_linear_model_rejects(build, fragment):
    assert_incorrect(questions.linear_model, fragment, model=build())


def test_linear_model_not_attempted():
    assert_not_attempted(questions.linear_model, "model")


# 3) weights

def test_weights_accepts_variables_arrays_and_layer_attributes():
    model = linear_unit()
    w, b = model.weights
    assert_correct(questions.weights, model=model, w=w, b=b)
    w, b = model.get_weights()
    assert_correct(questions.weights, model=model, w=w, b=b)
    dense = model.layers[0]
    assert_correct(questions.weights, model=model, w=dense.kernel, b=dense.bias)


def test_weights_rejects():
    model = linear_unit()
    w, b = model.weights
    assert_incorrect(questions.weights, "swapped", model=model, w=b, b=w)
    assert_incorrect(questions.weights, "not your model's values", model=model,
                     w=np.random.default_rng(5).normal(size=(10, 1)), b=b)
    assert_incorrect(questions.weights, "not the shape of your model's bias", model=model,
                     w=w, b=np.zeros(3))
    two_layers = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(4), layers.Dense(1)])
    assert_incorrect(questions.weights, "fix `model` first", model=two_layers, w=w, b=b)


def test_weights_are_judged_against_the_learners_own_model():
    """A wrong model (question 2) does not cost this question: w and b are its weights."""
    relu = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(1, activation="relu")])
    w, b = relu.weights
    assert_correct(questions.weights, model=relu, w=w, b=b)


def test_weights_not_attempted():
    assert_not_attempted(questions.weights, "w", "b", model=linear_unit())


# 4) untrained output

X_GRID = np.linspace(-1.0, 1.0, 100).reshape(-1, 1)


def test_untrained_output_accepts_predict_call_and_flat():
    model = linear_unit(1)
    for y in (model.predict(X_GRID, verbose=0), model(X_GRID), model.predict(X_GRID, verbose=0).ravel()):
        assert_correct(questions.untrained_output, one_input_model=model, x=X_GRID, y=y)
    assert_correct(questions.untrained_output, one_input_model=model, x=X_GRID.ravel(),
                   y=model.predict(X_GRID, verbose=0))


def test_untrained_output_rejects():
    model, other = linear_unit(1), linear_unit(1)
    assert_incorrect(questions.untrained_output, "is not what `one_input_model` outputs",
                     one_input_model=model, x=X_GRID, y=other.predict(X_GRID, verbose=0))
    assert_incorrect(questions.untrained_output, "`y` has 10 values but `x` has 100",
                     one_input_model=model, x=X_GRID, y=model.predict(X_GRID[:10], verbose=0))
    assert_incorrect(questions.untrained_output, "expects examples of shape (2,)",
                     one_input_model=linear_unit(2), x=X_GRID, y=np.zeros(100))
    assert_incorrect(questions.untrained_output, "`x` is not the one the answer cell gives",
                     one_input_model=model, x=X_GRID[:10], y=model.predict(X_GRID[:10], verbose=0))


def test_untrained_output_not_attempted():
    assert_not_attempted(questions.untrained_output, "y", one_input_model=linear_unit(1), x=X_GRID)
