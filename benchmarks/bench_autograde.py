"""Autograding: time per submission of each assignment, and JOBS=2 against JOBS=1.

Everything runs in a temporary copy of the course (source/, release/, utils/,
grader/ or tools/, nbgrader_config.py, Makefile, pyproject.toml), through the
instructor's command line, `make autograde ASSIGNMENT=<a> JOBS=<n>`, with this
virtual environment (VENV=...; the install stamps are taken as up to date, so
make never reinstalls anything). Submissions are the solved source notebooks,
copied to submitted/<student>/<a>/ after `nbgrader generate_assignment`.

The peer is plain nbgrader: `nbgrader autograde` of a one-cell notebook (one
graded test cell) in a separate course folder with nbgrader's default settings
(a Jupyter kernel, no sandbox). One submission each, so the time per submission
is a whole run's, start-up included, for both. Wall time: these are other
processes; each run is timed once (they are long), so the machine's load shows
in them (the note gives the 1-minute load average). The JOBS row grades 16
submissions of ps1 with JOBS=1, then again with JOBS=2.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.common import ROOT, at_most, row

GROUP = "autograding"
COPY = ("source", "release", "utils", "grader", "tools", "nbgrader_config.py", "Makefile",
        "pyproject.toml")
IGNORE = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
JOBS_ASSIGNMENT = "ps1_chain_rule"  # the quickest to grade
PLAIN = "one_cell"


class Failed(RuntimeError):
    """A command of the autograding pipeline failed; the message says which and why."""


def _env():
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    for name in ("NBGRADER_DB_URL", "NBGRADER_EXCHANGE", "JOBS", "MAKEFLAGS"):
        env.pop(name, None)
    return env


def _run(cmd, cwd, timeout=900):
    """Run ``cmd``; return its wall time, or raise Failed with the end of its output."""
    start = time.perf_counter()
    try:
        result = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failed(f"`{' '.join(map(str, cmd[:4]))}` took over {timeout} s") from None
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
        raise Failed(f"`{' '.join(map(str, cmd[:6]))}` exit {result.returncode}: "
                     + " / ".join(line.strip()[:160] for line in tail))
    return elapsed


def assignments(root=ROOT):
    return sorted(d.name for d in (root / "source").glob("ps*_*")
                  if (d / f"{d.name}.ipynb").is_file())


def make_course(target):
    target.mkdir(parents=True, exist_ok=True)
    for item in COPY:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, target / item, ignore=IGNORE)
        elif src.is_file():
            shutil.copy2(src, target / item)
    return target


def submit(course, assignment, students, notebook=None):
    """Copy the source notebook (or ``notebook``) as each student's submission."""
    source = notebook or course / "source" / assignment / f"{assignment}.ipynb"
    for student in students:
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, folder / f"{assignment}.ipynb")


def clear_submissions(course, assignment):
    for folder in (course / "submitted").glob(f"*/{assignment}"):
        shutil.rmtree(folder)


def nbgrader(course, *args):
    return [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]


def make_autograde(course, assignment, jobs):
    venv = Path(sys.prefix)
    cmd = ["make", "-s", "-o", str(venv / ".installed"), "-o", str(venv / ".installed-test"),
           f"VENV={venv}", "autograde", f"ASSIGNMENT={assignment}", f"JOBS={jobs}"]
    return _run(cmd, course)


def plain_course(target, submissions):
    """A course with nbgrader's defaults and one assignment: one graded test cell."""
    target.mkdir(parents=True)
    (target / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'plain'\n"
        f"c.CourseDirectory.root = {str(target)!r}\n"
        "c.Autograde.create_student = True\n"
        "c.Application.log_level = 'ERROR'\n")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("assert 1 + 1 == 2", metadata={"nbgrader": {
        "grade": True, "grade_id": "test_one", "locked": True, "points": 1,
        "schema_version": 3, "solution": False, "task": False}})]
    folder = target / "source" / PLAIN
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{PLAIN}.ipynb"))
    _run(nbgrader(target, "generate_assignment", PLAIN, "--force"), target)
    submit(target, PLAIN, students(submissions))
    return target


def students(n):
    return [f"s{i:02d}" for i in range(1, n + 1)]


def _load():
    return f"load {os.getloadavg()[0]:.1f}"


def rows(quick=False):
    """Full mode: every assignment (1 submission each, against 1 of the plain
    notebook) and the JOBS row (16 submissions). Quick mode proves the `make
    autograde` path only: the first assignment, no peer (make autograde runs
    generate_assignment itself); the other rows say they were not run."""
    names = assignments()
    graded = names[:1] if quick else names
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        tmp = Path(tmp)
        t_plain, plain_error = None, None
        if not quick:
            try:
                plain = plain_course(tmp / "plain", 1)
                t_plain = _run(nbgrader(plain, "autograde", PLAIN, "--force"), plain)
            except Failed as err:
                plain_error = f"plain nbgrader failed: {err}"
        peer = "plain nbgrader autograde, 1-cell notebook"

        course = make_course(tmp / "course")
        setup_error = None
        try:
            if not quick:  # every assignment, as `make release` does
                _run(nbgrader(course, "generate_assignment", "*", "--force"), course)
        except Failed as err:
            setup_error = f"generate_assignment failed: {err}"

        goal = "<= 1.5x plain nbgrader"
        for name in names:
            label = f"{name}: per submission (make autograde JOBS=1)"
            if name not in graded:
                out.append(row(GROUP, label, None, peer, t_plain, goal=goal,
                               note="not run in quick mode"))
                continue
            if setup_error:
                out.append(row(GROUP, label, None, peer, t_plain, goal=goal, note=setup_error))
                continue
            submit(course, name, students(1))
            try:
                t = make_autograde(course, name, 1)
            except Failed as err:
                out.append(row(GROUP, label, None, peer, t_plain, goal=goal,
                               note=f"make autograde failed (mid-change?): {err}"))
                continue
            note = plain_error or ("quick mode: no peer" if quick else _load())
            r = {**row(GROUP, label, t, peer, t_plain, goal=goal, note=note)}
            r["met"] = at_most(r["ratio"], 1.5)
            if r["met"] is False:
                r["note"] += ("; in the way: the notebook's own work (its execution row) "
                              "and the sandboxed checks")
            out.append(r)
        if quick:
            out.append(row(GROUP, _jobs_name(16), None, "same, JOBS=1", None, goal=JOBS_GOAL,
                           note="not run in quick mode"))
        else:
            out.append(_jobs_row(course, 16, setup_error))
    return out


JOBS_GOAL = "speed-up >= 1.7x (ratio <= 0.59)"


def _jobs_name(n):
    return f"make autograde JOBS=2 vs JOBS=1, {n} submissions of {JOBS_ASSIGNMENT}"


def _jobs_row(course, n, setup_error):
    name = _jobs_name(n)
    if setup_error:
        return row(GROUP, name, None, "same, JOBS=1", None, goal=JOBS_GOAL, note=setup_error)
    clear_submissions(course, JOBS_ASSIGNMENT)
    submit(course, JOBS_ASSIGNMENT, students(n))
    try:
        t1 = make_autograde(course, JOBS_ASSIGNMENT, 1)
        load1 = _load()
        t2 = make_autograde(course, JOBS_ASSIGNMENT, 2)
    except Failed as err:
        return row(GROUP, name, None, "same, JOBS=1", None, goal=JOBS_GOAL,
                   note=f"make autograde failed (mid-change?): {err}")
    r = row(GROUP, name, t2, "same, JOBS=1", t1, goal=JOBS_GOAL)
    return {**r, "met": at_most(r["ratio"], 1 / 1.7),
            "note": f"speed-up {t1 / t2:.2f}x; {load1} / {_load()} on 2 shared cores: a "
                    f"second job needs a free core"}
