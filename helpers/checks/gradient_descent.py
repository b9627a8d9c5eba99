"""Questions of lesson 03's exercise: preprocess, compile and train on the Auto data."""

import keras
from sklearn.compose import make_column_transformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from helpers.checks import compile_judges, data_judges, training_judges
from helpers.checks.core import Question

NUMERIC = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year"]
CATEGORICAL = ["origin"]
TARGET = "mpg"
EPOCHS = 50
BATCH_SIZE = 32


def reference_features(train, valid):
    """The reference preprocessing: standardise numeric columns, one-hot encode origin.

    Args:
        train, valid: the training and validation rows of the Auto table.

    Returns:
        The preprocessed training and validation features, as arrays.
    """
    preprocessor = make_column_transformer(
        (StandardScaler(), NUMERIC),
        (OneHotEncoder(sparse_output=False, handle_unknown="ignore"), CATEGORICAL),
    )
    return preprocessor.fit_transform(train), preprocessor.transform(valid)


def _judge_preprocessing(X_train, X_valid, train, valid):
    return data_judges.preprocessed(
        X_train, X_valid, *reference_features(train, valid), CATEGORICAL) + (
        " The check compares the values, not how you made them: one preprocessor built with "
        "`make_column_transformer`, fitted on the training cars, is how the question asks.")


preprocessing = Question(("X_train", "X_valid"), _judge_preprocessing,
                         given=("auto_train", "auto_valid"))
compile_settings = Question(
    ("model",),
    lambda model: compile_judges.compiled(model, keras.optimizers.Adam, "mean absolute error"),
)
# The features are the learner's own (question 1 accepts any column order), so the model
# is judged with them; the targets are handed out.
training = Question(
    ("history", "model", "X_train", "X_valid"),
    lambda history, model, X_train, X_valid, y_train, y_valid: training_judges.trained(
        history, model, EPOCHS, BATCH_SIZE, (X_train, y_train), (X_valid, y_valid)),
    given=("y_train", "y_valid"),
)
