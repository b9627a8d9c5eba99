"""Questions of lesson 07's exercise: a classifier for handwritten digits."""

import math

import keras
import numpy as np

from helpers.checks import compile_judges, judges, training_judges
from helpers.checks.core import Incorrect, Question
from helpers.keras_inspect import LayerStep

IMAGE_SHAPE = (28, 28)
EPOCHS = 5
BATCH_SIZE = 32  # Keras's default, which the training question asks to keep
UNTRAINED_IMAGES = 1000  # the untrained loss is measured on the first 1,000 training images
#: Flatten(28×28) → Dense(128, relu) → Dropout(0.2) → Dense(10): ten logits.
DIGIT_LAYERS = [LayerStep("Flatten"), LayerStep("dense", units=128, activation="relu"),
                LayerStep("dropout", rate=0.2), LayerStep("dense", units=10, activation="linear")]
LOGITS_LOSS = "sparse categorical cross-entropy from logits"
UNIFORM_LOSS = -math.log(1 / 10)
#: Where an untrained model's loss lies. It spreads its probability almost evenly over the
#: ten digits, so its loss is near −ln(1/10) ≈ 2.30 (from 2.30 to 2.53 over 30 random
#: initialisations of this model on scaled images); a trained model's is far lower, and
#: unscaled pixels (0-255) give tens to hundreds.
UNTRAINED_LOSS_RANGE = (1.5, 3.2)


def _scalar(value, name):
    try:
        return float(np.asarray(judges.as_array(value)).reshape(()))
    except (TypeError, ValueError):
        raise Incorrect(f"`{name}` should be a single number, not a "
                        f"{type(value).__name__}.") from None


def _judge_untrained_loss(loss_fn, untrained_loss, model, x_train, y_train):
    kind = compile_judges.loss_kind(loss_fn)
    if kind == "sparse categorical cross-entropy from probabilities":
        raise Incorrect("`loss_fn` expects probabilities, but the model outputs logits (raw "
                        "scores): create it with `from_logits=True`.")
    if kind != LOGITS_LOSS:
        raise Incorrect(f"`loss_fn` computes {kind}; for integer labels and ten logits use "
                        "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.")
    value = _scalar(untrained_loss, "untrained_loss")
    low, high = UNTRAINED_LOSS_RANGE
    if not low < value < high:
        raise Incorrect(
            f"`untrained_loss` is {value:.2f}, far from what near-uniform guesses over ten "
            "digits give. Compute it with the untrained model on scaled images (pixels "
            "between 0 and 1), before `fit`."
        )
    try:
        judges.model_input(model, IMAGE_SHAPE)
    except Incorrect as problem:
        raise Incorrect(f"fix `model` first (question 1): {problem}") from None
    images = np.asarray(x_train[:UNTRAINED_IMAGES], dtype="float32")
    logits = model(images)
    expected = float(np.mean(judges.as_array(keras.losses.sparse_categorical_crossentropy(
        np.asarray(y_train[:UNTRAINED_IMAGES]), logits, from_logits=True))))
    if not np.isclose(value, expected, rtol=0, atol=1e-3):
        raise Incorrect(
            "`untrained_loss` is not what `loss_fn` gives for your untrained `model` on the "
            "first 1,000 training images: compute it from `y_train[:1000]` and "
            "`model(x_train[:1000])`, rather than typing a number."
        )
    return (f"{value:.3f}, close to −ln(1/10) = {UNIFORM_LOSS:.3f}: an untrained model "
            "spreads its probability almost evenly over the ten digits.")


def _judge_training(history, x_train, x_test):
    training_judges.ran_epochs(history, EPOCHS)
    if len(history.epoch) != EPOCHS:
        raise Incorrect(f"training stopped after {len(history.epoch)} of its {EPOCHS} epochs: "
                        "train for every epoch, without a callback that stops it.")
    steps = training_judges.covers_training_split(
        history, BATCH_SIZE, len(x_train), other_splits=(("the test images", len(x_test)),))
    return (f"{EPOCHS} epochs of {steps} steps: every training image seen {EPOCHS} times. (A "
            "history records the steps of an epoch, not the images: the check counts steps.)")


def _predicted_labels(model, images):
    return np.argmax(judges.as_array(model(images)), axis=1)


def _test_results(model, x_test, y_test):
    """The model's loss (its compiled loss) and accuracy on the test split."""
    if getattr(model, "loss", None) is None:
        raise Incorrect("`model` is not compiled, so it has no loss to evaluate: compile it "
                        "(question 3) and train it first.")
    logits = model(np.asarray(x_test, dtype="float32"))
    loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    labels = np.asarray(y_test)
    return (float(np.mean(judges.as_array(loss(labels, logits)))),
            float(np.mean(np.argmax(judges.as_array(logits), axis=1) == labels)))


def _judge_evaluation(test_loss, test_accuracy, model, x_test, y_test):
    loss, accuracy = _scalar(test_loss, "test_loss"), _scalar(test_accuracy, "test_accuracy")
    expected_loss, expected_accuracy = _test_results(model, x_test, y_test)
    # One image more or less: a near tie between two digits may round either way.
    tolerance = 1.5 / len(y_test)
    if abs(loss - expected_accuracy) <= tolerance and np.isclose(accuracy, expected_loss,
                                                                 rtol=1e-3, atol=1e-4):
        raise Incorrect("`test_loss` and `test_accuracy` are swapped: `model.evaluate` returns "
                        "the loss first, then the accuracy.")
    if not 0 <= accuracy <= 1:
        raise Incorrect(f"`test_accuracy` is {accuracy:g}; Keras reports accuracy as a fraction "
                        "between 0 and 1.")
    if abs(accuracy - expected_accuracy) > tolerance:
        raise Incorrect("`test_accuracy` is not the model's accuracy on the test split. Use "
                        "`model.evaluate(x_test, y_test)`: it returns the loss, then the "
                        "accuracy.")
    if not np.isclose(loss, expected_loss, rtol=1e-3, atol=1e-4):
        raise Incorrect("`test_loss` is not the model's loss on the test split. Take both from "
                        "`model.evaluate(x_test, y_test)`: it returns the loss, then the "
                        "accuracy.")
    return f"{accuracy:.1%} of the test digits, which the model never trained on."


def _judge_probability_model(probability_model, model, x_test):
    if not isinstance(probability_model, keras.Model):
        raise Incorrect(f"`probability_model` is a {type(probability_model).__name__}; build "
                        "it with `keras.Sequential([...])`.")
    probe = np.asarray(x_test[:32], dtype="float32")
    probabilities = judges.as_array(probability_model(probe))
    if probabilities.shape != (len(probe), 10) or not np.allclose(probabilities.sum(axis=1), 1,
                                                                  atol=1e-4):
        raise Incorrect("the outputs of `probability_model` are not probabilities (ten numbers "
                        "that add up to 1 per image). Put a `layers.Softmax()` after `model`.")
    expected = judges.as_array(keras.ops.softmax(model(probe)))
    if not np.allclose(probabilities, expected, atol=1e-4):
        raise Incorrect("`probability_model` gives probabilities, but not those of your trained "
                        "`model`: wrap the trained `model` itself, followed by a Softmax layer.")
    return "the trained model, with a softmax turning its logits into probabilities."


def _judge_predicted_digit(predicted_digit, probability_model, x_test):
    if np.ndim(predicted_digit) > 0 or isinstance(predicted_digit, float):
        raise Incorrect("`predicted_digit` should be one whole number, the digit. The "
                        "probabilities are ten numbers: the digit is the position of the "
                        "largest, `np.argmax`.")
    expected = int(_predicted_labels(probability_model, np.asarray(x_test[:1], dtype="float32"))[0])
    if int(predicted_digit) != expected:
        raise Incorrect("`predicted_digit` is not the digit `probability_model` finds most "
                        "probable for the first test image, `x_test[:1]`.")
    return f"the model reads the first test image as a {expected}."


model = Question(("model",), lambda model: judges.layer_sequence(model, IMAGE_SHAPE, DIGIT_LAYERS))
untrained_loss = Question(("loss_fn", "untrained_loss", "model"), _judge_untrained_loss,
                          given=("x_train", "y_train"))
compile_settings = Question(
    ("model",),
    lambda model: compile_judges.compiled(model, keras.optimizers.Adam, LOGITS_LOSS,
                                          metrics=("accuracy", "sparse categorical accuracy")),
)
training = Question(("history",), _judge_training, given=("x_train", "x_test"))
evaluation = Question(("test_loss", "test_accuracy", "model"), _judge_evaluation,
                      given=("x_test", "y_test"))
probabilities = Question(("probability_model", "model"), _judge_probability_model,
                         given=("x_test",))
prediction = Question(("predicted_digit", "probability_model"), _judge_predicted_digit,
                      given=("x_test",))
