"""The lesson pictures: drawn from real Keras objects, captioned, with alt text, and strict."""

import base64

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from keras import layers
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle

from helpers import diagrams, figures, prediction_plots, training_plots


@pytest.fixture(autouse=True)
def seeded():
    keras.utils.set_random_seed(0)


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def crosses(fig):
    """The red lines that cross out dropped units, two per unit."""
    return [line for ax in fig.axes for line in ax.lines if line.get_color() == "tab:red"]


def assert_described(fig, *caption_words):
    """A picture is a CaptionedFigure whose caption and alt text say something."""
    assert isinstance(fig, figures.CaptionedFigure)
    caption = fig.get_suptitle()
    for word in caption_words:
        assert word in caption
    assert len(fig.alt_text.split()) >= 15
    assert "\n" not in caption


def test_a_captioned_figure_displays_as_png_with_alt_text():
    before = plt.get_fignums()
    fig = figures.captioned_figure("what to see", "what it shows, in words", figsize=(2, 2))
    fig.subplots().plot([0, 1], [0, 1])
    data, metadata = fig._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert data["text/plain"] == "what it shows, in words"
    assert metadata == {"image/png": {"alt": "what it shows, in words"}}
    assert fig.get_suptitle() == "what to see"
    assert plt.get_fignums() == before


def test_a_picture_needs_a_caption_and_alt_text():
    with pytest.raises(ValueError, match="caption and alt text"):
        figures.captioned_figure("a caption", " ")


def test_relu_unit_shows_the_layers_weights_and_its_curve():
    layer = layers.Dense(1, activation="relu", kernel_initializer=keras.initializers.Constant(1.5),
                         bias_initializer=keras.initializers.Constant(-1.0))
    fig = diagrams.relu_unit(layer, x_range=(-2, 2))
    assert_described(fig, "ReLU", "x = 0.67")
    diagram_ax, curve_ax = fig.axes
    assert len([p for p in diagram_ax.patches if isinstance(p, Circle)]) == 5
    assert {"w = 1.50", "b = -1.00", "ReLU", "y = max(0, 1.50·x − 1.00)"} <= set(texts(fig))
    dashed, output = curve_ax.lines[:2]
    x, y = output.get_data()
    np.testing.assert_allclose(y, np.maximum(0, 1.5 * x - 1), atol=1e-6)
    assert dashed.get_linestyle() == "--"
    assert "weight 1.50, bias -1.00" in fig.alt_text


def test_relu_unit_rejects_other_layers():
    with pytest.raises(ValueError, match="activation='relu'"):
        diagrams.relu_unit(layers.Dense(1))
    with pytest.raises(ValueError, match="one input"):
        diagrams.relu_unit(layers.Dense(3, activation="relu"))
    with pytest.raises(TypeError, match="Dense"):
        diagrams.relu_unit(layers.ReLU())


def test_dropout_network_crosses_out_what_the_dropout_layer_drops():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="relu"),
                              layers.Dropout(0.5), layers.Dense(1)])
    dropout = model.layers[1]
    state = np.asarray(dropout.seed_generator.state).copy()
    fig = diagrams.dropout_network(model)
    assert_described(fig, "dropout", "crossed-out")
    dropout.seed_generator.state.assign(state)  # replay the same random draw
    expected = int(np.sum(np.asarray(dropout(np.ones((1, 4), "float32"), training=True)) == 0))
    assert len(crosses(fig)) == 2 * expected
    assert f"{expected} dropped\n(rate 0.5)" in "".join(texts(fig))
    assert f"{expected} of 4 units of layer 1 (rate 0.5)" in fig.alt_text
    assert len([p for p in fig.axes[0].patches if isinstance(p, Circle)]) == 3 + 4 + 1


def test_dropout_network_draws_wide_layers_and_flattened_images():
    model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                              layers.Dense(128, activation="relu"), layers.Dropout(0.2),
                              layers.Dense(10)])
    fig = diagrams.dropout_network(model)
    labels = texts(fig)
    assert "input\n784 features" in labels
    assert any(label.startswith("hidden\n128 units\nrelu\n") for label in labels)


def test_dropout_network_needs_a_dropout_layer():
    with pytest.raises(ValueError, match="no Dropout layer"):
        diagrams.dropout_network(keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)]))


def test_loss_surface_draws_the_sgd_path_down_to_the_least_squares_line():
    rng = np.random.default_rng(0)
    x = rng.normal(size=100)
    y = 0.8 * x + 0.1 + rng.normal(scale=0.3, size=100)
    fig = training_plots.loss_surface(x, y, learning_rate=0.1, batch_size=10, epochs=2)
    assert_described(fig, "SGD", "20 steps", "only 10 examples")
    ax = fig.axes[0]
    path = next(line for line in ax.lines if line.get_label() == "SGD steps")
    w, b = path.get_data()
    assert len(w) == 21 and (w[0], b[0]) == (-1.0, 1.0)
    bottom = next(line for line in ax.lines if line.get_label() == "bottom (least squares)")
    np.testing.assert_allclose(np.ravel(bottom.get_data()), np.polyfit(x, y, 1))
    assert abs(w[-1] - 0.8) < 0.2
    assert ax.get_xlabel() == "weight w" and ax.get_ylabel() == "bias b"


def test_loss_surface_rejects_nonsense():
    with pytest.raises(ValueError, match="same length"):
        training_plots.loss_surface([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="constant"):
        training_plots.loss_surface([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="diverged"):
        training_plots.loss_surface(np.arange(10.0), np.arange(10.0), learning_rate=5.0)


def test_fitting_regimes_is_labelled_schematic():
    fig = training_plots.fitting_regimes()
    assert_described(fig, "Schematic, not measured")
    assert [ax.get_title() for ax in fig.axes] == ["underfitting", "overfitting"]
    for ax in fig.axes:
        assert [line.get_label() for line in ax.lines[:2]] == ["training loss", "validation loss"]
    over_train, over_valid = (line.get_ydata() for line in fig.axes[1].lines[:2])
    best = int(np.argmin(over_valid))
    assert 0 < best < len(over_valid) - 1  # the validation loss turns up
    assert over_train[-1] < over_train[best]  # while the training loss keeps falling
    assert "stop here" in texts(fig)


def binary_classifier():
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[4.0], [0.0]]), np.array([0.0])])  # class 1 when x0 > 0
    return model


def test_confusion_matrix_counts_the_models_predictions():
    x = np.array([[1, 0], [2, 0], [-1, 0], [-2, 0], [3, 0]], dtype="float32")
    y = np.array([1, 0, 0, 0, 1], dtype="float32")  # one false positive
    fig = prediction_plots.confusion_matrix(binary_classifier(), x, y, ("benign", "malignant"))
    assert_described(fig, "1 of 5 are the mistakes")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), [[2, 1], [0, 2]])
    assert texts(fig) == ["2", "1", "0", "2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["benign", "malignant"]
    assert ax.get_ylabel() == "true class" and ax.get_xlabel() == "predicted class"
    assert "true benign, predicted malignant: 1" in fig.alt_text


def test_confusion_matrix_of_ten_classes_uses_argmax():
    model = keras.Sequential([keras.Input(shape=(10,)), layers.Identity()])
    x = np.eye(10, dtype="float32")[[3, 3, 7]]
    fig = prediction_plots.confusion_matrix(model, x, [3, 5, 7], [str(d) for d in range(10)])
    counts = fig.axes[0].images[0].get_array()
    assert counts[3, 3] == 1 and counts[5, 3] == 1 and counts[7, 7] == 1 and counts.sum() == 3


def test_confusion_matrix_rejects_mismatched_inputs():
    x = np.zeros((3, 2), dtype="float32")
    with pytest.raises(ValueError, match="3 examples but y has 2"):
        prediction_plots.confusion_matrix(binary_classifier(), x, [0, 1], ("a", "b"))
    with pytest.raises(ValueError, match="only 2 class names"):
        prediction_plots.confusion_matrix(binary_classifier(), x, [0, 1, 2], ("a", "b"))


def digit_model():
    return keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10)])


def test_softmax_bars_show_the_models_logits_and_their_softmax():
    model = digit_model()
    image = np.random.default_rng(0).random((28, 28)).astype("float32")
    fig = prediction_plots.softmax_bars(model, image, label=7)
    assert_described(fig, "Softmax", "add up to 1")
    image_ax, logit_ax, probability_ax = fig.axes
    logits = np.asarray(model(image[None]))[0]
    heights = [bar.get_height() for bar in bars(logit_ax)]
    np.testing.assert_allclose(heights, logits, rtol=1e-5)
    probabilities = [bar.get_height() for bar in bars(probability_ax)]
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-5)
    top = int(np.argmax(logits))
    assert bars(probability_ax)[top].get_facecolor() == bars(logit_ax)[top].get_facecolor()
    assert image_ax.get_title() == "the input, labelled 7"
    assert f"class {top}" in fig.alt_text


def test_softmax_bars_reject_a_probability_model_and_wrong_shapes():
    probability_model = keras.Sequential([digit_model(), layers.Softmax()])
    with pytest.raises(ValueError, match="outputs probabilities"):
        prediction_plots.softmax_bars(probability_model, np.zeros((28, 28)))
    with pytest.raises(ValueError, match=r"shape \(28, 28\)"):
        prediction_plots.softmax_bars(digit_model(), np.zeros(784))


def test_pictures_are_figures_not_left_open_in_pyplot():
    before = plt.get_fignums()
    fig = training_plots.fitting_regimes()
    assert isinstance(fig, Figure) and plt.get_fignums() == before
    assert all(isinstance(line, Line2D) for line in fig.axes[0].lines)
