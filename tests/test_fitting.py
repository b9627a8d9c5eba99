"""The lesson 02 training shortcut is plain full-batch training, only faster."""

import keras
import numpy as np

from helpers import fitting


def _network():
    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(4, activation="relu"),
                             keras.layers.Dense(1)])


def test_fit_full_batch_takes_the_steps_of_as_many_full_batch_epochs():
    x = np.linspace(-1, 1, 7).reshape(-1, 1)
    y = np.sin(3 * x).ravel()
    shortcut, plain = _network(), _network()
    initial = shortcut.get_weights()
    plain.set_weights(initial)

    history = fitting.fit_full_batch(shortcut, x, y, steps=5, verbose=0)
    plain.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse")
    plain.fit(x, y, batch_size=len(x), epochs=5, shuffle=False, verbose=0)

    assert history.params["steps"] == 5 and int(shortcut.optimizer.iterations) == 5
    for trained, expected in zip(shortcut.get_weights(), plain.get_weights()):
        assert np.allclose(trained, expected, atol=1e-6)
    assert not np.allclose(shortcut.get_weights()[0], initial[0])  # it did learn
