"""Open each course notebook in a real JupyterLab, Run All, and play with a slider.

Run alone:  .venv/bin/pytest -m browser tests/browser
Other notebooks:  BROWSER_TEST_ROOT=/dir/with/course/subfolder .venv/bin/pytest -m browser tests/browser
Screenshots land in tests/browser/screenshots/ (git-ignored), also when a test fails.
"""

import hashlib
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(os.environ.get("BROWSER_TEST_ROOT", Path(__file__).resolve().parents[2])).resolve()

NOTEBOOKS = sorted(ROOT.glob("course/*.ipynb"))
EXPECTED_NOTEBOOKS = 5
TIMEOUT_MS = int(os.environ.get("BROWSER_TEST_TIMEOUT", "180")) * 1000
SCREENSHOTS = Path(__file__).parent / "screenshots"

# JavaScript run in the page; window.jupyterapp exists thanks to --expose-app-in-browser.
FIND_PANEL = """(path) => {
    const app = window.jupyterapp;
    if (!app) return null;
    return Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === path) || null;
}"""

KERNEL_IDLE = f"""(path) => {{
    const panel = ({FIND_PANEL})(path);
    const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
        && panel.context.isReady && panel.content.widgets.length > 0;
}}"""

START_RUN_ALL = f"""(path) => {{
    const app = window.jupyterapp, panel = ({FIND_PANEL})(path);
    app.shell.activateById(panel.id);
    window.__runAll = 'running';
    app.commands.execute('notebook:run-all-cells').then(
        ok => {{ window.__runAll = ok ? 'ok' : 'a cell failed'; }},
        err => {{ window.__runAll = 'error: ' + err; }});
}}"""

ALL_CELLS_DONE = f"""(path) => {{
    const panel = ({FIND_PANEL})(path);
    const prompts = Array.from(panel.node.querySelectorAll('.jp-InputPrompt'));
    return window.__runAll !== 'running' && panel.sessionContext.session.kernel.status === 'idle'
        && !prompts.some(p => p.textContent.includes('[*]'));
}}"""

ERROR_OUTPUTS = f"""(path) => {{
    const panel = ({FIND_PANEL})(path), errors = [];
    panel.content.widgets.forEach((cell, i) => {{
        if (cell.model.type !== 'code') return;
        for (const out of cell.model.outputs.toJSON())
            if (out.output_type === 'error') errors.push(`cell ${{i}}: ${{out.ename}}: ${{out.evalue}}`);
    }});
    return errors;
}}"""

STDERR_TRACEBACK = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]:has-text("Traceback"), '
    '.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]'
)
WIDGET_PROBLEMS = ("Error displaying widget", "Loading widget")
# what a slider drives: an explorer's picture (ipywidgets.Image) or an Output area
OUTPUTS = ".widget-image, .widget-output"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_course_has_expected_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert len(names) == EXPECTED_NOTEBOOKS, f"expected {EXPECTED_NOTEBOOKS} notebooks in {ROOT / 'course'}, found {names}"


@pytest.fixture
def page(browser, lab_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    console_errors = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    page.console_errors = console_errors
    yield page
    context.close()
    lab_server.shutdown_kernels()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_widgets_respond(page, lab_server, notebook):
    SCREENSHOTS.mkdir(exist_ok=True)
    rel = notebook.relative_to(lab_server.root).as_posix()
    before_digest = _digest(notebook)
    try:
        # A workspace of its own per notebook: nothing reopens from an earlier test.
        page.goto(f"{lab_server.url}/lab/workspaces/{notebook.stem}/tree/{rel}?reset&token={lab_server.token}")
        page.wait_for_function(KERNEL_IDLE, arg=rel)

        page.evaluate(START_RUN_ALL, rel)
        page.wait_for_function(ALL_CELLS_DONE, arg=rel)
        errors = page.evaluate(ERROR_OUTPUTS, rel)
        assert not errors, f"error outputs after Run All: {errors}"
        assert page.locator(STDERR_TRACEBACK).count() == 0, "a traceback is displayed"
        assert page.evaluate("window.__runAll") == "ok"

        _check_widgets_and_slider(page)
        assert not page.console_errors, f"uncaught errors in the page: {page.console_errors}"
    finally:
        try:  # best effort: must not hide the real failure
            page.screenshot(path=SCREENSHOTS / f"{notebook.stem}.png")
        except Exception as exc:
            print(f"screenshot of {rel} failed: {exc}")
    assert _digest(notebook) == before_digest, f"{rel} was modified on disk by the browser test"


def _check_widgets_and_slider(page):
    notebook = page.locator(".jp-Notebook")
    assert notebook.locator(".jupyter-widgets").count() > 0, "no ipywidgets rendered"
    # Widget views are created asynchronously after the cells ran.
    page.wait_for_function(
        """(problems) => !problems.some(t => document.querySelector('.jp-Notebook').innerText.includes(t))""",
        arg=list(WIDGET_PROBLEMS), timeout=30_000,
    )

    # Prefer a cell holding both a slider and the output it drives (an explorer's image,
    # interact, VBox([...])); otherwise take the first slider and watch every widget
    # output of the notebook.
    scope = notebook.locator(".jp-Cell").filter(has=page.locator(".widget-slider")).filter(
        has=page.locator(OUTPUTS)).first
    if scope.count() == 0:
        scope = notebook
    outputs = scope.locator(OUTPUTS)
    assert outputs.count() > 0, "no widget output (explorer image, ipywidgets.Output) to drive"
    slider = scope.locator(".widget-slider").first
    assert slider.count() == 1, "no ipywidgets slider found"
    slider.scroll_into_view_if_needed()
    handle = slider.locator(".noUi-handle").first

    def value():  # noUiSlider keeps the handle's value in aria-valuenow
        return handle.get_attribute("aria-valuenow")

    old_html, old_value = _settled_html(page, outputs), value()
    for key in ("ArrowRight", "ArrowLeft"):  # ArrowLeft in case it starts at its maximum
        handle.focus()
        for _ in range(3):
            page.keyboard.press(key)
        if value() != old_value:
            break
    else:  # the keyboard had no effect: drag instead
        box = handle.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 - 40, box["y"] + box["height"] / 2, steps=5)
        page.mouse.up()
    assert value() != old_value, "the slider did not move"

    for _ in range(240):  # up to 60 s for the kernel to redraw
        new_html = _inner_html(outputs)
        if new_html != old_html and new_html.strip():
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError("moving the slider did not change the widget output")
    # let the last update settle so the screenshot shows the final state
    page.wait_for_timeout(500)


def _settled_html(page, outputs, timeout_s: float = 60) -> str:
    """Output HTML once it is non-empty and unchanged for a second (initial draw done)."""
    previous = None
    for _ in range(int(timeout_s * 2)):
        html = _inner_html(outputs)
        if html == previous and ("jp-Rendered" in html or 'src="blob:' in html):
            return html
        previous = html
        page.wait_for_timeout(500)
    raise AssertionError("the widget output area stayed empty or kept changing before the slider moved")


def _inner_html(locator) -> str:
    # outerHTML: an image's picture lives in its own src attribute
    html = "".join(locator.evaluate_all("els => els.map(e => e.outerHTML)"))
    return re.sub(r'\s(id|data-lm-[\w-]+)="[^"]*"', "", html)  # ignore volatile DOM ids
