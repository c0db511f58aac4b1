"""nbgrader plugins for this course; nbgrader_config.py loads this file.

RobustExecute  autograding that survives hostile notebooks: a cell that hits
               the per-cell timeout is interrupted and scores 0 while later
               cells still run; a kernel that dies (``os._exit``, a crash)
               leaves that cell and every later code cell with an error, so
               they score 0 and the student is still graded; a notebook that
               runs past ``notebook_timeout`` seconds stops the same way.
RestoreCells   test cells a student deleted come back from the gradebook even
               when the cells around them were deleted too.
HideTestCode   feedback without test code: each autograder test cell shows its
               visible (released) part only, never the hidden tests, and each
               error output is cut to ``Name: message`` because an IPython
               traceback quotes the failing test line.
"""

import re
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import ClearHiddenTests, Execute, OverwriteCells
from traitlets import Integer, Unicode

HIDDEN_NOTE = "# The hidden tests of this cell ran during grading; they are not shown."
STDERR_NOTE = ("[stderr output hidden: a test cell that writes to stderr, e.g. a "
               "warning, scores 0]\n")


def error_output(ename, evalue):
    """A notebook error output whose traceback is the single line ``ename: evalue``."""
    return new_output("error", ename=ename, evalue=evalue,
                      traceback=[f"{ename}: {evalue}"])


class RobustExecute(Execute):
    """nbgrader's Execute, but a dead kernel or a runaway notebook costs points, not the run."""

    notebook_timeout = Integer(
        300, help="Seconds for a whole notebook; code cells after that are not run "
                  "and score 0.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._stop_reason = None
        self._deadline = time.monotonic() + self.notebook_timeout
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._stop_reason is None and time.monotonic() > self._deadline:
            self._stop_reason = f"the notebook ran longer than {self.notebook_timeout} s"
        if self._stop_reason is not None:
            cell.outputs = [error_output("NotRun", f"not run: {self._stop_reason}")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stop_reason = "the kernel died in an earlier cell"
            cell.outputs.append(error_output(
                "DeadKernelError", "the kernel died while running this cell "
                                   "(os._exit, a crash or running out of memory)"))
        except CellTimeoutError as err:
            cell.outputs.append(error_output("CellTimeoutError", str(err).splitlines()[0]))
        return cell, resources


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
