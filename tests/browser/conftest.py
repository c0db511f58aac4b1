"""Fixtures for the browser tests: a private JupyterLab server and headless Chromium.

BROWSER_TEST_ROOT=/some/dir runs the tests against /some/dir/course/*.ipynb
instead of the repository's own notebooks.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROOT = Path(os.environ.get("BROWSER_TEST_ROOT", REPO)).resolve()
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Written to a temporary user settings dir, so the repo and ~/.jupyter stay untouched.
LAB_SETTINGS = {
    # no request to the internet, no news toast covering the notebook
    "@jupyterlab/apputils-extension/notification": {"checkForUpdates": False, "fetchNews": "false"},
    # Run All must never write the course notebooks back to disk
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # keep every cell in the DOM so selectors see off-screen cells too
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium not found (/usr/bin/chromium or chromium on PATH); apt-get install chromium"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " (CI=true: a missing browser is a failure)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    def __init__(self, root: Path, tmp: Path):
        self.root, self.token, port = root, secrets.token_hex(16), _free_port()
        self.url = f"http://127.0.0.1:{port}"
        settings = tmp / "settings"
        for plugin, values in LAB_SETTINGS.items():
            target = settings / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", IPYTHONDIR=str(tmp / "ipython"))
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime")]:
            env[var] = str(tmp / sub)
        self.log_path = tmp / "jupyter-lab.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--expose-app-in-browser",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={self.token}",
             f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
             "--LabApp.extension_manager=readonly", "--ServerApp.allow_root=True"],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def wait_until_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/lab?token={self.token}", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"jupyter lab did not serve /lab within {timeout} s:\n{self.log()}")

    def shutdown_kernels(self) -> None:
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: the server stops and shuts its kernels down
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:  # stragglers in its process group; kernels exit with their parent (JPY_PARENT_PID)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self._log.close()


@pytest.fixture(scope="session")
def lab_root() -> Path:
    """Folder JupyterLab serves; the notebooks under test are its course/*.ipynb
    (set BROWSER_TEST_ROOT to test other notebooks)."""
    return ROOT


@pytest.fixture(scope="session")
def lab_server(lab_root, chromium_path, tmp_path_factory):
    server = LabServer(lab_root, tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()
