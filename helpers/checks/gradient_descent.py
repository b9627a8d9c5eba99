"""Questions of lesson 03's exercise: preprocess, compile and train on the Auto data."""

import keras
from sklearn.compose import make_column_transformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from helpers.checks import compile_judges, training_judges
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


preprocessing = Question(
    ("X_train", "X_valid"),
    lambda X_train, X_valid, train, valid: training_judges.preprocessed(
        X_train, X_valid, *reference_features(train, valid), CATEGORICAL),
    given=("auto_train", "auto_valid"),
)
compile_settings = Question(
    ("model",),
    lambda model: compile_judges.compiled(model, keras.optimizers.Adam, "mean absolute error"),
)
training = Question(
    ("history",),
    lambda history, X_train: training_judges.trained(history, EPOCHS, BATCH_SIZE, len(X_train)),
    given=("X_train",),
)
