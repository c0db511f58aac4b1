"""Explorer latency: kernel time per redraw of each live explorer, and input-to-pixels in
Chromium for one of them (``rows(quick) -> list[dict]``, as every bench_*.py).

Kernel time: each explorer is built once, then a control is set to a sweep of
values, one after the other, as dragging a slider does; the median wall time
of a change (computation, blitting the figure, PNG encoding) is reported.
Goal <= 50 ms. The training explorer's row is the time per Play frame (goal
<= 100 ms, i.e. >= 10 frames/s).

Input-to-pixels: JupyterLab is started like tests/browser/conftest.py does (a
private server on a temporary folder), a one-cell notebook displays
chain_rule_explorer, and ArrowRight is pressed on its slider; each press is
timed from the keydown event to the next frame after the new picture has
loaded (tests/browser/latency.py). Goal <= 100 ms median. Skipped in quick
mode (starting JupyterLab takes longer than the quick run may).

Absolute times depend on the machine's load (2 cores shared): each note gives
the 1-minute load average when the row was measured, and kernel rows the median
CPU time of a change too (what the wall time would be on an idle machine).
"""

import importlib.util
import os
import statistics
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
GROUP = "explorers"
KERNEL_GOAL = 0.050
FRAME_GOAL = 0.100
PIXELS_GOAL = 0.100


def _row(name, ours, goal, met, note):
    return dict(group=GROUP, name=name, ours=ours, peer=None, peer_time=None, ratio=None,
                goal=goal, met=met, note=note)


def _load():
    return f"load {os.getloadavg()[0]:.1f}"


def _sweeps(quick):
    """(name, build, control name, values) for each explorer."""
    import numpy as np

    from utils import widgets
    from utils.autodiff import Value
    from utils.data_generators import make_xor

    n = 8 if quick else 30

    def tiny_net():
        w1, b1, w2, b2 = Value(0.8, "w1"), Value(-0.5, "b1"), Value(-1.2, "w2"), Value(0.3, "b2")
        p = (w2 * (w1 * 1.5 + b1).tanh() + b2).sigmoid()
        return (p - Value(1.0, "t")) ** 2

    def fork(a, b, c):
        a, b, c = Value(a, "a"), Value(b, "b"), Value(c, "c")
        return (a + b) * (b + c)

    def f(x):
        return np.array([x[0] ** 2 - x[1], np.sin(x[0] * x[1])])

    def jac(x):
        c = np.cos(x[0] * x[1])
        return np.array([[2 * x[0], -1.0], [x[1] * c, x[0] * c]])

    X, y = make_xor(n_per_corner=25, noise=0.2, seed=0)
    return [
        ("chain_rule_explorer", widgets.chain_rule_explorer, "x",
         list(np.linspace(-2.4, 2.4, n))),
        ("graph_stepper (each step drawn once)", lambda: widgets.graph_stepper(tiny_net()),
         "step", list(range(1, min(n, 28) + 1))),
        ("circuit_explorer", lambda: widgets.circuit_explorer(fork, a=1.0, b=2.0, c=3.0), "b",
         list(np.linspace(-4, 4, n))),
        ("gradient_flow_explorer (weight scale)",
         lambda: widgets.gradient_flow_explorer(depth=10, activation="tanh", init="xavier",
                                                weight_scale=1.0),
         "weight_scale", list(np.geomspace(0.5, 2.0, n))),
        ("descent_explorer", widgets.descent_explorer, "lr", list(np.linspace(0.01, 0.24, n))),
        ("jacobian_map_explorer", lambda: widgets.jacobian_map_explorer(f, jac), "radius",
         list(np.linspace(0.1, 0.9, n))),
        ("training_explorer: one Play frame",
         lambda: widgets.training_explorer(X, y, hidden=4, activation="tanh", lr=0.5,
                                           epochs=300),
         "play", list(range(0, min(n * 2, 60) + 1))),
    ]


def kernel_rows(quick):
    rows = []
    for name, build, control, values in _sweeps(quick):
        explorer = build()
        widget = explorer.controls[control]
        if control == "play":
            widget.value = 0
        times, cpu = [], []
        for v in values:
            start, start_cpu = time.perf_counter(), time.process_time()
            widget.value = v
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        median = statistics.median(times)
        frame = control == "play"
        goal = FRAME_GOAL if frame else KERNEL_GOAL
        note = (f"median of {len(times)} changes of {control} (CPU time "
                f"{statistics.median(cpu) * 1000:.0f} ms); {explorer.live.full_draws} full "
                f"draws; {_load()}")
        if frame:
            note += f"; {1 / median:.0f} frames/s possible in the kernel"
        rows.append(_row(f"{name}: kernel time per {'frame' if frame else 'redraw'}", median,
                         f"<= {goal * 1000:.0f} ms" + (" (>= 10 frames/s)" if frame else ""),
                         median <= goal, note))
    return rows


def _browser_module(name, filename):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "browser" / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pixels_row(presses=15):
    name = "chain_rule_explorer: input-to-pixels in Chromium (median)"
    chromium = "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        return _row(name, None, "<= 100 ms", None, "no /usr/bin/chromium on this machine")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return _row(name, None, "<= 100 ms", None, "playwright is not installed (test extra)")
    lab = _browser_module("bench_lab_server", "conftest.py")
    latency = _browser_module("bench_latency", "latency.py")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "root").mkdir()
        (tmp / "lab").mkdir()
        latency.write_notebook(tmp / "root")
        server = lab.LabServer(tmp / "root", tmp / "lab")
        try:
            server.wait_until_ready()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True,
                                            args=lab.CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.set_default_timeout(180_000)
                    latency.open_and_run(page, server.url, server.token, "latency.ipynb")
                    result = latency.measure(page, presses=presses)
                finally:
                    browser.close()
        except Exception as exc:  # report, do not crash the whole table
            return _row(name, None, "<= 100 ms", None, f"could not measure: {exc}"[:200])
        finally:
            server.stop()
    samples = result["samples_ms"]
    if not samples:
        return _row(name, None, "<= 100 ms", False, "the picture never updated")
    median = result["median_ms"] / 1000
    return _row(name, median, "<= 100 ms", median <= PIXELS_GOAL,
                f"keydown to the frame after the new picture loaded, {len(samples)} presses "
                f"(min {min(samples):.0f} ms, max {max(samples):.0f} ms); burst of 8 ends on "
                f"the last value: {result['burst_final_ok']}; {_load()}")


def rows(quick: bool) -> list[dict]:
    """The explorer rows: kernel time per redraw for each, input-to-pixels for one."""
    out = kernel_rows(quick)
    if quick:
        out.append(_row("chain_rule_explorer: input-to-pixels in Chromium (median)", None,
                        "<= 100 ms", None, "skipped in quick mode (starts JupyterLab)"))
    else:
        out.append(pixels_row())
    return out


if __name__ == "__main__":
    import sys

    for r in rows("--quick" in sys.argv):
        ours = "-" if r["ours"] is None else f"{r['ours'] * 1000:.1f} ms"
        print(f"{r['name']:<62} {ours:>10}  goal {r['goal']:<26} met {r['met']}  {r['note']}")
