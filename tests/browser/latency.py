"""Input-to-pixels latency of a live explorer in JupyterLab + headless Chromium.

Used by tests/browser/test_explorer_latency.py (which fails only when the picture
never updates) and by benchmarks/bench_explorers.py (which reports the median).
``measure(page, lab_url, token, notebook_rel, presses)`` opens a notebook whose
first cell displays one explorer, runs it, then presses ArrowRight on its first
slider ``presses`` times, one at a time, and times each press from the keydown
event to the next animation frame after the explorer's image has loaded its
new picture. It then sends a burst of presses without waiting and reports
whether the picture and readout settle on the slider's final value.
"""

import json
import statistics
import time
from pathlib import Path

NOTEBOOK_CELL = """\
from utils.widgets import chain_rule_explorer
explorer = chain_rule_explorer()
explorer"""

# Times each change of the explorer's <img>: keydown -> new src -> load -> next frame.
INSTALL = """() => {
    const img = document.querySelector('.jp-Notebook .widget-image');
    if (!img) return false;
    window.__lat = {t0: null, samples: [], updates: 0};
    document.addEventListener('keydown', () => { window.__lat.t0 = performance.now(); }, true);
    img.addEventListener('load', () => {
        window.__lat.updates += 1;
        const t0 = window.__lat.t0;
        requestAnimationFrame(() => {
            if (t0 !== null) window.__lat.samples.push(performance.now() - t0);
            window.__lat.t0 = null;
        });
    });
    return true;
}"""


def write_notebook(folder: Path, name: str = "latency.ipynb", source: str = NOTEBOOK_CELL) -> Path:
    """A one-cell notebook displaying an explorer, in ``folder``."""
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "explorer",
                     "metadata": {}, "outputs": [], "source": source}],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                      "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = folder / name
    path.write_text(json.dumps(nb))
    return path


def open_and_run(page, lab_url: str, token: str, rel: str, timeout_ms: int = 180_000):
    """Open ``rel`` in JupyterLab, Run All, and wait for the explorer's picture."""
    page.goto(f"{lab_url}/lab/workspaces/latency/tree/{rel}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook", timeout=timeout_ms)
    page.wait_for_function(
        """() => { const app = window.jupyterapp; if (!app) return false;
            const p = Array.from(app.shell.widgets('main')).find(w => w.sessionContext);
            const k = p && p.sessionContext.session && p.sessionContext.session.kernel;
            return !!k && k.status === 'idle' && k.connectionStatus === 'connected'; }""",
        timeout=timeout_ms)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(".jp-Notebook .widget-image[src^='blob:'], "
                           ".jp-Notebook .widget-image[src^='data:']", timeout=timeout_ms)


def _readout_value(page):
    return page.evaluate("""() => {
        const r = document.querySelector('.jp-Notebook .widget-readout');
        return r ? (r.textContent || r.value || '').trim() : null; }""")


def measure(page, presses: int = 15, settle_ms: int = 400, timeout_s: float = 20.0) -> dict:
    """Press ArrowRight ``presses`` times, one picture at a time; then a burst of 8.

    Returns {"samples_ms": [...], "median_ms", "updates", "presses",
    "burst_final_ok": bool, "burst_text": str}. A press whose picture never
    arrives within timeout_s ends the run (fewer samples than presses).
    """
    assert page.evaluate(INSTALL), "no explorer image (.widget-image) in the notebook"
    handle = page.locator(".jp-Notebook .widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    for _ in range(presses):
        before = page.evaluate("() => window.__lat.samples.length")
        handle.focus()
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + timeout_s
        while page.evaluate("() => window.__lat.samples.length") == before:
            if time.monotonic() > deadline:
                break
            page.wait_for_timeout(5)
        else:
            page.wait_for_timeout(settle_ms)
            continue
        break
    samples = page.evaluate("() => window.__lat.samples")
    # a burst: 8 presses without waiting; the picture must settle on the last value
    handle.focus()
    for _ in range(8):
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(3000)
    value = _readout_value(page)
    alt = page.evaluate("""() => { const ls = Array.from(document.querySelectorAll(
        '.jp-Notebook .widget-label')); return ls.length ? ls[ls.length - 1].textContent : ''; }""")
    burst_ok = value is not None and alt.startswith(f"At x = {float(value):.2f}:")
    return {"samples_ms": samples, "median_ms": statistics.median(samples) if samples else None,
            "updates": page.evaluate("() => window.__lat.updates"), "presses": presses,
            "burst_final_ok": burst_ok, "burst_text": f"slider {value}, readout {alt!r}"}
