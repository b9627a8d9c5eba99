"""Feedback for exercise questions.

``core`` is the engine (outcomes, how feedback is shown); ``judges`` holds reusable
judgements of answers; one module per lesson defines that lesson's questions, e.g.
``helpers.checks.single_neuron.input_shape.check()``.
"""
