"""Visible checks of ps3_gate_backprop (the hidden ones are in the grader, not here).

Every visible expected gradient is a central-difference gradient of the forward function
(``utils.gradcheck``), never an analytic formula. Probes call the student's
``op_forward`` and ``op_backward`` and return plain data.
"""

import numpy as np

from utils.checks.core import Check, Mistake, arr, close, decode, probe

MASKED = {
    "utils.gates": "ps3 asks you to write the backward passes yourself; utils.gates is not "
                   "available while it is graded",
    "utils.layers": "ps3 asks you to write the backward passes yourself; utils.layers is not "
                    "available while it is graded",
    "utils.derivatives": "ps3 asks you to derive the local gradients yourself; "
                         "utils.derivatives is not available while it is graded",
    "utils.autodiff": "ps3 asks you to write the backward passes yourself; utils.autodiff is "
                      "not available while it is graded",
}

# ---------------------------------------------------------------------------
# Probes (run on the student's code; return plain data)
# ---------------------------------------------------------------------------


def _function(ns, name):
    if name not in ns:
        raise NameError(f"name {name!r} is not defined - run the cell that defines it")
    return ns[name]


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


@probe
def staged_f(ns, x, y, z):
    """f from the student's expr_forward(x, y, z) (numbers or arrays of one shape)."""
    f, _ = _function(ns, "expr_forward")(_copy(x), _copy(y), _copy(z))
    return np.asarray(f, dtype=float)


@probe
def staged_grads(ns, x, y, z, df):
    """{'dx', 'dy', 'dz'}: expr_backward(df, cache) after expr_forward(x, y, z)."""
    _, cache = _function(ns, "expr_forward")(_copy(x), _copy(y), _copy(z))
    dx, dy, dz = _function(ns, "expr_backward")(_copy(df), cache)
    return {"dx": np.asarray(dx, dtype=float), "dy": np.asarray(dy, dtype=float),
            "dz": np.asarray(dz, dtype=float)}


SHAPE_HINTS = {
    "sum": "a dout without the summed axis does not line up with x; where did that axis go?",
    "bmm": "shapes did not fit; on a 3-D array .T reverses all three axes",
    None: "shapes did not fit; write down the shape of every factor",
}


@probe
def op_grads(ns, op, inputs, dout, names, **kwargs):
    """{'out', names...}: op_backward(dout, cache) after (out, cache) = op_forward(*inputs).

    inputs: arrays; names: the gradients op_backward returns, in order ("dx", "db", ...).
    kwargs go to op_forward (e.g. axis, keepdims).
    """
    out, cache = _function(ns, f"{op}_forward")(*[a.copy() for a in inputs], **kwargs)
    try:
        grads = _function(ns, f"{op}_backward")(dout.copy(), cache)
    except ValueError:
        shapes = ", ".join(str(np.shape(a)) for a in inputs)
        raise ValueError(f"{op}_backward raised ValueError for inputs of shapes {shapes} and "
                         f"dout {np.shape(dout)}: {SHAPE_HINTS.get(op, SHAPE_HINTS[None])}"
                         ) from None
    if len(names) == 1:
        grads = (grads,)
    result = {"out": np.asarray(out, dtype=float)}
    for name, grad in zip(names, grads):
        result[name] = np.asarray(grad, dtype=float)
    return result


@probe
def unbroadcast_of(ns, grad, shape):
    """The student's unbroadcast(grad, shape) for a tuple shape."""
    return np.asarray(_function(ns, "unbroadcast")(grad.copy(), tuple(shape)), dtype=float)


# ---------------------------------------------------------------------------
# Expected values: numerical gradients of the forward function
# ---------------------------------------------------------------------------

def expr_value(x, y, z):
    """The function of Part 1, element-wise (the forward pass only)."""
    return (x * y + np.tanh(z)) / (1.0 + (x - z) ** 2)


FORWARD = {
    "sum": lambda x, axis, keepdims=False: np.sum(x, axis=axis, keepdims=keepdims),
    "bias": lambda x, b: x + b,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "bmm": lambda A, B: A @ B,
}


def numerical_grad(f, x, dout):
    """Gradient of sum(f(x) * dout) with respect to x by central differences (any shape)."""
    from utils.gradcheck import eval_numerical_gradient_array
    x = np.array(x, dtype=float)
    return eval_numerical_gradient_array(f, x, np.asarray(dout, dtype=float))


def expect_staged_f(x, y, z):
    return expr_value(np.asarray(x, float), np.asarray(y, float), np.asarray(z, float))


def expect_staged_grads(x, y, z, df):
    """Central-difference dx, dy, dz of the expression, times the upstream gradient df."""
    x, y, z = (np.asarray(v, dtype=float) for v in (x, y, z))
    df = np.broadcast_to(np.asarray(df, dtype=float), expr_value(x, y, z).shape)
    return {"dx": numerical_grad(lambda v: expr_value(v, y, z), x, df),
            "dy": numerical_grad(lambda v: expr_value(x, v, z), y, df),
            "dz": numerical_grad(lambda v: expr_value(x, y, v), z, df)}


def expect_op(op, inputs, dout, names, **kwargs):
    """out and the numerical gradient of every input of FORWARD[op] for upstream dout."""
    forward = FORWARD[op]
    result = {"out": forward(*inputs, **kwargs)}
    for i, name in enumerate(names):
        def along(v, i=i):
            moved = list(inputs)
            moved[i] = v
            return forward(*moved, **kwargs)
        result[name] = numerical_grad(along, inputs[i], dout)
    return result


def expect_unbroadcast(grad, shape):
    """The gradient of broadcasting an input of ``shape`` to grad's shape (numerically)."""
    return numerical_grad(lambda v: np.broadcast_to(v, grad.shape), np.zeros(shape), grad)


# ---------------------------------------------------------------------------
# Judges: a shape slip gets its own sentence, everything else goes to close()
# ---------------------------------------------------------------------------

def values(want):
    """Expected data (as sent to a judge) as a float array."""
    return np.array(decode(want), dtype=float)


def shape_of(data):
    try:
        return np.shape(np.array(decode(data), dtype=float))
    except (TypeError, ValueError):
        return None


def gradient(key=None, shapes=(), exact=False, **close_kwargs):
    """close(key=key, ...) that first names known wrong shapes.

    shapes: [(wrong_shape(want_shape, *args, **kwargs) -> tuple or None, sentence)].
    exact: also require agreement to 1e-12 (for expected values computed analytically):
    a central-difference gradient is only accurate to about 1e-10 and fails.
    """
    inner = close(key=key, **close_kwargs)
    tight = close(key=key, rtol=1e-12, atol=1e-12)

    def judge(got, want, ctx):
        g, w = (got, want) if key is None else (
            got.get(key) if isinstance(got, dict) else None, want[key])
        got_shape, want_shape = shape_of(g), shape_of(w)
        if g is not None and got_shape is not None and got_shape != want_shape:
            for wrong_shape, text in shapes:
                try:
                    wrong = wrong_shape(want_shape, *ctx.args, **ctx.kwargs)
                except Exception:  # the slip does not apply to these inputs
                    continue
                if wrong is not None and tuple(wrong) == got_shape:
                    return f"{ctx.label}: {text}"
        message = inner(got, want, ctx)
        if message or not exact or tight(got, want, ctx) is None:
            return message
        return (f"{ctx.label} is right only to about 10 digits, as a numerical gradient is; "
                f"compute it from local gradients")
    return judge


def _same_shape(a, b):
    if np.shape(a) != np.shape(b):
        raise ValueError("this slip is only recognisable without broadcasting")


# Part 2: sum
SUM_SHAPES = [
    (lambda want, op, inputs, dout, names, axis, keepdims=False: np.shape(dout),
     "dx has the shape of out; every entry of x needs its own gradient, so dx has the shape of x"),
]
# Part 3: bias
BIAS_SHAPES = [
    (lambda want, op, inputs, dout, names: np.shape(dout),
     "db has the shape of dout; b is shared by every example, and a shared variable adds up "
     "the gradients of everything it feeds"),
    (lambda want, op, inputs, dout, names: np.shape(dout)[1:] if np.ndim(dout) > 2 else None,
     "db was summed over the first axis only; b is repeated along every leading axis"),
    (lambda want, op, inputs, dout, names: np.shape(dout)[:-1],
     "db was summed over the feature axis; sum over the axes b was repeated along instead"),
]


def _count(want, op, inputs, dout, names):
    return np.size(dout) // np.shape(dout)[-1]


BIAS_MISTAKES = [Mistake("db is the mean over the batch; a shared variable receives the sum "
                         "of its gradients, not their mean",
                         lambda want, *a: values(want) / _count(want, *a))]

# Part 4: unbroadcast, mul, div
UNBROADCAST_SHAPES = [
    (lambda want, grad, shape: tuple(n for n in shape if n != 1) if 1 in shape else None,
     "the axes of length 1 are missing from the result; it must have exactly the requested "
     "shape (keep summed axes with keepdims=True)"),
    (lambda want, grad, shape: np.shape(grad),
     "nothing was summed: the result still has the shape of grad"),
]


def _broadcast_count(grad, shape):
    return np.size(grad) // max(1, int(np.prod(shape)))


UNBROADCAST_MISTAKES = [
    Mistake("the result is a mean; an input used k times receives the sum of its k gradients",
            lambda want, grad, shape: values(want) / _broadcast_count(grad, shape)),
]


def _unbroadcast_shapes(index, name):
    other = "y" if name == "dx" else "x"
    return [(lambda want, op, inputs, dout, names: np.shape(dout)
             if np.shape(inputs[index]) != np.shape(dout) else None,
             f"{name} has the shape of out; {name[1:]} was broadcast, so reduce its gradient "
             f"to the shape of {name[1:]} (your unbroadcast)"),
            (lambda want, op, inputs, dout, names: np.shape(inputs[1 - index])
             if np.shape(inputs[1 - index]) != np.shape(inputs[index]) else None,
             f"{name} has the shape of {other}; it needs the shape of {name[1:]}")]


MUL_MISTAKES = {
    "dx": [Mistake("dx is x * dout; the multiply gate swaps its inputs",
                   lambda want, op, inputs, dout, names: (
                       _same_shape(inputs[0], inputs[1]), inputs[0] * dout)[1])],
    "dy": [Mistake("dy is y * dout; the multiply gate swaps its inputs",
                   lambda want, op, inputs, dout, names: (
                       _same_shape(inputs[0], inputs[1]), inputs[1] * dout)[1])],
}
DIV_MISTAKES = {
    "dx": [Mistake("dx multiplies dout by y; x / y changes with x at the rate 1 / y",
                   lambda want, op, inputs, dout, names: (
                       _same_shape(inputs[0], inputs[1]), inputs[1] * dout)[1])],
    "dy": [Mistake("dy is missing a factor 1 / y: the derivative of 1 / y has y squared in "
                   "its denominator",
                   lambda want, op, inputs, dout, names: (
                       _same_shape(inputs[0], inputs[1]), values(want) * inputs[1])[1])],
}

# Part 5: batched matrix product
BMM_SHAPES = {
    "dA": [(lambda want, op, inputs, dout, names: np.shape(dout),
            "dA has the shape of out; it needs the shape of A (N, n, k)")],
    "dB": [(lambda want, op, inputs, dout, names: (np.shape(inputs[0])[0],) + tuple(want)
            if len(want) == 2 else None,
            "dB has one gradient per example; the B shared by all N products receives their "
            "sum over the batch"),
           (lambda want, op, inputs, dout, names: tuple(want)[::-1] if len(want) == 2 else
            tuple(want)[:-2] + tuple(want)[-2:][::-1],
            "dB is transposed: with 3-D arrays, swap only the last two axes (.T reverses all "
            "of them)")],
}
def _shared(inputs):
    """N, the number of products that share B (only when B is 2-D)."""
    if np.ndim(inputs[1]) != 2:
        raise ValueError("B is not shared")
    return np.shape(inputs[0])[0]


BMM_MISTAKES = {
    "dB": [Mistake("dB is the mean over the batch; the shared B receives the sum of the N "
                   "gradients, not their mean",
                   lambda want, op, inputs, dout, names: values(want) / _shared(inputs))],
}

# ---------------------------------------------------------------------------
# Visible inputs (seeded; rounded so that messages stay readable)
# ---------------------------------------------------------------------------

_RNG = np.random.default_rng(303)


def _normal(*shape):
    return np.round(_RNG.normal(size=shape), 2)


def _away_from_zero(*shape):
    return np.round(_RNG.uniform(0.5, 2.0, size=shape) * _RNG.choice([-1.0, 1.0], size=shape), 2)


RTOL, ATOL = 1e-5, 1e-8          # numerical gradients are accurate to about 1e-9


def op_checks(what, op, inputs, names, keys, shapes=None, mistakes=None, **kwargs):
    """One Check per key in ``keys`` for op_forward/op_backward on ``inputs``."""
    out = FORWARD[op](*inputs, **kwargs)
    args = (op, [arr(a) for a in inputs], arr(_normal(*np.shape(out))), list(names))
    return [Check(f"{key} for {what}", op_grads, args, dict(kwargs), expect=expect_op,
                  judge=gradient(key=key, shapes=(shapes or {}).get(key, ()),
                                 mistakes=(mistakes or {}).get(key, ()), rtol=RTOL, atol=ATOL))
            for key in keys]


_POINT = (2.0, -1.0, 0.5)
_XYZ = [arr([2.0, -0.5, 1.2]), arr([-1.0, 1.5, 0.3]), arr([0.5, 1.0, -2.0])]
_SUM_X = _normal(2, 3, 4)
_A = _normal(3, 2, 4)

CHECKS = {
    "ps3_test_staged_forward": [
        Check("f(2, -1, 0.5)", staged_f, _POINT, expect=expect_staged_f,
              judge=close(rtol=1e-9)),
        Check("f at x = [2, -0.5, 1.2], y = [-1, 1.5, 0.3], z = [0.5, 1, -2]", staged_f,
              tuple(_XYZ), expect=expect_staged_f, judge=close(rtol=1e-9)),
    ],
    "ps3_test_staged_backward": [
        Check(f"{key} at (2, -1, 0.5) with df = {df:g}", staged_grads, _POINT + (df,),
              expect=expect_staged_grads, judge=close(key=key, rtol=RTOL, atol=ATOL))
        for df in (1.0, -3.0) for key in ("dx", "dy", "dz")
    ],
    "ps3_test_sum": (
        op_checks("x (2, 3, 4) summed along axis 1", "sum", [_SUM_X], ["dx"], ["out", "dx"],
                  {"dx": SUM_SHAPES}, axis=1, keepdims=False)
        + op_checks("x (2, 3, 4) summed along axis -1 with keepdims=True", "sum", [_SUM_X],
                    ["dx"], ["out", "dx"], {"dx": SUM_SHAPES}, axis=-1, keepdims=True)),
    "ps3_test_bias": (
        op_checks("x (4, 3) + b (3,)", "bias", [_normal(4, 3), _normal(3)], ["dx", "db"],
                  ["out", "dx", "db"], {"db": BIAS_SHAPES}, {"db": BIAS_MISTAKES})
        + op_checks("x (2, 3, 4) + b (4,)", "bias", [_normal(2, 3, 4), _normal(4)],
                    ["dx", "db"], ["out", "dx", "db"], {"db": BIAS_SHAPES},
                    {"db": BIAS_MISTAKES})),
    "ps3_test_unbroadcast": [
        Check(f"unbroadcast(grad of shape {gshape}, {shape})", unbroadcast_of,
              (arr(_normal(*gshape)), list(shape)), expect=expect_unbroadcast,
              judge=gradient(shapes=UNBROADCAST_SHAPES, mistakes=UNBROADCAST_MISTAKES,
                             rtol=RTOL, atol=ATOL))
        for gshape, shape in [((4, 3), (3,)), ((4, 3), (4, 1)), ((2, 4, 3), (1, 3)),
                              ((2, 4, 3), ())]
    ],
    "ps3_test_mul": (
        op_checks("x (4, 3) * y (4, 3)", "mul", [_normal(4, 3), _normal(4, 3)], ["dx", "dy"],
                  ["out", "dx", "dy"], mistakes=MUL_MISTAKES)
        + op_checks("x (4, 1) * y (3,)", "mul", [_normal(4, 1), _normal(3)], ["dx", "dy"],
                    ["out", "dx", "dy"],
                    {"dx": _unbroadcast_shapes(0, "dx"), "dy": _unbroadcast_shapes(1, "dy")})),
    "ps3_test_div": (
        op_checks("x (4, 3) / y (4, 3)", "div", [_normal(4, 3), _away_from_zero(4, 3)],
                  ["dx", "dy"], ["out", "dx", "dy"], mistakes=DIV_MISTAKES)
        + op_checks("x (2, 3) / y (2, 1)", "div", [_normal(2, 3), _away_from_zero(2, 1)],
                    ["dx", "dy"], ["out", "dx", "dy"],
                    {"dx": _unbroadcast_shapes(0, "dx"), "dy": _unbroadcast_shapes(1, "dy")})),
    "ps3_test_bmm_dA": (
        op_checks("A (3, 2, 4) @ B (3, 4, 5)", "bmm", [_A, _normal(3, 4, 5)], ["dA", "dB"],
                  ["out", "dA"], BMM_SHAPES, BMM_MISTAKES)
        + op_checks("A (3, 2, 4) @ B (4, 5)", "bmm", [_A, _normal(4, 5)], ["dA", "dB"],
                    ["out", "dA"], BMM_SHAPES, BMM_MISTAKES)),
    "ps3_test_bmm_dB": (
        op_checks("A (3, 2, 4) @ B (3, 4, 5)", "bmm", [_A, _normal(3, 4, 5)], ["dA", "dB"],
                  ["dB"], BMM_SHAPES, BMM_MISTAKES)
        + op_checks("A (3, 2, 4) @ B (4, 5)", "bmm", [_A, _normal(4, 5)], ["dA", "dB"],
                    ["dB"], BMM_SHAPES, BMM_MISTAKES)),
}
