"""Questions of lesson 06's exercise: predicting bad credit."""

import keras

from helpers.checks import compile_judges, data_judges, judges, training_judges
from helpers.checks.core import Question
from helpers.keras_inspect import LayerStep

TARGET = "status"
VALID_SHARE = 0.25
SEED = 0
DROPOUT_RATE = 0.3
MAX_EPOCHS = 200
BATCH_SIZE = 512
MIN_DELTA = 0.001
PATIENCE = 10

_HIDDEN = LayerStep("dense", units=256, activation="relu")
_BATCH_NORM = LayerStep("batch_norm")
_DROPOUT = LayerStep("dropout", rate=DROPOUT_RATE)
#: Batch normalization on the inputs; each hidden layer followed by batch norm and dropout.
CLASSIFIER_LAYERS = ([_BATCH_NORM] + [_HIDDEN, _BATCH_NORM, _DROPOUT] * 2
                     + [LayerStep("dense", units=1, activation="sigmoid")])


def _judge_training(history, early_stopping, model, X_train, y_train, X_valid, y_valid):
    training_judges.early_stopping(early_stopping, MIN_DELTA, PATIENCE)
    return training_judges.stopped_early(history, model, MAX_EPOCHS, BATCH_SIZE,
                                         (X_train, y_train), (X_valid, y_valid), MIN_DELTA)


split = Question(
    ("credit_train", "credit_valid"),
    lambda train, valid, credit: data_judges.stratified_split(
        train, valid, credit, TARGET, VALID_SHARE, SEED),
    given=("credit",),
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
#: The splits are the learner's own here, not given: they follow from the learner's answer
#: to the split question, so training is judged against the data it was given (a wrong
#: split costs the split question's points, not these too).
training = Question(("history", "early_stopping", "model", "X_train", "y_train", "X_valid",
                     "y_valid"), _judge_training)
