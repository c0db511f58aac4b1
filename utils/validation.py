"""Argument checks that turn a student's mistake into a sentence.

Every public function in ``utils`` calls these helpers where it is entered, so
an error names the function, what it expected and what it received.
"""

import numbers

import numpy as np


def describe(value):
    """Return a short description of ``value`` for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:80]


def check_number(func, name, value):
    """Return ``value`` as a float, or raise TypeError if it is not a real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number, got {describe(value)}")
    return float(value)


def check_positive(func, name, value):
    """Return ``value`` as a float if it is a real number > 0, else raise."""
    value = check_number(func, name, value)
    if not value > 0:
        raise ValueError(f"{func}: {name} must be positive, got {value}")
    return value


def check_int(func, name, value, minimum=None):
    """Return ``value`` if it is an int (at least ``minimum``), else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer, got {describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{func}: {name} must be at least {minimum}, got {value}")
    return int(value)


def check_array(func, name, value, ndim=None):
    """Return ``value`` as a float64 array with ``ndim`` dimensions, or raise.

    Accepts numbers, lists and arrays of real numbers (or booleans); rejects
    strings, None, objects and complex numbers.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{func}: {name} must be a number or an array of numbers, "
                        f"got {describe(value)}")
    arr = np.asarray(value)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or arr.dtype == bool):
        raise TypeError(f"{func}: {name} must contain real numbers, "
                        f"got {describe(value)}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{func}: {name} must be real, got complex values")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{func}: {name} must be {ndim}-D, got shape {arr.shape}")
    return arr.astype(np.float64)


def check_labels(func, name, y, n, n_classes=None):
    """Return integer class labels of shape (n,), or raise with the reason."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{func}: {name} must have shape ({n},), one label per row, "
                         f"got shape {arr.shape}")
    if arr.dtype.kind == "f" and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iub":
        raise TypeError(f"{func}: {name} must hold integer class labels, "
                        f"got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if n_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(f"{func}: {name} must lie in 0..{n_classes - 1}, "
                         f"got values from {arr.min()} to {arr.max()}")
    return arr


def check_same_shape(func, name_a, a, name_b, b):
    """Raise ValueError unless arrays ``a`` and ``b`` have the same shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{func}: {name_a} has shape {np.shape(a)} but {name_b} "
                         f"has shape {np.shape(b)}; they must match")


def as_generator(func, rng):
    """Return a NumPy Generator from a Generator or an integer seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"{func}: rng must be a numpy.random.Generator or an integer "
                    f"seed, got {describe(rng)}")


def check_choice(func, name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise ValueError."""
    if value not in choices:
        raise ValueError(f"{func}: {name} must be one of {sorted(choices)}, "
                         f"got {value!r}")
    return value
