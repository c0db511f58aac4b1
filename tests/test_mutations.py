"""At least 90 % of small mutations of the solutions fail a graded test.

For each assignment, every single small change inside the solution regions of its graded
parts (tests/mutation.py: + <-> -, * <-> /, `x += y` -> `x = y`, `.T` dropped, integer
constants 0 -> 1, 1 -> 0, 2 -> 1, n -> 2n, float constants doubled) that still compiles
and changes the program is a mutant. A fixed sample of at most SAMPLE of them
(random.Random(0)) is graded by the trusted grader (visible and hidden checks, in the
sandbox; one grader per assignment, so the solution runs once). A mutant is killed when
any test cell loses points. Graded parts are the solution cells followed first by a test
cell (mutation.graded_solution_cells); ps4's stated forward pass and loss, checked but
not graded, are not.

Equivalent mutants exist: `self * -1.0` -> `self / -1.0`, and a learning rate or an initial
weight scale that the training checks (accuracy >= 95 %) cannot tell apart because the
notebook leaves them to the student. Survivors are printed (-rP) and listed in the failure
message so that they can be judged one by one.

Runtime: one sandboxed grade per mutant (plus the solution, graded once more as a
baseline), MUTATION_WORKERS (default 2) at a time; MUTATION_SAMPLE overrides SAMPLE.
Measured on this 2-core machine with 2 workers while other jobs kept the load average at
2-3: ps2 73 s (it trains a model and builds 10,000-node graphs), ps4 57 s, ps5 39 s, ps3
8 s, ps1 5 s: 3.0 min for the file (5.4 min at load 5-6). One grade at load 2-4, one
worker: ps1 and ps3 0.2 s, ps5 1.2 s, ps4 1.6 s, ps2 3.1 s. Of ps4's and ps5's, ~1 s is
starting Python and importing matplotlib.pyplot in the sandbox (whose empty /tmp also
makes matplotlib rebuild its font cache each time).
"""

import dataclasses
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "nbgrader"))
import nbkit  # noqa: E402

import mutation  # noqa: E402

ASSIGNMENTS = nbkit.assignments()
SAMPLE = int(os.environ.get("MUTATION_SAMPLE", "40"))
SEED = 0
KILL_RATE = 0.9
SECONDS = 60  # per mutant; a mutant that loops is stopped (and counts as killed)
WORKERS = max(1, int(os.environ.get("MUTATION_WORKERS", "2")))


def _lost(verdicts, problem):
    """{grade_id: message} of the test cells that lost points (or why nothing ran)."""
    lost = {g: v.message for g, v in verdicts.items() if v.score < v.max_score}
    if problem and not lost:
        lost["(notebook)"] = problem
    return lost


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_graded_tests_kill_small_mutations(name):
    from grader import AssignmentGrader
    nb = mutation.source_notebook(name)
    graded = mutation.graded_solution_cells(nb)
    assert graded, f"{name}: no solution cell is followed by a test cell"
    chosen = mutation.sample(mutation.mutants(nb, graded), SAMPLE, seed=SEED)
    assert len(chosen) >= 20, f"{name}: only {len(chosen)} mutants; too few to measure"

    grader = AssignmentGrader(nbkit.ROOT, name)
    grader.sandbox.limits = dataclasses.replace(grader.sandbox.limits, seconds=SECONDS)

    def lost(notebook):
        verdicts, _, problem = grader.grade(notebook, name)
        return _lost(verdicts, problem)

    try:
        grader.expected(name)  # the solution's probes run once, before any worker starts
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            # The solution itself earns every point, so "a test cell lost points" means
            # "the mutation broke it".
            solution = pool.submit(lost, nb)
            outcomes = list(pool.map(lost, [mutation.mutated_notebook(nb, m) for m in chosen]))
            baseline = solution.result()
            assert not baseline, f"the solution of {name} loses points: {baseline}"
    finally:
        grader.close()

    survivors = [m for m, out in zip(chosen, outcomes) if not out]
    killed = len(chosen) - len(survivors)
    summary = (f"{name}: {killed} of {len(chosen)} mutants ({killed / len(chosen):.0%}) lose "
               f"points; {len(survivors)} survive"
               + "".join(f"\n  {m.describe()}" for m in survivors))
    print(summary)  # shown with -rP or -s
    assert killed >= KILL_RATE * len(chosen), summary


# ---------------------------------------------------------------------------
# The mutator itself (no grading)
# ---------------------------------------------------------------------------

def _cell(source, grade_id="psX_part"):
    import nbformat
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True, "grade": False}
    return cell


CELL = '''def step(params, grads, lr=0.5, x=None):
    """Docstring: 1 + 2 is not mutated."""
    total = 1 + 2  # outside the markers: not mutated
    ### BEGIN SOLUTION
    dW = x.T @ grads["W"]  # a comment: 3 * 4
    params["W"] -= lr * dW
    db = grads["b"].sum(axis=0)
    return f"{lr + 1}", dW / 2.0, db
    ### END SOLUTION
'''


def test_mutator_makes_each_kind_of_small_change_inside_the_markers_only():
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[_cell(CELL)])
    found = {(m.kind, m.after.strip()) for m in mutation.mutants(nb)}
    assert found == {
        ("transpose", 'dW = x @ grads["W"]  # a comment: 3 * 4'),
        ("augmented", 'params["W"] = lr * dW'),
        ("mul/div", 'params["W"] -= lr / dW'),
        ("integer", 'db = grads["b"].sum(axis=1)'),
        ("mul/div", 'return f"{lr + 1}", dW * 2.0, db'),
        ("factor", 'return f"{lr + 1}", dW / 4.0, db'),
    }
    for m in mutation.mutants(nb):
        assert m.source.count("\n") == CELL.count("\n") and m.line in range(5, 9)


def test_mutator_skips_mutants_that_do_not_compile_or_change_nothing():
    import nbformat
    source = ("def f(*args, x=0.0):\n    ### BEGIN SOLUTION\n"
              "    return g(*args) + 0.0 * x\n    ### END SOLUTION\n")
    nb = nbformat.v4.new_notebook(cells=[_cell(source)])
    after = sorted(m.after.strip() for m in mutation.mutants(nb))
    # g(/args) does not compile; 0.0 -> 1.0 is the only change of the constant
    assert after == ["return g(*args) + 0.0 / x", "return g(*args) + 1.0 * x",
                     "return g(*args) - 0.0 * x"]


def test_sample_is_fixed_and_keeps_order():
    items = list(range(100))
    first = mutation.sample(items, 40, seed=0)
    assert first == mutation.sample(items, 40, seed=0) == sorted(first) and len(first) == 40
    assert mutation.sample(items[:30], 40) == items[:30]


def test_graded_parts_are_the_solution_cells_a_test_cell_follows():
    import nbformat
    test = nbformat.v4.new_code_cell('run_checks("psX_test_b", globals())')
    test.metadata["nbgrader"] = {"grade_id": "psX_test_b", "grade": True, "points": 1}
    practice = nbformat.v4.new_code_cell('run_checks("psX_check_a", globals())')
    practice.metadata["nbgrader"] = {"grade_id": "psX_check_a", "grade": False}
    nb = nbformat.v4.new_notebook(cells=[_cell("x = 1", "psX_a"), practice,
                                         _cell("y = 2", "psX_b"), _cell("z = 3", "psX_c"),
                                         test, _cell("w = 4", "psX_d")])
    assert mutation.graded_solution_cells(nb) == {"psX_b", "psX_c"}
    assert mutation.old_format_problem(nb) is None
    test.source = "from utils.grading import check\ncheck(f)"
    assert "psX_test_b" in mutation.old_format_problem(nb)
