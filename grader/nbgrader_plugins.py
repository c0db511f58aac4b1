"""nbgrader plugins for this course; nbgrader_config.py installs them.

SandboxGrade   autograding in the sandbox, scores decided by the trusted grader
               (instead of nbgrader's Execute).
RecordProgress notes each graded notebook, so a killed autograde run can resume.
RestoreCells   test cells a student deleted come back from the gradebook even
               when the cells around them were deleted too.
HideTestCode   feedback without test code: each autograder test cell shows its
               visible (released) part only, never the hidden tests, and each
               error output is cut to ``Name: message`` because an IPython
               traceback quotes the failing test line.
"""

import os
import re
import time

from nbformat.v4 import new_output
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor, OverwriteCells
from traitlets import Unicode

from grader.grade import AssignmentGrader, is_test_cell

HIDDEN_NOTE = "# The hidden tests of this cell ran during grading; they are not shown."
STDERR_NOTE = ("[stderr output hidden: a test cell that writes to stderr, e.g. a "
               "warning, scores 0]\n")


def error_output(ename, evalue):
    """A notebook error output whose traceback is the single line ``ename: evalue``."""
    return new_output("error", ename=ename, evalue=evalue,
                      traceback=[f"{ename}: {evalue}"])


class SandboxGrade(NbGraderPreprocessor):
    """Autograde in the sandbox: the trusted grader writes every test cell's output.

    Replaces nbgrader's Execute. The notebook's code runs in bubblewrap
    (grader.sandbox) and returns plain data; grader.grade judges it outside. A test
    cell's output is then either one line saying it passed or one error line with the
    reason, so nothing the student's code printed or displayed can reach the score or
    the feedback. A code cell of the student's that raised gets its one-line error.
    """

    course_root = Unicode("", help="The course root, holding source/.").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        notebook = resources["nbgrader"]["notebook"]
        graders = self.__dict__.setdefault("_graders", {})
        if assignment not in graders:
            graders[assignment] = AssignmentGrader(self.course_root or os.getcwd(), assignment)
        verdicts, errors, problem = graders[assignment].grade(nb, notebook)
        for index, cell in enumerate(nb.cells):
            if is_test_cell(cell):
                verdict = verdicts[cell.metadata["nbgrader"]["grade_id"]]
                cell.outputs = ([new_output("stream", name="stdout",
                                            text=f"Passed {verdict.checks} checks.\n")]
                                if verdict.message is None
                                else [error_output("CheckFailed", verdict.message)])
            elif cell.cell_type == "code":
                cell.outputs = []
                if index in errors:
                    name, _, message = errors[index].partition(": ")
                    cell.outputs = [error_output(name, message)]
            if cell.cell_type == "code":
                cell.execution_count = None
        if problem:
            self.log.warning("%s: %s", notebook, problem)
        return nb, resources


class RecordProgress(NbGraderPreprocessor):
    """Last autograde step: note that this student's notebook is graded (for resuming)."""

    course_root = Unicode("", help="The course root, holding autograded/.").tag(config=True)

    def preprocess(self, nb, resources):
        from grader.autograde import done_file
        info = resources["nbgrader"]
        path = done_file(self.course_root or os.getcwd(), info["assignment"])
        path.parent.mkdir(parents=True, exist_ok=True)
        line = f"{info['student']}\t{info['notebook']}\t{time.time()}\n"
        with open(path, "a") as progress:  # one short append: safe with parallel jobs
            progress.write(line)
        return nb, resources


class HideTestCode(ClearHiddenTests):
    """Feedback preprocessor: show test results and messages, never test code."""

    hidden_note = Unicode(HIDDEN_NOTE).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        is_test = (cell.cell_type == "code" and nbgrader_utils.is_grade(cell)
                   and not nbgrader_utils.is_solution(cell))
        if not is_test:
            return cell, resources
        if self._remove_hidden_test_region(cell):
            cell.source = cell.source.rstrip("\n") + "\n" + self.hidden_note
        cell.outputs = [_without_code(output) for output in cell.outputs]
        return cell, resources


def _without_code(output):
    """Keep what a test printed, but no traceback lines and no stderr text."""
    if output.output_type == "error":
        return error_output(output.ename, output.evalue)
    if output.output_type == "stream" and output.name == "stderr":
        return new_output("stream", name="stderr", text=STDERR_NOTE)
    return output


class RestoreCells(OverwriteCells):
    """OverwriteCells whose missing grade cells go back after their nearest surviving
    predecessor (nbgrader 0.9.6 raises KeyError when that predecessor is missing too)."""

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source_nb.source_cells]
        solutions = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in sorted(source_nb.grade_cells, key=lambda c: order.index(c.name)):
            present = {_grade_id(cell): i for i, cell in enumerate(nb.cells) if _grade_id(cell)}
            if grade_cell.name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook",
                             grade_cell.name)
            position = order.index(grade_cell.name)
            cell = self.missing_cell_transform(source_nb.source_cells[position],
                                               grade_cell.max_score,
                                               is_solution=grade_cell.name in solutions)
            cell["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", f"restored-{grade_cell.name}")[:64]
            before = [present[name] for name in order[:position] if name in present]
            nb.cells.insert(max(before) + 1 if before else 0, cell)
        return nb, resources


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")
