"""The primitive functions of the course and their local derivatives.

This is the only place a derivative formula is written. Gates
(``utils.gates``), the scalar engine (``utils.autodiff``) and the batched
layers (``utils.layers``) all call these functions, so a fix here fixes all of
them. Every function works on Python floats and element-wise on NumPy arrays.

Naming: ``f(x)`` computes the function; ``f_grad(...)`` returns the local
derivative d f / d x. Where the derivative is cheapest from the output (sigmoid,
tanh, exp) it takes the output ``out`` instead of the input.
"""

import numpy as np


def add_grads(x, y):
    """Local derivatives of x + y with respect to (x, y): (1, 1)."""
    return np.ones_like(x, dtype=float), np.ones_like(y, dtype=float)


def multiply_grads(x, y):
    """Local derivatives of x * y with respect to (x, y): the inputs swapped, (y, x)."""
    return y, x


def max_grads(x, y):
    """Local derivatives of max(x, y): 1 for the larger input, 0 for the other.

    On a tie the gradient goes to ``x``, so exactly one input receives it.
    """
    x_wins = np.asarray(x >= y, dtype=float)
    return x_wins, 1.0 - x_wins


def power_grad(x, p):
    """Local derivative of x ** p with respect to x: p * x ** (p - 1)."""
    return p * x ** (p - 1)


def reciprocal_grad(x):
    """Local derivative of 1 / x: -1 / x**2."""
    return -1.0 / x ** 2


def exp_grad(out):
    """Local derivative of exp(x), from its output: exp(x) itself."""
    return out


def log_grad(x):
    """Local derivative of log(x): 1 / x."""
    return 1.0 / x


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), computed without overflow for any z."""
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_grad(out):
    """Local derivative of the sigmoid, from its output s: s * (1 - s)."""
    return out * (1.0 - out)


def tanh(z):
    """Hyperbolic tangent."""
    return np.tanh(z)


def tanh_grad(out):
    """Local derivative of tanh, from its output t: 1 - t**2."""
    return 1.0 - out ** 2


def relu(z):
    """Rectified linear unit max(0, z)."""
    return np.maximum(z, 0.0)


def relu_grad(z):
    """Local derivative of ReLU: 1 where z > 0, else 0 (0 at z = 0 by convention)."""
    return np.asarray(z > 0, dtype=float)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, alpha * z elsewhere (PReLU when alpha is learned)."""
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    """Local derivative of leaky ReLU with respect to z: 1 where z > 0, else alpha."""
    return np.where(z > 0, 1.0, alpha)


def leaky_relu_alpha_grad(z):
    """Local derivative of leaky ReLU with respect to alpha (PReLU): min(z, 0)."""
    return np.minimum(z, 0.0)


def softplus(z):
    """Softplus log(1 + exp(z)), computed without overflow."""
    return np.logaddexp(0.0, z)


def softplus_grad(z):
    """Local derivative of softplus: the sigmoid of z."""
    return sigmoid(z)


def matmul_grads(x, w, dout):
    """Gradients of out = x @ w given dout = dL/dout: (dout @ w.T, x.T @ dout).

    Shapes: x (N, D), w (D, M), dout (N, M) -> dx (N, D), dw (D, M).
    """
    return dout @ w.T, x.T @ dout

