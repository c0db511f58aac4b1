"""Collecting submissions: from the exchange on one machine, and from an LMS zip."""

import getpass
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


def test_zip_collect_files_named_student_underscore_notebook(course, tmp_path):
    release = course / "release" / NAME / f"{NAME}.ipynb"
    archive = course / "downloaded" / NAME / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms_download.zip", "w") as zf:
        zf.write(release, f"alice_{NAME}.ipynb")
        zf.write(release, f"bob_48213_{NAME}.ipynb")
        zf.writestr("readme.txt", "not a submission")
    result = nbkit.run(course, "zip_collect", NAME, "--force")
    assert result.returncode == 0, result.stderr
    for student in ("alice", "bob"):
        path = course / "submitted" / student / NAME / f"{NAME}.ipynb"
        assert path.read_bytes() == release.read_bytes()
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["alice", "bob"]
