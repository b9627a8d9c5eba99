"""Questions of lesson 04's exercise: capacity and early stopping on the Ames houses."""

from helpers.checks import judges, training_judges
from helpers.checks.core import Question

HIDDEN_UNITS = [256, 256, 256]
MIN_DELTA = 0.001
PATIENCE = 5

linear_model = Question(
    ("linear_model",),
    lambda model, X_train: judges.linear_unit(model, X_train.shape[1], name="linear_model"),
    given=("X_train",),
)
deep_model = Question(
    ("deep_model",),
    lambda model, X_train: judges.dense_stack(model, X_train.shape[1], HIDDEN_UNITS,
                                              name="deep_model"),
    given=("X_train",),
)
early_stopping = Question(
    ("early_stopping",),
    lambda callback: training_judges.early_stopping(callback, MIN_DELTA, PATIENCE),
)
