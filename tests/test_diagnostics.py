"""Dead-ReLU fraction, gradient cosine and the residual block."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from utils.diagnostics import (dead_relu_fraction, gradient_cosine, residual_backward,
                               residual_forward)
from utils.gradcheck import eval_numerical_gradient, rel_error


def test_dead_fraction_counts_units_off_for_the_whole_batch():
    z = np.array([[-1.0, 2.0, 0.0, -3.0],
                  [-2.0, -1.0, 0.0, 0.5],
                  [-0.5, -4.0, 0.0, -1.0]])
    # unit 0: always negative (dead); unit 1: positive once (alive);
    # unit 2: exactly 0 everywhere, ReLU outputs 0 (dead); unit 3: positive once (alive).
    assert dead_relu_fraction(z) == 0.5


def test_dead_fraction_differs_from_the_fraction_of_zero_entries():
    z = np.array([[1.0, -1.0], [-1.0, -1.0], [-1.0, -1.0]])
    assert dead_relu_fraction(z) == 0.5      # one unit of two
    assert np.mean(z <= 0) == pytest.approx(5 / 6)


def test_dead_fraction_of_a_random_batch_is_near_zero_and_of_shifted_is_one():
    z = np.random.default_rng(0).standard_normal((64, 100))
    assert dead_relu_fraction(z) == 0.0
    assert dead_relu_fraction(z - 10.0) == 1.0


@pytest.mark.parametrize("value, error, message", [
    (np.zeros(3), ValueError, "dead_relu_fraction: pre_activations must be 2-D"),
    (np.zeros((0, 3)), ValueError, "must have at least one row and one unit"),
    ("z", TypeError, "dead_relu_fraction: pre_activations must be a number or an array"),
])
def test_dead_fraction_rejects_bad_inputs(value, error, message):
    with pytest.raises(error) as info:
        dead_relu_fraction(value)
    assert message in str(info.value)


def test_cosine_of_a_scaled_gradient_is_one_and_of_a_flipped_one_minus_one():
    g = {"W": np.array([[1.0, 2.0]]), "b": np.array([2.0])}
    assert gradient_cosine(g, {k: 0.3 * v for k, v in g.items()}) == pytest.approx(1.0)
    assert gradient_cosine(g, {k: -v for k, v in g.items()}) == pytest.approx(-1.0)


def test_cosine_by_hand():
    # a = (1, 0, 0), b = (1, 1, 0): cos = 1 / sqrt(2)
    a = {"u": np.array([1.0, 0.0]), "v": np.array([0.0])}
    b = {"u": np.array([1.0, 1.0]), "v": np.array([0.0])}
    assert gradient_cosine(a, b) == pytest.approx(1 / np.sqrt(2))


@pytest.mark.parametrize("a, b, error, message", [
    ([1.0], {"u": 1.0}, TypeError, "gradient_cosine: grads_a and grads_b must be dicts"),
    ({"u": 1.0}, {"v": 1.0}, ValueError, "gradient_cosine: the two gradients have different keys"),
    ({"u": np.ones(2)}, {"u": np.ones(3)}, ValueError, "differ in size"),
    ({"u": np.zeros(2)}, {"u": np.ones(2)}, ValueError, "undefined for a zero gradient"),
])
def test_cosine_rejects_bad_inputs(a, b, error, message):
    with pytest.raises(error) as info:
        gradient_cosine(a, b)
    assert message in str(info.value)


REFERENCE_F = {"tanh": anp.tanh, "sigmoid": lambda z: 1 / (1 + anp.exp(-z)),
               "relu": lambda z: anp.maximum(z, 0.0),
               "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z)}


def block_problem(seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((4, 3)), rng.standard_normal((3, 3)),
            rng.standard_normal(3), rng.standard_normal((4, 3)))


@pytest.mark.parametrize("activation", sorted(REFERENCE_F))
def test_residual_block_forward_and_backward(activation):
    x, w, b, dout = block_problem()
    out, cache = residual_forward(x, w, b, activation)
    f = REFERENCE_F[activation]
    np.testing.assert_allclose(out, x + f(x @ w + b), rtol=1e-12)
    grads = dict(zip("xwb", residual_backward(dout, cache)))
    values = {"x": x, "w": w, "b": b}
    for name, value in values.items():
        def loss(v, name=name):
            args = {**values, name: v}
            return anp.sum((args["x"] + f(anp.dot(args["x"], args["w"]) + args["b"])) * dout)
        assert rel_error(grads[name], grad(loss)(value)) <= 1e-7, name
        numeric = eval_numerical_gradient(
            lambda _, name=name: np.sum(residual_forward(**values, activation=activation)[0]
                                        * dout), value)
        assert rel_error(grads[name], numeric) <= 1e-7, name


def test_identity_path_passes_the_gradient_when_the_branch_is_dead():
    x, w, b, dout = block_problem(1)
    _, cache = residual_forward(x, w, b - 100.0, "relu")
    dx, dw, db = residual_backward(dout, cache)
    np.testing.assert_array_equal(dx, dout)
    np.testing.assert_array_equal(dw, 0.0)
    np.testing.assert_array_equal(db, 0.0)


@pytest.mark.parametrize("args, error, message", [
    ((np.ones((2, 3)), np.ones((3, 4)), np.ones(4)), ValueError,
     "residual_forward: w must be square, shape (3, 3)"),
    ((np.ones(3), np.ones((3, 3)), np.ones(3)), ValueError, "residual_forward: x must be 2-D"),
    ((np.ones((2, 3)), np.ones((3, 3)), np.ones(3), "elu"), ValueError,
     "residual_forward: activation must be one of"),
])
def test_residual_forward_rejects_bad_inputs(args, error, message):
    with pytest.raises(error) as info:
        residual_forward(*args)
    assert message in str(info.value)


def test_residual_backward_rejects_a_gradient_of_the_wrong_shape():
    _, cache = residual_forward(np.ones((2, 3)), np.ones((3, 3)), np.ones(3))
    with pytest.raises(ValueError, match=r"residual_backward: dout must have the block's "
                                         r"output shape \(2, 3\), got \(3, 2\)"):
        residual_backward(np.ones((3, 2)), cache)
