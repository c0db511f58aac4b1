"""The grader's agent inside the sandbox: run a notebook's cells, then answer probes.

Started by the grader as ``python -I -m utils.checks.runner`` inside bubblewrap. The
protocol is two JSON lines on stdin and two on the original stdout:

1. in:  ``{"cells": [code, ...]}``  - every code cell except the test cells, in order;
   out: ``{"phase": "cells", "errors": {index: "Name: first line"}}``
2. in:  ``{"probes": [{"probe": ref, "args": [...], "kwargs": {...}}, ...]}``
   out: ``{"phase": "probes", "outcomes": [outcome, ...]}``

Probes are sent only after the cells have run. Nothing here is trusted: the grader
reads only plain data from this process and decides every score itself.
"""

import io
import json
import os
import signal
import sys
import types

CELL_SECONDS = int(os.environ.get("GRADER_CELL_TIMEOUT", "30"))
PROBE_SECONDS = int(os.environ.get("GRADER_PROBE_TIMEOUT", "30"))


class _Shell:
    """Enough of IPython's shell for magics in a graded notebook to do nothing.

    ``get_ipython()`` in a graded notebook returns an instance (the class is callable).
    """

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, *args, **kwargs):
        return None

    def system(self, *args, **kwargs):
        return None

    getoutput = system


def _python_source(code):
    """The cell as plain Python: IPython syntax (%magic, !shell) turned into calls."""
    if not any(line.lstrip().startswith(("%", "!")) for line in code.splitlines()):
        return code
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(code)


def _alarm(seconds):
    def on_alarm(signum, frame):
        raise TimeoutError(f"stopped after {seconds} s")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)


def run_cells(cells, ns):
    """Execute each cell in ``ns``; return {index: "Name: first line"} for cells that raised."""
    from utils.checks.core import exception_name, one_line
    errors = {}
    for index, code in enumerate(cells):
        try:
            _alarm(CELL_SECONDS)
            exec(compile(_python_source(code), f"<cell {index}>", "exec"), ns)
        except BaseException as err:  # noqa: BLE001 - SystemExit, KeyboardInterrupt too
            errors[str(index)] = f"{exception_name(err)}: {one_line(err)}"
        finally:
            signal.alarm(0)
    return errors


def run_probes(probes, ns):
    """Run each probe request on ``ns``; a list of outcomes (see core.run_probe)."""
    from utils.checks.core import run_probe
    outcomes = []
    for request in probes:
        try:
            _alarm(PROBE_SECONDS)
            outcomes.append(run_probe(request["probe"], request["args"], request["kwargs"], ns))
        except BaseException:  # noqa: BLE001 - a timeout or an exit inside the probe
            outcomes.append({"raised": "TimeoutError", "message": "the check did not finish"})
        finally:
            signal.alarm(0)
    return outcomes


def main():
    """Serve one notebook: cells first, probes second (see the module docstring)."""
    fonts = os.environ.get("MPLCONFIGDIR", "")
    if fonts and os.path.isdir("/course/matplotlib") and not os.path.exists(fonts):
        import shutil  # the grader's prebuilt font list; matplotlib wants it writable
        shutil.copytree("/course/matplotlib", fonts)
    protocol = os.fdopen(os.dup(1), "w")
    commands = os.fdopen(os.dup(0), "r")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    sink = open(os.devnull, "w")
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), sink, sink

    main_module = types.ModuleType("__main__")
    sys.modules["__main__"] = main_module
    ns = main_module.__dict__
    ns.update(get_ipython=_Shell, display=lambda *args, **kwargs: None)

    cells = json.loads(commands.readline())["cells"]
    errors = run_cells(cells, ns)
    protocol.write(json.dumps({"phase": "cells", "errors": errors}) + "\n")
    protocol.flush()

    probes = json.loads(commands.readline())["probes"]
    outcomes = run_probes(probes, ns)
    protocol.write(json.dumps({"phase": "probes", "outcomes": outcomes}) + "\n")
    protocol.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
