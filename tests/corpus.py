"""The answer corpus's machinery: judge an answer the way the learner sees it and the way
``make grade`` grades it, and say whether the two agree.

A lesson's solution notebook is run once in this process, cell by cell. Before each answer
cell its namespace is kept (Keras models copied, so later cells cannot change them), and at
each test cell the reference solution's values are exported exactly as the grader exports
them. An :class:`Answer` is then run on a copy of the namespace before its answer cell, as a
learner's answer cell would run, and judged twice:

- by the visible check, ``Question.feedback`` on the learner's namespace;
- by the grader's judge: the answer names exported to inert files, read back with
  :func:`grading.answers.load`, and the instructor's whole test cell run by
  :func:`grading.judge.judge_question` against the reference values.
"""

import ast
import functools
import importlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grading import answers, judge
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
            values, _ = answers.load(folder)
            copy[name] = values.get(name, value)
    return copy


def _defines_and_reads(source):
    """Names a cell may define or change, and names it reads (a method call may change
    its object, so ``model.compile(...)`` counts as changing ``model``)."""
    defined, read, local = set(), set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name)):
            defined.add(node.func.value.id)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            local |= {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    return defined, read - local


def _cells_to_run(cells, questions, answers_read):
    """Indices of the code cells the answers and tests need: the set-up and data before the
    first answer, every answer and test, and instructor cells that define what those (or
    the corpus's answers, ``answers_read``) read. Demonstrations that only train and plot
    are left out."""
    first_answer = next(i for i, cell in enumerate(cells) if is_answer(cell))
    modules = set().union(*(_defines_and_reads(cell.source)[0] for cell in cells[:first_answer]))
    needed, keep = set(answers_read), set()
    for index in reversed(range(len(cells))):
        cell = cells[index]
        if is_test(cell):
            needed |= set(questions[nbgrader_metadata(cell)["grade_id"]].reference_names)
            keep.add(index)
            continue
        defined, read = _defines_and_reads(cell.source)
        if index < first_answer or is_answer(cell) or (defined - modules) & needed:
            keep.add(index)
            needed |= read
    return keep


class LessonState:
    """A lesson's solution notebook, run once: namespaces before each answer, references."""

    def __init__(self, lesson, answers_read=frozenset()):
        source = nbformat.read(REPO / "solutions" / lesson / "exercise.ipynb", as_version=4)
        released = nbformat.read(REPO / "notebooks" / lesson / "exercise.ipynb", as_version=4)
        self.plan = lesson_plan(lesson, "exercise.ipynb", source, released)
        self.questions = {q.grade_id: q for q in self.plan.questions}
        self.setup = judge.setup_namespace(self.plan)
        self.scratch = Path(tempfile.mkdtemp(prefix=f"corpus-{lesson}-"))
        self.before, self.reference = {}, {}
        namespace = {"__name__": "__main__", "display": lambda *args, **kwargs: None}
        waiting = None
        cells = [cell for cell in source.cells if cell.cell_type == "code"]
        keep = _cells_to_run(cells, self.questions, answers_read)
        for index, cell in enumerate(cells):
            if index not in keep:
                continue
            if is_test(cell):
                grade_id = nbgrader_metadata(cell)["grade_id"]
                self.before[grade_id] = waiting
                folder = self.scratch / "reference" / grade_id
                crossing.export(namespace, self.questions[grade_id].reference_names, folder)
                self.reference[grade_id] = answers.load(folder)
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
                                      answers.load(folder))
        return visible, graded


@functools.cache
def lesson_state(lesson, answers_read=frozenset()):
    """The :class:`LessonState` of a lesson, built once per test process."""
    return LessonState(lesson, answers_read)


def assert_agree(lesson, answer, corpus):
    """The visible check and the grade agree on ``answer`` (one of ``corpus``, the lesson's
    answers), and judge it as expected."""
    answers_read = frozenset().union(*(_defines_and_reads(a.code)[1] for a in corpus))
    visible, graded = lesson_state(lesson, answers_read).verdicts(answer)
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
