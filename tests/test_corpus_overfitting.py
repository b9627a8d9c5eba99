"""Answer corpus, lesson 04: the visible check and the grade agree on every answer."""

import pytest

from tests.corpus import Answer, assert_agree

LESSON = "04-overfitting-and-underfitting"
LINEAR = "linear_model_one_unit"
DEEP = "deep_model_three_relu_layers"
STOPPING = "early_stopping_settings"

INPUT = "keras.Input(shape=(X_train.shape[1],))"


def sequential(name, *layers, first=INPUT):
    listed = "".join(f"    {layer},\n" for layer in layers)
    return f"{name} = keras.Sequential([\n    {first},\n{listed}])"


def linear(*layers, first=INPUT):
    return sequential("linear_model", *layers, first=first)


def deep(*layers, first=INPUT):
    return sequential("deep_model", *layers, first=first)


def subclass(name):
    return ("class Net(keras.Model):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.out = layers.Dense(1)\n\n"
            "    def call(self, x):\n"
            "        return self.out(x)\n\n"
            f"{name} = Net()\n"
            f"{name}(X_train[:1])  # builds it")


def stopping(arguments):
    return f"early_stopping = keras.callbacks.EarlyStopping({arguments})"


RELU_256 = ["layers.Dense(256, activation='relu')"] * 3
SETTINGS = "min_delta=0.001, patience=5, restore_best_weights=True"

ANSWERS = [
    # 1) one linear unit over all the features of X_train
    Answer(LINEAR, linear("layers.Dense(1)"), label="reference"),
    Answer(LINEAR, linear("layers.Dense(units=1, activation=None)",
                          first="keras.Input(X_train.shape[1:])"), label="positional shape"),
    Answer(LINEAR, linear("layers.Dense(1, activation='linear')"), label="activation='linear'"),
    Answer(LINEAR, "inputs = keras.Input(shape=(X_train.shape[1],))\n"
                   "linear_model = keras.Model(inputs, layers.Dense(1)(inputs))",
           label="functional"),
    Answer(LINEAR, linear("layers.Dense(1, activation='relu')"), fix="applies `relu`",
           label="relu"),
    Answer(LINEAR, linear("layers.Dense(2)"), fix="has 2 units", label="two units"),
    Answer(LINEAR, linear("layers.Dense(16, activation='relu')", "layers.Dense(1)"),
           fix="has 2 Dense layers", label="hidden layer"),
    Answer(LINEAR, linear("layers.Dense(1)", first="keras.Input(shape=(X_train.shape[1] - 1,))"),
           fix="expects examples of shape", label="one feature short"),
    Answer(LINEAR, linear("layers.Dense(1)", first="keras.Input(shape=X_train.shape)"),
           fix="expects examples of shape", label="X_train.shape"),
    Answer(LINEAR, linear("layers.Dense(1, use_bias=False)"), fix="has no bias",
           label="no bias"),
    Answer(LINEAR, linear("layers.Dropout(0.1)", "layers.Dense(1)"),
           fix="does not ask for", label="extra dropout"),
    Answer(LINEAR, subclass("linear_model"), fix="a model of your own class", label="subclass"),

    # 2) three hidden ReLU layers of 256 and a linear output
    Answer(DEEP, deep(*RELU_256, "layers.Dense(1)"), label="reference"),
    Answer(DEEP, deep(*["layers.Dense(256)", "layers.ReLU()"] * 3, "layers.Dense(1)"),
           label="ReLU layers"),
    Answer(DEEP, deep(*["layers.Dense(256, activation=keras.activations.relu)"] * 3,
                      "layers.Dense(units=1, activation='linear')"), label="relu function"),
    Answer(DEEP, "inputs = keras.Input(shape=(X_train.shape[1],))\n"
                 "x = inputs\n"
                 "for _ in range(3):\n"
                 "    x = layers.Activation('relu')(layers.Dense(256)(x))\n"
                 "deep_model = keras.Model(inputs=inputs, outputs=layers.Dense(1)(x))",
           label="functional, Activation layers"),
    Answer(DEEP, deep(*["layers.Dense(512, activation='relu')"] * 3, "layers.Dense(1)"),
           fix="has 512 units", label="units"),
    Answer(DEEP, deep(*RELU_256[:2], "layers.Dense(1)"), fix="has 3 Dense layers",
           label="two hidden"),
    Answer(DEEP, deep(*["layers.Dense(256)"] * 3, "layers.Dense(1)"), fix="has no activation",
           label="no activation"),
    Answer(DEEP, deep(*["layers.Dense(256, activation='tanh')"] * 3, "layers.Dense(1)"),
           fix="applies `tanh`", label="tanh"),
    Answer(DEEP, deep(*RELU_256, "layers.Dense(1, activation='relu')"),
           fix="output should be linear", label="relu output"),
    Answer(DEEP, deep(*RELU_256, "layers.BatchNormalization()", "layers.Dense(1)"),
           fix="does not ask for", label="extra batch norm"),
    Answer(DEEP, deep(*RELU_256, "layers.Dense(1)", first="keras.Input(shape=(8,))"),
           fix="expects examples of shape (8,)", label="input shape"),
    Answer(DEEP, subclass("deep_model"), fix="a model of your own class", label="subclass"),

    # 3) early stopping: val_loss, min_delta 0.001, patience 5, best weights restored
    Answer(STOPPING, stopping(SETTINGS), label="reference"),
    Answer(STOPPING, stopping("'val_loss', 0.001, 5, restore_best_weights=True"),
           label="positional"),
    Answer(STOPPING, stopping("monitor='val_loss', min_delta=1e-3, patience=5, mode='min', "
                              "restore_best_weights=True, verbose=1"), label="explicit"),
    Answer(STOPPING, stopping("min_delta=-0.001, patience=5, restore_best_weights=True, "
                              "mode='auto'"), label="negative min_delta"),
    Answer(STOPPING, stopping("min_delta=0.001, patience=10, restore_best_weights=True"),
           fix="`patience` is 10", label="patience"),
    Answer(STOPPING, stopping("min_delta=0.01, patience=5, restore_best_weights=True"),
           fix="`min_delta` is 0.01", label="min_delta"),
    Answer(STOPPING, stopping("min_delta=0.001, patience=5"),
           fix="Set `restore_best_weights=True`", label="weights not restored"),
    Answer(STOPPING, stopping(f"monitor='loss', {SETTINGS}"), fix="watches `loss`",
           label="training loss"),
    Answer(STOPPING, stopping(f"{SETTINGS}, mode='max'"), fix="`mode='max'`", label="mode max"),
    Answer(STOPPING, stopping(f"{SETTINGS}, baseline=0.3"), fix="`baseline` is 0.3",
           label="baseline"),
    Answer(STOPPING, stopping(f"{SETTINGS}, start_from_epoch=3"), fix="`start_from_epoch` is 3",
           label="start_from_epoch"),
    Answer(STOPPING, "early_stopping = keras.callbacks.ReduceLROnPlateau(patience=5, "
                     "min_delta=0.001)", fix="is a ReduceLROnPlateau", label="another callback"),
    Answer(STOPPING, "class Stop(keras.callbacks.EarlyStopping):\n    pass\n\n"
                     f"early_stopping = Stop({SETTINGS})", fix="the grader cannot read",
           label="subclass"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_check_and_grade_agree(answer):
    assert_agree(LESSON, answer, ANSWERS)
