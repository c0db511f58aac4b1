"""Mistake catalogues: every catalogued student mistake is caught by the tests it names.

For each assignment psK_name, tests/mistakes/psK_name.py lists MISTAKES (format:
tests/mistakes/README.md). The perfect submission (the source notebook, whose
solution markers are comments) must pass every test cell; each mutant (one
``find`` -> ``replace`` in one solution cell) must score 0 on every test cell in
its ``rejected_by``, while the mutated cell itself still runs. Notebooks run in-process with nbclient, one fresh kernel per
mutant, stopping after the last test cell the mutant must fail.
"""

import copy

import pytest

import nbkit

ASSIGNMENTS = nbkit.assignments()
WITH_FIXTURE = [nbkit.FIXTURE_ASSIGNMENT] + ASSIGNMENTS


def catalogue(name):
    path = nbkit.catalogue_path(name)
    return nbkit.load_mistakes(path) if path.is_file() else []


MUTANTS = [pytest.param(name, i, id=f"{name}-{m['name']}")
           for name in WITH_FIXTURE for i, m in enumerate(catalogue(name))]


def test_the_course_has_exactly_five_assignments():
    assert len(ASSIGNMENTS) == nbkit.N_ASSIGNMENTS, (
        f"source/ holds {ASSIGNMENTS}; the course has {nbkit.N_ASSIGNMENTS} assignments")


@pytest.mark.parametrize("name", WITH_FIXTURE)
def test_every_assignment_has_a_mistake_catalogue(name):
    path = nbkit.catalogue_path(name)
    assert path.is_file(), f"{path} is missing"
    assert catalogue(name), f"{path} lists no MISTAKES"


@pytest.mark.parametrize("name", WITH_FIXTURE)
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


@pytest.mark.parametrize("name", WITH_FIXTURE)
def test_every_test_cell_rejects_some_catalogued_mistake(name):
    nb = nbkit.read(nbkit.source_notebook(name))
    tests = {nbkit.grade_id(c) for c in nb.cells if nbkit.is_test(c)}
    caught = {t for m in catalogue(name) for t in m["rejected_by"]}
    assert tests <= caught, f"no catalogued mistake is rejected by {sorted(tests - caught)}"


@pytest.mark.parametrize("name", WITH_FIXTURE)
def test_perfect_submission_passes_every_test_cell(name, tmp_path):
    nb = nbkit.execute(nbkit.read(nbkit.source_notebook(name)), tmp_path)
    scores = {nbkit.grade_id(c): nbkit.cell_score(c) for c in nb.cells if nbkit.is_test(c)}
    assert scores, f"{name} has no autograded test cells"
    failing = {k: v for k, v in scores.items() if v[0] != v[1]}
    assert not failing, f"the solution of {name} fails {failing}"


@pytest.mark.parametrize("name, index", MUTANTS)
def test_mistake_is_rejected(name, index, tmp_path):
    mistake = catalogue(name)[index]
    nb = copy.deepcopy(nbkit.read(nbkit.source_notebook(name)))
    cell = nbkit.cell_by_id(nb, mistake["cell"])
    assert cell.source.count(mistake["find"]) == 1
    cell.source = cell.source.replace(mistake["find"], mistake["replace"])
    order = [nbkit.grade_id(c) for c in nb.cells]
    last = max(mistake["rejected_by"], key=order.index)
    nbkit.execute(nb, tmp_path, stop_after=last)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert not errors, (f"mistake {mistake['name']!r} crashes its own cell "
                        f"({errors[0].ename}), so it tests nothing")
    scores = {t: nbkit.cell_score(nbkit.cell_by_id(nb, t)) for t in mistake["rejected_by"]}
    passed = {t: s for t, s in scores.items() if s[0] != 0}
    assert not passed, f"mistake {mistake['name']!r} still scores in {passed}"
