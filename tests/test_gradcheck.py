"""The numerical tools that every other test relies on, checked against known calculus."""

import math

import numpy as np
import pytest

from utils import gradcheck as gc


def test_central_difference_of_known_functions():
    assert gc.numerical_derivative(math.sin, 0.7) == pytest.approx(math.cos(0.7), rel=1e-9)
    assert gc.numerical_derivative(lambda x: x ** 3, 2.0) == pytest.approx(12.0, rel=1e-9)


def test_central_difference_error_shrinks_like_h_squared():
    errors = [abs(gc.numerical_derivative(math.exp, 1.0, h) - math.e) for h in (1e-2, 1e-3)]
    assert errors[0] / errors[1] == pytest.approx(100, rel=0.01)


def test_numerical_gradient_restores_the_input():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = gc.eval_numerical_gradient(lambda v: np.sum(v ** 2), x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(g, 2 * before, rtol=1e-9)


def test_numerical_gradient_restores_the_input_when_f_raises():
    x = np.array([1.0, 2.0])

    def explode(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        gc.eval_numerical_gradient(explode, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_array_is_the_vector_jacobian_product():
    x = np.array([0.3, -1.2, 2.0])
    dout = np.array([1.0, 2.0, -1.0])
    g = gc.eval_numerical_gradient_array(np.sin, x.copy(), dout)
    np.testing.assert_allclose(g, np.cos(x) * dout, rtol=1e-9)


def test_numerical_jacobian():
    x = np.array([1.0, 2.0])
    jac = gc.numerical_jacobian(lambda v: np.array([v[0] * v[1], np.sin(v[0]), v[1] ** 2]), x)
    np.testing.assert_allclose(jac, [[2.0, 1.0], [math.cos(1.0), 0.0], [0.0, 4.0]],
                               rtol=1e-9, atol=1e-10)


def test_rel_error_and_gradient_difference_follow_their_definitions():
    assert gc.rel_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    assert gc.rel_error(0.0, 0.0) == 0.0
    assert gc.rel_error(1e-9, 0.0) == pytest.approx(1e-9 / 1e-8)
    assert gc.gradient_difference([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert gc.gradient_difference([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert gc.gradient_difference([0.0, 0.0], [0.0, 0.0]) == 0.0


def test_model_check_finds_a_wrong_gradient():
    w = np.array([1.0, -2.0, 0.5])
    params = {"w": w}

    def right():
        return float(np.sum(w ** 2)), {"w": 2 * w}

    def wrong():
        return float(np.sum(w ** 2)), {"w": w}

    assert gc.check_model_gradients(right, params).passed(1e-8)
    report = gc.check_model_gradients(wrong, params)
    assert not report.passed(1e-2)
    assert report.max_rel_error() == pytest.approx(1 / 3, rel=1e-6)
    assert "w " in str(report) and "rel. error" in str(report)


@pytest.mark.parametrize("call, message", [
    (lambda: gc.numerical_derivative(3.0, 1.0), "numerical_derivative: f must be a function"),
    (lambda: gc.numerical_derivative(math.sin, 1.0, h=0), "numerical_derivative: h must be positive"),
    (lambda: gc.eval_numerical_gradient(np.sum, [1.0, 2.0]),
     "eval_numerical_gradient: x must be a float64 NumPy array"),
    (lambda: gc.eval_numerical_gradient(np.sin, np.ones(2)),
     "eval_numerical_gradient: f must return a scalar"),
    (lambda: gc.eval_numerical_gradient_array(np.sin, np.ones(2), np.ones(3)),
     "eval_numerical_gradient_array: f(x) has shape (2,) but dout has shape (3,)"),
    (lambda: gc.rel_error(np.ones(2), np.ones(3)), "rel_error: x has shape (2,) but y has shape (3,)"),
    (lambda: gc.check_model_gradients(lambda: (0.0, {}), {"w": np.ones(2)}),
     "check_model_gradients: no analytic gradient for ['w']"),
])
def test_gradcheck_errors(call, message):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert message in str(info.value)
