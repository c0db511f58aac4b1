"""Visible checks of ps5_vanishing_exploding (the hidden ones are in the grader, not here).

The probes build every network, batch and upstream gradient themselves from a few
numbers (layer sizes, batch size, seed), call the student's function and return its
result. Expected values of the visible checks are measured by central differences
(``utils.gradcheck``, imported only inside ``expect``: it is masked in the sandbox).
"""

import numpy as np

from utils.checks.core import Check, Mistake, arr, at_least, call, close, decode, probe

MASKED = {
    "utils.nets": "ps5 asks you to write the forward and backward passes yourself; "
                  "utils.nets is not available while it is graded",
    "utils.layers": "ps5 asks you to write the forward and backward passes yourself; "
                    "utils.layers is not available while it is graded",
    "utils.diagnostics": "ps5 asks you to write the residual block's backward pass yourself; "
                         "utils.diagnostics is not available while it is graded",
    "utils.rnn": "utils.rnn is not available while ps5 is graded",
    "utils.init": "ps5 builds its networks with make_network; utils.init is not available "
                  "while it is graded",
    "utils.gradcheck": "ps5 asks you to derive the gradients: numerical gradients "
                       "(utils.gradcheck) are for your own checks, not available while it "
                       "is graded",
}

VERDICTS = ("vanishing", "stable", "exploding")


# ---------------------------------------------------------------------------
# The problems the probes pose (data only; the same recipe as make_network)
# ---------------------------------------------------------------------------

def _softplus(z):
    return np.logaddexp(0.0, z)


def _network(sizes, seed, bound=None, bias=0.0):
    """[(W, b), ...]: W uniform on [-r, r], r = bound or sqrt(2 / fan_in); b on [-bias, bias]."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        r = np.sqrt(2.0 / fan_in) if bound is None else bound
        params.append([rng.uniform(-r, r, size=(fan_in, fan_out)), np.zeros(fan_out)])
    if bias:
        bias_rng = np.random.default_rng(seed + 2)
        for layer in params:
            layer[1] = bias_rng.uniform(-bias, bias, size=layer[1].shape)
    return [tuple(layer) for layer in params]


def _problem(sizes, batch, seed, bound=None, bias=0.0):
    """(X, params, dout): X (batch, sizes[0]), dout (batch, sizes[-1]), both N(0, 1)."""
    params = _network(sizes, seed, bound, bias)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((batch, sizes[0]))
    dout = rng.standard_normal((batch, sizes[-1]))
    return X, params, dout


def _block_problem(n, h, alpha, seed):
    """(dout, x, W, b): x with entries of both signs and distinct sizes, W not symmetric."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.5, size=(n, h))
    W = rng.uniform(-0.8, 0.8, size=(h, h))
    b = rng.uniform(-0.3, 0.3, size=h)
    dout = rng.standard_normal((n, h))
    return dout, x, W, b


def _student(ns, name):
    if name not in ns:
        raise NameError(f"name {name!r} is not defined - run the cell that defines it")
    return ns[name]


def _plain_result(out):
    return {k: np.asarray(out[k], dtype=float) for k in out} if isinstance(out, dict) else out


# ---------------------------------------------------------------------------
# Probes
# ---------------------------------------------------------------------------

@probe
def plain_norms(ns, sizes, batch, seed, bound=None, bias=0.0):
    """gradient_norms(X, params, dout) on a softplus network built from (sizes, seed)."""
    X, params, dout = _problem(sizes, batch, seed, bound, bias)
    return _plain_result(_student(ns, "gradient_norms")(X, params, dout))


@probe
def block_grads(ns, n, h, alpha, seed):
    """block_backward(dout, x, W, b, alpha) as {"dx", "dW", "db"}."""
    dout, x, W, b = _block_problem(n, h, alpha, seed)
    out = _student(ns, "block_backward")(dout, x, W, b, alpha)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        return {"returned": "not three arrays"}
    return {"dx": np.asarray(out[0], dtype=float), "dW": np.asarray(out[1], dtype=float),
            "db": np.asarray(out[2], dtype=float)}


@probe
def residual_norms(ns, width, depth, batch, seed, alpha, bound=None, bias=0.0):
    """residual_gradient_norms(X, params, dout, alpha) on square layers of ``width``."""
    X, params, dout = _problem([width] * (depth + 1), batch, seed, bound, bias)
    return _plain_result(_student(ns, "residual_gradient_norms")(X, params, dout, alpha))


@probe
def improvement(ns, width, depth, batch, seed, alpha, bound=None, bias=0.0):
    """skip_improvement(X, params, dout, alpha) on square layers of ``width``."""
    X, params, dout = _problem([width] * (depth + 1), batch, seed, bound, bias)
    out = _student(ns, "skip_improvement")(X, params, dout, alpha)
    return {k: float(out[k]) for k in out} if isinstance(out, dict) else out


# ---------------------------------------------------------------------------
# Expected values, measured by central differences
# ---------------------------------------------------------------------------

def _plain_tail(a, params, start, dout):
    """L = sum(dout * a_L) when layer ``start``'s output a is given."""
    for W, b in params[start:]:
        a = _softplus(a @ W + b)
    return float(np.sum(a * dout))


def _numeric_plain(sizes, batch, seed, bound=None, bias=0.0):
    """{"dW": ||dL/dW_l||, "delta": ||dL/dz_l||}, by central differences."""
    from utils.gradcheck import eval_numerical_gradient
    X, params, dout = _problem(sizes, batch, seed, bound, bias)
    params = [(W.copy(), b.copy()) for W, b in params]

    def loss(_):
        return _plain_tail(X, params, 0, dout)

    dW = [np.linalg.norm(eval_numerical_gradient(loss, W)) for W, _ in params]
    delta, a = [], X
    for l, (W, b) in enumerate(params):
        z = a @ W + b
        delta.append(np.linalg.norm(eval_numerical_gradient(
            lambda zz: _plain_tail(_softplus(zz), params, l + 1, dout), z.copy())))
        a = _softplus(z)
    return {"dW": np.array(dW), "delta": np.array(delta)}


def _forward_block(x, W, b, alpha):
    return x + alpha * (_softplus(x) @ W + b)


def _numeric_block(n, h, alpha, seed):
    from utils.gradcheck import eval_numerical_gradient
    dout, x, W, b = _block_problem(n, h, alpha, seed)

    def loss(_):
        return float(np.sum(_forward_block(x, W, b, alpha) * dout))

    return {"dx": eval_numerical_gradient(loss, x), "dW": eval_numerical_gradient(loss, W),
            "db": eval_numerical_gradient(loss, b)}


def _residual_tail(a, params, start, alpha, dout):
    for W, b in params[start:]:
        a = _forward_block(a, W, b, alpha)
    return float(np.sum(a * dout))


def _numeric_residual(width, depth, batch, seed, alpha, bound=None, bias=0.0):
    """{"dW": ||dL/dW_l||, "da": ||dL/da_(l-1)||} of the residual stack, by central differences."""
    from utils.gradcheck import eval_numerical_gradient
    X, params, dout = _problem([width] * (depth + 1), batch, seed, bound, bias)
    params = [(W.copy(), b.copy()) for W, b in params]
    dW = [np.linalg.norm(eval_numerical_gradient(
        lambda _: _residual_tail(X, params, 0, alpha, dout), W)) for W, _ in params]
    da, a = [], X.copy()
    for l, (W, b) in enumerate(params):
        da.append(np.linalg.norm(eval_numerical_gradient(
            lambda aa: _residual_tail(aa, params, l, alpha, dout), a.copy())))
        a = _forward_block(a, W, b, alpha)
    return {"dW": np.array(dW), "da": np.array(da)}


def _numeric_improvement(width, depth, batch, seed, alpha, bound=None, bias=0.0):
    """expect: first-to-last weight-gradient ratios measured numerically, and their quotient."""
    ratios = {}
    for kind, norms in [
            ("plain", _numeric_plain([width] * (depth + 1), batch, seed, bound, bias)),
            ("residual", _numeric_residual(width, depth, batch, seed, alpha, bound, bias))]:
        first, *_, last = norms["dW"]
        ratios[kind] = first / last
    ratios["factor"] = ratios["residual"] / ratios["plain"]
    return ratios


# ---------------------------------------------------------------------------
# Judges
# ---------------------------------------------------------------------------

def _values(data):
    return np.asarray(decode(data), dtype=float)


def all_of(*judges):
    """Judge: every judge passes; the first failure is the message."""
    def judge(got, want, ctx):
        for j in judges:
            message = j(got, want, ctx)
            if message:
                return message
        return None
    return judge


def verdict_word(key="verdict"):
    """Judge: ``got[key]`` is the expected word; only words of VERDICTS are ever echoed."""
    def judge(got, want, ctx):
        if not isinstance(got, dict) or key not in got:
            return f"{ctx.label}: expected a result with an entry {key!r}"
        word, right = got[key], want[key]
        if word not in VERDICTS:
            return (f"{ctx.label}: the {key} must be one of 'vanishing', 'stable' or "
                    "'exploding' (a lower-case string)")
        if word == right:
            return None
        if ctx.hidden:
            return f"{ctx.label}: the {key} is wrong"
        return f"{ctx.label}: the {key} is {word!r}; expected {right!r}"
    return judge


REVERSED = Mistake("the norms are listed last layer first; index 0 must be layer 1, next "
                   "to the input", lambda want, *a, **k: _values(want)[::-1])


def _activation_norms(want, sizes, batch, seed, bound=None, bias=0.0):
    X, params, _ = _problem(sizes, batch, seed, bound, bias)
    norms, a = [], X
    for W, b in params:
        a = _softplus(a @ W + b)
        norms.append(np.linalg.norm(a))
    return np.array(norms)


ACTIVATIONS = Mistake("these are the norms of the activations a_l, not of the gradients",
                      _activation_norms)


def _diagnose_expect(name, norms, threshold=10.0):
    ratio = norms[0] / norms[-1]
    verdict = ("vanishing" if ratio < 1 / threshold else
               "exploding" if ratio > threshold else "stable")
    return {"ratio": ratio, "per_layer": ratio ** (1 / (len(norms) - 1)), "verdict": verdict}


def diagnose_judge(rtol=1e-9):
    """Judge of diagnose(): ratio, per-layer factor and verdict, with the classic slips."""
    inverted = Mistake("that is ||last|| / ||first||; the ratio is the first layer's norm "
                       "divided by the last layer's",
                       lambda want, name, norms, **k: norms[-1] / norms[0])
    wrong_root = Mistake("that is the L-th root of the ratio; between layer 1 and layer L "
                         "there are L - 1 steps",
                         lambda want, name, norms, **k: (norms[0] / norms[-1]) ** (1 / len(norms)))
    return all_of(close(rtol=rtol, key="ratio", mistakes=[inverted]),
                  close(rtol=rtol, key="per_layer", mistakes=[wrong_root]),
                  verdict_word())


def _without_skip(want, n, h, alpha, seed):
    """dx with the skip path's dout left out."""
    return _values(want) - _block_problem(n, h, alpha, seed)[0]


def _without_alpha(want, n, h, alpha, seed):
    """dx with the branch's factor alpha left out."""
    return _block_problem(n, h, alpha, seed)[0] + _without_skip(want, n, h, alpha, seed) / alpha


_BLOCK_MISTAKES = {
    "dx": [Mistake("the skip path's gradient is missing: the block's output contains x "
                   "itself, so dout flows straight back to x as well", _without_skip),
           Mistake("the branch's gradient is missing the factor alpha", _without_alpha)],
    "dW": [Mistake("dW is missing the factor alpha", lambda want, *a: _values(want) / a[2])],
    "db": [Mistake("db is missing the factor alpha", lambda want, *a: _values(want) / a[2])],
}


def block_judge(key, rtol=1e-5, atol=1e-8):
    return close(rtol=rtol, atol=atol, key=key, mistakes=_BLOCK_MISTAKES[key])


# ---------------------------------------------------------------------------
# Visible checks, one list per test cell
# ---------------------------------------------------------------------------

_SMALL = ([3, 4, 5, 2], 6, 51)  # sizes, batch, seed
_SMALL_KW = {"bias": 0.2}

CHECKS = {
    "ps5_test_norms": [
        Check("dW norms of a 3-layer network 3 -> 4 -> 5 -> 2, batch of 6", plain_norms,
              _SMALL, _SMALL_KW, expect=_numeric_plain,
              judge=close(rtol=1e-5, key="dW", mistakes=[REVERSED, ACTIVATIONS])),
        Check("delta norms of a 3-layer network 3 -> 4 -> 5 -> 2, batch of 6", plain_norms,
              _SMALL, _SMALL_KW, expect=_numeric_plain,
              judge=close(rtol=1e-5, key="delta", mistakes=[REVERSED])),
    ],
    "ps5_test_diagnose": [
        Check("diagnose([1e-4, 1e-3, 1e-2, 0.1, 1.0])", call,
              ("diagnose", arr([1e-4, 1e-3, 1e-2, 0.1, 1.0])),
              expect=lambda *a, **k: {"ratio": 1e-4, "per_layer": 0.1, "verdict": "vanishing"},
              judge=diagnose_judge()),
        Check("diagnose([8.0, 4.0, 2.0, 1.0])", call, ("diagnose", arr([8.0, 4.0, 2.0, 1.0])),
              expect=lambda *a, **k: {"ratio": 8.0, "per_layer": 2.0, "verdict": "stable"},
              judge=diagnose_judge()),
        Check("diagnose([8.0, 4.0, 2.0, 1.0], threshold=5.0)", call,
              ("diagnose", arr([8.0, 4.0, 2.0, 1.0])), {"threshold": 5.0},
              expect=lambda *a, **k: {"ratio": 8.0, "per_layer": 2.0, "verdict": "exploding"},
              judge=diagnose_judge()),
    ],
    "ps5_test_block_dx": [
        Check("dx of block_backward for a batch of 4, H = 3, alpha = 0.3", block_grads,
              (4, 3, 0.3, 53), expect=_numeric_block, judge=block_judge("dx")),
    ],
    "ps5_test_block_dW_db": [
        Check("dW of block_backward for a batch of 4, H = 3, alpha = 0.3", block_grads,
              (4, 3, 0.3, 53), expect=_numeric_block, judge=block_judge("dW")),
        Check("db of block_backward for a batch of 4, H = 3, alpha = 0.3", block_grads,
              (4, 3, 0.3, 53), expect=_numeric_block, judge=block_judge("db")),
    ],
    "ps5_test_residual_norms": [
        Check("dW norms of 3 residual blocks of width 4, batch of 5, alpha = 0.7",
              residual_norms, (4, 3, 5, 54, 0.7), {"bias": 0.2}, expect=_numeric_residual,
              judge=close(rtol=1e-5, key="dW", mistakes=[REVERSED])),
        Check("da norms of 3 residual blocks of width 4, batch of 5, alpha = 0.7",
              residual_norms, (4, 3, 5, 54, 0.7), {"bias": 0.2}, expect=_numeric_residual,
              judge=close(rtol=1e-5, key="da", mistakes=[REVERSED])),
    ],
    "ps5_test_improvement": [
        *[Check(f"the {key!r} entry of skip_improvement for 4 layers of width 5, batch of 6, "
                "alpha = 0.5", improvement, (5, 4, 6, 55, 0.5), expect=_numeric_improvement,
                judge=close(rtol=1e-5, key=key)) for key in ("plain", "residual", "factor")],
        Check("the improvement factor of this notebook's network (12 layers of width 32, "
              "alpha = 0.5)", improvement, (32, 12, 64, 0, 0.5), expect=lambda *a, **k: 100.0,
              judge=at_least(100.0, key="factor", what="improvement factor")),
    ],
}
