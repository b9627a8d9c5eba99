"""Answer corpus, lesson 01: the visible check and the grade agree on every answer."""

import pytest

from tests.corpus import Answer, assert_agree

LESSON = "01-single-neuron"
X = "x = np.linspace(-1.0, 1.0, 100).reshape(-1, 1)  # 100 examples of one feature each\n"

ANSWERS = [
    Answer("input_shape_matches_features", "input_shape = (X.shape[1],)", label="tuple"),
    Answer("input_shape_matches_features", "input_shape = [10]", label="list"),
    Answer("input_shape_matches_features", "input_shape = 10", fix="single number"),
    Answer("input_shape_matches_features", "input_shape = X.shape", fix="two entries"),
    Answer("model_is_one_linear_unit", "model = keras.Sequential([keras.Input(shape=input_shape), layers.Dense(1)])"),
    Answer("model_is_one_linear_unit",
           "inputs = keras.Input(shape=(10,))\nmodel = keras.Model(inputs, layers.Dense(1)(inputs))",
           label="functional"),
    Answer("model_is_one_linear_unit",
           "model = keras.Sequential([keras.Input(shape=input_shape), layers.Dense(1, activation='relu')])",
           fix="applies `relu`"),
    Answer("model_is_one_linear_unit",
           "model = keras.Sequential([keras.Input(shape=input_shape), layers.Lambda(lambda t: t[:, :1])])",
           fix="`Lambda` layer"),
    Answer("weights_come_from_model", "w, b = model.weights"),
    Answer("weights_come_from_model", "w, b = model.get_weights()", label="get_weights"),
    Answer("weights_come_from_model", "b, w = model.weights", fix="swapped"),
    Answer("untrained_output_is_models_line",
           X + "one_input_model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])\n"
           "y = one_input_model.predict(x, verbose=0)"),
    Answer("untrained_output_is_models_line",
           X + "one_input_model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])\n"
           "y = one_input_model.predict(x[:10], verbose=0)", fix="`y` has 10 values"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_check_and_grade_agree(answer):
    assert_agree(LESSON, answer, ANSWERS)
