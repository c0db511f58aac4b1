"""Helpers for the nbgrader tests: temporary course roots, submissions, scores.

Every test works on a copy of the course (nbgrader_config.py, utils/, tools/
and the assignment sources) in a temporary folder, so the real gradebook,
release/ and submitted/ are never touched.
"""

import contextlib
import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
COURSE_ID = "backprop"
N_ASSIGNMENTS = 5
ASSIGNMENT_NAME = re.compile(r"ps\d+_[a-z0-9_]+")
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
COURSE_FILES = ("nbgrader_config.py", "utils", "grader", "Makefile", "pyproject.toml")


def assignments(root=ROOT):
    """Names of the assignments in root/source: folders psK_name holding psK_name.ipynb."""
    source = Path(root) / "source"
    if not source.is_dir():
        return []
    return sorted(d.name for d in source.iterdir()
                  if ASSIGNMENT_NAME.fullmatch(d.name) and (d / f"{d.name}.ipynb").is_file())


def source_notebook(name, root=ROOT):
    """Path of the source notebook of assignment ``name``."""
    return Path(root) / "source" / name / f"{name}.ipynb"


def environment():
    """os.environ for nbgrader subprocesses: the venv first on PATH (nbgrader runs
    `alembic`), no gradebook or exchange override from the caller, 10 s per cell."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    for name in ("NBGRADER_DB_URL", "NBGRADER_EXCHANGE"):
        env.pop(name, None)
    # 10 s a cell keeps the infinite-loop student short; solutions need far less.
    env["NBGRADER_CELL_TIMEOUT"] = "10"
    return env


@contextlib.contextmanager
def venv_on_path():
    """Temporarily put the venv's bin/ first on PATH (the Gradebook runs `alembic`)."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), old])
    try:
        yield
    finally:
        os.environ["PATH"] = old


def make_course(target, names):
    """Copy the course machinery and the sources of ``names`` into ``target``."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for item in COURSE_FILES:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, target / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / item)
    for name in names:
        shutil.copytree(source_notebook(name).parent, target / "source" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return target


def run(root, *args, timeout=900, env=None):
    """Run ``python -m nbgrader *args`` in the course ``root`` (``env``: extra
    environment variables); return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"],
        cwd=root, env={**environment(), **(env or {})}, capture_output=True, text=True,
        timeout=timeout)


def run_tool(root, tool, *args, timeout=900):
    """Run ``python tools/<tool> *args`` from the course ``root``."""
    return subprocess.run([sys.executable, str(Path(root) / "tools" / tool), *args],
                          cwd=root, env=environment(), capture_output=True, text=True,
                          timeout=timeout)


def strip_markers(source, markers=SOLUTION_MARKERS):
    """``source`` without the lines that hold a BEGIN/END marker (the code between stays)."""
    return "\n".join(line for line in source.split("\n")
                     if not any(marker in line for marker in markers))


def solution_region(source):
    """Text between the solution markers of a cell (all regions, joined)."""
    inside, lines = False, []
    for line in source.split("\n"):
        if SOLUTION_MARKERS[0] in line:
            inside = True
        elif SOLUTION_MARKERS[1] in line:
            inside = False
        elif inside:
            lines.append(line)
    return "\n".join(lines)


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_solution(cell):
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def is_test(cell):
    md = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(md.get("grade")) and not md.get("solution")


def read(path):
    return nbformat.read(str(path), as_version=4)


def perfect_submission(release_nb, source_nb):
    """The release notebook with every solution cell answered by the source solution."""
    answers = {grade_id(c): strip_markers(c.source) for c in source_nb.cells if is_solution(c)}
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        if is_solution(cell):
            cell.source = answers[grade_id(cell)]
    return nb


def submit(root, student, assignment, notebook):
    """Write ``notebook`` (a NotebookNode, or raw text) as the student's submission."""
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    if isinstance(notebook, str):
        path.write_text(notebook)
    else:
        nbformat.write(notebook, str(path))
    return path


def scores(root, assignment):
    """{student: {grade_id: score}} for every graded cell of ``assignment``."""
    from nbgrader.api import Gradebook
    result = {}
    with venv_on_path(), Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}",
                                   COURSE_ID) as gb:
        for submission in gb.assignment_submissions(assignment):
            result[submission.student.id] = {
                grade.name: grade.score
                for notebook in submission.notebooks for grade in notebook.grades}
    return result


def max_points(source_nb):
    """{grade_id: points} of the autograded test cells of a source notebook."""
    return {grade_id(c): float(c.metadata["nbgrader"]["points"])
            for c in source_nb.cells if is_test(c)}


def kernel_env():
    """Environment for kernels started by the tests: the course root importable."""
    env = environment()
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), env.get("PYTHONPATH", "")] if p)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def cell_by_id(nb, cell_id):
    """The cell of ``nb`` whose nbgrader grade_id is ``cell_id`` (KeyError if none)."""
    for cell in nb.cells:
        if grade_id(cell) == cell_id:
            return cell
    raise KeyError(f"no cell with grade_id {cell_id!r}")


def execute(nb, cwd, stop_after=None, timeout=60):
    """Execute ``nb`` (in place) in a fresh kernel, errors allowed; return it.

    With ``stop_after`` (a grade_id) the cells after that one are dropped first.
    """
    from nbclient import NotebookClient
    if stop_after is not None:
        last = nb.cells.index(cell_by_id(nb, stop_after))
        nb.cells = nb.cells[:last + 1]
    client = NotebookClient(nb, timeout=timeout, startup_timeout=60, allow_errors=True,
                            kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
                            extra_arguments=["--HistoryManager.hist_file=:memory:",
                                             "--IPKernelApp.log_level=ERROR"])
    client.execute(env=kernel_env())
    return nb


def cell_score(cell):
    """(score, max) of an executed test cell, decided exactly as nbgrader does."""
    from nbgrader.utils import determine_grade
    return determine_grade(cell)


def load_mistakes(path):
    """MISTAKES list of a catalogue file tests/mistakes/psK_*.py."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(f"mistakes_{Path(path).stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MISTAKES


def catalogue_path(name):
    """Mistake catalogue of assignment ``name``."""
    return ROOT / "tests" / "mistakes" / f"{name}.py"


def make_args(venv=ROOT / ".venv"):
    """Arguments that make a copy of the course use this checkout's venv as it is: the
    install stamps count as up to date, so make never re-installs (and never points the
    editable install at the copy)."""
    return [f"VENV={venv}", "-o", f"{venv}/.installed", "-o", f"{venv}/.installed-test"]
