"""Questions of lesson 07's exercise: a classifier for handwritten digits."""

import math

import keras
import numpy as np

from helpers.checks import compile_judges, judges, training_judges
from helpers.checks.core import Incorrect, Question
from helpers.keras_inspect import LayerStep

IMAGE_SHAPE = (28, 28)
EPOCHS = 5
#: Flatten(28×28) → Dense(128, relu) → Dropout(0.2) → Dense(10): ten logits.
DIGIT_LAYERS = [LayerStep("Flatten"), LayerStep("dense", units=128, activation="relu"),
                LayerStep("dropout", rate=0.2), LayerStep("dense", units=10, activation="linear")]
LOGITS_LOSS = "sparse categorical cross-entropy from logits"
UNIFORM_LOSS = -math.log(1 / 10)


def _scalar(value, name):
    try:
        return float(np.asarray(judges.as_array(value)).reshape(()))
    except (TypeError, ValueError):
        raise Incorrect(f"`{name}` should be a single number, not a "
                        f"{type(value).__name__}.") from None


def _judge_untrained_loss(loss_fn, untrained_loss):
    kind = compile_judges.loss_kind(loss_fn)
    if kind == "sparse categorical cross-entropy from probabilities":
        raise Incorrect("`loss_fn` expects probabilities, but the model outputs logits (raw "
                        "scores): create it with `from_logits=True`.")
    if kind != LOGITS_LOSS:
        raise Incorrect(f"`loss_fn` computes {kind}; for integer labels and ten logits use "
                        "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.")
    value = _scalar(untrained_loss, "untrained_loss")
    if not 1.5 < value < 3.2:
        raise Incorrect(
            f"`untrained_loss` is {value:.2f}, far from what near-uniform guesses over ten "
            "digits give. Compute it with the untrained model on scaled images (pixels "
            "between 0 and 1), before `fit`."
        )
    return (f"{value:.3f}, close to −ln(1/10) = {UNIFORM_LOSS:.3f}: an untrained model "
            "spreads its probability almost evenly over the ten digits.")


def _predicted_labels(model, images):
    return np.argmax(judges.as_array(model(images)), axis=1)


def _judge_test_accuracy(test_accuracy, model, x_test, y_test):
    value = _scalar(test_accuracy, "test_accuracy")
    if not 0 <= value <= 1:
        raise Incorrect(f"`test_accuracy` is {value:g}; Keras reports accuracy as a fraction "
                        "between 0 and 1.")
    expected = float(np.mean(_predicted_labels(model, x_test) == np.asarray(y_test)))
    if abs(value - expected) > 1e-3:
        raise Incorrect("`test_accuracy` is not the model's accuracy on the test split. Use "
                        "`model.evaluate(x_test, y_test)`: it returns the loss, then the "
                        "accuracy.")
    return f"{value:.1%} of the test digits, which the model never trained on."


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
untrained_loss = Question(("loss_fn", "untrained_loss"), _judge_untrained_loss)
compile_settings = Question(
    ("model",),
    lambda model: compile_judges.compiled(model, keras.optimizers.Adam, LOGITS_LOSS,
                                          metrics=("accuracy", "sparse categorical accuracy")),
)
training = Question(("history",), lambda history: training_judges.ran_epochs(history, EPOCHS))
evaluation = Question(("test_accuracy", "model"), _judge_test_accuracy, given=("x_test", "y_test"))
probabilities = Question(("probability_model", "model"), _judge_probability_model,
                         given=("x_test",))
prediction = Question(("predicted_digit", "probability_model"), _judge_predicted_digit,
                      given=("x_test",))
