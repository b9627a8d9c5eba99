"""Lesson 05's checks accept every correct form and teach on typical mistakes."""

import keras
import numpy as np
import pytest
from keras import layers

from helpers.checks import dropout_batchnorm as questions
from tests.checking import assert_correct, assert_incorrect, assert_not_attempted

X_TRAIN = np.zeros((10, 40))


def model(*stack, n_inputs=40):
    return keras.Sequential([keras.Input(shape=(n_inputs,)), *stack])


def hidden_with_dropout(rate=0.3, units=256, activation_layer=False):
    dense = [layers.Dense(units), layers.ReLU()] if activation_layer else \
        [layers.Dense(units, activation="relu")]
    return [*dense, layers.Dropout(rate)]


# 1) dropout

@pytest.mark.parametrize("stack", [
    hidden_with_dropout() * 1 + hidden_with_dropout() + hidden_with_dropout() + [layers.Dense(1)],
    [layer for _ in range(3) for layer in hidden_with_dropout(activation_layer=True)]
    + [layers.Dense(1)],
], ids=["activation='relu'", "ReLU layers"])
def test_dropout_model_accepts(stack):
    assert_correct(questions.dropout_model, dropout_model=model(*stack), X_train=X_TRAIN)


@pytest.mark.parametrize("stack, fragment", [
    ([layer for _ in range(3) for layer in hidden_with_dropout(rate=0.5)] + [layers.Dense(1)],
     "drops 0.5 of its inputs"),
    ([layers.Dense(256, activation="relu") for _ in range(3)] + [layers.Dense(1)],
     "Layer 2 of `dropout_model` is Dense(256, relu), where the question puts a Dropout layer"),
    ([layer for _ in range(3) for layer in hidden_with_dropout()]
     + [layers.Dense(1), layers.Dropout(0.3)], "more layers than the question asks for"),
    ([layer for _ in range(2) for layer in hidden_with_dropout()] + [layers.Dense(1)],
     "Layer 5 of `dropout_model` is the output layer"),
    ([layer for _ in range(3) for layer in hidden_with_dropout(units=128)] + [layers.Dense(1)],
     "128 units"),
], ids=["rate", "no dropout", "dropout after output", "two hidden", "units"])
def test_dropout_model_rejects(stack, fragment):
    assert_incorrect(questions.dropout_model, fragment, dropout_model=model(*stack),
                     X_train=X_TRAIN)


def test_dropout_model_accepts_the_functional_api():
    inputs = keras.Input(shape=(40,))
    x = inputs
    for layer in [layer for _ in range(3) for layer in hidden_with_dropout()]:
        x = layer(x)
    functional = keras.Model(inputs, layers.Dense(1)(x))
    assert_correct(questions.dropout_model, dropout_model=functional, X_train=X_TRAIN)


def test_dropout_model_not_attempted():
    assert_not_attempted(questions.dropout_model, "dropout_model", X_train=X_TRAIN)


# 2) batch normalization

def batchnorm_stack(activation_after_norm=False, first_norm=True, units=512):
    stack = [layers.BatchNormalization()] if first_norm else []
    for _ in range(3):
        if activation_after_norm:
            stack += [layers.Dense(units), layers.BatchNormalization(), layers.Activation("relu")]
        else:
            stack += [layers.Dense(units, activation="relu"), layers.BatchNormalization()]
    return stack + [layers.Dense(1)]


@pytest.mark.parametrize("stack", [
    batchnorm_stack(), batchnorm_stack(activation_after_norm=True),
], ids=["after the activation", "between Dense and activation"])
def test_batchnorm_model_accepts(stack):
    assert_correct(questions.batchnorm_model, batchnorm_model=model(*stack, n_inputs=8))


@pytest.mark.parametrize("stack, fragment", [
    (batchnorm_stack(first_norm=False), "Layer 1 of `batchnorm_model` is Dense(512, relu)"),
    ([layers.BatchNormalization()] + [layers.Dense(512, activation="relu") for _ in range(3)]
     + [layers.Dense(1)], ("Layer 3 of `batchnorm_model` is Dense(512, relu), where the "
                           "question puts a BatchNormalization layer")),
    (batchnorm_stack(units=256), "256 units"),
    (batchnorm_stack()[:-1] + [layers.Dense(1, activation="relu")], "applies `relu`"),
], ids=["no input normalization", "no hidden normalization", "units", "relu output"])
def test_batchnorm_model_rejects(stack, fragment):
    assert_incorrect(questions.batchnorm_model, fragment, batchnorm_model=model(*stack, n_inputs=8))


def test_batchnorm_model_rejects_wrong_input():
    assert_incorrect(questions.batchnorm_model, "expects examples of shape (9,)",
                     batchnorm_model=model(*batchnorm_stack(), n_inputs=9))


def test_batchnorm_model_not_attempted():
    assert_not_attempted(questions.batchnorm_model, "batchnorm_model")
