"""Batched layers and losses against central differences and HIPS autograd."""

import warnings

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from utils import layers
from utils.gradcheck import eval_numerical_gradient, eval_numerical_gradient_array, rel_error

TOL = 1e-7


def _sig(z):
    return 1.0 / (1.0 + anp.exp(-z))


ACTIVATIONS = [
    ("relu", layers.relu_forward, layers.relu_backward, lambda z: anp.maximum(z, 0.0)),
    ("leaky_relu", lambda x: layers.leaky_relu_forward(x, 0.05), layers.leaky_relu_backward,
     lambda z: anp.where(z > 0, z, 0.05 * z)),
    ("sigmoid", layers.sigmoid_forward, layers.sigmoid_backward, _sig),
    ("tanh", layers.tanh_forward, layers.tanh_backward, anp.tanh),
]


@pytest.mark.parametrize("name, forward, backward, ref", ACTIVATIONS,
                         ids=[a[0] for a in ACTIVATIONS])
def test_activation_backward(name, forward, backward, ref):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 2.0, size=(4, 5)) * rng.choice([-1.0, 1.0], size=(4, 5))
    dout = rng.normal(size=(4, 5))
    out, cache = forward(x)
    np.testing.assert_allclose(out, ref(x), rtol=1e-12)
    dx = backward(dout, cache)
    numeric = eval_numerical_gradient_array(lambda v: forward(v)[0], x.copy(), dout)
    assert rel_error(dx, numeric) < TOL
    assert rel_error(dx, grad(lambda v: anp.sum(ref(v) * dout))(x)) < 1e-12


def test_affine_backward():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    dout = rng.normal(size=(6, 3))
    out, cache = layers.affine_forward(x, w, b)
    np.testing.assert_allclose(out, x @ w + b)
    dx, dw, db = layers.affine_backward(dout, cache)
    loss = lambda x_, w_, b_: anp.sum((anp.dot(x_, w_) + b_) * dout)  # noqa: E731
    for i, got in enumerate((dx, dw, db)):
        assert rel_error(got, grad(loss, i)(x, w, b)) < 1e-12
    assert rel_error(dw, eval_numerical_gradient_array(
        lambda v: layers.affine_forward(x, v, b)[0], w.copy(), dout)) < TOL
    assert rel_error(db, eval_numerical_gradient_array(
        lambda v: layers.affine_forward(x, w, v)[0], b.copy(), dout)) < TOL


def test_softmax_cross_entropy():
    rng = np.random.default_rng(2)
    scores, y = rng.normal(size=(5, 4)), np.array([0, 3, 1, 1, 2])

    def ref(s):
        logp = s - anp.log(anp.sum(anp.exp(s), axis=1, keepdims=True))
        return -anp.mean(logp[np.arange(5), y])

    loss, dscores = layers.softmax_cross_entropy(scores, y)
    assert loss == pytest.approx(float(ref(scores)), rel=1e-12)
    assert rel_error(dscores, grad(ref)(scores)) < 1e-12
    numeric = eval_numerical_gradient(lambda s: layers.softmax_cross_entropy(s, y)[0],
                                      scores.copy())
    assert rel_error(dscores, numeric) < TOL


def test_softmax_cross_entropy_of_uniform_scores_is_log_c():
    loss, _ = layers.softmax_cross_entropy(np.zeros((3, 10)), [0, 5, 9])
    assert loss == pytest.approx(np.log(10))


@pytest.mark.parametrize("shape", [(6,), (6, 1)])
def test_bce_with_logits(shape):
    rng = np.random.default_rng(3)
    z = rng.normal(size=shape)
    y = (rng.uniform(size=shape) > 0.5).astype(float)

    def ref(v):
        p = _sig(v)
        return -anp.mean(y * anp.log(p) + (1 - y) * anp.log(1 - p))

    loss, dz = layers.bce_with_logits(z, y)
    assert loss == pytest.approx(float(ref(z)), rel=1e-12)
    assert dz.shape == shape
    assert rel_error(dz, grad(ref)(z)) < 1e-12
    assert rel_error(dz, eval_numerical_gradient(
        lambda v: layers.bce_with_logits(v, y)[0], z.copy())) < TOL


def test_losses_are_finite_and_silent_for_huge_scores():
    scores = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0]])
    z = np.array([1e4, -1e4, 1e4, -1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce, dscores = layers.softmax_cross_entropy(scores, [1, 1])
        bce, dz = layers.bce_with_logits(z, np.array([1.0, 0.0, 0.0, 1.0]))
    assert ce == pytest.approx(2e4 / 2)      # row 1 misses by 2e4, row 2 is right
    assert bce == pytest.approx(2e4 / 4)     # two confident mistakes of 1e4 each
    assert np.all(np.isfinite(dscores)) and np.all(np.isfinite(dz))
    np.testing.assert_allclose(dz, [0.0, 0.0, 0.25, -0.25])


@pytest.mark.parametrize("call, message", [
    (lambda: layers.affine_forward(np.ones((2, 3)), np.ones((5, 4)), np.zeros(4)),
     "affine_forward: x has 3 features per row but w expects 5"),
    (lambda: layers.affine_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(5)),
     "affine_forward: b has 5 entries but w has 4 output columns"),
    (lambda: layers.affine_forward(np.ones(3), np.ones((3, 4)), np.zeros(4)),
     "affine_forward: x must be 2-D, got shape (3,)"),
    (lambda: layers.affine_backward(np.ones((2, 5)),
                                    layers.affine_forward(np.ones((2, 3)), np.ones((3, 4)),
                                                          np.zeros(4))[1]),
     "affine_backward: dout has shape (2, 5) but the layer's output had shape (2, 4)"),
    (lambda: layers.softmax_cross_entropy(np.ones((2, 3)), [0, 3]),
     "softmax_cross_entropy: y must lie in 0..2, got values from 0 to 3"),
    (lambda: layers.softmax_cross_entropy(np.ones((2, 3)), [0, 1, 2]),
     "softmax_cross_entropy: y must have shape (2,)"),
    (lambda: layers.softmax_cross_entropy(np.ones((2, 3)), [0.5, 1]),
     "softmax_cross_entropy: y must hold integer class labels"),
    (lambda: layers.bce_with_logits(np.ones(3), np.ones(4)),
     "bce_with_logits: z has shape (3,) but y has shape (4,)"),
    (lambda: layers.bce_with_logits(np.ones(3), np.array([0, 1, 2])),
     "bce_with_logits: y must contain only 0 and 1"),
    (lambda: layers.relu_forward("abc"), "relu_forward: x must be a number or an array"),
])
def test_layer_errors_are_sentences(call, message):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert message in str(info.value)


def test_softmax_rows_are_probabilities_even_for_huge_scores():
    scores = np.array([[1.0, 2.0, 3.0], [1e4, 0.0, -1e4]])
    probs = layers.softmax(scores)
    np.testing.assert_allclose(probs[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_allclose(probs[1], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
