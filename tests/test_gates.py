"""Every gate's backward against central differences and against HIPS autograd."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from utils import gates
from utils.gradcheck import eval_numerical_gradient_array, numerical_derivative, rel_error

TOL = 1e-7

# gate factory, independent autograd formula, input sampler (keeps away from kinks)
UNARY = [
    (gates.SigmoidGate, lambda x: 1.0 / (1.0 + anp.exp(-x))),
    (gates.TanhGate, anp.tanh),
    (gates.ReLUGate, lambda x: anp.where(x > 0, x, 0.0)),
    (lambda: gates.LeakyReLUGate(0.1), lambda x: anp.where(x > 0, x, 0.1 * x)),
    (gates.ExpGate, anp.exp),
    (lambda: gates.PowerGate(3), lambda x: x ** 3),
    (gates.ReciprocalGate, lambda x: 1.0 / x),
]
BINARY = [
    (gates.AddGate, lambda x, y: x + y),
    (gates.MultiplyGate, lambda x, y: x * y),
    (gates.MaxGate, lambda x, y: anp.maximum(x, y)),
]


def _away_from_kinks(rng, shape):
    x = rng.uniform(0.2, 2.0, size=shape)
    return x * rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.parametrize("make, ref", UNARY)
def test_unary_gate_on_floats(make, ref):
    rng = np.random.default_rng(0)
    for x in _away_from_kinks(rng, 5):
        gate = make()
        out = gate.forward(float(x))
        assert isinstance(out, float)
        assert out == pytest.approx(float(ref(x)), rel=1e-12)
        dx = gate.backward(1.5)
        assert isinstance(dx, float)
        assert rel_error(dx, 1.5 * numerical_derivative(lambda t: float(ref(t)), float(x))) < TOL
        assert rel_error(dx, 1.5 * grad(ref)(float(x))) < 1e-12


@pytest.mark.parametrize("make, ref", UNARY)
def test_unary_gate_on_arrays(make, ref):
    rng = np.random.default_rng(1)
    x = _away_from_kinks(rng, (3, 4))
    dout = rng.normal(size=(3, 4))
    gate = make()
    np.testing.assert_allclose(gate.forward(x), ref(x), rtol=1e-12)
    dx = gate.backward(dout)
    numeric = eval_numerical_gradient_array(lambda v: make().forward(v), x.copy(), dout)
    assert rel_error(dx, numeric) < TOL
    oracle = grad(lambda v: anp.sum(ref(v) * dout))(x)
    assert rel_error(dx, oracle) < 1e-12


@pytest.mark.parametrize("make, ref", BINARY)
def test_binary_gate_matches_autograd(make, ref):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(2, 6))
    dout = rng.normal(size=6)
    gate = make()
    gate.forward(x, y)
    dx, dy = gate.backward(dout)
    assert rel_error(dx, grad(lambda a: anp.sum(ref(a, y) * dout))(x)) < 1e-12
    assert rel_error(dy, grad(lambda b: anp.sum(ref(x, b) * dout))(y)) < 1e-12
    numeric_dx = eval_numerical_gradient_array(lambda a: make().forward(a, y), x.copy(), dout)
    assert rel_error(dx, numeric_dx) < TOL


def test_binary_gates_on_the_classic_numbers():
    # by hand: d(xy)/dx = y, d(xy)/dy = x; add passes dout through; max routes it
    mul = gates.MultiplyGate()
    assert mul.forward(-2.0, 3.0) == -6.0
    assert mul.backward(2.0) == (6.0, -4.0)
    add = gates.AddGate()
    add.forward(1.0, 7.0)
    assert add.backward(-3.0) == (-3.0, -3.0)
    mx = gates.MaxGate()
    assert mx.forward(2.0, 5.0) == 5.0
    assert mx.backward(4.0) == (0.0, 4.0)


def test_scalar_times_array_sums_the_scalar_gradient():
    gate = gates.MultiplyGate()
    x = np.array([1.0, 2.0, 3.0])
    gate.forward(2.0, x)
    ds, dx = gate.backward(np.ones(3))
    assert ds == pytest.approx(6.0)
    np.testing.assert_array_equal(dx, [2.0, 2.0, 2.0])


def test_matmul_gate_against_numerical_and_autograd():
    rng = np.random.default_rng(3)
    x, w, dout = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(4, 5))
    gate = gates.MatMulGate()
    gate.forward(x, w)
    dx, dw = gate.backward(dout)
    assert dx.shape == x.shape and dw.shape == w.shape
    assert rel_error(dx, eval_numerical_gradient_array(lambda a: a @ w, x.copy(), dout)) < TOL
    assert rel_error(dw, eval_numerical_gradient_array(lambda b: x @ b, w.copy(), dout)) < TOL
    assert rel_error(dw, grad(lambda b: anp.sum(anp.dot(x, b) * dout))(w)) < 1e-12


def test_sigmoid_gate_is_stable_for_huge_inputs():
    gate = gates.SigmoidGate()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = gate.forward(np.array([-1e4, 0.0, 1e4]))
        assert np.all(np.isfinite(gate.backward(np.ones(3))))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


@pytest.mark.parametrize("call, message", [
    (lambda: gates.AddGate().backward(1.0), "AddGate.backward: call forward first"),
    (lambda: gates.AddGate().forward(1.0), "AddGate.forward: expected 2 input(s), got 1"),
    (lambda: gates.MultiplyGate().forward("2", 3.0), "MultiplyGate.forward: input 1 must be"),
    (lambda: gates.AddGate().forward(np.ones(3), np.ones(4)),
     "AddGate.forward: inputs of shapes (3,) and (4,) cannot be combined"),
    (lambda: gates.MatMulGate().forward(np.ones((2, 3)), np.ones((4, 5))),
     "MatMulGate.forward: x has 3 columns but w has 4 rows"),
    (lambda: gates.MatMulGate().forward(np.ones(3), np.ones((3, 5))),
     "MatMulGate.forward: x must be 2-D, got shape (3,)"),
    (lambda: gates.ReciprocalGate().forward(0.0), "ReciprocalGate.forward: input contains 0"),
])
def test_gate_errors_name_the_gate_and_the_problem(call, message):
    with pytest.raises((TypeError, ValueError, RuntimeError, ZeroDivisionError)) as info:
        call()
    assert message in str(info.value)


def test_backward_rejects_a_dout_of_the_wrong_shape():
    gate = gates.TanhGate()
    gate.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"TanhGate.backward: dout has shape \(3, 2\) but "
                                         r"the output had shape \(2, 3\)"):
        gate.backward(np.zeros((3, 2)))
