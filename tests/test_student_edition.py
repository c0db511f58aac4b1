"""The student edition: no solution or hidden-check line, and `make lab` works in it."""

import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from grader.student_edition import write_edition

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return write_edition(tmp_path_factory.mktemp("edition") / "student")


def _text_of(folder):
    return "\n".join(p.read_text(errors="ignore") for p in folder.rglob("*") if p.is_file())


def _solution_lines():
    lines = set()
    for path in (ROOT / "source").glob("*/*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            text, inside = cell.source, False
            for line in text.splitlines():
                if "BEGIN SOLUTION" in line:
                    inside = True
                elif "END SOLUTION" in line:
                    inside = False
                elif inside and len(line.strip()) > 30 and not line.strip().startswith("#"):
                    lines.add(line.strip())
    return lines


def test_edition_holds_what_students_need_and_nothing_else(edition):
    names = sorted(p.name for p in edition.iterdir())
    for needed in ("course", "release", "utils", "jupyter", "README.md", "Makefile",
                   "pyproject.toml"):
        assert needed in names
    for absent in ("source", "grader", "tests", "gradebook.db", "nbgrader_config.py"):
        assert absent not in names


def test_no_solution_or_hidden_check_line_is_in_the_edition(edition):
    """Solution lines may appear in the edition only where they are shared idioms of the
    course (a lecture or a utils module outside utils/checks, or given code of a release)."""
    text = _text_of(edition)
    shared = "\n".join([_text_of(ROOT / "course"), _text_of(ROOT / "release"),
                        *(p.read_text() for p in (ROOT / "utils").glob("*.py"))])
    lines = _solution_lines()
    assert lines, "found no solution lines in source/ to look for"
    leaked = [line for line in lines if line in text and line not in shared]
    assert not leaked, leaked[:5]
    # The hidden inputs come from seeded generators: no hidden seed is in the edition.
    for hidden in (ROOT / "grader" / "hidden").glob("ps*.py"):
        code = hidden.read_text()
        for seed in re.findall(r"default_rng\((\d+)\)", code):
            assert f"default_rng({seed})" not in text, (hidden.name, seed)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_the_course_without_instructor_tools(edition):
    port = _free_port()
    env = {**os.environ, "DISPLAY": ""}
    venv = ROOT / ".venv"  # the stamps count as up to date: make must not re-install here
    proc = subprocess.Popen(["make", "lab", f"PORT={port}", f"VENV={venv}",
                             "-o", f"{venv}/.installed"],
                            cwd=edition, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        token, seen = None, []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and token is None:
            line = proc.stderr.readline()
            seen.append(line)
            if f"http://127.0.0.1:{port}/" in line and "token=" in line:
                token = line.split("token=")[1].split()[0]
        assert token, "JupyterLab did not print its URL: " + "".join(seen)[-2000:]
        base = f"http://127.0.0.1:{port}"

        def get(path, attempts=30):
            for _ in range(attempts):
                try:
                    with urllib.request.urlopen(f"{base}{path}?token={token}", timeout=30) as r:
                        return r.status, r.read()
                except urllib.error.HTTPError as err:
                    return err.code, b""
                except urllib.error.URLError as err:
                    problem = err
                    time.sleep(1)
            raise AssertionError(f"JupyterLab did not answer {path}: {problem}; "
                                 f"exit status {proc.poll()}")
        status, body = get("/api/contents/course/01_chain_rule.ipynb")
        assert status == 200 and json.loads(body)["type"] == "notebook"
        assert get("/formgrader")[0] == 404
        status, body = get("/lab/tree/course/01_chain_rule.ipynb")
        assert status == 200
        assert b"@jupyter/nbgrader:formgrader" in body  # listed as disabled in page config
        config = json.loads(body.split(b'id="jupyter-config-data" type="application/json">')[1]
                            .split(b"</script>")[0])
        assert "@jupyter/nbgrader:formgrader" in config["disabledExtensions"]
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
