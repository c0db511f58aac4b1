"""Gates: the building blocks of a circuit, each with a forward and a backward.

``gate.forward(*inputs)`` computes the output and caches what the backward pass
needs; ``gate.backward(dout)`` takes dL/d(output) and returns dL/d(input) for a
one-input gate, or a tuple (dL/dx, dL/dy) for a two-input gate. Gates work on
Python floats and element-wise on NumPy arrays of the same shape (a number
combined with an array is broadcast, and its gradient is summed back).
``MatMulGate`` works on 2-D arrays. The local derivatives come from
``utils.derivatives``.
"""

import numpy as np

from utils import derivatives as d
from utils.validation import check_array, check_number, describe


def _as_input(gate, name, value):
    """Return a float for a number, a float64 array for an array-like."""
    if np.ndim(value) == 0 and not isinstance(value, np.ndarray):
        return check_number(gate, name, value)
    return check_array(gate, name, value)


def _reduce_to_shape(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added to an input of ``shape``."""
    if tuple(shape) == ():
        return float(np.sum(grad))
    if np.shape(grad) == tuple(shape):
        return grad
    return np.sum(grad, axis=tuple(range(np.ndim(grad) - len(shape)))).reshape(shape)


class Gate:
    """Base class: stores the cache and checks that backward follows forward."""

    n_inputs = 1

    def __init__(self):
        self.cache = None
        self.out_shape = None

    @property
    def name(self):
        """The class name, used in error messages."""
        return type(self).__name__

    def forward(self, *inputs):
        """Compute the output from ``n_inputs`` inputs and cache what backward needs."""
        if len(inputs) != self.n_inputs:
            raise TypeError(f"{self.name}.forward: expected {self.n_inputs} input(s), "
                            f"got {len(inputs)}")
        values = [_as_input(f"{self.name}.forward", f"input {i + 1}", v)
                  for i, v in enumerate(inputs)]
        if self.n_inputs == 2:
            try:
                np.broadcast_shapes(np.shape(values[0]), np.shape(values[1]))
            except ValueError:
                raise ValueError(f"{self.name}.forward: inputs of shapes "
                                 f"{np.shape(values[0])} and {np.shape(values[1])} "
                                 f"cannot be combined element-wise") from None
        out = self._forward(*values)
        self.out_shape = np.shape(out)
        return out

    def backward(self, dout):
        """Return dL/d(input) (a tuple for two inputs) given dout = dL/d(output)."""
        if self.cache is None:
            raise RuntimeError(f"{self.name}.backward: call forward first; "
                               f"backward needs the values forward caches")
        dout = _as_input(f"{self.name}.backward", "dout", dout)
        if np.shape(dout) != self.out_shape:
            raise ValueError(f"{self.name}.backward: dout has shape {np.shape(dout)} "
                             f"but the output had shape {self.out_shape}")
        return self._backward(dout)

    def _chain(self, dout, local_grads, inputs):
        """Multiply each local gradient by dout and undo broadcasting."""
        grads = tuple(_reduce_to_shape(g * dout, np.shape(x))
                      for g, x in zip(local_grads, inputs))
        return grads if len(grads) > 1 else grads[0]


class AddGate(Gate):
    """out = x + y. Backward: both inputs receive dout unchanged (add distributes)."""

    n_inputs = 2

    def _forward(self, x, y):
        self.cache = (x, y)
        return x + y

    def _backward(self, dout):
        return self._chain(dout, d.add_grads(*self.cache), self.cache)


class MultiplyGate(Gate):
    """out = x * y. Backward: each input receives dout times the other (multiply swaps)."""

    n_inputs = 2

    def _forward(self, x, y):
        self.cache = (x, y)
        return x * y

    def _backward(self, dout):
        return self._chain(dout, d.multiply_grads(*self.cache), self.cache)


class MaxGate(Gate):
    """out = max(x, y). Backward: the larger input gets dout, the other 0 (max routes)."""

    n_inputs = 2

    def _forward(self, x, y):
        self.cache = (x, y)
        return np.maximum(x, y) if np.ndim(x) or np.ndim(y) else max(x, y)

    def _backward(self, dout):
        return self._chain(dout, d.max_grads(*self.cache), self.cache)


class _UnaryGate(Gate):
    """A one-input gate defined by a function and its local derivative."""

    def _forward(self, x):
        out = self._function(x)
        self.cache = (x, out)
        return out

    def _backward(self, dout):
        return self._chain(dout, (self._local_grad(*self.cache),), self.cache[:1])


class SigmoidGate(_UnaryGate):
    """out = 1 / (1 + exp(-x)). Backward: dout * out * (1 - out)."""

    def _function(self, x):
        return d.sigmoid(x) if np.ndim(x) else float(d.sigmoid(x))

    def _local_grad(self, x, out):
        return d.sigmoid_grad(out)


class TanhGate(_UnaryGate):
    """out = tanh(x). Backward: dout * (1 - out ** 2)."""

    def _function(self, x):
        return d.tanh(x) if np.ndim(x) else float(d.tanh(x))

    def _local_grad(self, x, out):
        return d.tanh_grad(out)


class ReLUGate(_UnaryGate):
    """out = max(0, x). Backward: dout where x > 0, else 0."""

    def _function(self, x):
        return d.relu(x) if np.ndim(x) else float(d.relu(x))

    def _local_grad(self, x, out):
        return d.relu_grad(x)


class LeakyReLUGate(_UnaryGate):
    """out = x if x > 0 else alpha * x. Backward: dout, or alpha * dout where x <= 0."""

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = check_number("LeakyReLUGate", "alpha", alpha)

    def _function(self, x):
        out = d.leaky_relu(x, self.alpha)
        return out if np.ndim(x) else float(out)

    def _local_grad(self, x, out):
        return d.leaky_relu_grad(x, self.alpha)


class ExpGate(_UnaryGate):
    """out = exp(x). Backward: dout * out."""

    def _function(self, x):
        return np.exp(x) if np.ndim(x) else float(np.exp(x))

    def _local_grad(self, x, out):
        return d.exp_grad(out)


class PowerGate(_UnaryGate):
    """out = x ** p for a fixed number p. Backward: dout * p * x ** (p - 1)."""

    def __init__(self, p):
        super().__init__()
        self.p = check_number("PowerGate", "p", p)

    def _function(self, x):
        return x ** self.p

    def _local_grad(self, x, out):
        return d.power_grad(x, self.p)


class ReciprocalGate(_UnaryGate):
    """out = 1 / x. Backward: dout * (-1 / x ** 2)."""

    def _function(self, x):
        if np.any(np.asarray(x) == 0):
            raise ZeroDivisionError("ReciprocalGate.forward: input contains 0")
        return 1.0 / x

    def _local_grad(self, x, out):
        return d.reciprocal_grad(x)


class MatMulGate(Gate):
    """out = x @ w for 2-D x (N, D) and w (D, M), giving (N, M).

    Backward returns (dx, dw) = (dout @ w.T, x.T @ dout): the only products
    whose shapes match x and w.
    """

    n_inputs = 2

    def forward(self, x, w):
        """Compute x @ w; x has shape (N, D) and w has shape (D, M)."""
        x = check_array("MatMulGate.forward", "x", x, ndim=2)
        w = check_array("MatMulGate.forward", "w", w, ndim=2)
        if x.shape[1] != w.shape[0]:
            raise ValueError(f"MatMulGate.forward: x has {x.shape[1]} columns but w has "
                             f"{w.shape[0]} rows; x @ w needs them equal")
        self.cache = (x, w)
        out = x @ w
        self.out_shape = out.shape
        return out

    def _backward(self, dout):
        if not isinstance(dout, np.ndarray):
            raise TypeError(f"MatMulGate.backward: dout must be an array of shape "
                            f"{self.out_shape}, got {describe(dout)}")
        return d.matmul_grads(*self.cache, dout)
