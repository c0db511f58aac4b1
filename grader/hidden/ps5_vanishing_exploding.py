"""Hidden checks of ps5_vanishing_exploding: other seeds, depths, shapes, alphas and thresholds.

Expected values come from the solution notebook (expect=None) except for diagnose, whose
expected values are computed here from the definitions in the notebook's text. The
diagnoses (``Mistake``) recompute the classic slips on the same inputs; this module is never
mounted in the sandbox, so they may spell out the backward pass.
"""

import numpy as np

from utils.checks.core import Check, Mistake, arr, at_least, call, close
from utils.checks.ps5_vanishing_exploding import (_BLOCK_MISTAKES, ACTIVATIONS, REVERSED,
                                                   _block_problem, _problem, _softplus,
                                                   block_grads, diagnose_judge, improvement,
                                                   plain_norms, residual_norms)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _plain_variant(sizes, batch, seed, bound=None, bias=0.0, slope="z", delta_of="z"):
    """dW and delta norms of the plain network with one slip: the slope sigma(z) taken at the
    output a ("a"), left out ("none"); or delta measured before the slope (delta_of="a")."""
    X, params, dout = _problem(sizes, batch, seed, bound, bias)
    acts, zs = [X], []
    for W, b in params:
        zs.append(acts[-1] @ W + b)
        acts.append(_softplus(zs[-1]))
    dW, delta, grad = [], [], dout
    for l in range(len(params) - 1, -1, -1):
        s = {"z": _sigmoid(zs[l]), "a": _sigmoid(acts[l + 1]), "none": 1.0}[slope]
        d = grad * s
        dW.append(np.linalg.norm(acts[l].T @ d))
        delta.append(np.linalg.norm(grad if delta_of == "a" else d))
        grad = d @ params[l][0].T
    return {"dW": np.array(dW[::-1]), "delta": np.array(delta[::-1])}


def _plain_mistakes(key):
    found = [REVERSED,
             Mistake("the softplus slope was evaluated at the layer's output a_l; it is a "
                     "function of the pre-activation z_l",
                     lambda want, *a, **k: _plain_variant(*a, **k, slope="a")[key]),
             Mistake("the slope of softplus is missing: delta must be the incoming gradient "
                     "times softplus'(z_l)",
                     lambda want, *a, **k: _plain_variant(*a, **k, slope="none")[key])]
    if key == "dW":
        found.append(ACTIVATIONS)
    else:
        found.append(Mistake("that is the norm of dL/da_l, the gradient before the softplus "
                             "slope; delta is dL/dz_l",
                             lambda want, *a, **k: _plain_variant(*a, **k, delta_of="a")[key]))
    return found


def _norm_checks(what, args, kwargs=None):
    kwargs = kwargs or {}
    return [Check(f"dW norms of {what}", plain_norms, args, kwargs,
                  judge=close(rtol=1e-6, atol=1e-12, key="dW", mistakes=_plain_mistakes("dW"))),
            Check(f"delta norms of {what}", plain_norms, args, kwargs,
                  judge=close(rtol=1e-6, atol=1e-12, key="delta",
                              mistakes=_plain_mistakes("delta")))]


def _diagnosis(norms, threshold=10.0):
    """The three numbers, from the definitions in the notebook's Part 2."""
    ratio = norms[0] / norms[-1]
    steps = [norms[i] / norms[i + 1] for i in range(len(norms) - 1)]
    per_layer = float(np.exp(np.mean(np.log(steps))))
    verdict = ("vanishing" if ratio < 1.0 / threshold else
               "exploding" if ratio > threshold else "stable")
    return {"ratio": ratio, "per_layer": per_layer, "verdict": verdict}


def _diagnose_check(label, norms, threshold=None):
    kwargs = {} if threshold is None else {"threshold": threshold}
    want = _diagnosis(norms, 10.0 if threshold is None else threshold)
    return Check(label, call, ("diagnose", arr(norms)), kwargs,
                 expect=lambda *a, **k: want, judge=diagnose_judge(rtol=1e-8))


_GEOMETRIC = list(np.random.default_rng(7341).uniform(0.3, 0.9, 11).cumprod()[::-1] * 2.0)


def _residual_variant(width, depth, batch, seed, alpha, bound=None, bias=0.0, slip=""):
    """dW and da norms of the residual stack with one slip."""
    X, params, dout = _problem([width] * (depth + 1), batch, seed, bound, bias)
    inputs = [X]
    for W, b in params[:-1]:
        inputs.append(inputs[-1] + alpha * (_softplus(inputs[-1]) @ W + b))
    dW, da, grad = [], [], dout
    for l in range(len(params) - 1, -1, -1):
        x, W = inputs[l], params[l][0]
        branch = (alpha * grad @ W.T) * _sigmoid(x)
        dW.append(np.linalg.norm(alpha * _softplus(x).T @ grad))
        grad = branch if slip == "no skip" else grad + branch
        da.append(np.linalg.norm(grad))
    return {"dW": np.array(dW[::-1]), "da": np.array(da[::-1])}


def _residual_mistakes(key):
    return [REVERSED,
            Mistake("the gradient lost the skip path between blocks: each block must pass "
                    "dout straight back to its input as well",
                    lambda want, *a, **k: _residual_variant(*a, **k, slip="no skip")[key])]


def _residual_checks(what, args, kwargs=None):
    kwargs = kwargs or {}
    return [Check(f"dW norms of {what}", residual_norms, args, kwargs,
                  judge=close(rtol=1e-6, atol=1e-12, key="dW", mistakes=_residual_mistakes("dW"))),
            Check(f"da norms of {what}", residual_norms, args, kwargs,
                  judge=close(rtol=1e-6, atol=1e-12, key="da", mistakes=_residual_mistakes("da")))]


def _block_hidden(key, n, h, alpha, seed):
    extra = []
    if key == "dx":
        extra = [Mistake("the softplus slope was evaluated at softplus(x); the branch applies "
                         "softplus to x itself, so its slope is taken at x",
                         lambda want, *a: _dx_slope_at(*a, where="softplus")),
                 Mistake("the softplus slope was evaluated at the block's output; it belongs to "
                         "the block's input x", lambda want, *a: _dx_slope_at(*a, where="out")),
                 Mistake("dout was multiplied by W instead of W transposed on its way back to x",
                         lambda want, *a: _dx_slope_at(*a, where="x", transpose=False))]
    return Check(f"{key} of block_backward at a hidden batch of {n}, H = {h}", block_grads,
                 (n, h, alpha, seed),
                 judge=close(rtol=1e-6, atol=1e-12, key=key,
                             mistakes=list(_BLOCK_MISTAKES[key]) + extra))


def _dx_slope_at(n, h, alpha, seed, where="x", transpose=True):
    dout, x, W, b = _block_problem(n, h, alpha, seed)
    at = {"x": x, "softplus": _softplus(x), "out": x + alpha * (_softplus(x) @ W + b)}[where]
    back = (alpha * dout) @ (W.T if transpose else W)
    return dout + back * _sigmoid(at)


CHECKS = {
    "ps5_test_norms": [
        *_norm_checks("a hidden 12-layer network of width 32 with biases", ([32] * 13, 64, 7301),
                      {"bias": 0.1}),
        *_norm_checks("a hidden network with layers of different widths",
                      ([5, 9, 7, 9, 3], 7, 7302), {"bias": 0.3}),
        *_norm_checks("a hidden network with wide weights", ([6] + [16] * 8 + [4], 9, 7303),
                      {"bound": 0.7, "bias": 0.2}),
        *_norm_checks("a hidden one-layer network", ([4, 3], 5, 7304), {"bias": 0.5}),
        *_norm_checks("a hidden network and a batch of one", ([3, 5, 2], 1, 7305)),
    ],
    "ps5_test_diagnose": [
        _diagnose_check("diagnose of hidden vanishing norms", [0.02, 0.3, 0.9, 2.0, 3.1]),
        _diagnose_check("diagnose of hidden exploding norms", [40.0, 9.0, 3.5, 1.5]),
        _diagnose_check("diagnose of hidden norms with a threshold of 100",
                        [3000.0, 100.0, 1.0], threshold=100.0),
        _diagnose_check("diagnose of hidden norms exactly on the boundary", [1.0, 5.0, 10.0]),
        _diagnose_check("diagnose of hidden norms exactly on the upper boundary",
                        [10.0, 5.0, 1.0]),
        _diagnose_check("diagnose of 12 hidden norms", _GEOMETRIC, threshold=3.0),
        _diagnose_check("diagnose of two hidden norms", [0.4, 0.5]),
    ],
    "ps5_test_block_dx": [
        _block_hidden("dx", 7, 5, 0.37, 7311),
        _block_hidden("dx", 1, 4, 1.0, 7312),
        _block_hidden("dx", 9, 2, 2.5, 7313),
    ],
    "ps5_test_block_dW_db": [
        _block_hidden("dW", 7, 5, 0.37, 7311),
        _block_hidden("db", 7, 5, 0.37, 7311),
        _block_hidden("dW", 1, 4, 1.0, 7312),
        _block_hidden("db", 1, 4, 1.0, 7312),
        _block_hidden("dW", 9, 2, 2.5, 7313),
        _block_hidden("db", 9, 2, 2.5, 7313),
    ],
    "ps5_test_residual_norms": [
        *_residual_checks("12 hidden blocks of width 32, alpha = 0.5", (32, 12, 64, 7321, 0.5),
                          {"bias": 0.1}),
        *_residual_checks("6 hidden blocks of width 9, alpha = 1.3", (9, 6, 11, 7322, 1.3),
                          {"bias": 0.2}),
        *_residual_checks("2 hidden blocks of width 3 and a batch of one",
                          (3, 2, 1, 7323, 0.25), {"bias": 0.4}),
        *_residual_checks("one hidden block", (5, 1, 4, 7324, 0.8)),
    ],
    "ps5_test_improvement": [
        Check("the improvement factor at a hidden seed", improvement, (32, 12, 64, 7331, 0.5),
              judge=at_least(100.0, key="factor", what="improvement factor")),
        Check("the improvement factor at another hidden seed", improvement,
              (32, 12, 64, 7332, 0.5),
              judge=at_least(100.0, key="factor", what="improvement factor")),
        *[Check(f"the {key!r} entry of skip_improvement at a hidden seed", improvement,
                (32, 12, 64, 7331, 0.5), judge=close(rtol=1e-6, key=key))
          for key in ("plain", "residual", "factor")],
        *[Check(f"the {key!r} entry of skip_improvement for 5 hidden blocks of width 7",
                improvement, (7, 5, 10, 7333, 0.9), {"bias": 0.2}, judge=close(rtol=1e-6, key=key))
          for key in ("plain", "residual", "factor")],
    ],
}
