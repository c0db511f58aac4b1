"""Helpers of the hub test: the accounts, the running hub, its limits and its log."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for extra in (REPO, REPO / "tests" / "nbgrader"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from hub import limits as hub_limits  # noqa: E402
from hub.prepare import unreachable_ancestors  # noqa: E402,F401 (for conftest)

TEST_COMMENT = "backprop hub test"
STUDENT_GROUP, INSTRUCTOR_GROUP = "bphubtest-students", "bphubtest-instructors"
STUDENTS = {"bphub-perfect": "perfect", "bphub-blank": "blank", "bphub-mistake": "mistake"}
INSTRUCTOR = "bphub-teacher"
# every wait in the test is bounded by this many seconds (HUB_TEST_TIMEOUT overrides)
TIMEOUT = int(os.environ.get("HUB_TEST_TIMEOUT", "240"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# kept after the run for a look (outside the repository): the hub's log, screenshots
ARTIFACTS = Path(tempfile.gettempdir()) / "backprop-hub-test"


def missing_requirements():
    if os.geteuid() != 0:
        return "the hub test runs as root (useradd, PAM, a server per unix user)"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "chpasswd", "runuser",
                 "bwrap", "npm", "make"):
        if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"):
            return f"{tool} is missing"
    if not os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium is missing (apt-get install chromium)"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sbin_path():
    return os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"


def remove_test_accounts():
    """Remove every user carrying TEST_COMMENT and the test groups (also from earlier,
    killed runs): their processes first (by pid), then the account and its home."""
    from hub.users import processes_of
    for entry in pwd.getpwall():
        if entry.pw_gecos != TEST_COMMENT:
            continue
        for pid in processes_of(entry.pw_uid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while processes_of(entry.pw_uid) and time.monotonic() < deadline:
            time.sleep(0.2)
        subprocess.run(["userdel", entry.pw_name], env={"PATH": sbin_path()},
                       capture_output=True)
        if entry.pw_dir.startswith(("/tmp/", "/var/tmp/")):
            shutil.rmtree(entry.pw_dir, ignore_errors=True)
    for group in (STUDENT_GROUP, INSTRUCTOR_GROUP):
        subprocess.run(["groupdel", group], env={"PATH": sbin_path()}, capture_output=True)


def remove_test_cgroups():
    """The test users' cgroups (hub.limits), and their parents once empty."""
    parents = sorted(set(Path("/sys/fs/cgroup").glob("*/backprop-hub"))
                     | set(Path("/sys/fs/cgroup").glob("backprop-hub"))
                     | {Path("/sys/fs/cgroup", name, own.lstrip("/"), "backprop-hub")
                        for name, own in hub_limits.own_cgroups().items() if name})
    for parent in parents:
        for name in list(STUDENTS) + [INSTRUCTOR]:
            try:
                (parent / name).rmdir()
            except OSError:
                pass
        try:
            parent.rmdir()
        except OSError:
            pass


class Hub:
    """A running hub: its URL, state folder, environment, accounts and log."""

    def __init__(self, state, env, passwords):
        self.state, self.env, self.passwords = state, env, passwords
        self.url = f"http://127.0.0.1:{env['HUB_PORT']}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / "hub.log"
        self.proc = None
        self.timings = {}
        self.leftovers = []

    def log(self, tail=6000):
        return self.log_path.read_text(errors="replace")[-tail:] if self.log_path.exists() else ""

    def start(self):
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(["make", "hub"], cwd=REPO, env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"make hub exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/login", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the hub did not answer within {TIMEOUT} s:\n{self.log()}")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            # Ctrl-C: make and the hub each get one SIGINT; the hub stops every server.
            # (A SIGTERM to make would reach the hub twice: make passes it on.)
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        # servers the hub did not stop (the teardown kills them with their accounts)
        self.leftovers = [user for user in [*STUDENTS, INSTRUCTOR] if self.server_pid(user)]
        pid_file = self.state / "hub" / "proxy.pid"  # the proxy the hub started, if left
        if pid_file.is_file():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
            except (ValueError, ProcessLookupError):
                pass
        self._log.close()

    def as_user(self, user, *command, timeout=120, cwd=None, extra_env=None):
        """Run ``command`` as unix user ``user`` with a student's server environment."""
        entry = pwd.getpwnam(user)
        env = {"PATH": f"{self.env['HUB_VENV']}/bin:/usr/bin:/bin", "HOME": entry.pw_dir,
               "USER": user, "JUPYTER_CONFIG_PATH": str(self.state / "jupyter" / "student"),
               "NBGRADER_EXCHANGE": str(self.state / "exchange"),
               "PYTHONPATH": str(self.state / "edition"), **(extra_env or {})}
        return subprocess.run([shutil.which("runuser", path=sbin_path()), "-u", user, "--",
                               *command], env=env, cwd=cwd or entry.pw_dir,
                              capture_output=True, text=True, timeout=timeout)

    def server_pid(self, user):
        """Pid of ``user``'s jupyterhub-singleuser process."""
        uid = pwd.getpwnam(user).pw_uid
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid != uid:
                    continue
                cmdline = Path(entry.path, "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(part.endswith(b"jupyterhub-singleuser") for part in cmdline):
                return int(entry.name)
        return None

    def limits(self, user):
        pid = self.server_pid(user)
        assert pid, f"no server process of {user}"
        return hub_limits.limits_of_pid(pid)

    def login(self, browser, user):
        """A browser context logged in as ``user``, on the page the hub sends it to (the
        server is started on the way)."""
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(TIMEOUT * 1000)
        page = context.new_page()
        page.goto(f"{self.url}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", self.passwords[user])
        page.click("#login_submit")
        return context, page
