"""Helpers for the Intro to Deep Learning course notebooks.

Importing this package does nothing on its own: no TensorFlow import, no seeds, no
plotting settings. Each notebook imports the modules it needs, and its set-up cell calls
:func:`helpers.session.start` first, before TensorFlow is imported.

Modules:
    session:  silences TensorFlow's log lines and seeds every random generator.
    data:     one loader per real dataset the lessons use (all offline).
    prepared: lesson 04's tables split three ways and preprocessed, for lesson 05.
    diagrams: drawings of linear units and dense networks.
    plots:    activation functions, fitted curves, learning curves.
    fitting:  lesson 02's training shortcut, before lesson 03 explains training.
    progress: one live line of training progress, a Keras callback for ``fit``.
    widgets:  interactive explorers.
    checks:   the feedback a learner gets for each exercise question.
"""

__version__ = "0.1.0"
