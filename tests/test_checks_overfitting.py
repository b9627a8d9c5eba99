"""Lesson 04's checks accept every correct form and teach on typical mistakes."""

import keras
import numpy as np
import pytest
from keras import layers

from helpers.checks import overfitting as questions
from tests.checking import assert_correct, assert_incorrect, assert_not_attempted

X_TRAIN = np.zeros((20, 30))


def stack(*layers_, n_inputs=30):
    return keras.Sequential([keras.Input(shape=(n_inputs,)), *layers_])


# 1) linear model

@pytest.mark.parametrize("model", [
    stack(layers.Dense(1)), stack(layers.Dense(units=1, activation="linear")),
], ids=["Dense(1)", "activation='linear'"])
def test_linear_model_accepts(model):
    assert_correct(questions.linear_model, linear_model=model, X_train=X_TRAIN)


@pytest.mark.parametrize("model, fragment", [
    (stack(layers.Dense(1), n_inputs=29), "expects examples of shape (29,)"),
    (stack(layers.Dense(16, activation="relu"), layers.Dense(1)), "has 2 Dense layers"),
    (stack(layers.Dense(1, activation="relu")), "applies `relu`"),
    (stack(layers.Dense(1, use_bias=False)), "The Dense layer has no bias"),
    (stack(layers.Dropout(0.2), layers.Dense(1)), "a layer the question does not ask for"),
], ids=["inputs", "hidden layer", "relu", "no bias", "dropout"])
def test_linear_model_rejects(model, fragment):
    assert_incorrect(questions.linear_model, fragment, linear_model=model, X_train=X_TRAIN)


def test_linear_model_not_attempted():
    assert_not_attempted(questions.linear_model, "linear_model", X_train=X_TRAIN)


# 2) deep model

def deep(*hidden):
    return stack(*hidden, layers.Dense(1))


@pytest.mark.parametrize("model", [
    deep(*[layers.Dense(256, activation="relu") for _ in range(3)]),
    deep(*[layer for _ in range(3) for layer in (layers.Dense(256), layers.ReLU())]),
], ids=["activation='relu'", "ReLU layers"])
def test_deep_model_accepts(model):
    assert_correct(questions.deep_model, deep_model=model, X_train=X_TRAIN)


@pytest.mark.parametrize("model, fragment", [
    (deep(*[layers.Dense(512, activation="relu") for _ in range(3)]), "has 512 units"),
    (deep(*[layers.Dense(256) for _ in range(3)]), "has no activation"),
    (deep(*[layers.Dense(256, activation="relu") for _ in range(2)]), "has 3 Dense layers"),
], ids=["units", "no activation", "two hidden"])
def test_deep_model_rejects(model, fragment):
    assert_incorrect(questions.deep_model, fragment, deep_model=model, X_train=X_TRAIN)


def test_deep_model_not_attempted():
    assert_not_attempted(questions.deep_model, "deep_model", X_train=X_TRAIN)


# 3) early stopping

@pytest.mark.parametrize("callback", [
    keras.callbacks.EarlyStopping(min_delta=0.001, patience=5, restore_best_weights=True),
    keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=-0.001, patience=5,
                                  restore_best_weights=True, mode="min"),
    keras.callbacks.EarlyStopping(patience=5, min_delta=1e-3, restore_best_weights=True,
                                  verbose=1),
], ids=["keywords", "explicit monitor, negative delta", "other order"])
def test_early_stopping_accepts(callback):
    assert_correct(questions.early_stopping, early_stopping=callback)


@pytest.mark.parametrize("callback, fragment", [
    (keras.callbacks.EarlyStopping(min_delta=0.001, patience=5), "Set `restore_best_weights=True`"),
    (keras.callbacks.EarlyStopping(min_delta=0.01, patience=5, restore_best_weights=True),
     "`min_delta` is 0.01"),
    (keras.callbacks.EarlyStopping(min_delta=0.001, patience=20, restore_best_weights=True),
     "`patience` is 20"),
    (keras.callbacks.EarlyStopping(monitor="loss", min_delta=0.001, patience=5,
                                   restore_best_weights=True), "watches `loss`"),
    (keras.callbacks.ModelCheckpoint("model.keras"), "is a ModelCheckpoint"),
    (keras.callbacks.EarlyStopping(min_delta=0.001, patience=5, restore_best_weights=True,
                                   mode="max"), "`mode='max'`"),
    (keras.callbacks.EarlyStopping(min_delta=0.001, patience=5, restore_best_weights=True,
                                   baseline=0.5), "`baseline` is 0.5"),
    (keras.callbacks.EarlyStopping(min_delta=0.001, patience=5, restore_best_weights=True,
                                   start_from_epoch=10), "`start_from_epoch` is 10"),
], ids=["no restore", "min_delta", "patience", "training loss", "other callback", "mode max",
        "baseline", "start_from_epoch"])
def test_early_stopping_rejects(callback, fragment):
    assert_incorrect(questions.early_stopping, fragment, early_stopping=callback)


def test_early_stopping_not_attempted():
    assert_not_attempted(questions.early_stopping, "early_stopping")
