"""Questions of lesson 05's exercise: dropout on the Ames houses, batch normalization on
unscaled concrete data."""

from helpers.checks import judges
from helpers.checks.core import Question
from helpers.keras_inspect import LayerStep

DROPOUT_RATE = 0.3
CONCRETE_FEATURES = 8

_HIDDEN_256 = LayerStep("dense", units=256, activation="relu")
_HIDDEN_512 = LayerStep("dense", units=512, activation="relu")
_DROPOUT = LayerStep("dropout", rate=DROPOUT_RATE)
_BATCH_NORM = LayerStep("batch_norm")
_OUTPUT = LayerStep("dense", units=1, activation="linear")

#: Lesson 04's deep network with dropout after each hidden layer.
DROPOUT_LAYERS = [_HIDDEN_256, _DROPOUT] * 3 + [_OUTPUT]
#: Batch normalization on the inputs and after each hidden layer.
BATCH_NORM_LAYERS = [_BATCH_NORM] + [_HIDDEN_512, _BATCH_NORM] * 3 + [_OUTPUT]

dropout_model = Question(
    ("dropout_model",),
    lambda model, X_train: judges.layer_sequence(model, X_train.shape[1], DROPOUT_LAYERS,
                                                 name="dropout_model"),
    given=("X_train",),
)
batchnorm_model = Question(
    ("batchnorm_model",),
    lambda model: judges.layer_sequence(model, CONCRETE_FEATURES, BATCH_NORM_LAYERS,
                                        name="batchnorm_model"),
)
