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

@pytest.mark.parametrize("kwargs", [
    {"test_size": 0.25, "stratify": CREDIT["status"], "random_state": 0},
    {"test_size": 0.2, "stratify": CREDIT["status"], "random_state": 1},
], ids=["quarter", "fifth, other seed"])
def test_split_accepts(kwargs):
    train, valid = train_test_split(CREDIT, **kwargs)
    assert_correct(questions.split, credit_train=train, credit_valid=valid)


def test_split_rejects():
    train, valid = train_test_split(CREDIT.sort_values("status"), test_size=0.25, shuffle=False)
    assert_incorrect(questions.split, "not stratified", credit_train=train, credit_valid=valid)
    train, valid = train_test_split(CREDIT, test_size=0.25, stratify=CREDIT["status"])
    assert_incorrect(questions.split, "every row exactly once", credit_train=train,
                     credit_valid=valid.iloc[:100])
    assert_incorrect(questions.split, "should be a DataFrame", credit_train=train.to_numpy(),
                     credit_valid=valid)


def test_split_not_attempted():
    assert_not_attempted(questions.split, "credit_train", "credit_valid")


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
    (keras.losses.binary_crossentropy, [keras.metrics.binary_accuracy, "auc"]),
], ids=["strings", "objects", "'accuracy'", "functions plus AUC"])
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
], ids=["mse", "from logits", "no metric", "Accuracy object", "sgd"])
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


def train(callbacks, epochs=200, validation=True):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 23)).astype("float32")
    y = rng.integers(0, 2, size=200).astype("float32")  # noise: the validation loss stalls
    model = keras.Sequential([keras.Input(shape=(23,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy")
    extra = {"validation_data": (X[:50], y[:50])} if validation else {}
    return model.fit(X, y, epochs=epochs, batch_size=200, callbacks=callbacks, verbose=0, **extra)


def test_training_accepts_early_stopped_history():
    callback = stopping()
    assert_correct(questions.training, history=train([callback]), early_stopping=callback)
    callback = stopping(min_delta=-0.001, verbose=0)
    assert_correct(questions.training, history=train([callback]), early_stopping=callback)


def test_training_rejects():
    callback = stopping()
    assert_incorrect(questions.training, "ran all 200 epochs", history=train([]),
                     early_stopping=callback)
    assert_incorrect(questions.training, "was asked for 30 epochs",
                     history=train([callback], epochs=30), early_stopping=callback)
    assert_incorrect(questions.training, "`patience` is 3", history=train([stopping(patience=3)]),
                     early_stopping=stopping(patience=3))
    assert_incorrect(questions.training, "pass `validation_data`",
                     history=train([], epochs=200, validation=False), early_stopping=stopping())


def test_training_not_attempted():
    assert_not_attempted(questions.training, "history", early_stopping=stopping())
