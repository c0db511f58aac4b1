"""The vanilla RNN: forward pass, BPTT against numerical gradients and HIPS autograd."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.gradcheck import eval_numerical_gradient, rel_error
from utils.rnn import recurrent_matrix, rnn_backward, rnn_forward

ACTIVATIONS = ["tanh", "relu", "linear"]
NAMES = ["x", "h0", "W_xh", "W_hh", "b"]
REFERENCE_F = {"tanh": anp.tanh, "relu": lambda z: anp.maximum(z, 0.0),
               "linear": lambda z: z}


def reference_states(x, h0, W_xh, W_hh, b, activation, start=0):
    """Hidden states h_{start+1}..h_T written independently with autograd.numpy."""
    f = REFERENCE_F[activation]
    states, h = [], h0
    for t in range(start, x.shape[1]):
        h = f(anp.dot(x[:, t], W_xh) + anp.dot(h, W_hh) + b)
        states.append(h)
    return anp.stack(states, axis=1)


def make_problem(activation, n=2, steps=4, dim=3, hidden=4, seed=0):
    """Inputs and an upstream gradient dh for a small RNN."""
    rng = np.random.default_rng(seed)
    inputs = {"x": rng.standard_normal((n, steps, dim)),
              "h0": rng.standard_normal((n, hidden)),
              "W_xh": rng.standard_normal((dim, hidden)) * 0.6,
              "W_hh": rng.standard_normal((hidden, hidden)) * 0.5,
              "b": rng.standard_normal(hidden) * 0.3}
    return inputs, rng.standard_normal((n, steps, hidden)), activation


def loss_of(inputs, dh, activation):
    """L = sum(h * dh), so dL/dh_t from outside the recurrence is exactly dh[:, t]."""
    h = reference_states(*(inputs[k] for k in NAMES), activation)
    return anp.sum(h * dh)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_the_recurrence(activation):
    inputs, _, _ = make_problem(activation)
    h, _ = rnn_forward(**inputs, activation=activation)
    expected = reference_states(*(inputs[k] for k in NAMES), activation)
    assert h.shape == (2, 4, 4)
    assert rel_error(h, expected) <= 1e-12


def test_forward_by_hand_for_a_scalar_linear_rnn():
    # h1 = 2 * 1 + 0.5 * 1 + 0.1 = 2.6;  h2 = 2 * (-1) + 0.5 * 2.6 + 0.1 = -0.6
    h, _ = rnn_forward(np.array([[[1.0], [-1.0]]]), np.array([[1.0]]), np.array([[2.0]]),
                       np.array([[0.5]]), np.array([0.1]), activation="linear")
    np.testing.assert_allclose(h[0, :, 0], [2.6, -0.6])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("name", NAMES)
def test_bptt_matches_numerical_gradients(activation, name):
    inputs, dh, activation = make_problem(activation)
    _, cache = rnn_forward(**inputs, activation=activation)
    grads, _ = rnn_backward(dh, cache)

    def loss(_):
        return rnn_forward(**inputs, activation=activation)[0].ravel() @ dh.ravel()

    numeric = eval_numerical_gradient(loss, inputs[name])
    assert grads[name].shape == inputs[name].shape
    assert rel_error(grads[name], numeric) <= 1e-7


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_bptt_matches_autograd(activation):
    inputs, dh, activation = make_problem(activation, seed=1)
    _, cache = rnn_forward(**inputs, activation=activation)
    grads, _ = rnn_backward(dh, cache)
    for name in NAMES:
        def loss(value, name=name):
            return loss_of({**inputs, name: value}, dh, activation)
        assert rel_error(grads[name], grad(loss)(inputs[name])) <= 1e-7, name


def total_gradient_at(inputs, dh, activation, k):
    """dL/dh_{k+1} through every later step, by autograd and by central differences."""
    h, _ = rnn_forward(**inputs, activation=activation)
    state = h[:, k].copy()

    def loss_from(s):
        if k + 1 == dh.shape[1]:
            return anp.sum(s * dh[:, k])
        later = reference_states(inputs["x"], s, inputs["W_xh"], inputs["W_hh"],
                                 inputs["b"], activation, start=k + 1)
        return anp.sum(s * dh[:, k]) + anp.sum(later * dh[:, k + 1:])

    return grad(loss_from)(state), eval_numerical_gradient(loss_from, state)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hidden_state_gradient_norms_at_every_step(activation):
    inputs, dh, activation = make_problem(activation, steps=5, seed=2)
    _, cache = rnn_forward(**inputs, activation=activation)
    _, dh_norms = rnn_backward(dh, cache)
    assert dh_norms.shape == (5,)
    for k in range(5):
        exact, numeric = total_gradient_at(inputs, dh, activation, k)
        assert rel_error(dh_norms[k], np.linalg.norm(exact)) <= 1e-7
        assert rel_error(dh_norms[k], np.linalg.norm(numeric)) <= 1e-7


@given(n=st.integers(1, 3), steps=st.integers(1, 6), dim=st.integers(1, 3),
       hidden=st.integers(1, 4), seed=st.integers(0, 10_000),
       activation=st.sampled_from(ACTIVATIONS))
@settings(max_examples=30, deadline=None)
def test_bptt_matches_autograd_for_any_shape(n, steps, dim, hidden, seed, activation):
    inputs, dh, activation = make_problem(activation, n, steps, dim, hidden, seed)
    _, cache = rnn_forward(**inputs, activation=activation)
    grads, _ = rnn_backward(dh, cache)
    for name in ("W_hh", "h0"):
        def loss(value, name=name):
            return loss_of({**inputs, name: value}, dh, activation)
        assert rel_error(grads[name], grad(loss)(inputs[name])) <= 1e-7


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5])
def test_linear_rnn_gradient_norm_is_radius_to_the_power_of_the_lag(radius):
    # With W_hh = r Q (Q orthogonal) and a loss on h_T only,
    # dL/dh_t = g @ (W_hh.T)^(T - t), whose norm is r^(T - t) * ||g|| (derived by hand).
    rng = np.random.default_rng(3)
    steps, hidden = 12, 6
    W_hh = recurrent_matrix(hidden, radius, rng)
    x = rng.standard_normal((2, steps, 3))
    _, cache = rnn_forward(x, np.zeros((2, hidden)), rng.standard_normal((3, hidden)),
                           W_hh, np.zeros(hidden), activation="linear")
    dh = np.zeros((2, steps, hidden))
    dh[:, -1] = rng.standard_normal((2, hidden))
    _, dh_norms = rnn_backward(dh, cache)
    lags = np.arange(steps - 1, -1, -1)
    expected = radius ** lags * np.linalg.norm(dh[:, -1])
    assert rel_error(dh_norms, expected) <= 1e-10


@pytest.mark.parametrize("radius", [0.0, 0.9, 1.1, 3.0])
def test_recurrent_matrix_has_the_exact_spectral_radius(radius):
    W = recurrent_matrix(7, radius, 5)
    assert W.shape == (7, 7)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(radius, abs=1e-12)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), radius, atol=1e-12)


def test_recurrent_matrix_is_reproducible_from_the_seed():
    np.testing.assert_array_equal(recurrent_matrix(4, 1.0, 0), recurrent_matrix(4, 1.0, 0))
    assert not np.allclose(recurrent_matrix(4, 1.0, 0), recurrent_matrix(4, 1.0, 1))


GOOD = dict(x=np.zeros((2, 3, 4)), h0=np.zeros((2, 5)), W_xh=np.zeros((4, 5)),
            W_hh=np.zeros((5, 5)), b=np.zeros(5))


@pytest.mark.parametrize("change, error, message", [
    (dict(x=np.zeros((2, 4))), ValueError, "rnn_forward: x must be 3-D"),
    (dict(h0=np.zeros((3, 5))), ValueError, "rnn_forward: h0 must have shape (2, 5)"),
    (dict(W_xh=np.zeros((5, 4))), ValueError, "rnn_forward: W_xh must have shape (4, 5)"),
    (dict(W_hh=np.zeros((5, 4))), ValueError, "rnn_forward: W_hh must have shape (5, 5)"),
    (dict(b=np.zeros(4)), ValueError, "rnn_forward: b must have shape (5,)"),
    (dict(x="abc"), TypeError, "rnn_forward: x must be a number or an array"),
    (dict(activation="sigmoid"), ValueError, "rnn_forward: activation must be one of"),
])
def test_rnn_forward_rejects_bad_inputs(change, error, message):
    with pytest.raises(error) as info:
        rnn_forward(**{**GOOD, **change})
    assert message in str(info.value)


def test_rnn_backward_rejects_a_gradient_of_the_wrong_shape():
    _, cache = rnn_forward(**GOOD)
    with pytest.raises(ValueError, match=r"rnn_backward: dh must have the shape of the "
                                         r"hidden states \(2, 3, 5\), got \(2, 5\)"):
        rnn_backward(np.zeros((2, 5)), cache)


@pytest.mark.parametrize("args, error, message", [
    ((0, 1.0, 0), ValueError, "recurrent_matrix: hidden_size must be at least 1"),
    ((3, -1.0, 0), ValueError, "recurrent_matrix: spectral_radius must be >= 0"),
    ((3, "1", 0), TypeError, "recurrent_matrix: spectral_radius must be a real number"),
    ((3, 1.0, "seed"), TypeError, "recurrent_matrix: rng must be a numpy.random.Generator"),
])
def test_recurrent_matrix_rejects_bad_inputs(args, error, message):
    with pytest.raises(error) as info:
        recurrent_matrix(*args)
    assert message in str(info.value)
