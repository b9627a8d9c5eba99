"""Lesson 02's checks accept every correct form and teach on typical mistakes."""

import keras
import pytest
from keras import layers

from helpers.checks import deep_networks as questions
from tests.checking import assert_correct, assert_incorrect, assert_not_attempted

INPUT = keras.Input


def sequential(*stack, n_inputs=8):
    return keras.Sequential([INPUT(shape=(n_inputs,)), *stack])


# 1) input_shape

@pytest.mark.parametrize("shape", [(8,), [8]], ids=["tuple", "list"])
def test_input_shape_accepts(shape):
    assert_correct(questions.input_shape, input_shape=shape)


@pytest.mark.parametrize("shape, fragment", [
    (8, "single number"), ((1030, 8), "the number of rows"), ((9,), "count the target?"),
], ids=["bare int", "X.shape", "target counted"])
def test_input_shape_rejects(shape, fragment):
    assert_incorrect(questions.input_shape, fragment, not_revealing=("8",), input_shape=shape)


def test_input_shape_says_it_cannot_tell_a_typed_number():
    feedback = questions.input_shape.feedback({"input_shape": (8,)})
    assert feedback.correct and "sees only the value" in feedback.message


def test_input_shape_not_attempted():
    assert_not_attempted(questions.input_shape, "input_shape")


# 2) three hidden ReLU layers of 512 and a linear output

def deep(hidden_layer, n_hidden=3, output=None):
    stack = []
    for _ in range(n_hidden):
        stack += hidden_layer()
    return sequential(*stack, output or layers.Dense(1))


def _old_style():
    with pytest.warns(UserWarning, match="input_shape"):
        return keras.Sequential(
            [layers.Dense(512, activation="relu", input_shape=[8])]
            + [layers.Dense(512, activation="relu") for _ in range(2)] + [layers.Dense(1)]
        )


@pytest.mark.parametrize("build", [
    lambda: deep(lambda: [layers.Dense(512, activation="relu")]),
    lambda: deep(lambda: [layers.Dense(512, activation=keras.activations.relu)]),
    lambda: deep(lambda: [layers.Dense(512), layers.Activation("relu")]),
    lambda: deep(lambda: [layers.Dense(512), layers.ReLU()]),
    _old_style,
], ids=["'relu'", "keras.activations.relu", "Activation layer", "ReLU layer", "input_shape"])
def test_deep_model_accepts(build):
    assert_correct(questions.deep_model, model=build())


@pytest.mark.parametrize("build, fragment", [
    (lambda: deep(lambda: [layers.Dense(512)]), "collapse into a single linear map"),
    (lambda: deep(lambda: [layers.Dense(512, activation="relu")],
                  output=layers.Dense(1, activation="relu")), "output should be linear"),
    (lambda: deep(lambda: [layers.Dense(256, activation="relu")]), "has 256 units"),
    (lambda: deep(lambda: [layers.Dense(512, activation="relu")], n_hidden=2), "has 3 Dense layers"),
    (lambda: deep(lambda: [layers.Dense(512, activation="sigmoid")]), "applies `sigmoid`"),
    (lambda: deep(lambda: [layers.Dense(512, activation="relu")], output=layers.Dense(8)),
     "The output layer has 8 units"),
    (lambda: deep(lambda: [layers.Dense(512, activation="relu"), layers.ReLU()]), "ReLU twice"),
], ids=["no activation", "relu output", "units", "two hidden", "sigmoid", "wide output", "double relu"])
def test_deep_model_rejects(build, fragment):
    assert_incorrect(questions.deep_model, fragment, model=build())


def functional(hidden_units, separate=False):
    inputs = INPUT(shape=(8,))
    x = inputs
    for units in hidden_units:
        x = layers.Dense(units)(x) if separate else layers.Dense(units, activation="relu")(x)
        x = layers.ReLU()(x) if separate else x
    return keras.Model(inputs, layers.Dense(1)(x))


def test_deep_model_accepts_the_functional_api():
    assert_correct(questions.deep_model, model=functional([512, 512, 512]))


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = [layers.Dense(512, activation="relu") for _ in range(3)]
        self.out = layers.Dense(1)

    def call(self, x):
        for layer in self.hidden:
            x = layer(x)
        return self.out(x)


def _shared_layer():
    inputs = INPUT(shape=(8,))
    shared = layers.Dense(512, activation="relu")
    x = layers.Dense(512, activation="relu")(inputs)
    x = shared(shared(x))  # four hidden layers from three Dense objects, one of them used twice
    return keras.Model(inputs, layers.Dense(1)(layers.Dense(512, activation="relu")(x)))


@pytest.mark.parametrize("build, fragment", [
    (lambda: deep(lambda: [layers.Dense(512, activation="relu"), layers.Dropout(0.3)]),
     "a layer the question does not ask for, Dropout(0.3)"),
    (lambda: sequential(layers.Rescaling(0.1), *[layers.Dense(512, activation="relu")
                                                for _ in range(3)], layers.Dense(1)),
     "a layer the question does not ask for, Rescaling"),
    (lambda: deep(lambda: [layers.Dense(512, activation="relu", use_bias=False)]),
     "Hidden layer 1 has no bias"),
    (lambda: deep(lambda: [layers.Dense(512, activation="relu")],
                  output=layers.Dense(1, use_bias=False)), "The output layer has no bias"),
    (_Subclassed, "a model of your own class"),
], ids=["dropout", "rescaling", "no bias", "output without bias", "subclass"])
def test_deep_model_rejects_more(build, fragment):
    assert_incorrect(questions.deep_model, fragment, model=build())


def test_deep_model_rejects_a_layer_used_twice():
    assert_incorrect(questions.deep_model, "call each layer once", model=_shared_layer())


def test_deep_model_rejects_missing_or_wrong_input():
    def stack():
        return [layers.Dense(512, activation="relu") for _ in range(3)] + [layers.Dense(1)]

    assert_incorrect(questions.deep_model, "does not know its input shape",
                     model=keras.Sequential(stack()))
    assert_incorrect(questions.deep_model, "expects examples of shape (9,)",
                     model=keras.Sequential([INPUT(shape=(9,)), *stack()]))


def test_deep_model_not_attempted():
    assert_not_attempted(questions.deep_model, "model")


# 3) separate activation layers

@pytest.mark.parametrize("activation_layer", [
    lambda: layers.Activation("relu"),
    lambda: layers.ReLU(),
    lambda: layers.Activation(keras.activations.relu),
], ids=["Activation('relu')", "ReLU()", "Activation(relu function)"])
def test_activation_layers_accepts(activation_layer):
    model = sequential(layers.Dense(32), activation_layer(), layers.Dense(32), activation_layer(),
                       layers.Dense(1))
    assert_correct(questions.activation_layers, model_with_activation_layers=model)


def test_activation_layers_accepts_the_functional_api():
    assert_correct(questions.activation_layers,
                   model_with_activation_layers=functional([32, 32], separate=True))


@pytest.mark.parametrize("build, fragment", [
    (lambda: sequential(layers.Dense(32, activation="relu"), layers.Dense(32, activation="relu"),
                        layers.Dense(1)), "its ReLU inside the Dense layer"),
    (lambda: sequential(layers.Dense(32), layers.Dense(32), layers.Dense(1)), "has no activation"),
    (lambda: sequential(layers.Dense(64), layers.Activation("relu"), layers.Dense(64),
                        layers.Activation("relu"), layers.Dense(1)), "has 64 units"),
    (lambda: sequential(layers.Dense(32), layers.Activation("tanh"), layers.Dense(32),
                        layers.Activation("relu"), layers.Dense(1)), "applies `tanh`"),
    (lambda: sequential(layers.Dense(32), layers.Activation("relu"), layers.Dense(32),
                        layers.Activation("relu"), layers.BatchNormalization(), layers.Dense(1)),
     "a layer the question does not ask for, BatchNormalization"),
], ids=["fused", "none", "units", "tanh", "batch norm"])
def test_activation_layers_rejects(build, fragment):
    assert_incorrect(questions.activation_layers, fragment, model_with_activation_layers=build())


def test_activation_layers_not_attempted():
    assert_not_attempted(questions.activation_layers, "model_with_activation_layers")
