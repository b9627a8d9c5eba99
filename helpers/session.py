"""The one place where a notebook session is prepared: quiet TensorFlow, fixed seeds.

TensorFlow writes C++ log lines to stderr when it is first imported and when it first runs.
In a notebook they look like errors, and nbgrader gives a test cell zero points when it
writes anything to stderr. ``TF_CPP_MIN_LOG_LEVEL`` only works if it is set before
TensorFlow is imported, so every notebook calls :func:`start` in its set-up cell, before
``import keras``.
"""

import logging
import os
import sys
import warnings

#: Hide TensorFlow's C++ INFO, WARNING and ERROR lines (3 = only fatal ones).
TF_CPP_LOG_LEVEL = "3"

_quieted_before_import = False


def quiet_tensorflow():
    """Silence TensorFlow's C++ and Python log output.

    Call this before TensorFlow (or Keras) is imported. Called afterwards it still quiets
    the Python loggers, and warns that the C++ lines can no longer be hidden (unless it was
    also called before the import, as the grader does before a notebook's first cell).
    """
    global _quieted_before_import
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = TF_CPP_LOG_LEVEL
    if "tensorflow" not in sys.modules:
        _quieted_before_import = True
    elif not _quieted_before_import:
        warnings.warn(
            "TensorFlow was imported before helpers.session.start(); restart the kernel "
            "and run the set-up cell first to hide TensorFlow's log lines.",
            stacklevel=2,
        )
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)


def seed_everything(seed=0):
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic.

    Args:
        seed: the seed for every generator.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def start(seed=0):
    """Prepare a lesson: quiet TensorFlow, then seed everything.

    Args:
        seed: the seed for every random generator, so numbers are the same on every run.
    """
    quiet_tensorflow()
    seed_everything(seed)
