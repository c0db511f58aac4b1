"""Input-to-pixels latency of a live explorer (chain_rule_explorer) in JupyterLab.

The latency is measured and printed, never judged: this test fails only when the
explorer is broken (the picture never changes after a key press on its slider, or a
burst of presses does not end on the picture of the last value). The goal (median
<= 100 ms) is reported by `make bench` (benchmarks/bench_explorers.py).
Runs its own JupyterLab on a temporary folder, so it does not depend on the lectures.
"""

import importlib.util
import os
from pathlib import Path

import pytest


def _load(name, filename):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LabServer = _load("browser_lab_server", "conftest.py").LabServer
latency = _load("browser_latency", "latency.py")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def latency_lab(chromium_path, tmp_path_factory, monkeypatch_module):
    root = tmp_path_factory.mktemp("latency-root")
    latency.write_notebook(root)
    monkeypatch_module.setenv("OPENBLAS_NUM_THREADS", "1")  # as `make lab` does
    server = LabServer(root, tmp_path_factory.mktemp("latency-lab"))
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_explorer_updates_and_reports_latency(browser, latency_lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        latency.open_and_run(page, latency_lab.url, latency_lab.token, "latency.ipynb")
        result = latency.measure(page, presses=int(os.environ.get("LATENCY_PRESSES", "12")))
    finally:
        context.close()
    samples = result["samples_ms"]
    print(f"\ninput-to-pixels (ms) over {len(samples)} presses: median "
          f"{result['median_ms']}, all {[round(s) for s in samples]}; burst: "
          f"{result['burst_text']}")
    assert samples, "pressing ArrowRight on the explorer's slider never changed its picture"
    assert result["updates"] >= len(samples)
    assert result["burst_final_ok"], f"a burst did not end on the last value: {result['burst_text']}"
    assert not errors, f"uncaught errors in the page: {errors}"
