"""The instructor's loop where a new instructor stumbled: resume, hand grades, late
submissions, the grades export and feedback for LMS students (ps1, real commands)."""

import csv
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

import nbkit

NAME = "ps1_chain_rule"
WRITTEN = "ps1_written_finite_differences"


def _make(root, *args, env=None):
    return subprocess.run(["make", "-s", *args, *nbkit.make_args()], cwd=root,
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, **nbkit.environment(), **(env or {})})


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = nbkit.make_course(tmp_path_factory.mktemp("course"), [NAME])
    assert nbkit.run(root, "generate_assignment", NAME, "--force").returncode == 0
    release = nbkit.read(root / "release" / NAME / f"{NAME}.ipynb")
    perfect = nbkit.perfect_submission(release, nbkit.read(nbkit.source_notebook(NAME)))
    for student in ["amy", "ben", "cid", "dot"]:
        nbkit.submit(root, student, NAME, perfect)
    return root


def test_a_killed_run_resumes_without_grading_finished_students_again(course):
    command = [sys.executable, "-m", "grader.autograde", NAME, "--jobs=1"]
    proc = subprocess.Popen(command, cwd=course, env=nbkit.environment(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    progress = course / "autograded" / f".{NAME}.done"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not (progress.is_file() and progress.read_text()):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = sorted({line.split("\t")[0] for line in progress.read_text().splitlines()})
    assert done, "the first run graded nobody before it was killed"
    assert (course / "autograded" / f".{NAME}.run.json").is_file()
    resumed = subprocess.run(command, cwd=course, env=nbkit.environment(),
                             capture_output=True, text=True, timeout=900)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{len(done)} students were already graded" in resumed.stdout
    for line in resumed.stdout.splitlines():
        student = line.split(" ")[0]
        if student in done:
            assert "by the interrupted run" in line, line
        elif student in {"amy", "ben", "cid", "dot"}:
            assert "graded now" in line, line
    assert not (course / "autograded" / f".{NAME}.run.json").exists()
    scores = nbkit.scores(course, NAME)
    assert all(sum(v for v in s.values() if v) == 12.0 for s in scores.values()), scores


def test_hand_grades_stay_graded_when_autograding_again(course):
    from nbgrader.api import Gradebook
    url = f"sqlite:///{course / 'gradebook.db'}"
    with nbkit.venv_on_path(), Gradebook(url, "backprop") as gb:
        grade = gb.find_grade(WRITTEN, NAME, NAME, "amy")
        grade.manual_score = 2.5
        gb.db.commit()
    again = subprocess.run([sys.executable, "-m", "grader.autograde", NAME], cwd=course,
                           env=nbkit.environment(), capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    with nbkit.venv_on_path(), Gradebook(url, "backprop") as gb:
        grade = gb.find_grade(WRITTEN, NAME, NAME, "amy")
        assert (grade.manual_score, grade.needs_manual_grade) == (2.5, False)
        assert gb.find_submission(NAME, "amy").score == 14.5
    amy = next(line for line in again.stdout.splitlines() if line.startswith("amy"))
    assert "wait for hand grading" not in amy
    ben = next(line for line in again.stdout.splitlines() if line.startswith("ben"))
    assert "wait for hand grading" in ben


def test_grades_csv_tells_not_submitted_from_zero_and_marks_pending_hand_grading(course):
    from nbgrader.api import Gradebook
    with nbkit.venv_on_path(), Gradebook(f"sqlite:///{course / 'gradebook.db'}",
                                         "backprop") as gb:
        gb.update_or_create_student("eve")
    result = _make(course, "grades")
    assert result.returncode == 0, result.stderr[-2000:]
    with open(course / "grades.csv") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert (rows["eve"]["status"], rows["eve"]["score"]) == ("not submitted", "")
    assert rows["amy"]["status"] == "graded" and float(rows["amy"]["score"]) == 14.5
    assert rows["ben"]["status"] == "needs hand grading" and float(rows["ben"]["score"]) == 12.0


def test_late_submissions_are_shown_and_penalised_as_configured(course):
    assert _make(course, "duedate", f"ASSIGNMENT={NAME}",
                 "DUE=2020-01-01 12:00:00 UTC").returncode == 0
    for student in ["cid", "dot"]:
        (course / "submitted" / student / NAME / "timestamp.txt").write_text(
            "2020-01-02 12:00:00.000000 UTC")
    result = subprocess.run([sys.executable, "-m", "grader.autograde", NAME], cwd=course,
                            env={**nbkit.environment(), "NBGRADER_LATE_PENALTY": "zero"},
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    cid = next(line for line in result.stdout.splitlines() if line.startswith("cid"))
    assert "24.0 h, -12" in cid, cid


def test_release_feedback_gives_lms_students_a_zip_of_their_pages(course):
    assert nbkit.run(course, "generate_feedback", NAME, "--force").returncode == 0
    result = _make(course, "release-feedback", f"ASSIGNMENT={NAME}",
                   env={"NBGRADER_EXCHANGE": str(course / "exchange")})
    assert result.returncode == 0, result.stderr[-2000:]
    with zipfile.ZipFile(course / "feedback" / f"{NAME}-feedback.zip") as archive:
        assert sorted(archive.namelist()) == [f"{s}_{NAME}.html"
                                              for s in ["amy", "ben", "cid", "dot"]]
