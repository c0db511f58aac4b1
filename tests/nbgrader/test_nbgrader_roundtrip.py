"""Full nbgrader round trip: release, submit, autograde, feedback, export.

The module fixture ``graded_course`` runs once: generate_assignment for every
assignment in source/ and the fixture ps0 in a temporary copy of the course; a
perfect and a blank student per assignment plus the hostile students of
hostile.py for ps0; tools/autograde.py twice per assignment; generate_feedback;
export to CSV. The scores each student must get are written down in
``submissions`` and hostile.py. (All tests that need it live in this file, so
pytest-xdist --dist loadfile builds it once.)
"""

import csv
import html
import re
import time
from types import SimpleNamespace

import pytest

import hostile
import nbkit


def submissions(root, name):
    """Write the students of assignment ``name``; return {student: (expected, gradable)}."""
    release = nbkit.read(root / "release" / name / f"{name}.ipynb")
    perfect = nbkit.perfect_submission(release, nbkit.read(nbkit.source_notebook(name)))
    if name == nbkit.FIXTURE_ASSIGNMENT:
        students = hostile.STUDENTS
    else:
        points = nbkit.max_points(nbkit.read(nbkit.source_notebook(name)))
        students = {"perfect": (lambda p, r: p, points, True, {}),
                    "blank": (lambda p, r: r, dict.fromkeys(points, 0.0), True, {})}
    expected = {}
    for student, (build, scores, gradable, files) in students.items():
        path = nbkit.submit(root, student, name, build(perfect, release))
        for relative, text in files.items():
            (path.parent / relative).parent.mkdir(parents=True, exist_ok=True)
            (path.parent / relative).write_text(text)
        expected[student] = (scores, gradable)
    return expected


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    names = [nbkit.FIXTURE_ASSIGNMENT] + nbkit.assignments()
    root = nbkit.make_course(tmp_path_factory.mktemp("course"), names)
    timings = {}
    start = time.monotonic()
    generate = nbkit.run(root, "generate_assignment", "*", "--force")
    timings["generate"] = time.monotonic() - start
    assert generate.returncode == 0, generate.stderr
    expected = {name: submissions(root, name) for name in names}
    runs = []
    for attempt in range(2):
        start = time.monotonic()
        output = {name: nbkit.run_tool(root, "autograde.py", name) for name in names}
        timings[f"autograde {attempt + 1}"] = time.monotonic() - start
        runs.append((output, {name: nbkit.scores(root, name) for name in names}))
    start = time.monotonic()
    feedback = nbkit.run(root, "generate_feedback", "*", "--force")
    export = nbkit.run(root, "export", f"--to={root / 'grades.csv'}")
    timings["feedback + export"] = time.monotonic() - start
    print("graded course timings (s):", {k: round(v, 1) for k, v in timings.items()})
    return SimpleNamespace(root=root, names=names, expected=expected,
                           autograde=runs[0][0], scores=runs[0][1], regraded=runs[1][1],
                           feedback=feedback, export=export)


def autograded_scores(graded_course, name, student):
    """{test grade_id: score} of one student, test cells only."""
    expected, _ = graded_course.expected[name][student]
    got = graded_course.scores[name][student]
    return {cell_id: got.get(cell_id) for cell_id in expected}


def student_cases():
    names = [nbkit.FIXTURE_ASSIGNMENT] + nbkit.assignments()
    students = {nbkit.FIXTURE_ASSIGNMENT: list(hostile.STUDENTS)}
    return [pytest.param(name, student, id=f"{name}-{student}") for name in names
            for student in students.get(name, ["perfect", "blank"])]


def test_generate_assignment_writes_every_release(graded_course):
    for name in graded_course.names:
        assert (graded_course.root / "release" / name / f"{name}.ipynb").is_file()


@pytest.mark.parametrize("name, student", student_cases())
def test_each_student_gets_the_expected_score_on_each_test_cell(graded_course, name, student):
    expected, _ = graded_course.expected[name][student]
    assert autograded_scores(graded_course, name, student) == expected


def test_perfect_students_get_every_autograded_point(graded_course):
    for name in graded_course.names:
        points = nbkit.max_points(nbkit.read(nbkit.source_notebook(name)))
        assert points and autograded_scores(graded_course, name, "perfect") == points


@pytest.mark.parametrize("name, student", student_cases())
def test_each_gradable_student_is_graded_and_only_those(graded_course, name, student):
    _, gradable = graded_course.expected[name][student]
    folder = graded_course.root / "autograded" / student / name / f"{name}.ipynb"
    assert folder.is_file() == gradable


def test_autograde_reports_the_unreadable_notebook_by_student_and_file(graded_course):
    result = graded_course.autograde[nbkit.FIXTURE_ASSIGNMENT]
    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if l.startswith("bad_json "))
    assert "NOT GRADED" in line
    assert "submitted/bad_json/ps0_fixture/ps0_fixture.ipynb: not valid JSON" in result.stdout
    assert "could not be graded: bad_json " in result.stderr
    graded = [l for l in result.stdout.splitlines() if l.endswith("  graded")]
    assert len(graded) == len(hostile.STUDENTS) - 1


def test_autograde_succeeds_for_the_course_assignments(graded_course):
    for name in graded_course.names[1:]:
        result = graded_course.autograde[name]
        assert result.returncode == 0, result.stdout + result.stderr
        assert "all 2 students graded" in result.stdout


def test_autograding_twice_gives_identical_grades(graded_course):
    assert graded_course.regraded == graded_course.scores


def test_every_submitting_student_has_a_row_in_the_csv_export(graded_course):
    assert graded_course.export.returncode == 0, graded_course.export.stderr
    with open(graded_course.root / "grades.csv", newline="") as fh:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(fh)}
    for name in graded_course.names:
        for student, (expected, _) in graded_course.expected[name].items():
            row = rows[name, student]
            # autograded points only: written answers wait for manual grading
            assert float(row["score"]) == sum(expected.values()), (name, student)
    fixture = rows[nbkit.FIXTURE_ASSIGNMENT, "perfect"]
    assert (float(fixture["score"]), float(fixture["max_score"])) == (6.0, 7.0)


def html_text(path):
    """The visible text of an HTML file (tags stripped, entities decoded)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", path.read_text(), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def hidden_lines(name):
    """Code lines of the hidden tests of ``name`` (stripped, with a letter, at least
    6 characters) that are not also lines of its visible cells."""
    source = nbkit.read(nbkit.source_notebook(name))
    hidden, visible = set(), set()
    for cell in source.cells:
        inside = False
        for line in cell.source.split("\n"):
            if nbkit.HIDDEN_MARKERS[0] in line:
                inside = True
            elif nbkit.HIDDEN_MARKERS[1] in line:
                inside = False
            elif len(line.strip()) >= 6 and re.search("[A-Za-z]", line):
                (hidden if inside else visible).add(line.strip())
    return hidden - visible


def stripped_lines(path):
    text = html_text(path) if path.suffix == ".html" else path.read_text()
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbkit.read(path).cells)
    return {line.strip() for line in text.splitlines()}


def test_every_assignment_has_hidden_tests(graded_course):
    for name in graded_course.names:
        assert hidden_lines(name), f"{name} has no hidden tests"


@pytest.mark.parametrize("folder", ["release", "feedback"])
def test_no_hidden_test_code_is_given_to_students(graded_course, folder):
    files = [p for p in (graded_course.root / folder).rglob("*") if p.is_file()]
    assert files
    lines = {p: stripped_lines(p) for p in files}
    for name in graded_course.names:
        for line in hidden_lines(name):
            leaks = [str(p) for p in files if line in lines[p]]
            assert not leaks, f"hidden test line {line!r} of {name} is in {leaks}"
    assert not [p for p in files if "HIDDEN_SENTINEL" in p.read_text()]


def test_feedback_exists_for_every_graded_student(graded_course):
    assert graded_course.feedback.returncode == 0, graded_course.feedback.stderr
    for name in graded_course.names:
        for student, (_, gradable) in graded_course.expected[name].items():
            path = graded_course.root / "feedback" / student / name / f"{name}.html"
            assert path.is_file() == gradable, path


def test_feedback_shows_score_and_message_but_no_traceback(graded_course):
    path = (graded_course.root / "feedback" / "patched_grading" / nbkit.FIXTURE_ASSIGNMENT
            / f"{nbkit.FIXTURE_ASSIGNMENT}.html")
    text = html_text(path)
    assert "Score: 0.0 / 2.0" in text and "Score: 3.0 / 3.0" in text
    assert "AssertionError: relu_backward(dout, z) is wrong at 2 of 4 entries" in text
    assert "The hidden tests of this cell ran during grading" in text
    assert "Traceback" not in text and "---->" not in text


def test_python_files_submitted_with_a_notebook_are_not_copied_for_grading(graded_course):
    submitted = graded_course.root / "submitted" / "shadow_utils" / nbkit.FIXTURE_ASSIGNMENT
    graded = graded_course.root / "autograded" / "shadow_utils" / nbkit.FIXTURE_ASSIGNMENT
    assert (submitted / "utils" / "grading.py").is_file()
    assert (graded / f"{nbkit.FIXTURE_ASSIGNMENT}.ipynb").is_file()
    assert not list(graded.rglob("*.py"))
