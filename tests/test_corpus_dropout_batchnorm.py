"""Answer corpus, lesson 05: the visible check and the grade agree on every answer."""

import pytest

from tests.corpus import Answer, assert_agree

LESSON = "05-dropout-and-batch-normalization"
DROPOUT = "dropout_after_each_hidden_layer"
BATCH_NORM = "batchnorm_first_and_after_hidden_layers"


def dropout_model(*hidden_and_dropout, output="layers.Dense(1)"):
    """A Sequential ``dropout_model``: the given layers three times, then the output."""
    listed = ", ".join(hidden_and_dropout)
    return ("dropout_model = keras.Sequential([keras.Input(shape=(X_train.shape[1],))]\n"
            f"    + [layer for _ in range(3) for layer in [{listed}]] + [{output}])")


def batchnorm_model(*hidden_and_norm, first="layers.BatchNormalization()", features=8,
                    output="layers.Dense(1)"):
    """A Sequential ``batchnorm_model``: the first layer, the given layers three times, output."""
    listed = ", ".join(hidden_and_norm)
    return (f"batchnorm_model = keras.Sequential([keras.Input(shape=({features},)), {first}]\n"
            f"    + [layer for _ in range(3) for layer in [{listed}]] + [{output}])")


RELU_256 = "layers.Dense(256, activation='relu')"
DROP = "layers.Dropout(0.3)"
RELU_512 = "layers.Dense(512, activation='relu')"
NORM = "layers.BatchNormalization()"

ANSWERS = [
    # 1) dropout after each hidden layer
    Answer(DROPOUT, "dropout_model = keras.Sequential([\n"
           "    keras.Input(shape=(X_train.shape[1],)),\n"
           "    layers.Dense(256, activation='relu'), layers.Dropout(0.3),\n"
           "    layers.Dense(256, activation='relu'), layers.Dropout(0.3),\n"
           "    layers.Dense(256, activation='relu'), layers.Dropout(0.3),\n"
           "    layers.Dense(1),\n])", label="sequential"),
    Answer(DROPOUT, "inputs = keras.Input(shape=X_train.shape[1:])\nx = inputs\n"
           "for _ in range(3):\n"
           "    x = layers.Dense(256, activation='relu')(x)\n    x = layers.Dropout(rate=0.3)(x)\n"
           "dropout_model = keras.Model(inputs, layers.Dense(1)(x))", label="functional"),
    Answer(DROPOUT, dropout_model("layers.Dense(256)", "layers.ReLU()", DROP,
                                  output="layers.Dense(1, activation=None)"), label="ReLU layers"),
    Answer(DROPOUT, dropout_model("layers.Dense(256)", "layers.Activation('relu')",
                                  "layers.Dropout(rate=0.3)"), label="Activation layers"),
    Answer(DROPOUT, dropout_model("layers.Dense(units=256, activation=keras.activations.relu)",
                                  DROP, output="layers.Dense(units=1, activation='linear')"),
           label="objects and keywords"),
    Answer(DROPOUT, dropout_model(RELU_256, "layers.Dropout(0.5)"), fix="drops 0.5", label="rate"),
    Answer(DROPOUT, dropout_model("layers.Dense(128, activation='relu')", DROP), fix="128 units", label="units"),
    Answer(DROPOUT, dropout_model("layers.Dense(256)", DROP), fix="has no activation",
           label="no activation"),
    Answer(DROPOUT, dropout_model(DROP, RELU_256), fix="where the question puts a Dense layer",
           label="dropout before the layer"),
    Answer(DROPOUT, dropout_model(RELU_256, DROP, output="layers.Dense(1, activation='sigmoid')"),
           fix="applies `sigmoid`", label="sigmoid output"),
    Answer(DROPOUT, "dropout_model = keras.Sequential([keras.Input(shape=(X_train.shape[1],)),\n"
           "    layers.Dense(256, activation='relu'), layers.Dropout(0.3),\n"
           "    layers.Dense(256, activation='relu'), layers.Dropout(0.3),\n"
           "    layers.Dense(256, activation='relu'), layers.Dense(1)])",
           fix="where the question puts a Dropout layer", label="no dropout after the last"),
    Answer(DROPOUT, "class DropoutModel(keras.Sequential):\n    pass\n\n\n"
           + dropout_model(RELU_256, DROP).replace("keras.Sequential(", "DropoutModel("),
           fix="your own class", label="own class"),
    # 2) batch normalization first and after each hidden layer
    Answer(BATCH_NORM, batchnorm_model(RELU_512, NORM), label="sequential"),
    Answer(BATCH_NORM, "inputs = keras.Input(shape=(concrete_train.shape[1],))\n"
           "x = layers.BatchNormalization()(inputs)\n"
           "for _ in range(3):\n"
           "    x = layers.BatchNormalization()(layers.Dense(512, activation='relu')(x))\n"
           "batchnorm_model = keras.Model(inputs=inputs, outputs=layers.Dense(1)(x))",
           label="functional"),
    Answer(BATCH_NORM, batchnorm_model("layers.Dense(512)", NORM, "layers.Activation('relu')"),
           label="normalised before the activation"),
    Answer(BATCH_NORM, batchnorm_model("layers.Dense(512, activation=keras.activations.relu)",
                                       "layers.BatchNormalization(momentum=0.9)",
                                       output="layers.Dense(units=1, activation='linear')"),
           label="objects and keywords"),
    Answer(BATCH_NORM, batchnorm_model(RELU_512, NORM, first="layers.Dense(512, activation='relu')"),
           fix="Layer 1 of `batchnorm_model` is Dense(512, relu)", label="no first normalization"),
    Answer(BATCH_NORM, batchnorm_model(RELU_512), fix="puts a BatchNormalization layer",
           label="no normalization after the hidden layers"),
    Answer(BATCH_NORM, batchnorm_model(RELU_512, "layers.LayerNormalization()"),
           fix="LayerNormalization, where the question puts a BatchNormalization layer",
           label="LayerNormalization"),
    Answer(BATCH_NORM, batchnorm_model("layers.Dense(256, activation='relu')", NORM),
           fix="256 units", label="units"),
    Answer(BATCH_NORM, batchnorm_model(RELU_512, NORM, output="layers.Dense(1, activation='relu')"),
           fix="applies `relu`", label="relu output"),
    Answer(BATCH_NORM, batchnorm_model(RELU_512, NORM, features=9),
           fix="expects examples of shape (9,)", label="nine inputs"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_check_and_grade_agree(answer):
    assert_agree(LESSON, answer, ANSWERS)
