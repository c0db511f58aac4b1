"""Execution time: every lecture and solved assignment, and `import utils`.

Notebooks run as `make execute` runs them (nbconvert --execute, a fresh kernel,
the notebook's folder as working directory), written to a temporary folder.
The peer is an empty notebook run the same way: the floor that starting a
kernel and nbconvert costs, so the ratio says how much of a notebook's time is
its own work. Issue 11 sets no goal for these rows: they are for information.
Wall time, one run per notebook (they are long); the note gives the load.

`import utils` is timed as a fresh interpreter, `python -c "import utils"`,
against `python -c pass` (min over repeats); the goal is the limit that
tests/test_packaging.py enforces: less than 0.3 s more than bare Python.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.common import ROOT, row

GROUP = "execution"
IMPORT_LIMIT = 0.3  # seconds over bare python, as tests/test_packaging.py


def notebooks(root=ROOT):
    return (sorted((root / "course").glob("*.ipynb"))
            + sorted((root / "source").glob("ps*_*/ps*_*.ipynb")))


def _load():
    return f"load {os.getloadavg()[0]:.1f}"


def execute(path, out_dir, timeout=600):
    """Wall time of `nbconvert --execute` of ``path``; raises CalledProcessError."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
                    f"--ExecutePreprocessor.timeout={timeout}", "--output-dir", str(out_dir),
                    "--output", f"{path.stem}.executed", str(path)],
                   cwd=path.parent, check=True, capture_output=True, text=True,
                   timeout=timeout * 3)
    return time.perf_counter() - start


def _first_cells(path, target, n=1):
    """A copy of notebook ``path`` cut to its first ``n`` code cells (for quick mode)."""
    nb = nbformat.read(str(path), as_version=4)
    keep, count = [], 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            if count == n:
                break
            count += 1
        keep.append(cell)
    nb.cells = keep
    nbformat.write(nb, str(target))
    return target


def notebook_rows(quick):
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-execute-") as tmp:
        tmp = Path(tmp)
        empty = tmp / "empty.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, str(empty))
        # Quick mode runs one notebook, cut to its first code cell, and no peer.
        t_empty = None if quick else min(execute(empty, tmp) for _ in range(2))
        peer = "empty notebook (kernel start)"
        for i, path in enumerate(notebooks()):
            rel = path.relative_to(ROOT)
            kind = "lecture" if rel.parts[0] == "course" else "solved assignment"
            name = f"{kind} {rel}"
            if quick and i > 0:
                out.append(row(GROUP, name, None, peer, t_empty, goal="none (information)",
                               note="not run in quick mode"))
                continue
            if quick:
                t = execute(_first_cells(path, tmp / f"quick-{path.name}"), tmp)
                note = "quick mode: first code cell only"
            else:
                try:
                    t = execute(path, tmp)
                except subprocess.CalledProcessError as err:
                    tail = (err.stderr or "").strip().splitlines()[-1:]
                    out.append(row(GROUP, name, None, peer, t_empty, goal="none (information)",
                                   note=f"failed: {' '.join(tail)[:200]}"))
                    continue
                note = _load()
            out.append(row(GROUP, name, t, peer, t_empty, goal="none (information)",
                           note=note))
    return out


def _python(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def import_row(quick):
    repeats = 3 if quick else 9
    ours, bare = [], []
    for _ in range(repeats):  # in turns, so both see the same load
        ours.append(_python("import utils"))
        bare.append(_python("pass"))
    t, t_bare = min(ours), min(bare)
    r = row(GROUP, "import utils (fresh interpreter)", t, "python -c pass", t_bare,
            goal=f"< {IMPORT_LIMIT} s over bare python (test_packaging)")
    return {**r, "met": t - t_bare < IMPORT_LIMIT,
            "note": f"{(t - t_bare) * 1000:.0f} ms over bare python; min of {repeats}"}


def rows(quick=False):
    return [import_row(quick), *notebook_rows(quick)]
