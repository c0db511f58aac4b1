"""Answer checks for nbgrader test cells; each failure is one teaching sentence.

Test-cell idiom: start EVERY autograded test cell with this line, then call the
checks through ``grading.``::

    import importlib, utils.grading; grading = importlib.reload(utils.grading)

    grading.check_array("dW1", dW1, expected_dW1, batch_size=N)

Reloading re-executes this file, so a notebook that replaced a checker
(``utils.grading.check_array = lambda *a, **k: None``) is graded by the real
one; a fake module put in ``sys.modules`` either makes the reload fail (the
test scores 0) or is refilled with the real code. A notebook runs in the same
process as its tests, so this guards against tampering, not against every
conceivable attack; nbgrader also restores the test cells themselves.

How an answer is checked (``check_scalar``, ``check_array``, ``check_shape``):

1. ``check_raises_canary()`` runs first: a comparison that must fail and one
   that must pass, through the same conversion and comparison code. If a
   notebook patched NumPy (``np.array``, ``np.asarray``, ...) so that the
   canary passes when it must not, it raises
   ``AssertionError("grading integrity check failed ...")``.
2. The answer becomes a shape and a list of plain Python floats. Strings,
   booleans, complex numbers and objects that are not numbers fail, so an
   object whose ``__eq__`` always returns True never scores, and a float or
   ndarray subclass is judged by its data, never by its own comparisons.
3. Shape, finiteness, then values are compared with Python float arithmetic
   (``|a - e| <= atol + rtol * |e|`` written without ``abs``, ``math`` or
   NumPy, none of which a notebook can then change).
4. ``check_not_calling(func, names, why)`` fails a student function that
   calls a reference implementation (e.g. ``utils.init.init_weights``) by
   name, in its own code or in functions defined inside it.
5. A wrong answer is diagnosed from a table: sign, factor 2 or 1/2, factor N or
   1/N (pass ``batch_size=N``), transpose, and any ``known_mistakes`` the
   author passes as ``[(wrong_value, "hint"), ...]``.
"""

import numpy as np

_PREVIEW = 4  # values shown in a message


def _fail(message):
    raise AssertionError(message if message.endswith(("?", ".")) else message + ".")


def _preview(values, digits=4):
    shown = ", ".join(f"{v:.{digits}g}" for v in values[:_PREVIEW])
    if len(values) == 1:
        return shown
    return f"[{shown}{', ...' if len(values) > _PREVIEW else ''}]"


def _as_floats(name, value):
    """Return (shape, flat list of Python floats) for a real number or array.

    Raise AssertionError naming ``name`` when ``value`` is not real numbers.
    """
    if value is None or isinstance(value, (str, bytes, bool, dict, set)):
        _fail(f"{name} must be a number or an array of numbers, "
              f"got {type(value).__name__}")
    try:
        raw = np.asarray(value)
    except Exception as err:  # a student object may raise anything here
        _fail(f"{name} could not be read as numbers ({type(err).__name__}: {err})")
    if raw.dtype.kind not in "iuf":
        _fail(f"{name} must hold real numbers, got {type(value).__name__} "
              f"of dtype {raw.dtype}")
    arr = np.array(raw, dtype=np.float64, copy=True, subok=False)
    shape = tuple(int(n) for n in arr.shape)
    values = np.ndarray.tolist(arr.reshape(-1))
    if type(values) is not list or not all(type(v) is float for v in values):
        _fail(f"grading integrity check failed while reading {name}: "
              f"the conversion did not give plain floats")
    return shape, values


def _is_finite(x):
    return x - x == 0.0  # False for nan and +-inf


def _close(a, e, rtol, atol):
    d = a - e
    d = d if d >= 0.0 else -d
    scale = e if e >= 0.0 else -e
    return d <= atol + rtol * scale


def _mismatches(answer, expected, rtol, atol):
    """Indices (into the flat lists) where answer and expected differ."""
    return [i for i, (a, e) in enumerate(zip(answer, expected))
            if not _close(a, e, rtol, atol)]


def check_raises_canary():
    """Fail closed if the comparison machinery has been tampered with.

    Converts known inputs with the same code path as real answers and checks
    that a wrong answer is rejected and a right one accepted. Called by every
    check; raises AssertionError("grading integrity check failed ...").
    """
    shape, got = _as_floats("canary", np.arange(6.0).reshape(2, 3) + 1.0)
    wrong_shape, wrong = _as_floats("canary", [[1, 2, 3], [4, 5, 6.5]])
    scalar_shape, scalar = _as_floats("canary", 0.25)
    ok = (shape == (2, 3) and wrong_shape == (2, 3) and scalar_shape == ()
          and got == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0] and scalar == [0.25]
          and _mismatches(got, wrong, 1e-6, 1e-9) == [5]
          and _mismatches(got, [v + 1e-12 for v in got], 1e-6, 1e-9) == []
          and not _is_finite(float("nan")) and _is_finite(1.0))
    if not ok:
        _fail("grading integrity check failed: a known wrong answer passed or a known "
              "right answer failed; restart the kernel and do not patch numpy, builtins "
              "or utils.grading")


def _shape_message(name, got, want):
    hint = " - check your transpose" if len(got) > 1 and got == want[::-1] else ""
    return f"{name} has shape {got}; expected {want}{hint}"


def _ratio_table(batch_size):
    """(factor, explanation) rows tried in order: answer ~= factor * expected."""
    rows = []
    if batch_size is not None and batch_size > 1:
        n = batch_size
        rows += [(float(n), f"is {n} = N times too large - did you forget to average "
                            f"over the batch (divide by N)?"),
                 (1.0 / n, f"is {n} = N times too small - did you divide by N twice, "
                           f"or where the loss is a sum?")]
    rows += [(-1.0, "has the wrong sign - check the sign of each term"),
             (2.0, "is twice the expected value - look for a term counted twice or a "
                   "missing factor 1/2"),
             (0.5, "is half the expected value - look for a dropped factor 2 "
                   "(d/dx x**2 = 2x) or a missing path")]
    return rows


def _diagnose(answer, expected, shape, rtol, atol, batch_size, known):
    """Return the first explanation that makes answer match, else ''.

    The author's ``known`` mistakes come first, then the ratio table, then a
    transpose of a square matrix.
    """
    for wrong, text in known:
        wrong_shape, wrong_values = _as_floats("a known mistake", wrong)
        if wrong_shape == shape and not _mismatches(answer, wrong_values, rtol, atol):
            return f"; {text}"
    if all(_close(e, 0.0, 0.0, atol) for e in expected):
        return ""
    for factor, text in _ratio_table(batch_size):
        if not _mismatches(answer, [factor * e for e in expected], rtol, atol):
            return f"; it {text}"
    if len(shape) == 2 and shape[0] == shape[1] > 1:
        if not _mismatches(_transpose(answer, shape), expected, rtol, atol):
            return "; it equals the expected matrix transposed - check your transpose"
    return ""


def _check_options(rtol, atol, batch_size):
    """Raise TypeError/ValueError for a test cell's own mistakes in the options."""
    for label, tol in (("rtol", rtol), ("atol", atol)):
        if type(tol) not in (int, float) or not tol >= 0:
            raise ValueError(f"grading: {label} must be a number >= 0, got {tol!r}")
    if batch_size is not None and (type(batch_size) is not int or batch_size < 1):
        raise TypeError(f"grading: batch_size must be a positive int, got {batch_size!r}")


def _transpose(values, shape):
    """Flat values of the transpose of a 2-D array given by (values, shape)."""
    rows, cols = shape
    return [values[r * cols + c] for c in range(cols) for r in range(rows)]


def _compare(name, answer, expected, rtol, atol, batch_size, known_mistakes):
    """Fail with one sentence unless answer (shape, values) matches expected."""
    (shape, got), (want_shape, want) = answer, expected
    if shape != want_shape:
        suffix = ""
        if len(shape) == 2 and shape == want_shape[::-1]:
            if not _mismatches(_transpose(got, shape), want, rtol, atol):
                suffix = " (its transpose has the right values)"
        _fail(_shape_message(name, shape, want_shape) + suffix)
    bad = [i for i, v in enumerate(got) if not _is_finite(v)]
    if bad:
        _fail(f"{name} contains {len(bad)} non-finite value(s) (nan or inf)"
              f"{_where(bad[0], shape)}; look for a division by zero or an overflow")
    wrong = _mismatches(got, want, rtol, atol)
    if not wrong:
        return
    hint = _diagnose(got, want, shape, rtol, atol, batch_size, known_mistakes)
    count = f" at {len(wrong)} of {len(got)} entries" if shape else ""
    digits = 4 if _preview(want) != _preview(got) else 12  # show where they differ
    _fail(f"{name} is wrong{count}: expected {_preview(want, digits)}, got "
          f"{_preview(got, digits)}"
          f"{_where(wrong[0], shape, 'first mismatch')}{hint}")


def _where(flat, shape, label="first"):
    return f" ({label} at index {_index(flat, shape)})" if shape else ""


def _index(flat, shape):
    """Flat index -> tuple index for a C-ordered array of ``shape``."""
    index = []
    for size in reversed(shape):
        index.append(flat % size)
        flat //= size
    return tuple(reversed(index))


def _single(name, value):
    """(shape (), [x]) for a number or a size-1 array, else fail naming ``name``."""
    shape, values = _as_floats(name, value)
    if len(values) != 1:
        _fail(f"{name} must be a single number, got an array of shape {shape}")
    return (), values


def check_scalar(name, answer, expected, rtol=1e-6, atol=1e-9, batch_size=None,
                 known_mistakes=()):
    """Assert the number ``answer`` matches ``expected`` within rtol/atol.

    A 0-d or size-1 array counts as a number. ``batch_size`` (N) enables the
    "divide by N" diagnosis; ``known_mistakes`` is [(wrong_value, hint), ...].
    """
    _check_options(rtol, atol, batch_size)
    check_raises_canary()
    _compare(name, _single(name, answer), _single(f"expected {name}", expected),
             rtol, atol, batch_size, known_mistakes)


def check_array(name, answer, expected, rtol=1e-6, atol=1e-9, batch_size=None,
                known_mistakes=()):
    """Assert the array ``answer`` has the shape and values of ``expected``.

    ``batch_size`` (N) enables the "divide by N" diagnosis; ``known_mistakes``
    is [(wrong_value, hint), ...] for assignment-specific slips.
    """
    _check_options(rtol, atol, batch_size)
    check_raises_canary()
    _compare(name, _as_floats(name, answer), _as_floats(f"expected {name}", expected),
             rtol, atol, batch_size, known_mistakes)


def check_shape(name, answer, shape):
    """Assert ``answer`` is an array of real numbers with shape ``shape``."""
    check_raises_canary()
    got, _ = _as_floats(name, answer)
    want = tuple(int(n) for n in shape)
    if got != want:
        _fail(_shape_message(name, got, want))


def _names_used(func):
    """Global and attribute names used by func and every function defined inside it."""
    names, codes = set(), [func.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    return names


def check_not_calling(func, names, why):
    """Assert the student function ``func`` does not use any of ``names``.

    ``why`` completes the sentence "<func> must <why>", e.g. "compute the
    difference quotient itself". Names are matched in func's code objects, so a
    call such as ``utils.init.init_weights(...)`` or ``init_weights(...)`` is
    caught; the check reads names, it does not run func.
    """
    if not callable(func) or not hasattr(func, "__code__"):
        _fail(f"expected a function written in the notebook, got {type(func).__name__}")
    used = sorted(_names_used(func) & set(names))
    if used:
        _fail(f"{func.__name__} must {why}, but it uses {', '.join(used)}")
