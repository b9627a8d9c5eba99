"""The checking engine: a question reads answers by name, judges them, shows feedback.

A check has three outcomes a learner can tell apart: correct, incorrect (with a message
that teaches) and not attempted yet. In a notebook the feedback is shown as a coloured box;
an incorrect or missing answer also raises :class:`CheckFailed`, so the test cell fails and
nbgrader (and its Validate button) count it.
"""

import enum
import html
import inspect
from dataclasses import dataclass


class Outcome(enum.Enum):
    """What a check concluded about an answer."""

    CORRECT = "Correct"
    INCORRECT = "Not quite"
    NOT_ATTEMPTED = "Not attempted yet"


_STYLE = {
    Outcome.CORRECT: ("#e6f4ea", "#1e7b34"),
    Outcome.INCORRECT: ("#fce8e6", "#b3261e"),
    Outcome.NOT_ATTEMPTED: ("#fef7e0", "#8a6d00"),
}


class Incorrect(Exception):
    """Raised by a judge with a message that teaches what is wrong."""


class NotAttempted(Exception):
    """Raised by a judge when the answer's variables exist but hold no attempt yet
    (for example a model that was never compiled)."""


class CheckFailed(AssertionError):
    """Raised by :meth:`Question.check` when an answer is missing or wrong."""


@dataclass(frozen=True)
class Feedback:
    """The outcome of one check and the message for the learner."""

    outcome: Outcome
    message: str

    @property
    def correct(self):
        """True when the answer was judged correct."""
        return self.outcome is Outcome.CORRECT

    def __str__(self):
        return f"{self.outcome.value}: {self.message}"

    def _repr_html_(self):
        background, color = _STYLE[self.outcome]
        return (
            f'<div style="background:{background};border-left:4px solid {color};'
            f'padding:6px 10px;margin:4px 0"><b style="color:{color}">'
            f"{self.outcome.value}</b>: {html.escape(self.message)}</div>"
        )


class Question:
    """One exercise question: which variables it reads and how it judges them.

    Args:
        names: the notebook variables the answer is read from, e.g. ``("model",)``.
        judge: called with those variables' values; returns a message for a correct
            answer, or raises :class:`Incorrect` with a message that teaches, or
            :class:`NotAttempted` when the variables hold no attempt yet.
    """

    def __init__(self, names, judge):
        self.names = tuple(names)
        self.judge = judge

    def feedback(self, namespace):
        """Judge the answer found in ``namespace`` without showing or raising anything.

        Args:
            namespace: a mapping from variable names to values, e.g. a notebook's globals.

        Returns:
            A :class:`Feedback`.
        """
        missing = [name for name in self.names if name not in namespace]
        if missing:
            listed = ", ".join(f"`{name}`" for name in missing)
            return Feedback(
                Outcome.NOT_ATTEMPTED,
                f"define {listed} in the answer cell above, run it, then run this cell again.",
            )
        try:
            message = self.judge(*(namespace[name] for name in self.names))
        except Incorrect as wrong:
            return Feedback(Outcome.INCORRECT, str(wrong))
        except NotAttempted as waiting:
            return Feedback(Outcome.NOT_ATTEMPTED, str(waiting))
        except Exception as error:  # an answer so broken that judging it failed
            return Feedback(
                Outcome.INCORRECT,
                f"checking your answer raised {type(error).__name__}: {error}. "
                "Look at what your answer cell assigns.",
            )
        return Feedback(Outcome.CORRECT, message)

    def check(self, namespace=None):
        """Show feedback for the answer in the calling notebook; raise if it is not correct.

        Args:
            namespace: where to read the answer; by default the caller's global variables,
                which in a notebook are the notebook's variables.

        Raises:
            CheckFailed: if the answer is missing or incorrect.
        """
        __tracebackhide__ = True  # noqa: F841 (IPython and pytest hide this frame)
        if namespace is None:
            namespace = inspect.currentframe().f_back.f_globals
        result = self.feedback(namespace)
        _show(result)
        if not result.correct:
            raise CheckFailed(str(result))


def _show(feedback):
    """Display feedback as HTML in a notebook, or print it elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(feedback)
    else:
        print(feedback)
