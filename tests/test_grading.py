"""utils.grading: one teaching sentence per wrong answer, and no way to fake a pass."""

import builtins
import importlib
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import utils.grading as grading

ROOT = Path(__file__).resolve().parents[1]
IDIOM = "import importlib, utils.grading; grading = importlib.reload(utils.grading)"
E = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -6.0]])  # a (2, 3) expected value


def fails(check, *args, **kwargs):
    """Run a check that must fail; return its message."""
    with pytest.raises(AssertionError) as info:
        check(*args, **kwargs)
    return str(info.value)


# --- right answers pass --------------------------------------------------------

@pytest.mark.parametrize("answer", [E, E.tolist(), E + 1e-12, E * (1 + 5e-7),
                                    np.asfortranarray(E), E.astype(np.float32).astype(float)])
def test_equal_arrays_pass(answer):
    grading.check_array("dW", answer, E)


@pytest.mark.parametrize("answer", [2, 2.0, np.float64(2.0), np.int64(2), np.array(2.0),
                                    np.array([2.0]), [2.0]])
def test_numbers_in_any_numeric_form_pass(answer):
    grading.check_scalar("loss", answer, 2.0)


def test_integer_arrays_are_compared_as_floats():
    grading.check_array("counts", np.array([1, 2, 3]), [1.0, 2.0, 3.0])


def test_tolerances_are_relative_plus_absolute():
    grading.check_scalar("x", 100.0 + 9e-5, 100.0, rtol=1e-6)  # 9e-5 <= 1e-9 + 1e-4
    assert "wrong" in fails(grading.check_scalar, "x", 100.0 + 2e-4, 100.0, rtol=1e-6)
    grading.check_scalar("x", 5e-10, 0.0)  # atol 1e-9 around zero
    assert "wrong" in fails(grading.check_scalar, "x", 2e-9, 0.0)


# --- each diagnosis ------------------------------------------------------------

def test_message_names_the_answer_and_shows_values_to_4_significant_digits():
    message = fails(grading.check_scalar, "loss", 0.123456789, 0.987654321)
    assert message == "loss is wrong: expected 0.9877, got 0.1235."


def test_array_message_counts_and_locates_the_mismatches():
    answer = E.copy()
    answer[1, 2] = 7.0
    message = fails(grading.check_array, "dW", answer, E)
    assert message.startswith("dW is wrong at 1 of 6 entries: expected [1, -2, 3, 0.5, ...]")
    assert "first mismatch at index (1, 2)" in message
    assert message.count(";") == 0 and message.endswith(".")


@pytest.mark.parametrize("factor, phrase", [
    (-1.0, "has the wrong sign"),
    (2.0, "is twice the expected value"),
    (0.5, "is half the expected value"),
])
def test_constant_ratios_are_diagnosed(factor, phrase):
    assert phrase in fails(grading.check_array, "dW", factor * E, E)
    assert phrase in fails(grading.check_scalar, "dx", factor * 1.5, 1.5)


def test_forgetting_to_average_over_the_batch_is_diagnosed():
    message = fails(grading.check_array, "db", 8 * E, E, batch_size=8)
    assert "8 = N times too large" in message
    assert message.endswith("did you forget to average over the batch (divide by N)?")


def test_dividing_by_the_batch_size_twice_is_diagnosed():
    assert "8 = N times too small" in fails(grading.check_array, "db", E / 8, E, batch_size=8)


def test_batch_of_two_is_reported_as_a_batch_mistake_not_a_factor_2():
    assert "divide by N" in fails(grading.check_array, "db", 2 * E, E, batch_size=2)


def test_ratio_n_is_not_diagnosed_without_batch_size():
    message = fails(grading.check_array, "db", 8 * E, E)
    assert "N" not in message.split(":")[1] and ";" not in message


def test_reversed_shape_says_check_your_transpose():
    message = fails(grading.check_array, "dW1", E.T, E)
    assert message == ("dW1 has shape (3, 2); expected (2, 3) - check your transpose "
                       "(its transpose has the right values).")


def test_reversed_shape_with_wrong_values_still_hints_transpose():
    message = fails(grading.check_array, "dW1", E.T + 1.0, E)
    assert message == "dW1 has shape (3, 2); expected (2, 3) - check your transpose."


def test_other_shape_mismatch_names_both_shapes():
    message = fails(grading.check_array, "h", np.zeros((2, 4)), E)
    assert message == "h has shape (2, 4); expected (2, 3)."


def test_square_matrix_transposed_is_diagnosed():
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transposed - check your transpose" in fails(grading.check_array, "W", square.T, square)


def test_known_mistake_of_the_author_is_reported_first():
    z = np.array([-1.0, 0.0, 2.0])
    s = 1.0 / (1.0 + np.exp(-z))
    wrong = z * (1.0 - z)  # sigma'(z) computed from z instead of sigma(z)
    hint = "you passed z to sigmoid_grad; it takes sigmoid(z)"
    message = fails(grading.check_array, "dz", wrong, s * (1 - s),
                    known_mistakes=[(wrong, hint)])
    assert message.endswith("; " + hint + ".")


def test_no_diagnosis_when_expected_is_all_zero():
    message = fails(grading.check_array, "g", [1.0, 1.0], [0.0, 0.0])
    assert ";" not in message


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_answers_fail_with_their_position(bad):
    answer = E.copy()
    answer[0, 1] = bad
    message = fails(grading.check_array, "dW", answer, E)
    assert "non-finite" in message and "(0, 1)" in message


def test_scalar_check_rejects_arrays():
    assert "must be a single number" in fails(grading.check_scalar, "loss", [1.0, 2.0], 1.0)


def test_check_shape():
    grading.check_shape("h", np.zeros((4, 3)), (4, 3))
    assert "check your transpose" in fails(grading.check_shape, "h", np.zeros((3, 4)), (4, 3))
    assert fails(grading.check_shape, "h", np.zeros(3), (3, 1)) == \
        "h has shape (3,); expected (3, 1)."


# --- answers that are not real numbers -----------------------------------------

class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = None


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    def __abs__(self):
        return 0.0

    __hash__ = None


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __sub__(self, other):
        return np.zeros(np.shape(self))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(E)


@pytest.mark.parametrize("answer, phrase", [
    (AlwaysEqual(), "must hold real numbers"),
    ("1.0", "must be a number or an array of numbers"),
    (b"1", "must be a number or an array of numbers"),
    (None, "must be a number or an array of numbers"),
    (True, "must be a number or an array of numbers"),
    (np.array([True, False]), "must hold real numbers"),
    (1 + 2j, "must hold real numbers"),
    (np.array([1 + 0j]), "must hold real numbers"),
    ([[1.0, 2.0], [3.0]], "could not be read as numbers"),
    ({"a": 1.0}, "must be a number or an array of numbers"),
])
def test_non_numbers_fail(answer, phrase):
    assert phrase in fails(grading.check_array, "x", answer, [1.0])


def test_always_equal_object_scores_as_failure():
    fails(grading.check_scalar, "x", AlwaysEqual(), 1.0)
    fails(grading.check_array, "x", AlwaysEqual(), E)


def test_float_subclass_is_graded_by_its_value():
    assert "expected 1, got 3" in fails(grading.check_scalar, "x", LyingFloat(3.0), 1.0)


def test_ndarray_subclass_is_graded_by_its_data():
    lying = np.zeros((2, 3)).view(LyingArray)
    message = fails(grading.check_array, "dW", lying, E)
    assert "got [0, 0, 0, 0, ...]" in message


# --- tampering: fail closed ----------------------------------------------------

WRONG = E + 1.0


@pytest.mark.parametrize("target, name", [
    (np, "allclose"), (np, "isclose"), (np, "array_equal"), (np.testing, "assert_allclose"),
    (math, "isclose"), (builtins, "abs"), (builtins, "all"), (builtins, "max"),
])
def test_patched_comparisons_do_not_let_a_wrong_answer_pass(monkeypatch, target, name):
    monkeypatch.setattr(target, name, lambda *a, **k: True)
    fails(grading.check_array, "dW", WRONG, E)
    fails(grading.check_scalar, "x", 2.0, 1.0)


@pytest.mark.parametrize("name", ["asarray", "array"])
def test_patched_numpy_conversion_trips_the_canary(monkeypatch, name):
    real = getattr(np, name)
    monkeypatch.setattr(np, name, lambda *a, **k: real(0.0))
    message = fails(grading.check_array, "dW", E, E)  # even a right answer fails
    assert message.startswith("grading integrity check failed")


@pytest.mark.parametrize("name, fake", [
    ("_mismatches", lambda *a, **k: []),
    ("_close", lambda *a, **k: True),
    ("_as_floats", lambda name, value: ((), [0.0])),
])
def test_patched_internals_trip_the_canary(monkeypatch, name, fake):
    monkeypatch.setattr(grading, name, fake)
    with pytest.raises(AssertionError, match="grading integrity check failed"):
        grading.check_raises_canary()


@pytest.mark.parametrize("name", ["zip", "enumerate"])
def test_patched_iteration_builtins_trip_the_canary(monkeypatch, name):
    monkeypatch.setattr(builtins, name, lambda *a, **k: [])
    with pytest.raises(AssertionError, match="grading integrity check failed"):
        grading.check_array("dW", WRONG, E)


def test_canary_passes_when_untouched():
    grading.check_raises_canary()


def run_notebook_code(code):
    """Run ``code`` in a fresh interpreter (the course root on sys.path); return it."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": ""})


@pytest.mark.parametrize("patch", [
    # a student cell that replaces the checkers ...
    "import utils.grading\n"
    "utils.grading.check_array = lambda *a, **k: None\n"
    "utils.grading.check_scalar = lambda *a, **k: None\n"
    "utils.grading.check_raises_canary = lambda: None\n"
    "utils.grading._mismatches = lambda *a, **k: []\n",
    # ... or swaps in a fake module, in sys.modules and on the package
    "import sys, types, utils\n"
    "fake = types.ModuleType('utils.grading')\n"
    "fake.check_array = fake.check_scalar = lambda *a, **k: None\n"
    "sys.modules['utils.grading'] = fake\n"
    "utils.grading = fake\n",
    # ... or only in sys.modules, before or after the real one was imported
    "import sys, types\n"
    "fake = types.ModuleType('utils.grading')\n"
    "fake.check_array = fake.check_scalar = lambda *a, **k: None\n"
    "sys.modules['utils.grading'] = fake\n",
    "import sys, types, utils.grading\n"
    "fake = types.ModuleType('utils.grading')\n"
    "fake.check_array = fake.check_scalar = lambda *a, **k: None\n"
    "sys.modules['utils.grading'] = fake\n",
])
def test_test_cell_idiom_survives_a_patched_grading_module(patch):
    code = patch + IDIOM + "\ngrading.check_array('dW', [[2.0, 2.0]], [[1.0, 1.0]])\n"
    result = run_notebook_code(code)
    last_line = result.stderr.strip().splitlines()[-1]
    assert result.returncode != 0
    assert last_line.startswith(("AssertionError: dW is wrong", "ImportError", "AttributeError"))


def test_test_cell_idiom_passes_a_right_answer():
    result = run_notebook_code(IDIOM + "\ngrading.check_array('dW', [[1.0, 1.0]], [[1, 1]])\n"
                               "print('ok')")
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr


def test_idiom_is_documented_in_the_module_docstring():
    assert IDIOM in grading.__doc__


def test_reload_restores_checkers_patched_in_this_process(monkeypatch):
    monkeypatch.setattr(grading, "check_array", lambda *a, **k: None)
    fresh = importlib.reload(grading)
    fails(fresh.check_array, "dW", WRONG, E)


# --- options -------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error", [
    (dict(batch_size=0), TypeError), (dict(batch_size=2.0), TypeError),
    (dict(rtol=-1.0), ValueError), (dict(atol="0"), ValueError),
])
def test_bad_options_are_the_test_authors_error(kwargs, error):
    with pytest.raises(error, match="grading: "):
        grading.check_array("dW", E, E, **kwargs)


def test_values_that_look_equal_at_4_digits_are_printed_with_more():
    with pytest.raises(AssertionError) as info:
        grading.check_scalar("slope", 12.0001, 12.0)
    assert "expected 12, got 12.0001" in str(info.value)


def test_check_not_calling_finds_reference_calls_in_nested_functions():
    import utils.init

    def he_init(fan_in, fan_out, rng):
        def draw():
            return utils.init.init_weights(fan_in, fan_out, "he", rng)
        return draw()

    def own_he_init(fan_in, fan_out, rng):
        return rng.normal(0.0, (2.0 / fan_in) ** 0.5, size=(fan_in, fan_out))

    with pytest.raises(AssertionError, match="he_init must draw the weights itself, but it "
                                             "uses init_weights"):
        grading.check_not_calling(he_init, {"init_weights"}, "draw the weights itself")
    grading.check_not_calling(own_he_init, {"init_weights"}, "draw the weights itself")
    with pytest.raises(AssertionError, match="expected a function written in the notebook"):
        grading.check_not_calling(print, {"x"}, "do it")
