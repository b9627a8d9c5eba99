"""Lesson 03's checks accept every correct form and teach on typical mistakes."""

import keras
import numpy as np
import pytest
from keras import layers
from sklearn.compose import make_column_transformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from helpers import data
from helpers.checks import gradient_descent as questions
from tests.checking import assert_correct, assert_incorrect, assert_not_attempted

AUTO = data.auto()
TRAIN, VALID = train_test_split(AUTO, test_size=0.25, random_state=0)
NUMERIC, CATEGORICAL = questions.NUMERIC, questions.CATEGORICAL


def features(*transformers, fit_on=TRAIN):
    preprocessor = make_column_transformer(*transformers).fit(fit_on)
    return {"X_train": preprocessor.transform(TRAIN), "X_valid": preprocessor.transform(VALID),
            "auto_train": TRAIN, "auto_valid": VALID}


SCALE = (StandardScaler(), NUMERIC)
ONE_HOT = (OneHotEncoder(sparse_output=False, handle_unknown="ignore"), CATEGORICAL)


# 1) preprocessing

def test_preprocessing_accepts_dense_sparse_and_any_column_order():
    assert_correct(questions.preprocessing, **features(SCALE, ONE_HOT))
    assert_correct(questions.preprocessing, **features(ONE_HOT, SCALE))
    assert_correct(questions.preprocessing, **features(SCALE, (OneHotEncoder(), CATEGORICAL)))


def test_preprocessing_rejects():
    assert_incorrect(questions.preprocessing, "not standardised",
                     **features(("passthrough", NUMERIC), ONE_HOT))
    assert_incorrect(questions.preprocessing, "too few",
                     **features(SCALE))
    assert_incorrect(questions.preprocessing, "too many",
                     **features((StandardScaler(), NUMERIC + ["mpg"]), ONE_HOT))
    assert_incorrect(questions.preprocessing, "Fit the preprocessor on the training data only",
                     **features(SCALE, ONE_HOT, fit_on=AUTO))
    answers = features(SCALE, ONE_HOT)
    refitted = make_column_transformer(SCALE, ONE_HOT).fit(VALID)
    assert_incorrect(questions.preprocessing, "`X_valid` was not transformed",
                     **{**answers, "X_valid": refitted.transform(VALID)})


def test_preprocessing_not_attempted():
    assert_not_attempted(questions.preprocessing, "X_train", "X_valid",
                         auto_train=TRAIN, auto_valid=VALID)


# 2) compile

def model():
    return keras.Sequential([keras.Input(shape=(9,)), layers.Dense(8, activation="relu"),
                             layers.Dense(1)])


@pytest.mark.parametrize("optimizer, loss", [
    ("adam", "mae"),
    ("adam", "mean_absolute_error"),
    (keras.optimizers.Adam(learning_rate=0.01), keras.losses.MeanAbsoluteError()),
    ("Adam", keras.losses.mean_absolute_error),
], ids=["strings", "long name", "objects", "function"])
def test_compile_accepts(optimizer, loss):
    compiled = model()
    compiled.compile(optimizer=optimizer, loss=loss)
    assert_correct(questions.compile_settings, model=compiled)


@pytest.mark.parametrize("optimizer, loss, fragment", [
    ("sgd", "mae", "the SGD optimizer"),
    ("adam", "mse", "mean squared error as its loss"),
    ("rmsprop", keras.losses.Huber(), "RMSprop"),
], ids=["sgd", "mse", "rmsprop"])
def test_compile_rejects(optimizer, loss, fragment):
    compiled = model()
    compiled.compile(optimizer=optimizer, loss=loss)
    assert_incorrect(questions.compile_settings, fragment, model=compiled)


def test_compile_not_attempted_for_an_uncompiled_model():
    assert_not_attempted(questions.compile_settings, model=model())
    assert "not compiled yet" in questions.compile_settings.feedback({"model": model()}).message


# 3) training

X_TRAIN = np.zeros((294, 9))
Y_TRAIN = np.zeros(294)
VALIDATION = (np.zeros((98, 9)), np.zeros(98))


def fit(**kwargs):
    compiled = model()
    compiled.compile(optimizer="adam", loss="mae")
    return compiled.fit(X_TRAIN, Y_TRAIN, verbose=0, **kwargs)


@pytest.mark.parametrize("kwargs", [
    {"validation_data": VALIDATION, "batch_size": 32, "epochs": 50},
    {"validation_data": VALIDATION, "batch_size": 32, "epochs": 50, "shuffle": False},
], ids=["validation_data", "no shuffle"])
def test_training_accepts(kwargs):
    assert_correct(questions.training, history=fit(**kwargs), X_train=X_TRAIN)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"validation_data": VALIDATION, "batch_size": 32, "epochs": 5}, "ran for 5 epochs"),
    ({"validation_data": VALIDATION, "batch_size": 128, "epochs": 50}, "Check `batch_size`"),
    ({"batch_size": 32, "epochs": 50}, "pass `validation_data"),
], ids=["epochs", "batch size", "no validation"])
def test_training_rejects(kwargs, fragment):
    assert_incorrect(questions.training, fragment, history=fit(**kwargs), X_train=X_TRAIN)


def test_training_rejects_the_model_instead_of_its_history():
    assert_incorrect(questions.training, "what `model.fit(...)` returns", history=model(),
                     X_train=X_TRAIN)


def test_training_not_attempted():
    assert_not_attempted(questions.training, "history", X_train=X_TRAIN)
