"""Numerical gradients, to check every analytic gradient in the course.

Central differences (f(x + h) - f(x - h)) / 2h have error O(h**2) from
truncation plus O(eps / h) from round-off, so h = 1e-5 is a good default in
float64.
"""

import numpy as np

from utils.validation import check_array, check_number, check_positive


def _check_callable(func, f):
    if not callable(f):
        raise TypeError(f"{func}: f must be a function, got {type(f).__name__}")


def numerical_derivative(f, x, h=1e-5):
    """Central-difference derivative of a scalar function f at the number x."""
    _check_callable("numerical_derivative", f)
    x = check_number("numerical_derivative", "x", x)
    h = check_positive("numerical_derivative", "h", h)
    return (f(x + h) - f(x - h)) / (2.0 * h)


def _perturbed(f, x, index, h):
    """Evaluate f with x[index] moved by +h and -h; x is restored afterwards."""
    old = x[index]
    try:
        x[index] = old + h
        plus = np.array(f(x), dtype=float, copy=True)
        x[index] = old - h
        minus = np.array(f(x), dtype=float, copy=True)
    finally:
        x[index] = old
    return plus, minus


def _check_float_array(func, x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"{func}: x must be a float64 NumPy array (it is perturbed in "
                        f"place), got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))


def eval_numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function f at the array x, one entry at a time.

    x (any shape, float64) is perturbed in place and restored. Returns an
    array of x's shape.
    """
    _check_callable("eval_numerical_gradient", f)
    _check_float_array("eval_numerical_gradient", x)
    h = check_positive("eval_numerical_gradient", "h", h)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = _perturbed(f, x, index, h)
        if plus.size != 1:
            raise ValueError(f"eval_numerical_gradient: f must return a scalar, got "
                             f"shape {plus.shape}; use eval_numerical_gradient_array")
        grad[index] = (plus.item() - minus.item()) / (2.0 * h)
    return grad


def eval_numerical_gradient_array(f, x, dout, h=1e-5):
    """Gradient of sum(f(x) * dout) with respect to x, for an array-valued f.

    This is what a layer's backward must return when its upstream gradient is
    dout (dout has the shape of f(x)). x is perturbed in place and restored.
    """
    _check_callable("eval_numerical_gradient_array", f)
    _check_float_array("eval_numerical_gradient_array", x)
    dout = check_array("eval_numerical_gradient_array", "dout", dout)
    h = check_positive("eval_numerical_gradient_array", "h", h)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = _perturbed(f, x, index, h)
        if plus.shape != dout.shape:
            raise ValueError(f"eval_numerical_gradient_array: f(x) has shape "
                             f"{plus.shape} but dout has shape {dout.shape}")
        grad[index] = np.sum((plus - minus) * dout) / (2.0 * h)
    return grad


def numerical_jacobian(f, x, h=1e-5):
    """Jacobian J[i, j] = d f_i / d x_j of a vector function by central differences.

    Shapes: x (n,) float64 -> f(x) (m,) -> J (m, n). x is perturbed in place and
    restored.
    """
    _check_callable("numerical_jacobian", f)
    _check_float_array("numerical_jacobian", x)
    h = check_positive("numerical_jacobian", "h", h)
    if x.ndim != 1:
        raise ValueError(f"numerical_jacobian: x must be 1-D, got shape {x.shape}")
    columns = []
    for j in range(x.shape[0]):
        plus, minus = _perturbed(f, x, j, h)
        columns.append(np.ravel(plus - minus) / (2.0 * h))
    return np.column_stack(columns)


def rel_error(x, y):
    """Largest relative error max |x - y| / max(1e-8, |x| + |y|) over all entries.

    Where the true gradient is (near) zero the 1e-8 floor makes round-off of
    ~1e-11 look like an error of ~1e-3; compare such points with
    ``gradient_difference`` or an absolute tolerance instead.
    """
    x = check_array("rel_error", "x", x)
    y = check_array("rel_error", "y", y)
    if x.shape != y.shape:
        raise ValueError(f"rel_error: x has shape {x.shape} but y has shape {y.shape}")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def gradient_difference(grad, approx):
    """Normalized difference ||g - g_approx|| / (||g|| + ||g_approx||), 0 when both are 0."""
    grad = check_array("gradient_difference", "grad", grad)
    approx = check_array("gradient_difference", "approx", approx)
    if grad.shape != approx.shape:
        raise ValueError(f"gradient_difference: grad has shape {grad.shape} but approx "
                         f"has shape {approx.shape}")
    denom = np.linalg.norm(grad) + np.linalg.norm(approx)
    return 0.0 if denom == 0 else float(np.linalg.norm(grad - approx) / denom)


class GradCheckReport:
    """The result of checking every parameter of a model: one row per parameter.

    ``rows`` is a list of (name, shape, max relative error, normalized
    difference); ``str(report)`` is a table; ``report.passed(tol)`` says
    whether every relative error is at most tol.
    """

    def __init__(self, rows):
        self.rows = rows

    def max_rel_error(self):
        """The worst relative error over all parameters."""
        return max(row[2] for row in self.rows)

    def passed(self, tol=1e-6):
        """True when every parameter's relative error is at most tol."""
        return self.max_rel_error() <= tol

    def __str__(self):
        lines = [f"{'parameter':<10} {'shape':<10} {'rel. error':>11} {'norm. diff.':>12}"]
        lines += [f"{name:<10} {str(shape):<10} {err:>11.2e} {diff:>12.2e}"
                  for name, shape, err, diff in self.rows]
        return "\n".join(lines)

    __repr__ = __str__


def check_model_gradients(loss_and_grads, params, h=1e-5):
    """Compare a model's analytic gradients with numerical ones, parameter by parameter.

    ``loss_and_grads()`` takes no arguments and returns (loss, grads), where
    grads maps each name in ``params`` to an array of that parameter's shape;
    ``params`` maps names to the float64 arrays the loss reads (they are
    perturbed in place and restored). Returns a GradCheckReport.
    """
    _check_callable("check_model_gradients", loss_and_grads)
    _, grads = loss_and_grads()
    missing = set(params) - set(grads)
    if missing:
        raise ValueError(f"check_model_gradients: no analytic gradient for "
                         f"{sorted(missing)}")
    rows = []
    for name, value in params.items():
        numeric = eval_numerical_gradient(lambda _: loss_and_grads()[0], value, h)
        analytic = np.asarray(grads[name], dtype=float)
        if analytic.shape != value.shape:
            raise ValueError(f"check_model_gradients: gradient of {name} has shape "
                             f"{analytic.shape} but {name} has shape {value.shape}")
        rows.append((name, value.shape, rel_error(analytic, numeric),
                     gradient_difference(analytic, numeric)))
    return GradCheckReport(rows)
