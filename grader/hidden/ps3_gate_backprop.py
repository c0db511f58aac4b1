"""Hidden checks of ps3_gate_backprop: other points, shapes, batch sizes and upstream gradients.

Expected values come from the solution notebook (expect=None), and gradients must agree
with them to 1e-12, which a central-difference gradient does not. The staged-expression
diagnoses below use the analytic gradient, which is why they live here and not in the
public module.
"""

import numpy as np

from utils.checks.core import Check, Mistake, arr, close
from utils.checks.ps3_gate_backprop import (BIAS_MISTAKES, BIAS_SHAPES, BMM_MISTAKES, BMM_SHAPES,
                                            DIV_MISTAKES, FORWARD, MUL_MISTAKES, SUM_SHAPES,
                                            UNBROADCAST_MISTAKES, UNBROADCAST_SHAPES,
                                            _unbroadcast_shapes, gradient, op_grads,
                                            staged_f, staged_grads, unbroadcast_of)

_RNG = np.random.default_rng(31415)


def _normal(*shape):
    return _RNG.normal(size=shape)


def _away_from_zero(*shape):
    return _RNG.uniform(0.4, 2.0, size=shape) * _RNG.choice([-1.0, 1.0], size=shape)


# ---------------------------------------------------------------------------
# Part 1: the staged expression, with diagnoses of the classic slips
# ---------------------------------------------------------------------------

def _pieces(x, y, z, df):
    x, y, z, df = (np.asarray(v, dtype=float) for v in (x, y, z, df))
    t, d = np.tanh(z), x - z
    den, num = 1.0 + d ** 2, x * y + t
    dnum = df / den
    dd = 2.0 * d * (-num / den ** 2 * df)
    return dict(x=x, y=y, z=z, t=t, d=d, den=den, dnum=dnum, dd=dd)


def _slip(key, formula):
    def wrong(want, x, y, z, df):
        return formula(**_pieces(x, y, z, df))[key]
    return wrong


def _grads(dd, dnum, x, y, z, t, **_):
    return {"dx": dd + y * dnum, "dy": x * dnum, "dz": -dd + (1.0 - t ** 2) * dnum}


def _without_df(x, y, z, **_):
    return _grads(**_pieces(x, y, z, 1.0))


STAGED_MISTAKES = {
    "dx": [
        Mistake("dx keeps only the path through the numerator; x feeds two stages, so its "
                "gradient adds both contributions (+=, not =)",
                _slip("dx", lambda dnum, y, **p: {"dx": y * dnum})),
        Mistake("dx keeps only the path through the denominator; x feeds two stages, so its "
                "gradient adds both contributions (+=, not =)",
                _slip("dx", lambda dd, **p: {"dx": dd})),
        Mistake("the gradient through the denominator has the wrong sign; the quotient a / b "
                "decreases as b grows",
                _slip("dx", lambda dd, **p: _grads(dd=-dd, **p))),
        Mistake("the gradient through the denominator is off by the factor 1 + (x - z)**2; "
                "check the square in the quotient's local gradient",
                _slip("dx", lambda dd, den, **p: _grads(dd=dd * den, **p))),
        Mistake("dx ignores the upstream gradient df", _slip("dx", _without_df)),
    ],
    "dy": [
        Mistake("dy ignores the upstream gradient df", _slip("dy", _without_df)),
        Mistake("dy uses y; the multiply stage x * y swaps its inputs",
                _slip("dy", lambda dnum, y, **p: {"dy": y * dnum})),
    ],
    "dz": [
        Mistake("dz keeps only the path through tanh; z feeds two stages, so its gradient "
                "adds both contributions (+=, not =)",
                _slip("dz", lambda dnum, t, **p: {"dz": (1.0 - t ** 2) * dnum})),
        Mistake("dz keeps only the path through x - z; z feeds two stages, so its gradient "
                "adds both contributions (+=, not =)",
                _slip("dz", lambda dd, **p: {"dz": -dd})),
        Mistake("the local gradient of tanh was computed from the input z; it is a function of "
                "the output tanh(z)",
                _slip("dz", lambda dd, dnum, z, **p: {"dz": -dd + (1.0 - z ** 2) * dnum})),
        Mistake("the path through x - z has the wrong sign for z: its local gradient there "
                "is -1",
                _slip("dz", lambda dd, dnum, t, **p: {"dz": dd + (1.0 - t ** 2) * dnum})),
        Mistake("the gradient through the denominator is off by the factor 1 + (x - z)**2; "
                "check the square in the quotient's local gradient",
                _slip("dz", lambda dd, den, **p: _grads(dd=dd * den, **p))),
    ],
}

_BATCH = [arr(_normal(6)), arr(_normal(6)), arr(_normal(6))]


def _staged_checks(where, point, df):
    return [Check(f"{key} {where}", staged_grads, tuple(point) + (df,),
                  judge=gradient(key=key, mistakes=STAGED_MISTAKES[key], exact=True))
            for key in ("dx", "dy", "dz")]


# ---------------------------------------------------------------------------
# Parts 2 to 5: forward/backward pairs at hidden shapes
# ---------------------------------------------------------------------------

def op_checks(what, op, inputs, names, keys, shapes=None, mistakes=None, **kwargs):
    """Hidden checks (expected values from the solution) for op_forward/op_backward."""
    out = FORWARD[op](*inputs, **kwargs)
    args = (op, [arr(a) for a in inputs], arr(_normal(*np.shape(out))), list(names))
    return [Check(f"{key} for {what}", op_grads, args, dict(kwargs),
                  judge=gradient(key=key, shapes=(shapes or {}).get(key, ()),
                                 mistakes=(mistakes or {}).get(key, ()), exact=key != "out"))
            for key in keys]


def _sum(shape, axis, keepdims):
    return op_checks(f"a hidden x of shape {shape} summed along axis {axis}"
                     + (" with keepdims=True" if keepdims else ""), "sum", [_normal(*shape)],
                     ["dx"], ["out", "dx"], {"dx": SUM_SHAPES}, axis=axis, keepdims=keepdims)


def _bias(shape):
    return op_checks(f"a hidden x of shape {shape} + b", "bias",
                     [_normal(*shape), _normal(shape[-1])], ["dx", "db"], ["out", "dx", "db"],
                     {"db": BIAS_SHAPES}, {"db": BIAS_MISTAKES})


def _binary(op, xshape, yshape, mistakes):
    y = _away_from_zero(*yshape) if op == "div" else _normal(*yshape)
    shapes = {"dx": _unbroadcast_shapes(0, "dx"), "dy": _unbroadcast_shapes(1, "dy")}
    return op_checks(f"hidden x {xshape} {'*' if op == 'mul' else '/'} y {yshape}", op,
                     [_normal(*xshape), y], ["dx", "dy"], ["out", "dx", "dy"], shapes,
                     mistakes)


_BMM = [((3, 2, 5), (3, 5, 4)), ((4, 2, 3), (3, 6)), ((3, 2, 3), (3, 3, 3)), ((1, 3, 2), (2, 2))]
_BMM_INPUTS = [(_normal(*a), _normal(*b)) for a, b in _BMM]


def _bmm(key):
    return [check for A, B in _BMM_INPUTS
            for check in op_checks(f"hidden A {A.shape} @ B {B.shape}", "bmm", [A, B],
                                   ["dA", "dB"], ["out", key] if key == "dA" else [key],
                                   BMM_SHAPES, BMM_MISTAKES)]


CHECKS = {
    "ps3_test_staged_forward": [
        Check("f at a hidden point", staged_f, (-1.3, 0.7, 2.1), judge=close()),
        Check("f element-wise at 6 hidden points", staged_f, tuple(_BATCH), judge=close()),
    ],
    "ps3_test_staged_backward": (
        _staged_checks("at a hidden point with a hidden df", (-1.3, 0.7, 2.1), -0.6)
        + _staged_checks("at a second hidden point with a hidden df", (0.4, 2.2, -0.9), 2.5)
        + _staged_checks("element-wise at 6 hidden points", _BATCH, arr(_normal(6)))),
    "ps3_test_sum": (_sum((3, 2, 5), 0, False) + _sum((3, 2, 5), -2, True)
                     + _sum((4, 3), 1, False) + _sum((2, 3, 4, 2), 2, False)),
    "ps3_test_bias": _bias((6, 2)) + _bias((3, 5, 2)) + _bias((5, 1, 3)),
    "ps3_test_unbroadcast": [
        Check(f"unbroadcast of a hidden gradient of shape {gshape} to {shape}", unbroadcast_of,
              (arr(_normal(*gshape)), list(shape)),
              judge=gradient(shapes=UNBROADCAST_SHAPES, mistakes=UNBROADCAST_MISTAKES,
                             exact=True))
        for gshape, shape in [((3, 5, 2), (5, 1)), ((3, 5, 2), (3, 1, 2)),
                              ((2, 3, 4, 5), (3, 1, 5)), ((4, 3), (4, 3)), ((2, 3), (1, 1)),
                              ((3, 1, 4), (1, 4))]
    ],
    "ps3_test_mul": (_binary("mul", (2, 3, 4), (3, 1), MUL_MISTAKES)
                     + _binary("mul", (), (2, 3), MUL_MISTAKES)
                     + _binary("mul", (5,), (2, 1, 5), MUL_MISTAKES)
                     + _binary("mul", (1, 4), (3, 1), MUL_MISTAKES)
                     + _binary("mul", (3, 4), (3, 4), MUL_MISTAKES)),
    "ps3_test_div": (_binary("div", (3, 1, 4), (2, 4), DIV_MISTAKES)
                     + _binary("div", (2, 3), (), DIV_MISTAKES)
                     + _binary("div", (1, 5), (3, 1), DIV_MISTAKES)
                     + _binary("div", (3, 4), (3, 4), DIV_MISTAKES)),
    "ps3_test_bmm_dA": _bmm("dA"),
    "ps3_test_bmm_dB": _bmm("dB"),
}
