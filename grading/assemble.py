"""Build the notebook that is actually graded: the instructor's cells, the student's answers.

Whatever a submission did to its own copy, the graded notebook has every test cell (hidden
tests included) and every instructor cell with its grade metadata exactly as in
``solutions/``, in the instructor's order. From the student it takes the answer cells (by
``grade_id``) and every other cell of theirs, each kept before the instructor cell it preceded
(so moving a test cell cannot drag the set-up cell along with it).
Deleted answers count as not answered; duplicated or edited instructor cells are ignored.
"""

import copy
from dataclasses import dataclass, field

import nbformat


def nbgrader_metadata(cell):
    """The cell's nbgrader metadata (empty if it has none)."""
    return cell.get("metadata", {}).get("nbgrader") or {}


def is_answer(cell):
    """A cell the student writes in (nbgrader calls these solution cells)."""
    return bool(nbgrader_metadata(cell).get("solution"))


def is_test(cell):
    """An autograded test cell: code, graded, not written by the student."""
    meta = nbgrader_metadata(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_written_answer(cell):
    """A graded answer a person marks (a markdown answer, or graded code with no tests)."""
    meta = nbgrader_metadata(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


@dataclass
class Assembled:
    """The notebook to run, and what was changed to make it."""
    notebook: nbformat.NotebookNode
    notes: list = field(default_factory=list)
    student_sources: list = field(default_factory=list)  # what the student wrote or changed


_GRADING_KEYS = ("grade_id", "grade", "solution", "locked", "points")


def _grading_metadata_differs(cell, original):
    mine, theirs = nbgrader_metadata(cell), nbgrader_metadata(original)
    return any(mine.get(key) != theirs.get(key) for key in _GRADING_KEYS)


def _plain(cell):
    """A copy of a student cell with any nbgrader metadata removed."""
    cell = copy.deepcopy(cell)
    cell.get("metadata", {}).pop("nbgrader", None)
    return cell


def assemble(source, released, student):
    """Merge a student's notebook into the instructor's.

    Args:
        source: the instructor notebook from ``solutions/`` (with hidden tests).
        released: the student version from ``notebooks/`` (for unanswered stubs).
        student: the submitted notebook, already read.
    """
    known = {nbgrader_metadata(c).get("grade_id"): c for c in source.cells}
    known.pop(None, None)
    handed_out = {nbgrader_metadata(c).get("grade_id"): c for c in released.cells}
    notes = []

    answers = {}                    # grade_id -> the student's answer cell
    extras = {None: []}             # grade_id of the instructor cell after -> added cells
    waiting, seen_order = [], []    # added cells not yet placed; instructor cells in their order
    for cell in student.cells:
        grade_id = nbgrader_metadata(cell).get("grade_id")
        if grade_id in known and grade_id not in seen_order:
            seen_order.append(grade_id)
            extras[grade_id], waiting = waiting, []
            if is_answer(known[grade_id]):
                answers[grade_id] = cell
                if _grading_metadata_differs(cell, known[grade_id]):
                    notes.append(f"the grading metadata of answer cell {grade_id!r} was edited; "
                                 "the instructor's was used")
            elif (_grading_metadata_differs(cell, known[grade_id])
                  or cell.source != handed_out.get(grade_id, known[grade_id]).source):
                notes.append(f"instructor cell {grade_id!r} was edited; the original was used")
        elif grade_id in known:
            if is_answer(known[grade_id]):
                waiting.append(_plain(cell))
                notes.append(f"answer cell {grade_id!r} appears twice; the first one was graded")
            else:
                notes.append(f"instructor cell {grade_id!r} appears twice; the copy was ignored")
        else:
            if grade_id is not None:
                notes.append(f"a cell claimed the unknown grade id {grade_id!r}; "
                             "it was run as an ordinary cell")
            waiting.append(_plain(cell))
    extras[None] = waiting  # added after the last instructor cell: they go at the end

    source_order = [g for g in (nbgrader_metadata(c).get("grade_id") for c in source.cells) if g]
    if seen_order != [g for g in source_order if g in seen_order]:
        notes.append("cells were moved; they were graded in the instructor's order")

    cells, student_sources = [], []
    for cell in source.cells:
        grade_id = nbgrader_metadata(cell).get("grade_id")
        if grade_id is None:
            continue  # instructor cells without an id are the student's to keep or change
        for extra in extras.get(grade_id, []):
            cells.append(extra)
            student_sources.append(extra.source)
        if grade_id not in seen_order:
            notes.append(f"cell {grade_id!r} was deleted; the instructor's "
                         f"{'unanswered stub' if is_answer(cell) else 'cell'} was used")
        if is_answer(cell):
            answer = copy.deepcopy(cell)
            given = answers.get(grade_id, handed_out.get(grade_id, cell))
            answer.source = given.source
            cells.append(answer)
            student_sources.append(answer.source)
        else:
            cells.append(copy.deepcopy(cell))
    cells += extras[None]
    student_sources += [c.source for c in extras[None]]
    handed_out_sources = {c.source for c in released.cells}
    student_sources = [s for s in student_sources if s not in handed_out_sources]

    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # a copied cell would repeat its original's id
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source.metadata))
    notebook.nbformat_minor = max(notebook.nbformat_minor, 5)
    return Assembled(notebook, notes, student_sources)
