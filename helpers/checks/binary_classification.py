"""Questions of lesson 06's exercise: predicting bad credit."""

import keras

from helpers import data
from helpers.checks import compile_judges, judges, training_judges
from helpers.checks.core import Question
from helpers.keras_inspect import LayerStep

TARGET = "status"
DROPOUT_RATE = 0.3
MAX_EPOCHS = 200
MIN_DELTA = 0.001
PATIENCE = 10

_HIDDEN = LayerStep("dense", units=256, activation="relu")
_BATCH_NORM = LayerStep("batch_norm")
_DROPOUT = LayerStep("dropout", rate=DROPOUT_RATE)
#: Batch normalization on the inputs; each hidden layer followed by batch norm and dropout.
CLASSIFIER_LAYERS = ([_BATCH_NORM] + [_HIDDEN, _BATCH_NORM, _DROPOUT] * 2
                     + [LayerStep("dense", units=1, activation="sigmoid")])

split = Question(
    ("credit_train", "credit_valid"),
    lambda train, valid: training_judges.stratified_split(train, valid, data.credit(), TARGET),
)
classifier = Question(
    ("model",),
    lambda model, X_train: judges.layer_sequence(model, X_train.shape[1], CLASSIFIER_LAYERS),
    given=("X_train",),
)
compile_settings = Question(
    ("model",),
    lambda model: compile_judges.compiled(model, keras.optimizers.Adam, "binary cross-entropy",
                                          metrics=("binary accuracy", "accuracy")),
)


def _judge_training(history, early_stopping):
    training_judges.early_stopping(early_stopping, MIN_DELTA, PATIENCE)
    return training_judges.stopped_early(history, MAX_EPOCHS)


training = Question(("history", "early_stopping"), _judge_training)
