"""grades.csv that tells "not submitted" from 0 and marks scores waiting for hand grading.

``StatusCsvExport`` is nbgrader's CSV export (nbgrader_config.py installs it for
`make grades`) with one more column, ``status``:

* ``not submitted`` - no submission (score left empty, not 0);
* ``needs hand grading`` - autograded, but written answers still wait for a hand grade
  (the score is not final);
* ``graded`` - every cell has its final score.
"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
           "email", "status", "raw_score", "late_submission_penalty", "score", "max_score"]


def _text(value):
    return "" if value is None else str(value)


class StatusCsvExport(ExportPlugin):
    """CSV export with a status column (see the module docstring)."""

    def export(self, gradebook):
        dest = self.to or "grades.csv"
        wanted_students = {str(s) for s in self.student}
        wanted_assignments = {str(a) for a in self.assignment}
        with open(dest, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if wanted_assignments and assignment.name not in wanted_assignments:
                    continue
                for student in gradebook.students:
                    if wanted_students and student.id not in wanted_students:
                        continue
                    writer.writerow(self.row(gradebook, assignment, student))

    @staticmethod
    def row(gradebook, assignment, student):
        """One CSV row of one student's assignment."""
        row = dict(assignment=assignment.name, duedate=_text(assignment.duedate),
                   student_id=student.id, last_name=_text(student.last_name),
                   first_name=_text(student.first_name), email=_text(student.email),
                   max_score=assignment.max_score)
        try:
            submission = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return {**row, "timestamp": "", "status": "not submitted", "raw_score": "",
                    "late_submission_penalty": "", "score": ""}
        penalty = submission.late_submission_penalty or 0.0
        status = "needs hand grading" if submission.needs_manual_grade else "graded"
        return {**row, "timestamp": _text(submission.timestamp), "status": status,
                "raw_score": submission.score, "late_submission_penalty": penalty,
                "score": max(0.0, submission.score - penalty)}
