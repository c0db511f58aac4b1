"""Hidden checks of ps4_two_layer_net: other shapes, batch sizes, penalties, eps and data sets.

Expected values come from the solution notebook (``expect`` left at None). The private
reference below only produces the values that known slips give, so that a failing
check can name the slip.
"""

import numpy as np

from utils.checks import ps4_two_layer_net as public
from utils.checks.core import Check, Mistake, arr, at_least, close, decode
from utils.checks.ps4_two_layer_net import (
    BN_BACKWARD_SLIPS, BN_FORWARD_SLIPS, HIDDEN_LAYER_SLIPS, ONE_SIDED, SLIP_SENTENCES, agree,
    backward_probe, bias_axis_shape, bias_mistakes, bn_agree_probe, bn_compact_probe,
    bn_forward_probe, bn_staged_probe, close_or_shape, numgrad_probe, slip_of_want, train_probe, train_seed_probe, unchanged,
    weight_mistakes)

_RNG = np.random.default_rng(20261204)


# ---------------------------------------------------------------------------
# Private reference: the values that known slips produce
# ---------------------------------------------------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _slipped_backward(X, y, params, reg, slip):
    """The gradients a backward pass with one slip returns."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.tanh(z1)
    y_hat = _sigmoid(a1 @ params["W2"] + params["b2"])
    dz2 = (y_hat - y) / X.shape[0]
    da1 = dz2 @ params["W2"].T
    local = {"tanh_from_z": 1.0 - z1 ** 2, "sigmoid_local": a1 * (1.0 - a1),
             "tanh_squared_wrong": (1.0 - a1) ** 2}.get(slip, 1.0 - a1 ** 2)
    dz1 = da1 * local
    return {"W1": X.T @ dz1 + reg * params["W1"], "b1": dz1.sum(axis=0),
            "W2": a1.T @ dz2 + reg * params["W2"], "b2": dz2.sum(axis=0)}


def _hidden_layer_mistakes(name):
    return [Mistake(SLIP_SENTENCES[slip],
                    lambda want, X, y, params, reg, slip=slip:
                    _slipped_backward(X, y, params, reg, slip)[name])
            for slip in HIDDEN_LAYER_SLIPS]


def _bn_forward(x, gamma, beta, eps, slip=None):
    mu = x.mean(axis=0)
    xc = x - mu
    if slip == "ddof1":
        var = (xc ** 2).sum(axis=0) / (x.shape[0] - 1)
    else:
        var = (xc ** 2).mean(axis=0)
    std = np.sqrt(var) + eps if slip == "eps_outside" else np.sqrt(var + eps)
    if slip == "var_not_std":
        std = var + eps
    if slip == "axis1":
        mu1 = x.mean(axis=1, keepdims=True)
        std = np.sqrt(((x - mu1) ** 2).mean(axis=1, keepdims=True) + eps)
        xc = x - mu1
    xhat = xc / std
    return gamma * xhat + beta, xc, std, xhat


def _bn_backward(x, gamma, beta, eps, dout, slip=None):
    """Staged gradients with one slip (None: the right ones, up to rounding)."""
    _, xc, std, xhat = _bn_forward(x, gamma, beta, eps, "eps_outside" if slip ==
                                   "eps_outside_backward" else None)
    n = x.shape[0]
    dxhat = dout * gamma
    dstd = -(dxhat * xc).sum(axis=0) / std ** 2
    dvar = dstd / (2.0 * std)
    divisor = n - 1 if slip == "ddof1_backward" else n
    dxc = dxhat / std + dvar * 2.0 * xc / divisor
    dmu = -dxc.sum(axis=0)
    dx = dxc if slip == "no_mean_path" else dxc + dmu / n
    if slip == "no_var_path":
        dx = dxhat / std - (dxhat / std).sum(axis=0) / n
    if slip == "compact_no_sum":
        dx = gamma / (n * std) * (n * dout - xhat * (dout * xhat).sum(axis=0))
    if slip == "compact_no_xhat_sum":
        dx = gamma / (n * std) * (n * dout - dout.sum(axis=0))
    return {"xhat": dxhat, "var": dvar, "mu": dmu, "x": dx,
            "gamma": (dout * xhat).sum(axis=0), "beta": dout.sum(axis=0)}


def _bn_forward_mistakes():
    return [Mistake(SLIP_SENTENCES[slip], lambda want, x, g, b, eps, slip=slip:
                    _bn_forward(x, g, b, eps, slip)[0])
            for slip in BN_FORWARD_SLIPS]


def _bn_backward_mistakes(name):
    return [Mistake(SLIP_SENTENCES[slip], lambda want, x, g, b, eps, dout, slip=slip:
                    _bn_backward(x, g, b, eps, dout, slip)[name])
            for slip in BN_BACKWARD_SLIPS]


def visible_slip_values():
    """What every known slip gives at the public module's visible inputs (its VISIBLE_SLIPS)."""
    X, y, params, reg = decode(list(public._NET_ARGS))
    x, gamma, beta, eps, dout = decode(list(public._BN_ARGS))
    values = {name: {slip: _slipped_backward(X, y, params, reg, slip)[name].tolist()
                     for slip in HIDDEN_LAYER_SLIPS} for name in ("W1", "b1")}
    values["bn_out"] = {slip: _bn_forward(x, gamma, beta, eps, slip)[0].tolist()
                        for slip in BN_FORWARD_SLIPS}
    values["bn_x"] = {slip: _bn_backward(x, gamma, beta, eps, dout, slip)["x"].tolist()
                      for slip in BN_BACKWARD_SLIPS}
    return values


# The grader judges with freshly computed slip values, whatever the public literals say
# (a stale literal only changes the wording of a failure in the student's own kernel).
public.VISIBLE_SLIPS.update(visible_slip_values())


def _bn_judge(name, batch):
    return close_or_shape(key=name, rtol=1e-7, atol=1e-10, batch_size=batch,
                          mistakes=_bn_backward_mistakes(name), shapes=[(
                              lambda x, gamma, beta, eps, dout: x.shape,
                              f"d{name} must be summed over the batch (axis=0), one number "
                              f"per feature")])


# ---------------------------------------------------------------------------
# Hidden inputs
# ---------------------------------------------------------------------------

def _net_problem(n, d, h, scale=1.0):
    X = _RNG.normal(size=(n, d))
    y = _RNG.integers(0, 2, size=(n, 1)).astype(float)
    if n > 1:
        y[:2] = [[0.0], [1.0]]   # both classes present
    params = {"W1": _RNG.normal(size=(d, h)) * scale, "b1": _RNG.normal(size=h),
              "W2": _RNG.normal(size=(h, 1)), "b2": _RNG.normal(size=1)}
    return X, y, params


def _arrays(params):
    return {name: arr(value) for name, value in params.items()}


# (N, D, H, reg, weight scale): non-square, a single example, more examples than units,
# a square hidden layer, no penalty
_NETS = [(7, 3, 5, 0.23, 1.0), (1, 2, 3, 0.5, 1.5), (9, 4, 2, 0.0, 1.0), (6, 4, 4, 0.11, 0.7)]
_NET_INPUTS = [(f"N = {n}, D = {d}, H = {h}, reg = {reg}",
                (arr(X), arr(y), _arrays(p), reg))
               for (n, d, h, reg, scale) in _NETS
               for X, y, p in [_net_problem(n, d, h, scale)]]


def _backward_checks(name, bias):
    checks = []
    for where, args in _NET_INPUTS:
        n = len(args[0]["__array__"])
        mistakes = (bias_mistakes(name) if bias else weight_mistakes(name))
        if name in ("W1", "b1"):
            mistakes = mistakes + _hidden_layer_mistakes(name)
        shapes = [(bias_axis_shape, f"d{name} was summed over the units (axis=1); sum over "
                                    f"the batch (axis=0)")] if bias else []
        checks.append(Check(f"d{name} at a hidden batch ({where})", backward_probe, args,
                            judge=close_or_shape(key=name, rtol=1e-7, atol=1e-10,
                                                 batch_size=n if bias else None,
                                                 mistakes=mistakes, shapes=shapes)))
    return checks


def _bn_input(n, d, eps, spread):
    x = _RNG.normal(size=(n, d)) * spread + _RNG.normal(size=d) * 2.0
    gamma, beta = _RNG.normal(size=d), _RNG.normal(size=d)
    dout = _RNG.normal(size=(n, d))
    return (arr(x), arr(gamma), arr(beta), eps, arr(dout))


# a large eps next to small variances, so that where eps goes matters; then a plain batch
_BN_INPUTS = [("8 x 4 batch, eps = 0.1", _bn_input(8, 4, 0.1, np.array([0.2, 0.3, 0.15, 0.25]))),
              ("3 x 6 batch, eps = 1e-5", _bn_input(3, 6, 1e-5, 1.0)),
              ("12 x 2 batch, eps = 0.01", _bn_input(12, 2, 0.01, np.array([3.0, 0.1])))]

_W_NET = {"W1": arr(_RNG.normal(size=(3, 4))), "b1": arr(_RNG.normal(size=4)),
          "W2": arr(_RNG.normal(size=(4, 1))), "b2": arr(_RNG.normal(size=1)), "data_seed": 17}
_W_EXP = _RNG.normal(size=(2, 2, 2)) * 0.3
_CUBIC = {"A": arr(_RNG.normal(size=(3, 2))), "b": arr(_RNG.normal(size=2))}


def _one_sided(want, case, params, h=1e-5):
    w = params["w"]
    return (np.exp(3.0 * (w + h)) - np.exp(3.0 * w)) / h


def _numgrad_judge(name, mistakes=()):
    def judge(got, want, ctx):
        if not isinstance(got, dict) or not isinstance(got.get("grads"), dict) \
                or name not in got["grads"]:
            return f"{ctx.label}: expected a gradient for {name!r}"
        return close(rtol=1e-7, atol=1e-9, mistakes=list(mistakes) + [slip_of_want(
            "every entry is 0: f never saw the perturbed value - change the array inside "
            "params in place, not a copy of it", lambda want, *a, **k: np.zeros_like(want))])(
            got["grads"][name], want["grads"][name], ctx)
    return judge


def _same_seed_judge(got, want, ctx):
    try:
        first, again, other = (np.array(v["__array__"], dtype=float) for v in got)
    except (TypeError, KeyError, ValueError):
        return f"{ctx.label}: expected three weight matrices"
    if first.shape != again.shape or not np.array_equal(first, again):
        return (f"{ctx.label}: two runs with the same seed gave different weights - create "
                f"them with np.random.default_rng(seed), never the global np.random")
    if first.shape == other.shape and np.array_equal(first, other):
        return (f"{ctx.label}: two different seeds gave the same weights - draw them from "
                f"np.random.default_rng(seed)")
    return None


_RECIPE = (8, 1.0, 1000, 1e-3)
_DATA = [({"kind": "circles", "n_samples": 160, "noise": 0.06, "factor": 0.5, "seed": 3}, 2,
          "two circles (160 points)"),
         ({"kind": "moons", "n_samples": 150, "noise": 0.1, "seed": 7}, 5,
          "two moons (150 points, other noise)"),
         ({"kind": "moons", "n_samples": 300, "noise": 0.12, "seed": 13}, 2,
          "two moons (300 points)")]

CHECKS = {
    "ps4_test_backward_output": _backward_checks("W2", False) + _backward_checks("b2", True),
    "ps4_test_backward_hidden": _backward_checks("W1", False) + _backward_checks("b1", True),
    "ps4_test_numerical_gradient": [
        Check("numerical_gradient of sum(exp(3 w)) for a 2 x 2 x 2 array, h = 1e-3",
              numgrad_probe, ("exp3", {"w": arr(_W_EXP)}), {"h": 1e-3},
              judge=_numgrad_judge("w", [Mistake(ONE_SIDED, _one_sided)])),
        Check("params after numerical_gradient on a 2 x 2 x 2 array", numgrad_probe,
              ("exp3", {"w": arr(_W_EXP)}), {"h": 1e-3}, judge=unchanged()),
        *[Check(f"numerical_gradient of a hidden network's loss: the gradient of {name}",
                numgrad_probe, ("net", _W_NET), judge=_numgrad_judge(name))
          for name in ("W1", "b1", "W2", "b2")],
        Check("params after numerical_gradient on a network's loss", numgrad_probe,
              ("net", _W_NET), judge=unchanged()),
        Check("numerical_gradient of a hidden cubic: the gradient of b", numgrad_probe,
              ("cubic", _CUBIC), judge=_numgrad_judge("b")),
    ],
    "ps4_test_bn_forward": [
        Check(f"batchnorm_forward of a hidden {where}", bn_forward_probe, args[:4],
              judge=close(rtol=1e-9, atol=1e-12, mistakes=_bn_forward_mistakes()))
        for where, args in _BN_INPUTS
    ],
    "ps4_test_bn_staged": [
        Check(f"d{name} of batchnorm_backward_staged, hidden {where}", bn_staged_probe, args,
              judge=_bn_judge(name, None))
        for where, args in _BN_INPUTS
        for name in ("beta", "gamma", "xhat", "var", "mu", "x")
    ],
    "ps4_test_bn_compact": [
        Check(f"d{name} of batchnorm_backward_compact, hidden {where}", bn_compact_probe, args,
              judge=_bn_judge(name, len(args[0]["__array__"])))
        for where, args in _BN_INPUTS
        for name in ("beta", "gamma", "x")
    ] + [
        Check(f"the staged and the compact dx agree, hidden {where}", bn_agree_probe, args,
              judge=agree(rtol=1e-7, atol=1e-10))
        for where, args in _BN_INPUTS
    ],
    "ps4_test_train": [
        Check(f"train on hidden data: {what}, seed {seed}", train_probe, (data, *_RECIPE, seed),
              judge=at_least(0.95, key="accuracy", what="training accuracy"))
        for data, seed, what in _DATA
    ] + [
        Check("train returns one loss per epoch", train_probe, (_DATA[0][0], 8, 1.0, 37, 1e-3, 4),
              judge=close(key="losses", rtol=0, atol=0)),
        Check("train with seeds 4, 4 and 5 (5 epochs)", train_seed_probe,
              (_DATA[1][0], 8, 1.0, 5, 1e-3, [4, 4, 5]), judge=_same_seed_judge),
    ],
}
