"""Full nbgrader round trip: release, submit, autograde (sandboxed), feedback, export.

The module fixture runs once, in a temporary copy of the course: generate_assignment for
every assignment; per assignment a perfect, a blank and a student with the first
catalogued mistake, plus a notebook that is not JSON; `python -m grader.autograde`
with two jobs, then again with one job (the grades must be identical); feedback and
the CSV export. (All tests that need it live in this file, so pytest-xdist
--dist loadfile builds it once.)
"""

import csv
import html
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest

import nbkit


def _mutant(source, release, mistake):
    nb = nbkit.perfect_submission(release, source)
    cell = nbkit.cell_by_id(nb, mistake["cell"])
    cell.source = cell.source.replace(mistake["find"], mistake["replace"])
    return nb


def _autograde(root, name, jobs):
    return subprocess.run([sys.executable, "-m", "grader.autograde", name, f"--jobs={jobs}"],
                          cwd=root, env=nbkit.environment(), capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    names = nbkit.assignments()
    root = nbkit.make_course(tmp_path_factory.mktemp("course"), names)
    generate = nbkit.run(root, "generate_assignment", "*", "--force")
    assert generate.returncode == 0, generate.stderr
    mistakes = {}
    for name in names:
        source = nbkit.read(nbkit.source_notebook(name))
        release = nbkit.read(root / "release" / name / f"{name}.ipynb")
        mistakes[name] = nbkit.load_mistakes(nbkit.catalogue_path(name))[0]
        nbkit.submit(root, "perfect", name, nbkit.perfect_submission(release, source))
        nbkit.submit(root, "blank", name, release)
        nbkit.submit(root, "mistaken", name, _mutant(source, release, mistakes[name]))
    nbkit.submit(root, "broken", names[0], "{ not json")
    first = {name: _autograde(root, name, 2) for name in names}
    scores = {name: nbkit.scores(root, name) for name in names}
    second = {name: _autograde(root, name, 1) for name in names}
    regraded = {name: nbkit.scores(root, name) for name in names}
    feedback = nbkit.run(root, "generate_feedback", "*", "--force")
    export = nbkit.run(root, "export", f"--to={root / 'grades.csv'}")
    return SimpleNamespace(root=root, names=names, mistakes=mistakes, first=first,
                           second=second, scores=scores, regraded=regraded,
                           feedback=feedback, export=export)


def test_autograde_grades_every_readable_submission(course):
    for name in course.names[1:]:
        assert course.first[name].returncode == 0, course.first[name].stderr[-2000:]
    for run in [*course.first.values(), *course.second.values()]:
        assert "SAWarning" not in run.stderr, run.stderr[-2000:]
    broken = course.first[course.names[0]]
    assert broken.returncode == 1, "an unreadable notebook must make autograde exit 1"
    assert "submitted/broken/" in broken.stdout and "not a valid notebook" in broken.stdout


def test_perfect_blank_and_mistaken_students_get_exact_scores(course):
    for name in course.names:
        points = nbkit.max_points(nbkit.read(nbkit.source_notebook(name)))
        got = course.scores[name]
        assert {k: got["perfect"][k] for k in points} == points, name
        assert {k: got["blank"][k] for k in points} == dict.fromkeys(points, 0.0), name
        for cell in course.mistakes[name]["rejected_by"]:
            assert got["mistaken"][cell] == 0.0, (name, cell)


def test_two_jobs_and_one_job_give_identical_grades(course):
    assert course.scores == course.regraded


def test_the_score_table_says_who_was_graded_now(course):
    table = course.second[course.names[1]].stdout
    assert re.search(r"perfect\s+\d+\.\d\d / \d+\.\d\d\s+on time\s+graded now", table), table


def test_feedback_shows_results_but_no_solution_or_traceback(course):
    """The blank student's feedback holds no line of any solution, no traceback."""
    assert course.feedback.returncode == 0, course.feedback.stderr[-2000:]
    for name in course.names:
        mistaken = (course.root / "feedback" / "mistaken" / name / f"{name}.html").read_text()
        assert "CheckFailed" in mistaken and "Traceback (most recent call last)" not in mistaken
        page = html.unescape((course.root / "feedback" / "blank" / name / f"{name}.html")
                             .read_text())
        assert "BEGIN SOLUTION" not in page and "most recent call last" not in page
        given = (course.root / "release" / name / f"{name}.ipynb").read_text()
        for cell in nbkit.read(nbkit.source_notebook(name)).cells:
            if nbkit.is_solution(cell) and cell.cell_type == "code":
                for line in nbkit.solution_region(cell.source).splitlines():
                    line = line.strip()
                    if len(line) > 25 and not line.startswith(("#", "raise NotImplementedError")) \
                            and line not in given:  # the assignment text may quote an idiom
                        assert line not in page, (name, line)


def test_every_submitting_student_has_a_row_in_the_csv_export(course):
    assert course.export.returncode == 0, course.export.stderr
    with open(course.root / "grades.csv") as f:
        rows = {(r["assignment"], r["student_id"]) for r in csv.DictReader(f)}
    for name in course.names:
        for student in ("perfect", "blank", "mistaken"):
            assert (name, student) in rows
