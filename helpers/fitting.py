"""Training shortcuts for lessons that use training before lesson 03 explains it."""

import keras
import numpy as np


def fit_full_batch(model, x, y, steps, learning_rate=0.02, **fit_options):
    """Compile ``model`` with Adam and the squared error, then take ``steps`` full-batch steps.

    Every step uses all the examples at once. The steps run as a single pass over the data
    repeated ``steps`` times, in batches of exactly one copy: the same training as ``steps``
    epochs of one batch each, without Keras's per-epoch overhead (many times faster for
    lesson 02's small networks).

    Args:
        model: an uncompiled Keras model.
        x, y: the training inputs (one row per example) and targets.
        steps: how many optimizer steps to take.
        learning_rate: Adam's learning rate.
        **fit_options: passed on to ``model.fit`` (``verbose``, ``callbacks``, ...).

    Returns:
        The ``History`` that ``fit`` returns.
    """
    x, y = np.asarray(x), np.asarray(y)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    repeat = (steps,) + (1,) * (x.ndim - 1)
    return model.fit(np.tile(x, repeat), np.tile(y, (steps,) + (1,) * (y.ndim - 1)),
                     batch_size=len(x), epochs=1, shuffle=False, **fit_options)
