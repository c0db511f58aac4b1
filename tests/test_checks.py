"""utils.checks: judges, probes, the JSON boundary and the student-side run_checks."""

import numpy as np
import pytest

from utils.checks import CheckFailed, run_checks
from utils.checks.core import (Check, Mistake, arr, at_least, call, call_raises, close, decode,
                               encode, exception_name, fn, one_line, raises, same_shape)


def _verdict(check, ns, want=None, hidden=False):
    from utils.checks.core import run_probe
    import json
    request = json.loads(json.dumps(check.request()))
    outcome = json.loads(json.dumps(run_probe(request["probe"], request["args"],
                                              request["kwargs"], ns)))
    return check.verdict(outcome, check.expected() if want is None else want, hidden)


def test_arrays_and_functions_cross_the_boundary_as_json():
    assert decode(arr([[1, 2]])).tolist() == [[1.0, 2.0]]
    assert decode(fn("square"))(3.0) == 9.0
    assert encode(np.arange(3)) == {"__array__": [0.0, 1.0, 2.0]}
    assert encode(object()) == {"__type__": "object"}
    with pytest.raises(ValueError, match="fn: unknown function 'nope'"):
        fn("nope")


def test_exception_names_of_student_classes_are_not_reported():
    class HiddenInputIs_3_14(ValueError):
        pass
    assert exception_name(HiddenInputIs_3_14()) == "ValueError"
    assert exception_name(type("X", (Exception,), {})()) == "Exception"
    assert one_line("a\nb") == "a" and len(one_line("x" * 500)) == 160


def test_close_passes_right_answers_and_names_the_sign_mistake():
    check = Check("dW", call, ("f", arr([1.0, 2.0])), expect=lambda n, x: 2 * x)
    assert _verdict(check, {"f": lambda x: 2 * x}) is None
    assert _verdict(check, {"f": lambda x: -2 * x}) == "dW has the wrong sign"


def test_close_lists_only_the_wrong_entries_and_hides_numbers_when_hidden():
    want = np.arange(12.0).reshape(3, 4) + 1
    got = want.copy()
    got[1, 0] = 0.0
    check = Check("J", call, ("f",), expect=lambda n: want)
    visible = _verdict(check, {"f": lambda: got})
    assert visible == "J is wrong at 1 of 12 entries: [1, 0] (at [1, 0]: got 0, expected 5)"
    hidden = _verdict(check, {"f": lambda: got}, hidden=True)
    assert hidden == "J is wrong at 1 of 12 entries: [1, 0]"


def test_close_diagnoses_shape_transpose_factor_and_catalogued_mistakes():
    want = np.ones((2, 3))
    check = Check("dW", call, ("f",), expect=lambda n: want,
                  judge=close(batch_size=4, mistakes=[Mistake("db was summed over axis 1",
                                                              lambda w, n: w * 7)]))
    assert _verdict(check, {"f": lambda: want.T}).endswith("check your transpose")
    assert "divide by the batch size N" in _verdict(check, {"f": lambda: 4 * want})
    assert _verdict(check, {"f": lambda: 7 * want}) == "dW: db was summed over axis 1"
    assert _verdict(check, {"f": lambda: "yes"}) == "dW: expected numbers, got str"
    assert _verdict(check, {"f": lambda: want * np.nan}) == "dW contains nan or inf"


def test_raises_at_least_and_same_shape():
    check = Check("f(0)", call_raises, ("f", 0.0), expect=lambda *a: None,
                  judge=raises("ValueError"))
    assert _verdict(check, {"f": lambda x: 1 / 0}).endswith("but raised ZeroDivisionError")
    assert _verdict(check, {"f": lambda x: x}).endswith("returned without an error")
    acc = Check("accuracy", call, ("f",), expect=lambda n: None, judge=at_least(0.9))
    assert _verdict(acc, {"f": lambda: 0.95}) is None
    assert "below the required 0.9" in _verdict(acc, {"f": lambda: 0.5})
    shape = Check("x", call, ("f",), expect=lambda n: np.zeros(3), judge=same_shape())
    assert _verdict(shape, {"f": lambda: np.ones(3)}) is None


def test_an_unanswered_function_and_a_missing_name_get_sentences():
    check = Check("g(1)", call, ("g", 1.0), expect=lambda n, x: x)
    assert "not answered yet" in _verdict(check, {"g": lambda x: (_ for _ in ()).throw(
        NotImplementedError())})
    assert "NameError" in _verdict(check, {})


def test_run_checks_passes_the_ps1_solution_and_fails_with_one_sentence():
    ns = {"central_difference": lambda f, x, h=1e-5: _central(f, x, h)}
    run_checks("ps1_test_central_difference", ns)
    ns["central_difference"] = lambda f, x, h=1e-5: (f(np.asarray(x) + h) - f(x)) / h
    with pytest.raises(CheckFailed) as err:
        run_checks("ps1_test_central_difference", ns)
    assert "forward difference" in str(err.value)
    assert err.value._render_traceback_() == [f"CheckFailed: {err.value}"]


def _central(f, x, h):
    if not callable(f):
        raise TypeError("central_difference: f must be callable")
    if not h > 0:
        raise ValueError("central_difference: h must be positive")
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def test_run_checks_rejects_a_namespace_that_is_not_a_dict():
    with pytest.raises(TypeError, match="run_checks: namespace must be"):
        run_checks("ps1_test_central_difference", None)
