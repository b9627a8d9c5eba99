"""Answer corpus, lesson 02: the visible check and the grade agree on every answer."""

import pytest

from tests.corpus import Answer, assert_agree

LESSON = "02-deep-neural-networks"
SHAPE = "input_shape_matches_features"
DEEP = "deep_model_three_relu_layers_linear_output"
SEPARATE = "activation_layers_separate_relu"


def sequential(*layers, name="model"):
    """An answer cell building ``name`` as a Sequential list after keras.Input."""
    listed = "".join(f"    {layer},\n" for layer in layers)
    return f"{name} = keras.Sequential([\n    keras.Input(shape=input_shape),\n{listed}])"


def hidden(layer, times):
    return [layer] * times


RELU_512 = hidden("layers.Dense(512, activation='relu')", 3)
FUNCTIONAL_DEEP = (
    "inputs = keras.Input(shape=(X.shape[1],))\n"
    "x = inputs\n"
    "for _ in range(3):\n"
    "    x = layers.Dense(512, activation='relu')(x)\n"
    "model = keras.Model(inputs, layers.Dense(1)(x))")
SUBCLASS_DEEP = (
    "class Deep(keras.Model):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.hidden = [layers.Dense(512, activation='relu') for _ in range(3)]\n"
    "        self.out = layers.Dense(1)\n\n"
    "    def call(self, x):\n"
    "        for layer in self.hidden:\n"
    "            x = layer(x)\n"
    "        return self.out(x)\n\n"
    "model = Deep()\n"
    "model(np.zeros((1, 8)))  # builds it")
FUNCTIONAL_SEPARATE = (
    "inputs = keras.Input(shape=input_shape)\n"
    "x = layers.Activation('relu')(layers.Dense(32)(inputs))\n"
    "x = layers.Activation('relu')(layers.Dense(32)(x))\n"
    "model_with_activation_layers = keras.Model(inputs=inputs, outputs=layers.Dense(1)(x))")


def separate(activation="layers.Activation('relu')", units=32, output="layers.Dense(1)"):
    return sequential(f"layers.Dense({units})", activation, f"layers.Dense({units})", activation,
                      output, name="model_with_activation_layers")


ANSWERS = [
    # 1) input_shape, computed from X
    Answer(SHAPE, "input_shape = [X.shape[1]]", label="list"),
    Answer(SHAPE, "input_shape = (X.shape[1],)", label="tuple"),
    Answer(SHAPE, "input_shape = X.shape[1:]", label="slice of X.shape"),
    Answer(SHAPE, "input_shape = (len(X.columns),)", label="len of columns"),
    Answer(SHAPE, "input_shape = np.array([X.shape[1]])", label="array"),
    Answer(SHAPE, "input_shape = (8,)", label="typed-in (the check says it cannot tell)"),
    Answer(SHAPE, "input_shape = X.shape[1]", fix="single number", label="bare number"),
    Answer(SHAPE, "input_shape = X.shape", fix="two entries", label="X.shape"),
    Answer(SHAPE, "input_shape = (concrete.shape[1],)", fix="one column too many",
           label="target counted"),
    Answer(SHAPE, "input_shape = [7]", fix="Count the columns of `X`", label="wrong number"),
    Answer(SHAPE, "input_shape = X", fix="holds a table", label="the table"),
    Answer(SHAPE, "input_shape = '8'", fix="tuple or list of whole numbers", label="text"),

    # 2) three hidden ReLU layers of 512 and a linear output
    Answer(DEEP, sequential(*RELU_512, "layers.Dense(units=1)"), label="reference"),
    Answer(DEEP, sequential(*hidden("layers.Dense(512, 'relu')", 3), "layers.Dense(1)"),
           label="positional activation"),
    Answer(DEEP, sequential(*hidden("layers.Dense(512, activation=keras.activations.relu)", 3),
                            "layers.Dense(1, activation='linear')"), label="relu function"),
    Answer(DEEP, sequential(*hidden("layers.Dense(512)", 1), "layers.Activation('relu')",
                            "layers.Dense(512)", "layers.ReLU()", "layers.Dense(512)",
                            "layers.Activation(keras.activations.relu)", "layers.Dense(1)"),
           label="activation layers"),
    Answer(DEEP, "model = keras.Sequential([keras.Input(shape=(8,))]\n"
                 "    + [layers.Dense(512, activation='relu') for _ in range(3)]\n"
                 "    + [layers.Dense(1)])", label="comprehension"),
    Answer(DEEP, FUNCTIONAL_DEEP, label="functional"),
    Answer(DEEP, sequential(*hidden("layers.Dense(256, activation='relu')", 3),
                            "layers.Dense(1)"), fix="has 256 units", label="units"),
    Answer(DEEP, sequential(*hidden("layers.Dense(512)", 3), "layers.Dense(1)"),
           fix="has no activation", label="no activation"),
    Answer(DEEP, sequential(*hidden("layers.Dense(512, activation='sigmoid')", 3),
                            "layers.Dense(1)"), fix="applies `sigmoid`", label="sigmoid"),
    Answer(DEEP, sequential(*RELU_512, "layers.Dense(1, activation='relu')"),
           fix="output should be linear", label="relu output"),
    Answer(DEEP, sequential(*RELU_512[:2], "layers.Dense(1)"), fix="has 3 Dense layers",
           label="two hidden"),
    Answer(DEEP, sequential(*RELU_512, "layers.Dropout(0.2)", "layers.Dense(1)"),
           fix="does not ask for", label="extra dropout"),
    Answer(DEEP, sequential(*hidden("layers.Dense(512, activation='relu', use_bias=False)", 3),
                            "layers.Dense(1)"), fix="has no bias", label="no bias"),
    Answer(DEEP, "model = keras.Sequential(\n"
                 "    [layers.Dense(512, activation='relu') for _ in range(3)]\n"
                 "    + [layers.Dense(1)])",
           fix="does not know its input shape", label="no Input"),
    Answer(DEEP, "model = keras.Sequential([keras.Input(shape=(9,))]\n"
                 "    + [layers.Dense(512, activation='relu') for _ in range(3)]\n"
                 "    + [layers.Dense(1)])", fix="expects examples of shape (9,)",
           label="input shape"),
    Answer(DEEP, SUBCLASS_DEEP, fix="a model of your own class", label="subclass"),
    Answer(DEEP, sequential(*RELU_512, "layers.Lambda(lambda t: t[:, :1])"),
           fix="`Lambda` layer", label="lambda"),

    # 3) each ReLU a layer of its own
    Answer(SEPARATE, separate(), label="reference"),
    Answer(SEPARATE, separate("layers.ReLU()"), label="ReLU layers"),
    Answer(SEPARATE, separate("layers.Activation(activation=keras.activations.relu)"),
           label="Activation(relu function)"),
    Answer(SEPARATE, FUNCTIONAL_SEPARATE, label="functional"),
    Answer(SEPARATE, sequential(*hidden("layers.Dense(32, activation='relu')", 2),
                                "layers.Dense(1)", name="model_with_activation_layers"),
           fix="its ReLU inside the Dense layer", label="fused"),
    Answer(SEPARATE, separate(units=64), fix="has 64 units", label="units"),
    Answer(SEPARATE, separate("layers.Activation('tanh')"), fix="applies `tanh`", label="tanh"),
    Answer(SEPARATE, sequential("layers.Dense(32, activation='relu')", "layers.ReLU()",
                                "layers.Dense(32)", "layers.ReLU()", "layers.Dense(1)",
                                name="model_with_activation_layers"),
           fix="ReLU twice", label="double relu"),
    Answer(SEPARATE, separate(output="layers.Dense(1), layers.Activation('relu')"),
           fix="The output layer applies `relu`", label="relu output layer"),
    Answer(SEPARATE, separate(output="layers.Dense(2)"), fix="The output layer has 2 units",
           label="two outputs"),
    Answer(SEPARATE, separate(activation="layers.Activation('relu'), layers.Dropout(0.5)"),
           fix="does not ask for", label="extra dropout"),
    Answer(SEPARATE, SUBCLASS_DEEP.replace("model", "model_with_activation_layers"),
           fix="a model of your own class", label="subclass"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_check_and_grade_agree(answer):
    assert_agree(LESSON, answer, ANSWERS)
