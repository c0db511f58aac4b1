"""Collecting submissions: from the exchange on one machine, and from an LMS zip."""

import getpass
import subprocess
import sys
import zipfile

import pytest

import nbkit

NAME = "ps1_chain_rule"


@pytest.fixture
def course(tmp_path):
    root = nbkit.make_course(tmp_path / "course", [NAME])
    result = nbkit.run(root, "generate_assignment", NAME, "--force")
    assert result.returncode == 0, result.stderr
    return root


def test_release_submit_collect_through_the_exchange(course, tmp_path):
    env = {"NBGRADER_EXCHANGE": str(tmp_path / "exchange")}
    result = nbkit.run(course, "release_assignment", NAME, env=env)
    assert result.returncode == 0, result.stderr
    student = tmp_path / "student"
    result = nbkit.run(student.parent, "fetch_assignment", NAME, "--course=backprop",
                       f"--Exchange.root={tmp_path / 'exchange'}",
                       f"--Exchange.assignment_dir={student}", env=env)
    assert result.returncode == 0, result.stderr
    notebook = student / NAME / f"{NAME}.ipynb"
    notebook.write_text(notebook.read_text().replace("raise NotImplementedError()", "pass"))
    result = nbkit.run(student, "submit", NAME, "--course=backprop",
                       f"--Exchange.root={tmp_path / 'exchange'}", env=env)
    assert result.returncode == 0, result.stderr
    result = nbkit.run(course, "collect", NAME, env=env)
    assert result.returncode == 0, result.stderr
    collected = course / "submitted" / getpass.getuser() / NAME / f"{NAME}.ipynb"
    assert collected.read_text() == notebook.read_text()
    listing = subprocess.run([sys.executable, "-m", "grader.submissions", NAME], cwd=course,
                             env=nbkit.environment(), capture_output=True, text=True)
    assert f"{NAME}: 1 students have a submission" in listing.stdout
    assert getpass.getuser() in listing.stdout


def _make(course, *args):
    """Run a Makefile target of the real Makefile in the course copy, with this venv."""
    return subprocess.run(["make", "-s", *args, *nbkit.make_args()], cwd=course,
                          capture_output=True,
                          text=True, timeout=600)


def test_zip_collect_takes_the_latest_attempt_from_every_zip_and_lists_each_file(course,
                                                                                   tmp_path):
    release = (course / "release" / NAME / f"{NAME}.ipynb").read_text()
    second = release.replace("raise NotImplementedError()", "pass  # second attempt")
    first_zip, second_zip = tmp_path / "one" / "download.zip", tmp_path / "two" / "download.zip"
    for path, members in [(first_zip, {f"alice_{NAME}.ipynb": release,
                                       f"bob_48213_{NAME}.ipynb": release,
                                       f"s7_99_{NAME}.ipynb": release,
                                       f"s7_99_{NAME}-1.ipynb": second,
                                       "readme.txt": "not a submission"}),
                          (second_zip, {f"alice_{NAME}.ipynb": second})]:
        path.parent.mkdir()
        with zipfile.ZipFile(path, "w") as zf:
            for name, text in members.items():
                zf.writestr(name, text)
    first = _make(course, "zip-collect", f"ASSIGNMENT={NAME}", f"ZIP={first_zip}")
    assert first.returncode == 0, first.stderr
    result = _make(course, "zip-collect", f"ASSIGNMENT={NAME}", f"ZIP={second_zip}")
    assert result.returncode == 0, result.stderr
    assert "took 3 files, skipped 3" in result.stdout, result.stdout
    assert "skipped  1-download/readme.txt: not named" in result.stdout
    assert f"skipped  1-download/alice_{NAME}.ipynb: an earlier attempt" in result.stdout
    submitted = {p.parent.parent.name: p.read_text()
                 for p in (course / "submitted").glob(f"*/{NAME}/{NAME}.ipynb")}
    assert submitted == {"alice": second, "bob": release, "s7": second}
