"""What grading needs to know about one notebook of a lesson, read from ``solutions/``.

For every test cell: which question's check it calls, which variables are the student's
answer (``Question.names``), which the judge takes from the reference solution
(``Question.given`` and any other name the hidden tests read), the part of the cell the
student's kernel runs (the released one, without hidden tests) and the whole cell the judge
runs. This is instructor code, read by parsing and by importing ``helpers.checks``.
"""

import ast
import builtins
import functools
import hashlib
import importlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grading.assemble import is_answer, is_test, is_written_answer, nbgrader_metadata

#: Bump when the plan or the exported values change form: cached references are redone.
FORMAT = "1"


@dataclass
class QuestionPlan:
    """One test cell."""
    grade_id: str
    points: float
    module: str                  # e.g. "helpers.checks.single_neuron"
    question: str                # the Question's name in that module, e.g. "weights"
    names: list                  # the student's answer
    given: list                  # from the reference: what the notebook hands out
    context: list                # from the reference: further names the hidden tests read
    released_source: str         # what the student's kernel runs
    test_source: str             # what the judge runs (check and hidden tests)

    @property
    def reference_names(self):
        """Every variable the judge reads, as the reference solution exports them."""
        return sorted(set(self.names) | set(self.given) | set(self.context))


@dataclass
class WrittenPlan:
    """One answer a person marks."""
    grade_id: str
    points: float
    stub: str                    # the released, unanswered text


@dataclass
class LessonPlan:
    """One graded notebook of a lesson."""
    lesson: str
    notebook: str
    setup_source: str            # the instructor's imports, run before each judged cell
    questions: list[QuestionPlan] = field(default_factory=list)   # in notebook order
    written: list[WrittenPlan] = field(default_factory=list)
    fingerprint: str = ""        # changes whenever the source, the release or FORMAT do


@functools.cache
def _helpers_version():
    """The course's helpers (which compute the reference values) and the libraries' versions."""
    import keras
    import numpy
    import helpers
    digest = hashlib.sha256(f"{keras.__version__} {numpy.__version__}".encode())
    for path in sorted(Path(helpers.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _imports(tree):
    return [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]


def _bound_by_imports(nodes):
    names = {}
    for node in nodes:
        for alias in node.names:
            if isinstance(node, ast.Import):
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
            elif node.level == 0 and node.module:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _checked_question(tree, modules):
    """(module, question name) of the ``<alias>.<question>.check()`` call in a test cell."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "check" and isinstance(node.func.value, ast.Attribute)
                and isinstance(node.func.value.value, ast.Name)
                and node.func.value.value.id in modules):
            return modules[node.func.value.value.id], node.func.value.attr
    raise ValueError("a test cell must call a question's check, e.g. questions.model.check()")


def _free_names(tree):
    """Names a cell reads without defining them itself."""
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and isinstance(n.ctx, (ast.Store, ast.Del))}
    assigned |= {n.name for n in ast.walk(tree)
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))}
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loaded - assigned - set(dir(builtins))


def lesson_plan(lesson, notebook, source, released):
    """The plan of one notebook, from its instructor version and its release."""
    handed_out = {nbgrader_metadata(c).get("grade_id"): c.source for c in released.cells}
    instructor_code = [c for c in source.cells if c.cell_type == "code"
                       and not is_answer(c) and not is_test(c)]
    imports = [node for c in instructor_code for node in _imports(ast.parse(c.source))]
    bound = _bound_by_imports(imports)
    modules = {name: target for name, target in bound.items() if target.startswith("helpers.checks.")}
    plan = LessonPlan(lesson, notebook, ast.unparse(ast.Module(body=imports, type_ignores=[])))
    for cell in source.cells:
        meta = nbgrader_metadata(cell)
        if is_written_answer(cell) and not is_test(cell):
            plan.written.append(WrittenPlan(meta["grade_id"], float(meta.get("points", 0)),
                                            handed_out.get(meta["grade_id"], "")))
        if not is_test(cell):
            continue
        tree = ast.parse(cell.source)
        module, name = _checked_question(tree, modules)
        question = getattr(importlib.import_module(module), name)
        answer, given = list(question.names), list(question.given)
        context = sorted(_free_names(tree) - set(bound) - set(answer) - set(given))
        plan.questions.append(QuestionPlan(
            meta["grade_id"], float(meta.get("points", 0)), module, name, answer, given,
            context, handed_out.get(meta["grade_id"], cell.source), cell.source))
    digest = hashlib.sha256(FORMAT.encode())
    for notebook in (source, released):
        digest.update(nbformat.writes(notebook).encode())
    digest.update(_helpers_version().encode())
    plan.fingerprint = digest.hexdigest()[:16]
    return plan
