"""Answer corpus, lesson 03: the visible check and the grade agree on every answer."""

import pytest

from tests.corpus import Answer, assert_agree

LESSON = "03-stochastic-gradient-descent"
FEATURES = "features_scaled_and_one_hot"
COMPILE = "compiled_with_adam_and_mae"
TRAIN = "trained_50_epochs_batch_32"

SCALE = "(StandardScaler(), numeric)"
ONE_HOT = "(OneHotEncoder(sparse_output=False, handle_unknown='ignore'), categorical)"


def features(*transformers, fit="auto_train", train="auto_train", valid="auto_valid"):
    """An answer cell: one column transformer, fitted on ``fit``, applied to both splits."""
    return (f"preprocessor = make_column_transformer({', '.join(transformers)})\n"
            f"preprocessor.fit({fit})\n"
            f"X_train = preprocessor.transform({train})\n"
            f"X_valid = preprocessor.transform({valid})")


BY_HAND = (
    "import pandas as pd\n"
    "mean, std = auto_train[numeric].mean(), auto_train[numeric].std(ddof=0)\n"
    "def encode(cars):\n"
    "    origins = sorted(auto['origin'].unique())\n"
    "    one_hot = pd.get_dummies(cars['origin']).reindex(columns=origins, fill_value=False)\n"
    "    return pd.concat([(cars[numeric] - mean) / std, one_hot.astype(float)], axis=1)\n"
    "X_train, X_valid = encode(auto_train), encode(auto_valid)")
SUBCLASS = (
    "class Net(keras.Model):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.hidden = layers.Dense(64, activation='relu')\n"
    "        self.out = layers.Dense(1)\n\n"
    "    def call(self, x):\n"
    "        return self.out(self.hidden(x))\n\n"
    "model = Net()\n"
    "model.compile(optimizer='adam', loss='mae')")


def fit(arguments):
    return f"history = model.fit({arguments}, verbose=0)"


VALID = "validation_data=(X_valid, y_valid)"

ANSWERS = [
    # 1) preprocessing: fitted on the training cars, applied to both splits
    Answer(FEATURES, "preprocessor = make_column_transformer(\n"
                     f"    {SCALE},\n    {ONE_HOT},\n)\n"
                     "X_train = preprocessor.fit_transform(auto_train)\n"
                     "X_valid = preprocessor.transform(auto_valid)", label="reference"),
    Answer(FEATURES, features(ONE_HOT, SCALE), label="one-hot columns first"),
    Answer(FEATURES, features(SCALE, "(OneHotEncoder(), ['origin'])"), label="sparse one-hot"),
    Answer(FEATURES, features(SCALE, ONE_HOT) + "\nX_train, X_valid = "
                     "X_train.astype('float32'), X_valid.astype('float32')", label="float32"),
    Answer(FEATURES, features(SCALE, ONE_HOT).replace(
        "preprocessor.fit(", "preprocessor.set_output(transform='pandas').fit("),
        label="pandas output"),
    Answer(FEATURES, BY_HAND, label="pandas by hand"),
    Answer(FEATURES, features(SCALE, ONE_HOT, fit="auto"), fix="on the training data only",
           label="fitted on every car"),
    Answer(FEATURES, features(SCALE, ONE_HOT, fit="auto_valid"), fix="on the training data only",
           label="fitted on the validation cars"),
    Answer(FEATURES, features(SCALE, ONE_HOT)
           + "\nX_valid = preprocessor.fit_transform(auto_valid)",
           fix="`X_valid` was not transformed", label="refitted on validation"),
    Answer(FEATURES, features(SCALE, ONE_HOT, train="auto_valid", valid="auto_train"),
           fix="one row per example of its own split", label="splits swapped"),
    Answer(FEATURES, features("('passthrough', numeric)", ONE_HOT), fix="not standardised",
           label="not scaled"),
    Answer(FEATURES, features("(MinMaxScaler(), numeric)", ONE_HOT).replace(
        "preprocessor =", "from sklearn.preprocessing import MinMaxScaler\npreprocessor ="),
        fix="not standardised", label="min-max scaled"),
    Answer(FEATURES, features(SCALE), fix="too few", label="origin left out"),
    Answer(FEATURES, features(SCALE, "(OneHotEncoder(sparse_output=False, drop='first'), "
                                     "categorical)"), fix="too few", label="drop first"),
    Answer(FEATURES, features("(StandardScaler(), numeric + ['mpg'])", ONE_HOT), fix="too many",
           label="target kept"),

    # 2) compile: Adam (exactly) and the mean absolute error
    Answer(COMPILE, "model.compile(optimizer='adam', loss='mae')", label="reference"),
    Answer(COMPILE, "model.compile('Adam', 'mean_absolute_error')", label="positional"),
    Answer(COMPILE, "model.compile(optimizer=keras.optimizers.Adam(), "
                    "loss=keras.losses.MeanAbsoluteError())", label="objects"),
    Answer(COMPILE, "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), "
                    "loss=keras.losses.mean_absolute_error, metrics=['mae'])",
           label="function, with a metric"),
    Answer(COMPILE, "model.compile(optimizer='adam', loss='MeanAbsoluteError')",
           label="class name"),
    Answer(COMPILE, "model.compile(optimizer='sgd', loss='mae')", fix="the SGD optimizer",
           label="sgd"),
    Answer(COMPILE, "model.compile(optimizer='adamw', loss='mae')", fix="the AdamW optimizer",
           label="adamw"),
    Answer(COMPILE, "model.compile(optimizer=keras.optimizers.AdamW(), loss='mae')",
           fix="the AdamW optimizer", label="AdamW object"),
    Answer(COMPILE, "model.compile(optimizer='adam', loss='mse')",
           fix="mean squared error as its loss", label="mse"),
    Answer(COMPILE, "model.compile(optimizer='adam', loss=keras.losses.Huber())",
           fix="as its loss", label="huber"),
    Answer(COMPILE, "model.compile(optimizer='adam', loss=keras.losses.MeanAbsoluteError)",
           fix="`keras.losses.MeanAbsoluteError()`", label="loss class"),
    Answer(COMPILE, "model = model  # not compiled yet", fix="not compiled yet",
           label="not compiled"),
    Answer(COMPILE, SUBCLASS, fix="a model of your own class", label="subclass"),

    # 3) training: 50 epochs, batches of 32, all the training data, validated on the
    # validation split. Training takes seconds, so few entries: the judge looks at the data
    # before the epochs, so the wrong ones train for 2 epochs. test_checks_gradient_descent
    # covers more mistakes (validation_split, early stop, another model) on short runs.
    Answer(TRAIN, fit(f"X_train, y_train, {VALID}, batch_size=32, epochs=50"), label="reference"),
    Answer(TRAIN, fit("X_train.astype('float32'), y_train.to_numpy(), 32, 50, "
                      "validation_data=[X_valid, y_valid.to_numpy()]"),
           label="positional, float32, numpy, list"),
    Answer(TRAIN, fit(f"X_train, y_train, {VALID}, batch_size=32, epochs=5"),
           fix="ran for 5 epochs", label="epochs"),
    Answer(TRAIN, fit(f"X_train, y_train, {VALID}, batch_size=64, epochs=2"),
           fix="with the batch size the question gives", label="batch size"),
    Answer(TRAIN, fit(f"X_train[:200], y_train[:200], {VALID}, batch_size=32, epochs=2"),
           fix="Train on the whole training split", label="subset"),
    Answer(TRAIN, fit("X_train, y_train, validation_data=(X_train, y_train), batch_size=32, "
                      "epochs=2"), fix="measured on the training data",
           label="validated on the training data"),
    Answer(TRAIN, fit("X_valid, y_valid, validation_data=(X_train, y_train), batch_size=32, "
                      "epochs=2"), fix="measured on the training data", label="splits swapped"),
    Answer(TRAIN, fit(f"X_valid, y_valid, {VALID}, batch_size=32, epochs=2"),
           fix="as many as the validation split", label="trained on the validation split"),
    Answer(TRAIN, fit("X_train, y_train, validation_split=0.25, batch_size=32, epochs=2"),
           fix="`validation_data=(X_valid, y_valid)`", label="validation_split"),
    Answer(TRAIN, fit("X_train, y_train, batch_size=32, epochs=2"),
           fix="pass `validation_data", label="no validation"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_check_and_grade_agree(answer):
    assert_agree(LESSON, answer, ANSWERS)
