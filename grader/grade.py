"""Grade one notebook: run it in the sandbox, judge the data it returns, outside it.

For each test cell (an nbgrader grade cell that is not a solution cell) the checks
are its visible ones (``utils.checks.<assignment>.CHECKS``) and its hidden ones
(``grader.hidden.<assignment>.CHECKS``). The student's notebook runs once in the
sandbox: every code cell except the test cells, then every probe. Expected values come
from each check's ``expect`` or, for hidden checks without one, from the same probe run
once on the solution notebook in ``source/``. A test cell earns its points only if all
of its checks pass; its feedback is the first failing check's sentence.
"""

import hashlib
import importlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.sandbox import Sandbox, Unsandboxed
from utils.checks.core import sentence


@dataclass(frozen=True)
class Verdict:
    """The grade of one test cell: points earned, points possible, and why (None if passed)."""
    score: float
    max_score: float
    message: object
    checks: int


def unsandboxed():
    """True when GRADER_UNSANDBOXED=1 asks for grading without bubblewrap."""
    return os.environ.get("GRADER_UNSANDBOXED", "") == "1"


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell):
    """An autograded test cell: a code cell that is graded and is not a solution."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution")


def student_cells(nb):
    """(index in nb.cells, source) of every code cell that is not a test cell."""
    return [(i, cell.source) for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and not is_test_cell(cell)]


def load_checks(assignment):
    """(visible CHECKS, hidden CHECKS, MASKED) of an assignment."""
    public = importlib.import_module(f"utils.checks.{assignment}")
    hidden = importlib.import_module(f"grader.hidden.{assignment}")
    return public.CHECKS, hidden.CHECKS, getattr(public, "MASKED", {})


class AssignmentGrader:
    """Grades notebooks of one assignment; the solution runs once, on first use.

    root: the course root (holding source/<assignment>/). The sandbox is bubblewrap
    unless GRADER_UNSANDBOXED=1.
    """

    def __init__(self, root, assignment):
        self.root = Path(root)
        self.assignment = assignment
        self.visible, self.hidden, masked = load_checks(assignment)
        self.sandbox = (Unsandboxed if unsandboxed() else Sandbox)(masked)
        self._solution = {}

    def checks_of(self, grade_id):
        """[(check, hidden)] of one test cell; ValueError if it has none."""
        found = ([(c, False) for c in self.visible.get(grade_id, [])]
                 + [(c, True) for c in self.hidden.get(grade_id, [])])
        if not found:
            raise ValueError(f"{self.assignment}: test cell {grade_id!r} has no checks in "
                             f"utils/checks or grader/hidden")
        return found

    def _plan(self, nb):
        """[(grade_id, k, check, hidden)] for every check of every test cell of ``nb``."""
        return [(grade_id, k, check, hidden)
                for i, cell in enumerate(nb.cells) if is_test_cell(cell)
                for grade_id in [nbgrader_meta(cell)["grade_id"]]
                for k, (check, hidden) in enumerate(self.checks_of(grade_id))]

    def _cache(self, notebook):
        """(path, key) of the on-disk expected values of ``notebook``: the key hashes the
        solution notebook and every file the checks come from, so any edit recomputes them."""
        import utils.checks
        import utils.checks.core
        h = hashlib.sha256()
        sources = [self.root / "source" / self.assignment / f"{notebook}.ipynb",
                   Path(utils.checks.core.__file__), Path(importlib.import_module(
                       f"utils.checks.{self.assignment}").__file__),
                   Path(importlib.import_module(f"grader.hidden.{self.assignment}").__file__)]
        for path in sources:
            h.update(path.read_bytes())
        return self.root / "autograded" / f".{self.assignment}.{notebook}.expected.json", h.hexdigest()

    def expected(self, notebook):
        """{(grade_id, k): expected data} for the source notebook; its solution runs once,
        and its values are kept in autograded/ for later runs until a file they depend on
        changes."""
        if notebook not in self._solution:
            path, key = self._cache(notebook)
            try:
                stored = json.loads(path.read_text())
                if stored["key"] == key:
                    self._solution[notebook] = {(g, k): v for g, k, v in stored["wants"]}
            except (OSError, ValueError, KeyError, TypeError):
                pass
        if notebook not in self._solution:
            source = nbformat.read(self.root / "source" / self.assignment / f"{notebook}.ipynb",
                                   as_version=4)
            plan = self._plan(source)
            need = [(grade_id, k, check) for grade_id, k, check, _ in plan if check.expect is None]
            errors, outcomes, problem = self.sandbox.run(
                [src for _, src in student_cells(source)], [c.request() for _, _, c in need])
            wants = {(grade_id, k): check.expected()
                     for grade_id, k, check, _ in plan if check.expect is not None}
            for (grade_id, k, check), outcome in zip(need, outcomes):
                if problem or not outcome or "value" not in outcome:
                    raise RuntimeError(f"{self.assignment}/{notebook}: the solution fails the "
                                       f"check {check.label!r} ({problem or outcome}); "
                                       f"solution cells that raised: {errors}")
                wants[grade_id, k] = outcome["value"]
            self._solution[notebook] = wants
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"key": key, "wants": [[g, k, v] for (g, k), v
                                                              in wants.items()]}))
        return self._solution[notebook]

    def grade(self, nb, notebook):
        """Grade ``nb`` (a notebook of this assignment named ``notebook``, no .ipynb).

        Returns (verdicts {grade_id: Verdict}, cell_errors {cell index: line},
        problem: a sentence when the notebook could not be run to the end, else None).
        """
        tests = [(i, nbgrader_meta(c)["grade_id"], float(nbgrader_meta(c).get("points", 0)))
                 for i, c in enumerate(nb.cells) if is_test_cell(c)]
        plan = self._plan(nb)
        wants = self.expected(notebook)
        cells = student_cells(nb)
        errors, outcomes, problem = self.sandbox.run([src for _, src in cells],
                                                     [check.request() for _, _, check, _ in plan])
        messages = {}
        for (grade_id, k, check, hidden), outcome in zip(plan, outcomes):
            if grade_id in messages:
                continue
            if outcome is None:
                message = f"{check.label}: not checked, because {problem or 'the notebook stopped'}"
            else:
                message = check.verdict(outcome, wants[grade_id, k], hidden)
            if message:
                messages[grade_id] = sentence(message)
        verdicts = {grade_id: Verdict(0.0 if grade_id in messages else points, points,
                                      messages.get(grade_id),
                                      sum(1 for g, *_ in plan if g == grade_id))
                    for _, grade_id, points in tests}
        cell_errors = {cells[int(k)][0]: v for k, v in errors.items()
                       if k.isdigit() and int(k) < len(cells) and isinstance(v, str)}
        return verdicts, cell_errors, problem

    def close(self):
        self.sandbox.close()


def grade_notebook(nb, assignment, notebook=None, root=None):
    """Grade one notebook (a path or a NotebookNode) of ``assignment``; {grade_id: Verdict}.

    notebook: its name without .ipynb (default: the assignment's name). root: the
    course root (default: the folder holding this package).
    """
    root = Path(root) if root else Path(__file__).resolve().parents[1]
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(str(nb), as_version=4)
    grader = AssignmentGrader(root, assignment)
    try:
        verdicts, _, _ = grader.grade(nb, notebook or assignment)
    finally:
        grader.close()
    return verdicts
