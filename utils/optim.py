"""Parameter updates: plain gradient descent and clipping by global norm."""

import numpy as np

from utils.validation import check_positive


def _check_grads(func, params, grads):
    for name, value in params.items():
        if name not in grads:
            raise ValueError(f"{func}: no gradient for parameter {name!r}")
        if np.shape(grads[name]) != np.shape(value):
            raise ValueError(f"{func}: gradient of {name!r} has shape "
                             f"{np.shape(grads[name])} but the parameter has shape "
                             f"{np.shape(value)}")


def sgd_step(params, grads, lr):
    """Update every array in ``params`` in place: p -= lr * grads[name]."""
    lr = check_positive("sgd_step", "lr", lr)
    _check_grads("sgd_step", params, grads)
    for name, value in params.items():
        value -= lr * grads[name]


def global_norm(grads):
    """The L2 norm of all gradient arrays taken together as one vector."""
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in grads.values())))


def clip_by_global_norm(grads, max_norm):
    """Scale all gradients by one factor so their global norm is at most max_norm.

    Every gradient is multiplied by the same number, min(1, max_norm / norm),
    so the update keeps its direction. Returns (clipped grads, norm before).
    """
    max_norm = check_positive("clip_by_global_norm", "max_norm", max_norm)
    norm = global_norm(grads)
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: g * factor for name, g in grads.items()}, norm
