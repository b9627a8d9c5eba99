"""One graded notebook of a lesson, as grading needs it: its sources, plan and reference values."""

import threading
from pathlib import Path

import nbformat

from grading import assemble
from grading.plan import lesson_plan
from grading.records import Export


class Lesson:
    """One graded notebook of a lesson: its sources, plan and reference values.

    ``ready`` is set once the reference values are in ``folder``, or ``problem`` says why
    they never will be.
    """

    def __init__(self, course, references, lesson, name):
        self.source = nbformat.read(Path(course) / "solutions" / lesson / name, as_version=4)
        self.released = nbformat.read(Path(course) / "notebooks" / lesson / name, as_version=4)
        self.plan = lesson_plan(lesson, name, self.source, self.released)
        self.folder = Path(references) / lesson / f"{Path(name).stem}-{self.plan.fingerprint}"
        self.ready, self.problem = threading.Event(), None
        if (self.folder / "complete").exists():
            self.ready.set()

    @property
    def plan_file(self):
        return self.folder / "plan.json"

    def exports(self, notebook, reference):
        """What the kernel writes after each test cell: the answer, or (for the reference
        solution) everything the judge reads."""
        cells = {assemble.nbgrader_metadata(c).get("grade_id"): i
                 for i, c in enumerate(notebook.cells) if assemble.is_test(c)}
        return [Export(cells[q.grade_id], q.grade_id,
                       q.reference_names if reference else list(q.names))
                for q in self.plan.questions if q.grade_id in cells]

    def assemble(self, student):
        """The notebook to run: the student's answers, the *released* test cells."""
        merged = assemble.assemble(self.source, self.released, student)
        released = {q.grade_id: q.released_source for q in self.plan.questions}
        for cell in merged.notebook.cells:
            grade_id = assemble.nbgrader_metadata(cell).get("grade_id")
            if assemble.is_test(cell):
                cell.source = released[grade_id]
        return merged
