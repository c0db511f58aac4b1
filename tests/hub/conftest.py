"""Fixtures of the hub test: a JupyterHub for the course on loopback, real unix users.

The hub is started the way an administrator starts it (`make hub`, which runs hub-setup),
with its state folder in a fresh /tmp folder, free ports, and its own unix groups and
users (GECOS comment hubkit.TEST_COMMENT), all removed afterwards, also those a killed
earlier run left behind. Needs root (useradd, PAM, spawning as other users), bubblewrap,
npm and Chromium; without them the tests skip, or fail under CI=true.
"""

import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from hubkit import (CHROMIUM_ARGS, INSTRUCTOR, INSTRUCTOR_GROUP, REPO, STUDENT_GROUP,
                    STUDENTS, TEST_COMMENT, Hub, free_port, missing_requirements,
                    remove_test_accounts, remove_test_cgroups, sbin_path,
                    unreachable_ancestors)


@pytest.fixture(scope="session")
def hub():
    problem = missing_requirements()
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"hub test cannot run: {problem} (CI=true: that is a failure)")
        pytest.skip(problem)
    remove_test_accounts()
    state = Path(tempfile.mkdtemp(prefix="backprop-hub-test-", dir="/tmp"))
    venv = Path(sys.prefix)
    env = dict(os.environ, HUB_STATE=str(state), HUB_IP="127.0.0.1",
               HUB_PORT=str(free_port()), HUB_API_PORT=str(free_port()),
               HUB_PROXY_API_PORT=str(free_port()), HUB_STUDENT_GROUP=STUDENT_GROUP,
               HUB_INSTRUCTOR_GROUP=INSTRUCTOR_GROUP, HUB_VENV=str(venv),
               HUB_STUDENT_MEM="1G", HUB_STUDENT_CPU="1", HUB_INSTRUCTOR_MEM="4G",
               HUB_INSTRUCTOR_CPU="2", HUB_IDLE_TIMEOUT="1800", PATH=sbin_path())
    env.pop("NBGRADER_DB_URL", None)
    env.pop("NBGRADER_EXCHANGE", None)
    # The servers run this venv as unprivileged users: a folder on the way to it (say a
    # pyenv Python under /root) gets o+x for the test's duration.
    opened = {}
    for folder in unreachable_ancestors(venv):
        opened[folder] = stat.S_IMODE(os.stat(folder).st_mode)
        os.chmod(folder, opened[folder] | stat.S_IXOTH)
    passwords = {name: secrets.token_urlsafe(12) for name in [*STUDENTS, INSTRUCTOR]}
    instance = Hub(state, env, passwords)
    try:
        for name in passwords:
            add = subprocess.run(
                [sys.executable, "-m", "hub.users", "add", name, f"--password={passwords[name]}",
                 "--comment", TEST_COMMENT] + (["--instructor"] if name == INSTRUCTOR else []),
                cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
            assert add.returncode == 0, add.stderr
        started = time.monotonic()
        instance.start()
        instance.timings["make hub (npm install, state folder, hub) until it answers"] = \
            time.monotonic() - started
        yield instance
    finally:
        instance.stop()
        remove_test_accounts()
        remove_test_cgroups()
        subprocess.run([sys.executable, "-m", "hub.prepare", "--unlock"], cwd=REPO, env=env,
                       capture_output=True)
        for folder, mode in opened.items():
            os.chmod(folder, mode)
        shutil.rmtree(state, ignore_errors=True)
        if instance.leftovers:
            print(f"\nthe hub left servers running when stopped: {instance.leftovers}")
        print("\nhub test timings: " + json.dumps(
            {k: round(v, 1) for k, v in instance.timings.items()}, indent=1))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()
