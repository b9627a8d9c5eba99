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
from helpers.checks import training_judges
from helpers.checks.core import Question
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


def test_preprocessing_says_it_compares_values_only():
    feedback = questions.preprocessing.feedback(features(SCALE, ONE_HOT))
    assert feedback.correct and "compares the values, not how you made them" in feedback.message


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
    ("adamw", "mae", "the AdamW optimizer"),
    (keras.optimizers.AdamW(), "mae", "the AdamW optimizer"),
    ("adam", keras.losses.MeanAbsoluteError, "`keras.losses.MeanAbsoluteError()`"),
], ids=["sgd", "mse", "rmsprop", "adamw", "AdamW object", "loss class"])
def test_compile_rejects(optimizer, loss, fragment):
    compiled = model()
    compiled.compile(optimizer=optimizer, loss=loss)
    assert_incorrect(questions.compile_settings, fragment, model=compiled)


def test_compile_not_attempted_for_an_uncompiled_model():
    assert_not_attempted(questions.compile_settings, model=model())
    assert "not compiled yet" in questions.compile_settings.feedback({"model": model()}).message


# 3) training

_RNG = np.random.default_rng(0)
X_TRAIN, X_VALID = _RNG.normal(size=(294, 9)), _RNG.normal(size=(98, 9))
Y_TRAIN, Y_VALID = X_TRAIN.sum(axis=1) + 20, X_VALID.sum(axis=1) + 20
DATA = {"X_train": X_TRAIN, "X_valid": X_VALID, "y_train": Y_TRAIN, "y_valid": Y_VALID}
SHORT = 2  # epochs of the quick variant of the question, for the messages
short_training = Question(
    questions.training.names,
    lambda history, model, X_train, X_valid, y_train, y_valid: training_judges.trained(
        history, model, SHORT, questions.BATCH_SIZE, (X_train, y_train), (X_valid, y_valid)),
    given=questions.training.given,
)


def compiled_model():
    compiled = model()
    compiled.compile(optimizer="adam", loss="mae")
    return compiled


def another_model():
    """A compiled model that was not the one trained. Its output is shifted by 100, so that
    its loss on either split is far from the trained one's: two models whose weights are
    both random lose about the same on these targets, within 0.1% once in about 40 tries."""
    other = compiled_model()
    other.layers[-1].bias.assign([100.0])
    return other


def fit(x=X_TRAIN, y=Y_TRAIN, epochs=SHORT, **kwargs):
    """The answer names after training a fresh compiled model with ``fit(x, y, **kwargs)``."""
    compiled = compiled_model()
    history = compiled.fit(x, y, epochs=epochs, verbose=0, **kwargs)
    return {**DATA, "history": history, "model": compiled}


@pytest.mark.parametrize("kwargs", [
    {"validation_data": (X_VALID, Y_VALID), "batch_size": 32},
    {"validation_data": [X_VALID, Y_VALID], "batch_size": 32, "shuffle": False},
], ids=["validation_data", "list, no shuffle"])
def test_training_accepts(kwargs):
    assert_correct(short_training, **fit(**kwargs))


def test_training_says_it_cannot_see_the_batch_size():
    feedback = short_training.feedback(fit(validation_data=(X_VALID, Y_VALID), batch_size=31))
    assert feedback.correct, feedback.message  # 31 gives the same 10 steps as 32
    assert "not the batch size itself" in feedback.message


class _StopAtOnce(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


@pytest.mark.parametrize("answers, fragment", [
    (fit(epochs=1, validation_data=(X_VALID, Y_VALID), batch_size=32), "ran for 1 epochs"),
    (fit(validation_data=(X_VALID, Y_VALID), batch_size=32, callbacks=[_StopAtOnce()]),
     "stopped after 1 of its 2 epochs"),
    (fit(validation_data=(X_VALID, Y_VALID), batch_size=128), "with the batch size the question gives"),
    (fit(x=X_TRAIN[:200], y=Y_TRAIN[:200], validation_data=(X_VALID, Y_VALID), batch_size=32),
     "Train on the whole training split"),
    (fit(batch_size=32), "pass `validation_data"),
    (fit(validation_data=(X_TRAIN, Y_TRAIN), batch_size=32), "measured on the training data"),
    (fit(x=X_VALID, y=Y_VALID, validation_data=(X_TRAIN, Y_TRAIN), batch_size=32),
     "measured on the training data"),
    (fit(x=X_VALID, y=Y_VALID, validation_data=(X_VALID, Y_VALID), batch_size=32),
     "as many as the validation split"),
    (fit(validation_split=0.25, batch_size=32), "`validation_data=(X_valid, y_valid)`"),
    ({**fit(validation_data=(X_VALID, Y_VALID), batch_size=32), "model": another_model()},
     "Train `model` itself"),
], ids=["epochs", "stopped early", "batch size", "subset", "no validation",
        "validated on training data", "swapped", "trained on validation data",
        "validation_split", "another model"])
def test_training_rejects(answers, fragment):
    assert_incorrect(short_training, fragment, **answers)


def test_training_rejects_the_model_instead_of_its_history():
    answers = fit(validation_data=(X_VALID, Y_VALID), batch_size=32)
    assert_incorrect(short_training, "what `model.fit(...)` returns",
                     **{**answers, "history": answers["model"]})


def test_training_not_attempted():
    assert_not_attempted(questions.training, "history", model=model(), **DATA)
