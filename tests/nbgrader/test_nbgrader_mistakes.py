"""Mistake catalogues: every catalogued student mistake is caught by the tests it names.

For each assignment psK_name, tests/mistakes/psK_name.py lists MISTAKES (format:
tests/mistakes/README.md). Graded by the trusted grader in the sandbox (visible and
hidden checks): the perfect submission (the source notebook) earns every point, the
blank release none, and each mutant (one ``find`` -> ``replace`` in one solution
cell) scores 0 on every test cell in its ``rejected_by``, with a short message.
"""

import copy

import pytest

import nbkit

ASSIGNMENTS = nbkit.assignments()


def catalogue(name):
    path = nbkit.catalogue_path(name)
    return nbkit.load_mistakes(path) if path.is_file() else []


MUTANTS = [pytest.param(name, i, id=f"{name}-{m['name']}")
           for name in ASSIGNMENTS for i, m in enumerate(catalogue(name))]


def test_the_course_has_exactly_five_assignments():
    assert len(ASSIGNMENTS) == nbkit.N_ASSIGNMENTS, (
        f"source/ holds {ASSIGNMENTS}; the course has {nbkit.N_ASSIGNMENTS} assignments")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_assignment_has_a_mistake_catalogue(name):
    path = nbkit.catalogue_path(name)
    assert path.is_file(), f"{path} is missing"
    assert catalogue(name), f"{path} lists no MISTAKES"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_catalogue_entries_are_well_formed(name):
    nb = nbkit.read(nbkit.source_notebook(name))
    tests = {nbkit.grade_id(c) for c in nb.cells if nbkit.is_test(c)}
    names = [m["name"] for m in catalogue(name)]
    assert len(names) == len(set(names)), "mistake names must be unique"
    for m in catalogue(name):
        assert set(m) == {"name", "cell", "find", "replace", "rejected_by"}, m["name"]
        cell = nbkit.cell_by_id(nb, m["cell"])
        assert nbkit.is_solution(cell), f"{m['name']}: {m['cell']} is not a solution cell"
        region = nbkit.solution_region(cell.source)
        assert cell.source.count(m["find"]) == 1, (
            f"{m['name']}: find must occur exactly once in cell {m['cell']}")
        assert m["find"] in region, f"{m['name']}: find is outside the solution markers"
        assert m["find"] != m["replace"]
        assert m["rejected_by"] and set(m["rejected_by"]) <= tests, (
            f"{m['name']}: rejected_by must name test cells of {name}, got {m['rejected_by']}")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_test_cell_rejects_some_catalogued_mistake(name):
    nb = nbkit.read(nbkit.source_notebook(name))
    tests = {nbkit.grade_id(c) for c in nb.cells if nbkit.is_test(c)}
    caught = {t for m in catalogue(name) for t in m["rejected_by"]}
    assert tests <= caught, f"no catalogued mistake is rejected by {sorted(tests - caught)}"


@pytest.fixture(scope="module")
def graders():
    """One trusted grader per assignment (its solution runs once), closed at the end."""
    from grader import AssignmentGrader
    made = {}
    yield lambda name: made.setdefault(name, AssignmentGrader(nbkit.ROOT, name))
    for grader in made.values():
        grader.close()


def _grade(graders, name, nb):
    verdicts, _, problem = graders(name).grade(nb, name)
    return verdicts, problem


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_perfect_submission_earns_every_point(graders, name):
    verdicts, problem = _grade(graders, name, nbkit.read(nbkit.source_notebook(name)))
    assert problem is None, problem
    assert verdicts, f"{name} has no autograded test cells"
    failing = {k: v.message for k, v in verdicts.items() if v.score != v.max_score}
    assert not failing, f"the solution of {name} fails {failing}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_blank_release_earns_nothing(graders, name):
    release = nbkit.ROOT / "release" / name / f"{name}.ipynb"
    verdicts, _ = _grade(graders, name, nbkit.read(release))
    earned = {k: v.score for k, v in verdicts.items() if v.score}
    assert not earned, f"the blank {name} earns points in {earned}"


@pytest.mark.parametrize("name, index", MUTANTS)
def test_mistake_is_rejected(graders, name, index):
    mistake = catalogue(name)[index]
    nb = copy.deepcopy(nbkit.read(nbkit.source_notebook(name)))
    cell = nbkit.cell_by_id(nb, mistake["cell"])
    cell.source = cell.source.replace(mistake["find"], mistake["replace"])
    verdicts, problem = _grade(graders, name, nb)
    passed = {t: verdicts[t].score for t in mistake["rejected_by"] if verdicts[t].score != 0}
    assert not passed, f"mistake {mistake['name']!r} still scores in {passed}"
    for t in mistake["rejected_by"]:
        assert verdicts[t].message and len(verdicts[t].message) < 400, verdicts[t].message
