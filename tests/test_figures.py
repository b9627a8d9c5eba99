"""The drawing helpers return figures holding the artists they promise."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from keras import layers
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from helpers import animations, diagrams, plots, widgets


def circles(fig):
    return [p for ax in fig.axes for p in ax.patches if isinstance(p, Circle)]


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_figures_are_not_left_open_in_pyplot():
    """A returned figure is shown once: pyplot must not show it again at the end of a cell."""
    before = plt.get_fignums()
    diagrams.linear_unit()
    plots.activation("relu")
    assert plt.get_fignums() == before


def test_linear_unit_draws_inputs_bias_unit_and_output():
    fig = diagrams.linear_unit()
    assert isinstance(fig, Figure)
    assert len(circles(fig)) == 4  # x, the constant 1, the unit, y
    labels = texts(fig)
    for label in ("x", "1", "w", "b", "y"):
        assert label in labels
    assert "y = w·x + b" in labels


def test_linear_unit_with_three_named_inputs():
    fig = diagrams.linear_unit(("sugars", "fiber", "protein"), "calories")
    assert len(circles(fig)) == 6
    assert {"w0", "w1", "w2", "sugars", "calories"} <= set(texts(fig))


def test_dense_network_from_sizes_draws_every_small_layer():
    fig = diagrams.dense_network([2, 4, 3, 1])
    assert len(circles(fig)) == 2 + 4 + 3 + 1
    assert "input\n2 features" in texts(fig)
    assert "output\n1 unit" in texts(fig)


def test_dense_network_bias_nodes():
    fig = diagrams.dense_network([2, 2], show_bias=True)
    assert len(circles(fig)) == 2 + 2 + 1
    assert "1" in texts(fig)


def test_dense_network_keeps_wide_layers_readable():
    model = keras.Sequential([
        keras.Input(shape=(8,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(512), layers.Activation("relu"),
        layers.Dense(1),
    ])
    fig = diagrams.dense_network(model, max_drawn=6)
    assert len(circles(fig)) == 5 + 5 + 5 + 1  # 4 units, the ellipsis, the last unit
    labels = texts(fig)
    assert labels.count("hidden\n512 units\nrelu") == 2
    assert "output\n1 unit\nlinear" in labels
    assert labels.count("⋮") == 3


def test_dense_network_needs_a_model_with_an_input():
    with pytest.raises(ValueError, match="keras.Input"):
        diagrams.dense_network(keras.Sequential([layers.Dense(1)]))


def test_activation_plots_the_function():
    fig = plots.activation("relu", x_range=(-2, 2))
    line = fig.axes[0].lines[0]  # then the two axis lines
    x, y = line.get_data()
    assert np.allclose(y, np.maximum(0, x))
    assert fig.axes[0].get_title() == "ReLU"


def test_activation_gallery_one_panel_per_function():
    fig = plots.activation_gallery(["relu", "elu", "selu", "silu", "sigmoid"], columns=3)
    assert [ax.get_title() for ax in fig.axes] == ["ReLU", "ELU", "SELU", "swish / SiLU", "sigmoid"]
    sigmoid_y = fig.axes[4].lines[0].get_ydata()
    assert 0 < sigmoid_y.min() and sigmoid_y.max() < 1


def test_scatter_with_line_draws_data_and_line():
    x, y = np.array([0.0, 5.0, 10.0]), np.array([90.0, 100.0, 120.0])
    fig = plots.scatter_with_line(x, y, w=2.5, b=90)
    ax = fig.axes[0]
    assert len(ax.collections) == 1 and len(ax.collections[0].get_offsets()) == 3
    line_x, line_y = ax.lines[0].get_data()
    assert np.allclose(line_y, 2.5 * line_x + 90)


def test_line_and_fits_draw_given_values():
    x = np.linspace(-1, 1, 5)
    assert np.allclose(plots.line(x, 2 * x).axes[0].lines[0].get_ydata(), 2 * x)
    fig = plots.fits(x, x, {"a": (x, x), "b": (x, -x), "c": (x, 0 * x)}, columns=2)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    assert np.allclose(fig.axes[1].lines[0].get_ydata(), -x)


def test_learning_curves_from_history_dict_and_object():
    logs = {"loss": [3.0, 2.0, 1.5], "val_loss": [3.1, 2.4, 2.2]}
    fig = plots.learning_curves(logs)
    assert [line.get_label() for line in fig.axes[0].lines] == ["training loss", "validation loss"]
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(np.ones((4, 1)), np.ones(4), epochs=2, verbose=0)
    fig = plots.learning_curves(history, metrics=("loss", "mae"))
    assert len(fig.axes) == 2 and len(fig.axes[1].lines[0].get_xdata()) == 2


def test_learning_curves_names_what_was_recorded():
    with pytest.raises(KeyError, match="accuracy.*recorded \\['loss'\\]"):
        plots.learning_curves({"loss": [1.0]}, metrics=("accuracy",))


def test_learning_curves_show_the_units_of_each_metric():
    logs = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8]}
    fig = plots.learning_curves(logs, metrics=("loss", "accuracy"), units="mpg")
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss (mpg)", "accuracy (mpg)"]
    fig = plots.learning_curves(logs, metrics=("loss", "accuracy"), units={"accuracy": "share correct"})
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy (share correct)"]


def test_line_with_error_reports_mean_absolute_error():
    x, y = np.array([0.0, 1.0]), np.array([1.0, 5.0])
    assert widgets.mean_absolute_error(x, y, w=2.0, b=1.0) == pytest.approx(1.0)
    fig = widgets.line_with_error(x, y, w=2.0, b=1.0)
    assert fig.axes[0].get_title() == "mean absolute error: 1.0"


def test_explorer_has_weight_and_bias_sliders():
    explorer = widgets.linear_unit_explorer([0, 1], [1, 5], w_range=(-5, 5), b_range=(0, 10))
    w, b = explorer.children[0].children
    assert (w.min, w.max, b.min, b.max) == (-5, 5, 0, 10)
    assert w.description.startswith("w") and b.description.startswith("b")
    assert b.value == pytest.approx(3.0)  # starts at the mean of y


def test_error_penalties_draws_absolute_and_squared_error():
    ax = plots.error_penalties(max_error=2).axes[0]
    absolute, squared = ax.lines
    assert np.allclose(absolute.get_ydata(), np.abs(absolute.get_xdata()))
    assert np.allclose(squared.get_ydata(), squared.get_xdata() ** 2)


def test_sgd_path_converges_to_least_squares_with_a_good_learning_rate():
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = 0.8 * x + 0.1 * rng.normal(size=200)
    path = animations.sgd_path(x, y, learning_rate=0.1, batch_size=20, epochs=10)
    assert len(path.loss) == 1 + 10 * 10  # the start, then one entry per step
    assert path.epoch[0] == 0 and path.epoch[-1] == 10
    slope, intercept = np.polyfit(x, y, 1)
    assert path.w[-1] == pytest.approx(slope, abs=0.05)
    assert path.b[-1] == pytest.approx(intercept, abs=0.05)
    assert path.loss[-1] < path.loss[0] / 10


def test_sgd_path_diverges_with_too_large_a_learning_rate():
    x = np.linspace(-2, 2, 50)
    path = animations.sgd_path(x, x, learning_rate=1.5, batch_size=50, epochs=5)
    assert path.loss[-1] > path.loss[0] * 100


def test_sgd_animation_renders_as_javascript_html_without_ffmpeg():
    x = np.linspace(-1, 1, 20)
    html = animations.sgd_linear_unit(x, x, batch_size=5, epochs=2, frames=6).data
    assert "<script" in html and html.count("data:image/png;base64") == 6
