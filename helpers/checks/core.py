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

#: The MIME type of a check's verdict, beside its HTML and plain text. Grading reads
#: verdicts as this data (or straight from the judge), never from the HTML's words.
VERDICT_MIME = "application/vnd.intro-dl.verdict+json"


class Outcome(enum.Enum):
    """What a check concluded about an answer."""

    CORRECT = "Correct"
    INCORRECT = "Not quite"
    NOT_ATTEMPTED = "Not attempted yet"


#: Background, accent (the border and the outcome's word) and text colour of each outcome's
#: box. All three are set, so the box reads the same in a light and a dark theme (a dark
#: theme's light text would be unreadable on these light backgrounds); text and accent keep a
#: WCAG AA contrast (at least 4.5) on the background. Grading's feedback pages use the accents.
STYLE = {
    Outcome.CORRECT: ("#e6f4ea", "#1e7b34", "#202124"),
    Outcome.INCORRECT: ("#fce8e6", "#b3261e", "#202124"),
    Outcome.NOT_ATTEMPTED: ("#fef7e0", "#8a6d00", "#202124"),
}


class Incorrect(Exception):
    """Raised by a judge with a message that teaches what is wrong."""


class NotAttempted(Exception):
    """Raised by a judge when the answer's variables exist but hold no attempt yet
    (for example a model that was never compiled)."""


class CheckFailed(AssertionError):
    """Raised by :meth:`Question.check` when an answer is missing or wrong."""

    def __init__(self, feedback):
        super().__init__(str(feedback))
        self.feedback = feedback


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

    def as_record(self):
        """The verdict as plain data: ``{"outcome": "correct", "message": "..."}``."""
        return {"outcome": self.outcome.name.lower(), "message": self.message}

    @classmethod
    def from_record(cls, record):
        """The inverse of :meth:`as_record`."""
        return cls(Outcome[record["outcome"].upper()], record["message"])

    def _repr_html_(self):
        background, accent, text = STYLE[self.outcome]
        return (
            f'<div class="intro-dl-verdict" style="background-color:{background};color:{text};'
            f'border-left:4px solid {accent};padding:6px 10px;margin:4px 0">'
            f'<b style="color:{accent}">{self.outcome.value}</b>: '
            f"{html.escape(self.message)}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self), "text/html": self._repr_html_(),
                VERDICT_MIME: self.as_record()}


class Question:
    """One exercise question: which variables it reads and how it judges them.

    Args:
        names: the learner's answer: the notebook variables it is read from, e.g.
            ``("model",)``. When grading, these are the student's values.
        judge: called with the values of ``names`` and then of ``given``; returns a message
            for a correct answer, or raises :class:`Incorrect` with a message that teaches,
            or :class:`NotAttempted` when the variables hold no attempt yet.
        given: variables the notebook hands out (the data splits, say) that the judge
            compares the answer with. When grading, these come from the reference
            solution, never from the student.
    """

    def __init__(self, names, judge, given=()):
        self.names = tuple(names)
        self.given = tuple(given)
        self.judge = judge

    @property
    def reads(self):
        """Every variable the judge reads: the answer's, then the given ones."""
        return self.names + self.given

    def feedback(self, namespace):
        """Judge the answer found in ``namespace`` without showing or raising anything.

        Args:
            namespace: a mapping from variable names to values, e.g. a notebook's globals.

        Returns:
            A :class:`Feedback`.
        """
        from helpers.checks import crossing  # imports Keras: not at the engine's import

        missing = [name for name in self.reads if name not in namespace]
        if missing:
            listed = ", ".join(f"`{name}`" for name in missing)
            return Feedback(
                Outcome.NOT_ATTEMPTED,
                f"define {listed} in the answer cell above, run it, then run this cell again.",
            )
        try:
            message = self.judge(*(namespace[name] for name in self.reads))
        except Incorrect as wrong:
            return Feedback(Outcome.INCORRECT, str(wrong))
        except NotAttempted as waiting:
            return Feedback(Outcome.NOT_ATTEMPTED, str(waiting))
        except Exception as error:  # an answer so strange that judging it failed
            return Feedback(
                Outcome.INCORRECT,
                f"your answer could not be checked: it is not of the kind the question "
                f"asks for (judging it raised {type(error).__name__}). Look at what your "
                "answer cell assigns, and print it to see what it holds.",
            )
        for name in self.names:  # right, but can the grader read it? (see crossing)
            problem = crossing.problem(namespace[name])
            if problem:
                return Feedback(Outcome.INCORRECT, f"`{name}` {problem}")
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
        show(result)
        if not result.correct:
            raise CheckFailed(result)


def _display(feedback):
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


#: How :meth:`Question.check` shows its feedback. The grader's judge, which has no
#: notebook, replaces it to collect the verdicts.
show = _display
