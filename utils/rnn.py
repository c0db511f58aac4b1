"""A vanilla recurrent network and its backpropagation through time (BPTT).

The recurrence, for t = 1..T, with rows of every array being examples:

    z_t = x_t @ W_xh + h_{t-1} @ W_hh + b,    h_t = f(z_t)

where f is "tanh", "relu" or "linear" (the identity). ``rnn_backward``
returns the parameter gradients and, at every step, the norm of the total
gradient dL/dh_t: the quantity that vanishes or explodes with the spectral
radius of W_hh (Pascanu, Mikolov & Bengio 2013). ``recurrent_matrix`` builds
a W_hh whose spectral radius is exactly the one asked for.
"""

import numpy as np

from utils import derivatives as d
from utils.validation import (as_generator, check_array, check_choice, check_int,
                              check_number)

ACTIVATIONS = ("tanh", "relu", "linear")


def _activate(z, activation):
    """f(z) for the recurrence's activation."""
    if activation == "tanh":
        return d.tanh(z)
    if activation == "relu":
        return d.relu(z)
    return z


def _local_grad(z, h, activation):
    """df/dz at pre-activation z with output h (tanh uses h, ReLU uses z)."""
    if activation == "tanh":
        return d.tanh_grad(h)
    if activation == "relu":
        return d.relu_grad(z)
    return np.ones_like(z)


def _check_shapes(x, h0, W_xh, W_hh, b):
    n, _, dim = x.shape
    hidden = W_hh.shape[0]
    expected = {"h0": (h0, (n, hidden)), "W_xh": (W_xh, (dim, hidden)),
                "W_hh": (W_hh, (hidden, hidden)), "b": (b, (hidden,))}
    for name, (value, shape) in expected.items():
        if value.shape != shape:
            raise ValueError(f"rnn_forward: {name} must have shape {shape} for x of "
                             f"shape {x.shape} and W_hh of shape {W_hh.shape}, "
                             f"got {value.shape}")


def rnn_forward(x, h0, W_xh, W_hh, b, activation="tanh"):
    """Run the recurrence h_t = f(x_t @ W_xh + h_{t-1} @ W_hh + b) for T steps.

    Shapes: x (N, T, D), h0 (N, H), W_xh (D, H), W_hh (H, H), b (H,)
    -> h (N, T, H), where h[:, t - 1] is h_t. Returns (h, cache).
    """
    x = check_array("rnn_forward", "x", x, ndim=3)
    h0 = check_array("rnn_forward", "h0", h0, ndim=2)
    W_xh = check_array("rnn_forward", "W_xh", W_xh, ndim=2)
    W_hh = check_array("rnn_forward", "W_hh", W_hh, ndim=2)
    b = check_array("rnn_forward", "b", b, ndim=1)
    check_choice("rnn_forward", "activation", activation, ACTIVATIONS)
    _check_shapes(x, h0, W_xh, W_hh, b)
    n, steps, _ = x.shape
    z = np.empty((n, steps, W_hh.shape[0]))
    h = np.empty_like(z)
    h_prev = h0
    for t in range(steps):
        z[:, t] = x[:, t] @ W_xh + h_prev @ W_hh + b
        h[:, t] = _activate(z[:, t], activation)
        h_prev = h[:, t]
    return h, (x, h0, W_xh, W_hh, z, h, activation)


def rnn_backward(dh, cache):
    """Backpropagation through time for ``rnn_forward``.

    dh (N, T, H): the gradient of the loss with respect to each h_t that
    arrives from outside the recurrence (e.g. from an output layer at step t);
    zeros wherever the loss does not read h_t directly.
    Returns (grads, dh_norms): grads maps "x" (N, T, D), "h0" (N, H),
    "W_xh" (D, H), "W_hh" (H, H) and "b" (H,) to dL/d(that input);
    dh_norms (T,) holds ||dL/dh_t|| (Frobenius norm over the batch and the
    hidden units) of the TOTAL gradient reaching h_t, t = 1..T, in time order.
    """
    x, h0, W_xh, W_hh, z, h, activation = cache
    dh = check_array("rnn_backward", "dh", dh)
    if dh.shape != h.shape:
        raise ValueError(f"rnn_backward: dh must have the shape of the hidden states "
                         f"{h.shape}, got {dh.shape}")
    grads = {"x": np.empty_like(x), "W_xh": np.zeros_like(W_xh),
             "W_hh": np.zeros_like(W_hh), "b": np.zeros(W_hh.shape[0])}
    dh_norms = np.empty(h.shape[1])
    dh_later = np.zeros_like(h0)
    for t in reversed(range(h.shape[1])):
        dh_t = dh[:, t] + dh_later
        dh_norms[t] = np.linalg.norm(dh_t)
        dz = dh_t * _local_grad(z[:, t], h[:, t], activation)
        h_prev = h[:, t - 1] if t > 0 else h0
        grads["x"][:, t], dW_xh = d.matmul_grads(x[:, t], W_xh, dz)
        dh_later, dW_hh = d.matmul_grads(h_prev, W_hh, dz)
        grads["W_xh"] += dW_xh
        grads["W_hh"] += dW_hh
        grads["b"] += dz.sum(axis=0)
    grads["h0"] = dh_later
    return grads, dh_norms


def recurrent_matrix(hidden_size, spectral_radius, rng):
    """A (hidden_size, hidden_size) W_hh = spectral_radius * Q with Q random orthogonal.

    Every eigenvalue of Q has modulus 1 and every singular value is 1, so the
    spectral radius and the largest singular value of W_hh both equal
    ``spectral_radius`` exactly, and ||g @ W_hh.T|| = spectral_radius * ||g||
    for every vector g. rng: a numpy Generator or an integer seed.
    """
    hidden_size = check_int("recurrent_matrix", "hidden_size", hidden_size, minimum=1)
    spectral_radius = check_number("recurrent_matrix", "spectral_radius", spectral_radius)
    if spectral_radius < 0:
        raise ValueError(f"recurrent_matrix: spectral_radius must be >= 0, "
                         f"got {spectral_radius}")
    rng = as_generator("recurrent_matrix", rng)
    q, r = np.linalg.qr(rng.standard_normal((hidden_size, hidden_size)))
    # Fixing the signs by diag(r) makes Q uniformly (Haar) distributed.
    return spectral_radius * q * np.where(np.diag(r) < 0, -1.0, 1.0)
