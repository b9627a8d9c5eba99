"""The answer corpus's machinery: judge an answer the way the learner sees it and the way
``make grade`` grades it, and say whether the two agree.

A lesson's solution notebook is run once in this process, cell by cell. Before each answer
cell its namespace is kept (Keras models copied, so later cells cannot change them), and at
each test cell the reference solution's values are exported exactly as the grader exports
them. An :class:`Answer` is then run on a copy of the namespace before its answer cell, as a
learner's answer cell would run, and judged twice:

- by the visible check, ``Question.feedback`` on the learner's namespace;
- by the grader's judge: the answer names exported to inert files, read back with
  :func:`helpers.checks.crossing.load`, and the instructor's whole test cell run by
  :func:`grading.judge.judge_question` against the reference values.
"""

import functools
import importlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grading import judge
from grading.assemble import is_answer, is_test, nbgrader_metadata
from grading.plan import lesson_plan
from grading.records import Outcome
from helpers.checks import core, crossing
from tests.conftest import REPO

_CHECK_TO_GRADE = {core.Outcome.CORRECT: Outcome.CORRECT,
                   core.Outcome.INCORRECT: Outcome.INCORRECT,
                   core.Outcome.NOT_ATTEMPTED: Outcome.NOT_ATTEMPTED}


@dataclass(frozen=True)
class Answer:
    """One answer to one question, as a learner would write its answer cell.

    Args:
        grade_id: the question's test cell.
        code: the whole answer cell.
        fix: None for a correct answer; for a wrong one, a fragment the message must hold
            (what to fix, such as "`batch_size`").
        label: a short name for the test's id.
    """
    grade_id: str
    code: str
    fix: str = None
    label: str = ""

    def __str__(self):
        return f"{self.grade_id}:{self.label or ('right' if self.fix is None else 'wrong')}"


def _fork(namespace, scratch):
    """A copy of a notebook namespace whose Keras models are copies too."""
    import keras
    copy = dict(namespace)
    for name, value in namespace.items():
        if isinstance(value, keras.Model) and not crossing.problem(value):
            folder = Path(tempfile.mkdtemp(dir=scratch))
            crossing.export(namespace, [name], folder)
            values, _ = crossing.load(folder)
            copy[name] = values.get(name, value)
    return copy


class LessonState:
    """A lesson's solution notebook, run once: namespaces before each answer, references."""

    def __init__(self, lesson):
        source = nbformat.read(REPO / "solutions" / lesson / "exercise.ipynb", as_version=4)
        released = nbformat.read(REPO / "notebooks" / lesson / "exercise.ipynb", as_version=4)
        self.plan = lesson_plan(lesson, "exercise.ipynb", source, released)
        self.questions = {q.grade_id: q for q in self.plan.questions}
        self.setup = judge.setup_namespace(self.plan)
        self.scratch = Path(tempfile.mkdtemp(prefix=f"corpus-{lesson}-"))
        self.before, self.reference = {}, {}
        namespace = {"__name__": "__main__", "display": lambda *args, **kwargs: None}
        waiting = None
        for cell in source.cells:
            if cell.cell_type != "code":
                continue
            if is_test(cell):
                grade_id = nbgrader_metadata(cell)["grade_id"]
                self.before[grade_id] = waiting
                folder = self.scratch / "reference" / grade_id
                crossing.export(namespace, self.questions[grade_id].reference_names, folder)
                self.reference[grade_id] = crossing.load(folder)
                waiting = None
                continue
            if is_answer(cell):
                waiting = _fork(namespace, self.scratch)
            exec(compile(cell.source, f"<{lesson} cell>", "exec"), namespace)

    def question(self, grade_id):
        plan = self.questions[grade_id]
        return plan, getattr(importlib.import_module(plan.module), plan.question)

    def run(self, answer):
        """The learner's namespace after running ``answer`` instead of the reference."""
        namespace = _fork(self.before[answer.grade_id], self.scratch)
        exec(compile(answer.code, f"<answer {answer}>", "exec"), namespace)
        return namespace

    def verdicts(self, answer):
        """(the visible check's Feedback, the grader's Judgement) for one answer."""
        plan, question = self.question(answer.grade_id)
        namespace = self.run(answer)
        visible = question.feedback(namespace)
        folder = Path(tempfile.mkdtemp(dir=self.scratch))
        crossing.export(namespace, plan.names, folder)
        graded = judge.judge_question(plan, self.setup, self.reference[answer.grade_id],
                                      crossing.load(folder))
        return visible, graded


@functools.cache
def lesson_state(lesson):
    """The :class:`LessonState` of a lesson, built once per test process."""
    return LessonState(lesson)


def assert_agree(lesson, answer):
    """The visible check and the grade agree on ``answer``, and judge it as expected."""
    visible, graded = lesson_state(lesson).verdicts(answer)
    graded_as = Outcome.INCORRECT if graded.outcome is Outcome.UNREADABLE else graded.outcome
    assert _CHECK_TO_GRADE[visible.outcome] is graded_as, (
        f"the check says {visible.outcome.value} ({visible.message}) but the grade is "
        f"{graded.outcome.value} ({graded.message})")
    if answer.fix is None:
        assert visible.outcome is core.Outcome.CORRECT, visible.message
        return
    assert visible.outcome is not core.Outcome.CORRECT, "a wrong answer was accepted"
    messages = [visible.message]
    if graded.outcome is not Outcome.UNREADABLE:  # else it says what could not be read
        messages.append(graded.message)
    for message in messages:
        assert answer.fix in message, f"{answer.fix!r} is not in: {message}"
