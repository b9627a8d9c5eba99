"""``nbgrader export`` made safe for spreadsheets, for the course folders the grader writes.

nbgrader's own CSV export joins raw values with commas: a student id with a comma or a
newline breaks its row, and one that starts like a formula runs in a spreadsheet. This
plugin writes the same columns with the csv module and :func:`grading.report.safe_cell`.
The grader's ``nbgrader_config.py`` selects it, so ``nbgrader export`` in the output folder
uses it.
"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins.export import CsvExportPlugin

from grading.report import safe_cell

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
           "email", "raw_score", "late_submission_penalty", "score", "max_score"]


def _row(gradebook, assignment, student):
    try:
        submission = gradebook.find_submission(assignment.name, student.id)
        timestamp, raw, penalty = (submission.timestamp, submission.score,
                                   submission.late_submission_penalty)
    except MissingEntry:  # nothing submitted: zero, as nbgrader does
        timestamp, raw, penalty = "", 0.0, 0.0
    return [assignment.name, assignment.duedate, timestamp, student.id, student.last_name,
            student.first_name, student.email, raw, penalty, max(0.0, raw - (penalty or 0.0)),
            assignment.max_score]


class SafeCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export, with every cell a spreadsheet shows as text."""

    def export(self, gradebook):
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        with open(self.to or "grades.csv", "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    writer.writerow(["" if value is None else safe_cell(value)
                                     for value in _row(gradebook, assignment, student)])
