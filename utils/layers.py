"""Batched layers and losses: rows are examples.

Each layer has a ``*_forward`` returning ``(out, cache)`` and a ``*_backward``
taking ``(dout, cache)`` and returning the input gradient(s). Losses return
``(loss, dscores)``: the mean loss over the N rows and its gradient with
respect to the scores. Local derivatives come from ``utils.derivatives``.
"""

import numpy as np

from utils import derivatives as d
from utils.validation import check_array, check_labels, check_number, check_same_shape


def affine_forward(x, w, b):
    """Affine layer out = x @ w + b.

    Shapes: x (N, D), w (D, M), b (M,) -> out (N, M). Returns (out, cache).
    """
    x = check_array("affine_forward", "x", x, ndim=2)
    w = check_array("affine_forward", "w", w, ndim=2)
    b = check_array("affine_forward", "b", b, ndim=1)
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"affine_forward: x has {x.shape[1]} features per row but w "
                         f"expects {w.shape[0]} (w has shape {w.shape})")
    if b.shape[0] != w.shape[1]:
        raise ValueError(f"affine_forward: b has {b.shape[0]} entries but w has "
                         f"{w.shape[1]} output columns")
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    """Gradients of the affine layer: (dx, dw, db) of shapes (N, D), (D, M), (M,).

    db sums dout over the batch, because b was added to every row.
    """
    x, w = cache
    dout = _check_dout("affine_backward", dout, (x.shape[0], w.shape[1]))
    dx, dw = d.matmul_grads(x, w, dout)
    return dx, dw, dout.sum(axis=0)


def _check_dout(func, dout, shape):
    dout = check_array(func, "dout", dout)
    if dout.shape != tuple(shape):
        raise ValueError(f"{func}: dout has shape {dout.shape} but the layer's output "
                         f"had shape {tuple(shape)}")
    return dout


def _activation_forward(func, name, x, **kwargs):
    x = check_array(func, "x", x)
    return getattr(d, name)(x, **kwargs), x


def relu_forward(x):
    """ReLU max(0, x) of an array of any shape. Returns (out, cache)."""
    out, x = _activation_forward("relu_forward", "relu", x)
    return out, x


def relu_backward(dout, cache):
    """dx = dout where x > 0, else 0; same shape as x."""
    dout = _check_dout("relu_backward", dout, cache.shape)
    return dout * d.relu_grad(cache)


def leaky_relu_forward(x, alpha=0.01):
    """Leaky ReLU of an array of any shape. Returns (out, cache)."""
    alpha = check_number("leaky_relu_forward", "alpha", alpha)
    out, x = _activation_forward("leaky_relu_forward", "leaky_relu", x, alpha=alpha)
    return out, (x, alpha)


def leaky_relu_backward(dout, cache):
    """dx = dout where x > 0, alpha * dout elsewhere; same shape as x."""
    x, alpha = cache
    dout = _check_dout("leaky_relu_backward", dout, x.shape)
    return dout * d.leaky_relu_grad(x, alpha)


def sigmoid_forward(x):
    """Sigmoid of an array of any shape. Returns (out, cache); cache is the output."""
    out, _ = _activation_forward("sigmoid_forward", "sigmoid", x)
    return out, out


def sigmoid_backward(dout, cache):
    """dx = dout * s * (1 - s), with s the cached sigmoid output."""
    dout = _check_dout("sigmoid_backward", dout, cache.shape)
    return dout * d.sigmoid_grad(cache)


def tanh_forward(x):
    """tanh of an array of any shape. Returns (out, cache); cache is the output."""
    out, _ = _activation_forward("tanh_forward", "tanh", x)
    return out, out


def tanh_backward(dout, cache):
    """dx = dout * (1 - t ** 2), with t the cached tanh output."""
    dout = _check_dout("tanh_backward", dout, cache.shape)
    return dout * d.tanh_grad(cache)


def _log_softmax(scores):
    """Row-wise log softmax, shifted by each row's max so exp never overflows."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(scores):
    """Row-wise softmax of scores (N, C): probabilities (N, C), each row summing to 1."""
    return np.exp(_log_softmax(check_array("softmax", "scores", scores, ndim=2)))


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against integer labels.

    Shapes: scores (N, C), y (N,) with values in 0..C-1.
    Returns (loss, dscores) with dscores = (softmax(scores) - onehot(y)) / N.
    """
    scores = check_array("softmax_cross_entropy", "scores", scores, ndim=2)
    n, c = scores.shape
    y = check_labels("softmax_cross_entropy", "y", y, n, c)
    log_probs = _log_softmax(scores)
    rows = np.arange(n)
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    return float(loss), dscores / n


def bce_with_logits(z, y):
    """Mean binary cross-entropy of sigmoid(z) against labels y in {0, 1}.

    Shapes: z and y both (N,) or both (N, 1). Computed from the logits z as
    max(z, 0) - z * y + log(1 + exp(-|z|)), finite for any z.
    Returns (loss, dz) with dz = (sigmoid(z) - y) / N.
    """
    z = check_array("bce_with_logits", "z", z)
    y = check_array("bce_with_logits", "y", y)
    check_same_shape("bce_with_logits", "z", z, "y", y)
    if z.ndim == 0 or z.ndim > 2 or (z.ndim == 2 and z.shape[1] != 1):
        raise ValueError(f"bce_with_logits: z must have shape (N,) or (N, 1), "
                         f"got {z.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("bce_with_logits: y must contain only 0 and 1")
    n = z.shape[0]
    losses = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(losses.mean()), (d.sigmoid(z) - y) / n


ACTIVATION_LAYERS = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
}
"""Activation name -> (its *_forward, its *_backward), for layers chosen by name."""
