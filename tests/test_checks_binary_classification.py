"""Lesson 06's checks accept every correct form and teach on typical mistakes."""

import keras
import numpy as np
import pytest
from keras import layers
from sklearn.model_selection import train_test_split

from helpers import data
from helpers.checks import binary_classification as questions
from tests.checking import assert_correct, assert_incorrect, assert_not_attempted

CREDIT = data.credit()
X_TRAIN = np.zeros((10, 23))


# 1) stratified split

def split(**overrides):
    settings = {"test_size": 0.25, "stratify": CREDIT["status"], "random_state": 0, **overrides}
    train, valid = train_test_split(CREDIT, **settings)
    return {"credit_train": train, "credit_valid": valid, "credit": CREDIT}


@pytest.mark.parametrize("overrides", [
    {}, {"test_size": None, "train_size": 0.75}, {"stratify": CREDIT["status"] == "bad"},
    {"stratify": CREDIT["status"].to_numpy()},
], ids=["quarter", "train_size", "0/1 stratify (classes numbered the other way)", "array"])
def test_split_accepts(overrides):
    assert_correct(questions.split, **split(**overrides))


@pytest.mark.parametrize("overrides, fragment", [
    ({"test_size": 0.2}, "validation split has 808 of the 4039 rows"),
    ({"random_state": 1}, "not the one `random_state=0` gives"),
    ({"stratify": None}, "not stratified"),
], ids=["a fifth", "other seed", "not stratified"])
def test_split_rejects(overrides, fragment):
    assert_incorrect(questions.split, fragment, **split(**overrides))


def test_split_rejects_mixed_up_parts():
    answer = split()
    train, valid = answer["credit_train"], answer["credit_valid"]
    assert_incorrect(questions.split, "swapped", credit=CREDIT, credit_train=valid,
                     credit_valid=train)
    assert_incorrect(questions.split, "every row exactly once", credit=CREDIT,
                     credit_train=train, credit_valid=valid.iloc[:100])
    assert_incorrect(questions.split, "should be a DataFrame", credit=CREDIT,
                     credit_train=train.to_numpy(), credit_valid=valid)


def test_split_not_attempted():
    assert_not_attempted(questions.split, "credit_train", "credit_valid", credit=CREDIT)


# 2) the classifier

def classifier(activation="sigmoid", rate=0.3, first_norm=True, relu_layers=False):
    stack = [layers.BatchNormalization()] if first_norm else []
    for _ in range(2):
        dense = [layers.Dense(256), layers.ReLU()] if relu_layers else \
            [layers.Dense(256, activation="relu")]
        stack += [*dense, layers.BatchNormalization(), layers.Dropout(rate)]
    return keras.Sequential([keras.Input(shape=(23,)), *stack,
                             layers.Dense(1, activation=activation)])


@pytest.mark.parametrize("model", [
    classifier(), classifier(activation=keras.activations.sigmoid), classifier(relu_layers=True),
], ids=["'sigmoid'", "sigmoid function", "ReLU layers"])
def test_classifier_accepts(model):
    assert_correct(questions.classifier, model=model, X_train=X_TRAIN)


@pytest.mark.parametrize("model, fragment", [
    (classifier(activation=None), "needs a sigmoid"),
    (classifier(activation="relu"), "needs a sigmoid"),
    (classifier(rate=0.5), "drops 0.5"),
    (classifier(first_norm=False), "Layer 1 of `model` is Dense(256, relu)"),
], ids=["linear output", "relu output", "rate", "no input normalization"])
def test_classifier_rejects(model, fragment):
    assert_incorrect(questions.classifier, fragment, model=model, X_train=X_TRAIN)


def test_classifier_not_attempted():
    assert_not_attempted(questions.classifier, "model", X_train=X_TRAIN)


# 3) compile

@pytest.mark.parametrize("loss, metrics", [
    ("binary_crossentropy", ["binary_accuracy"]),
    (keras.losses.BinaryCrossentropy(), [keras.metrics.BinaryAccuracy()]),
    ("binary_crossentropy", ["accuracy"]),
    ("binary_crossentropy", ("binary_accuracy",)),
    (keras.losses.binary_crossentropy, [keras.metrics.binary_accuracy, "auc"]),
], ids=["strings", "objects", "'accuracy'", "a tuple", "functions plus AUC"])
def test_compile_accepts(loss, metrics):
    model = classifier()
    model.compile(optimizer=keras.optimizers.Adam(), loss=loss, metrics=metrics)
    assert_correct(questions.compile_settings, model=model)


@pytest.mark.parametrize("optimizer, loss, metrics, fragment", [
    ("adam", "mse", ["binary_accuracy"], "mean squared error as its loss"),
    ("adam", keras.losses.BinaryCrossentropy(from_logits=True), ["binary_accuracy"],
     "from_logits=True"),
    ("adam", "binary_crossentropy", [], "metrics: none"),
    ("adam", "binary_crossentropy", [keras.metrics.Accuracy()], "exactly equal to the labels"),
    ("sgd", "binary_crossentropy", ["binary_accuracy"], "the SGD optimizer"),
    (keras.optimizers.AdamW(), "binary_crossentropy", ["binary_accuracy"], "the AdamW optimizer"),
], ids=["mse", "from logits", "no metric", "Accuracy object", "sgd", "AdamW"])
def test_compile_rejects(optimizer, loss, metrics, fragment):
    model = classifier()
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    assert_incorrect(questions.compile_settings, fragment, model=model)


def test_compile_not_attempted():
    assert_not_attempted(questions.compile_settings, model=classifier())


# 4) training with early stopping

def stopping(**overrides):
    settings = {"min_delta": 0.001, "patience": 10, "restore_best_weights": True, **overrides}
    return keras.callbacks.EarlyStopping(**settings)


def train(callbacks, epochs=200, batch_size=512, **fit):
    """Train with a large learning rate, so the validation loss soon stalls; return the
    question's variables."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1400, 23)).astype("float32")
    y = (X[:, 0] + rng.normal(size=1400) > 0).astype("float32")  # a signal and some noise
    X_train, y_train, X_valid, y_valid = X[300:], y[300:], X[:300], y[:300]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(23,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy")
    fit = {"x": X_train, "y": y_train, "validation_data": (X_valid, y_valid), **fit}
    history = model.fit(epochs=epochs, batch_size=batch_size, callbacks=callbacks, verbose=0,
                        **fit)
    return {"history": history, "model": model, "X_train": X_train, "y_train": y_train,
            "X_valid": X_valid, "y_valid": y_valid}


def recorded(epochs_run=30, epochs=200, steps=3, validation=True):
    """A ``History`` as `fit` leaves it, for the checks that read only the record."""
    history = keras.callbacks.History()
    history.params = {"verbose": 0, "epochs": epochs, "steps": steps}
    history.epoch = list(range(epochs_run))
    history.history = {"loss": [0.5] * epochs_run}
    if validation:
        history.history["val_loss"] = [0.6] * epochs_run
    return history


@pytest.fixture(scope="module")
def answer():
    """The question's variables after training with the asked-for callback."""
    return train([stopping()])


def test_training_accepts_early_stopped_history(answer):
    assert_correct(questions.training, early_stopping=stopping(), **answer)
    callback = stopping(min_delta=-0.001, verbose=0, mode="min")
    assert_correct(questions.training, early_stopping=callback, **train([callback]))


def test_training_rejects_callback_settings(answer):
    assert_incorrect(questions.training, "`patience` is 3", early_stopping=stopping(patience=3),
                     **answer)
    assert_incorrect(questions.training, "`mode='max'`", early_stopping=stopping(mode="max"),
                     **answer)


@pytest.mark.parametrize("history, fragment", [
    (recorded(epochs_run=200), "ran all 200 epochs"),
    (recorded(epochs=30), "was asked for 30 epochs"),
    (recorded(validation=False), "pass `validation_data`"),
    (recorded(steps=35), "batches of 512 take 3"),
    (recorded(steps=1), "as many as the validation split give"),
], ids=["no callback", "epochs", "no validation data", "batch size", "on the validation data"])
def test_training_rejects_how_fit_was_called(answer, history, fragment):
    assert_incorrect(questions.training, fragment, early_stopping=stopping(),
                     **{**answer, "history": history})


def test_training_rejects_the_wrong_validation_data_or_model(answer):
    callback = stopping()
    on_train = train([callback], validation_data=(answer["X_train"], answer["y_train"]))
    assert_incorrect(questions.training, "measured on the training data",
                     early_stopping=callback, **on_train)
    fresh = keras.Sequential([keras.Input(shape=(23,)), layers.Dense(1, activation="sigmoid")])
    fresh.compile(optimizer="adam", loss="binary_crossentropy")
    assert_incorrect(questions.training, "Train `model` itself", early_stopping=callback,
                     **{**answer, "model": fresh})


def test_training_not_attempted(answer):
    answer = {name: value for name, value in answer.items() if name != "history"}
    assert_not_attempted(questions.training, "history", early_stopping=stopping(), **answer)
