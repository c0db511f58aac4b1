"""Visible checks of ps4_two_layer_net (the hidden ones are in the grader, not here).

The network of the assignment (tanh hidden layer, sigmoid output, mean binary
cross-entropy plus an L2 penalty on the weights) is written out below only as far as
the notebook states it: the forward pass and the loss. Every expected gradient is
measured numerically from that loss, never computed by a backward pass.
"""

import numpy as np

from utils.checks.core import Check, Mistake, arr, at_least, close, probe

MASKED = {
    "utils.layers": "utils.layers is not available while ps4 is graded: write the forward "
                    "and backward passes yourself",
    "utils.nets": "utils.nets is not available while ps4 is graded: write the network "
                  "yourself",
    "utils.gradcheck": "utils.gradcheck is not available while ps4 is graded: ps4 asks you "
                       "to write your own numerical_gradient",
    "utils.diagnostics": "utils.diagnostics is not available while ps4 is graded",
}

PARAM_NAMES = ("W1", "b1", "W2", "b2")
STAGED_NAMES = ("xhat", "var", "mu", "x", "gamma", "beta")


# ---------------------------------------------------------------------------
# The stated forward pass and loss (numpy), used by probes and expectations
# ---------------------------------------------------------------------------

def net_output(X, params):
    """y_hat (N, 1) of the tanh/sigmoid network; X (N, D), params W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,)."""
    hidden = np.tanh(X @ params["W1"] + params["b1"])
    return 1.0 / (1.0 + np.exp(-(hidden @ params["W2"] + params["b2"])))


def net_loss(y_hat, y, params, reg):
    """Mean binary cross-entropy of y_hat (N, 1) against y (N, 1) plus (reg / 2)(|W1|^2 + |W2|^2)."""
    data = -np.mean(y * np.log(y_hat) + (1.0 - y) * np.log(1.0 - y_hat))
    return float(data + 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2)))


def _copy(params):
    return {name: np.array(value, dtype=float) for name, value in params.items()}


def _numerical_params(X, y, params, reg):
    """Central-difference gradient of the stated loss with respect to every parameter."""
    from utils.gradcheck import eval_numerical_gradient
    params = _copy(params)
    return {name: eval_numerical_gradient(
        lambda _: net_loss(net_output(X, params), y, params, reg), params[name])
        for name in PARAM_NAMES}


def _bn_reference_out(x, gamma, beta, eps):
    """The stated batch-norm forward pass (training mode), for expectations."""
    centered = x - x.mean(axis=0)
    return gamma * centered / np.sqrt((centered ** 2).mean(axis=0) + eps) + beta


def _numerical_bn(x, gamma, beta, eps, dout):
    """Central-difference gradients of L = sum(dout * out) through the stated staged graph.

    {"x", "gamma", "beta"} as inputs; "xhat", "var" and "mu" as nodes of the graph
    mu -> xc = x - mu -> var = mean(xc**2) -> xhat = xc / sqrt(var + eps), each varied
    with the nodes before it held fixed.
    """
    from utils.gradcheck import eval_numerical_gradient
    values = {"x": np.array(x, dtype=float), "gamma": np.array(gamma, dtype=float),
              "beta": np.array(beta, dtype=float)}
    grads = {name: eval_numerical_gradient(
        lambda _: np.sum(dout * _bn_reference_out(values["x"], values["gamma"],
                                                  values["beta"], eps)), values[name])
        for name in values}
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    grads["xhat"] = eval_numerical_gradient(lambda v: np.sum(dout * (gamma * v + beta)), xhat)
    grads["var"] = eval_numerical_gradient(
        lambda v: np.sum(dout * (gamma * (x - mu) / np.sqrt(v + eps) + beta)), var)
    grads["mu"] = eval_numerical_gradient(
        lambda m: np.sum(dout * (gamma * (x - m) / np.sqrt(((x - m) ** 2).mean(axis=0) + eps)
                                 + beta)), mu)
    return grads


# ---------------------------------------------------------------------------
# Probes (run inside the sandbox on the student's code)
# ---------------------------------------------------------------------------

def _student(ns, name):
    if name not in ns:
        raise NameError(f"name {name!r} is not defined - run the cell that defines it")
    return ns[name]


@probe
def forward_probe(ns, X, params):
    """y_hat of the student's forward(X, params) as an array."""
    result = _student(ns, "forward")(X.copy(), _copy(params))
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError("forward must return the pair (y_hat, cache)")
    return np.asarray(result[0], dtype=float)


@probe
def loss_probe(ns, y_hat, y, params, reg):
    """The student's loss(y_hat, y, params, reg) as a float."""
    return float(_student(ns, "loss")(y_hat.copy(), y.copy(), _copy(params), reg))


@probe
def backward_probe(ns, X, y, params, reg):
    """{"W1", "b1", "W2", "b2"}: the student's backward after the student's forward."""
    params = _copy(params)
    _, cache = _student(ns, "forward")(X.copy(), params)
    grads = _student(ns, "backward")(cache, y.copy(), params, reg)
    if not isinstance(grads, dict) or set(grads) != set(PARAM_NAMES):
        raise TypeError("backward must return a dict with the keys 'W1', 'b1', 'W2', 'b2'")
    return {name: np.asarray(grads[name], dtype=float) for name in PARAM_NAMES}


def _numgrad_case(case, params):
    """The loss function f() of a gradient-check case, reading its arrays from ``params``."""
    if case == "cubic":      # params A (m, n), b (n,)
        return lambda: float(np.sum(params["A"] ** 3) + np.sum(params["A"] @ params["b"]))
    if case == "exp3":       # params w (any shape)
        return lambda: float(np.sum(np.exp(3.0 * params["w"])))
    if case == "net":        # params W1, b1, W2, b2 and fixed data
        rng = np.random.default_rng(params.pop("data_seed"))
        d = params["W1"].shape[0]
        X, y = rng.normal(size=(6, d)), rng.integers(0, 2, size=(6, 1)).astype(float)
        return lambda: net_loss(net_output(X, params), y, params, 0.1)
    raise ValueError(f"unknown case {case!r}")


@probe
def numgrad_probe(ns, case, params, h=None):
    """Run the student's numerical_gradient on a case; report the gradients and the arrays after.

    Returns {"grads": {name: array}, "changed": largest |entry after - entry before|,
    "replaced": how many arrays of params are no longer the same objects}.
    """
    params = _copy(params)
    f = _numgrad_case(case, params)
    before = {name: value.copy() for name, value in params.items()}
    objects = {name: value for name, value in params.items()}
    func = _student(ns, "numerical_gradient")
    grads = func(f, params) if h is None else func(f, params, h)
    if not isinstance(grads, dict) or set(grads) != set(before):
        raise TypeError("numerical_gradient must return a dict with the keys of params")
    changed = max(float(np.max(np.abs(np.asarray(params[name], dtype=float) - before[name]),
                               initial=0.0)) if np.shape(params[name]) == before[name].shape
                  else np.inf for name in before)
    return {"grads": {name: np.asarray(grads[name], dtype=float) for name in before},
            "changed": changed,
            "replaced": float(sum(params[name] is not objects[name] for name in before))}


@probe
def bn_forward_probe(ns, x, gamma, beta, eps):
    """out of the student's batchnorm_forward(x, gamma, beta, eps)."""
    result = _student(ns, "batchnorm_forward")(x.copy(), gamma.copy(), beta.copy(), eps)
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError("batchnorm_forward must return the pair (out, cache)")
    return np.asarray(result[0], dtype=float)


def _bn_cache(ns, x, gamma, beta, eps):
    return _student(ns, "batchnorm_forward")(x.copy(), gamma.copy(), beta.copy(), eps)[1]


@probe
def bn_staged_probe(ns, x, gamma, beta, eps, dout):
    """The student's staged gradients {"xhat", "var", "mu", "x", "gamma", "beta"}."""
    cache = _bn_cache(ns, x, gamma, beta, eps)
    grads = _student(ns, "batchnorm_backward_staged")(dout.copy(), cache)
    if not isinstance(grads, dict) or set(grads) != set(STAGED_NAMES):
        raise TypeError("batchnorm_backward_staged must return a dict with the keys "
                        + ", ".join(repr(k) for k in STAGED_NAMES))
    return {name: np.asarray(grads[name], dtype=float) for name in STAGED_NAMES}


def _forbidden(name):
    def stub(*args, **kwargs):
        raise RuntimeError(f"batchnorm_backward_compact must not call {name}; write the "
                           f"closed form")
    return stub


@probe
def bn_compact_probe(ns, x, gamma, beta, eps, dout):
    """{"x", "gamma", "beta"} of the student's batchnorm_backward_compact.

    While it runs, every global name bound to the student's staged backward or
    numerical_gradient raises instead: the compact form must stand on its own.
    """
    cache = _bn_cache(ns, x, gamma, beta, eps)
    targets = [ns.get(name) for name in ("batchnorm_backward_staged", "numerical_gradient")]
    swapped = {key: value for key, value in ns.items()
               if callable(value) and any(value is t for t in targets if t is not None)}
    try:
        for key in swapped:
            ns[key] = _forbidden(key)
        result = _student(ns, "batchnorm_backward_compact")(dout.copy(), cache)
    finally:
        ns.update(swapped)
    if not isinstance(result, tuple) or len(result) != 3:
        raise TypeError("batchnorm_backward_compact must return (dx, dgamma, dbeta)")
    return {name: np.asarray(value, dtype=float)
            for name, value in zip(("x", "gamma", "beta"), result)}


@probe
def bn_agree_probe(ns, x, gamma, beta, eps, dout):
    """{"staged": dx, "compact": dx} of the student's two backward passes on one input."""
    staged = bn_staged_probe(ns, x, gamma, beta, eps, dout)["x"]
    compact = bn_compact_probe(ns, x, gamma, beta, eps, dout)["x"]
    return {"staged": staged, "compact": compact}


def _dataset(data):
    from utils import data_generators
    make = {"moons": data_generators.make_moons, "circles": data_generators.make_circles}
    spec = dict(data)
    X, labels = make[spec.pop("kind")](**spec)
    return X, labels


@probe
def train_probe(ns, data, hidden_dim, lr, epochs, reg, seed):
    """Train with the student's train() on a data set; accuracy measured by the stated forward.

    Returns {"accuracy", "losses": how many losses came back, "finite": 1.0 if every
    returned parameter is finite}.
    """
    X, labels = _dataset(data)
    result = _student(ns, "train")(X.copy(), labels[:, None].astype(float),
                                   hidden_dim=hidden_dim, lr=lr, epochs=epochs, reg=reg,
                                   seed=seed)
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError("train must return the pair (params, losses)")
    params, losses = result
    params = _copy({name: params[name] for name in PARAM_NAMES})
    finite = all(np.all(np.isfinite(v)) for v in params.values())
    accuracy = float(np.mean((net_output(X, params)[:, 0] > 0.5) == (labels == 1))) \
        if finite else 0.0
    return {"accuracy": accuracy, "losses": float(len(losses)), "finite": float(finite)}


@probe
def train_seed_probe(ns, data, hidden_dim, lr, epochs, reg, seeds):
    """W1 after training with each seed in ``seeds`` (same seed twice must agree)."""
    X, labels = _dataset(data)
    y = labels[:, None].astype(float)
    return [np.asarray(_student(ns, "train")(X.copy(), y.copy(), hidden_dim=hidden_dim, lr=lr,
                                             epochs=epochs, reg=reg, seed=s)[0]["W1"],
                       dtype=float) for s in seeds]


# ---------------------------------------------------------------------------
# Judges
# ---------------------------------------------------------------------------

def close_or_shape(key=None, rtol=1e-6, atol=1e-9, mistakes=(), batch_size=None, shapes=()):
    """close(...), plus shape diagnoses: ``shapes`` is [(shape_of(*args, **kwargs), sentence)].

    When the answer has the wrong shape and that shape is what ``shape_of`` returns for
    the check's inputs, the judge says ``sentence`` (a known slip) instead.
    """
    inner = close(rtol=rtol, atol=atol, key=key, mistakes=mistakes, batch_size=batch_size)

    def judge(got, want, ctx):
        message = inner(got, want, ctx)
        if message is None:
            return None
        value = got.get(key) if key is not None and isinstance(got, dict) else got
        try:
            shape = np.shape(np.array(value, dtype=float))
            want_shape = np.shape(np.array(want[key] if key is not None else want, dtype=float))
        except (TypeError, ValueError, KeyError):
            return message
        if shape == want_shape:
            return message
        for shape_of, text in shapes:
            try:
                if tuple(shape) == tuple(shape_of(*ctx.args, **ctx.kwargs)):
                    return f"{ctx.label} has shape {tuple(shape)}; {text}"
            except Exception:  # a hint that does not apply to these inputs
                continue
        return message
    return judge


def unchanged(tol=1e-12):
    """Judge for numgrad_probe: every array of params holds its original numbers afterwards."""
    def judge(got, want, ctx):
        if not isinstance(got, dict) or "changed" not in got:
            return f"{ctx.label}: expected the report of numgrad_probe"
        if got.get("replaced", 0) and got["replaced"] > 0:
            return (f"{ctx.label}: numerical_gradient put new arrays into params; change the "
                    f"entries of the arrays in place and put each one back")
        if not got["changed"] <= tol:
            return (f"{ctx.label}: an array of params no longer holds its original numbers "
                    f"after numerical_gradient - restore every entry right after perturbing "
                    f"it, or each later difference is taken at a shifted point")
        return None
    return judge


def agree(rtol=1e-6, atol=1e-9):
    """Judge for bn_agree_probe: the staged and the compact dx are equal."""
    def judge(got, want, ctx):
        try:
            staged = np.array(got["staged"], dtype=float)
            compact = np.array(got["compact"], dtype=float)
        except (TypeError, ValueError, KeyError):
            return f"{ctx.label}: expected two arrays dx"
        if staged.shape != compact.shape:
            return (f"{ctx.label}: the staged dx has shape {staged.shape} and the compact dx "
                    f"{compact.shape}")
        if not np.allclose(compact, staged, rtol=rtol, atol=atol):
            return f"{ctx.label}: the staged and the compact dx differ - one of them is wrong"
        return None
    return judge


# ---------------------------------------------------------------------------
# Mistakes that can be written from the expected value and the inputs alone
# ---------------------------------------------------------------------------

def _penalty_grad(name):
    return lambda params, reg: reg * params[name]


def dropped_mean(name):
    """Mistake: the data term of d<name> is N times too large (no 1/N), the penalty term right."""
    def wrong(want, X, y, params, reg):
        return (want - reg * params[name]) * X.shape[0] + reg * params[name]
    return Mistake(f"the data term of d{name} is N times too large - the loss is a mean over "
                   f"the N examples", wrong)


def penalty_missing(name):
    """Mistake: d<name> has no reg * <name> term."""
    return Mistake(f"d{name} is missing the gradient of the L2 penalty",
                   lambda want, X, y, params, reg: want - reg * params[name])


def penalty_doubled(name):
    """Mistake: d<name> has 2 * reg * <name> instead of reg * <name>."""
    return Mistake(f"the penalty's gradient in d{name} is twice too large - the penalty is "
                   f"(reg / 2) times the sum of squares",
                   lambda want, X, y, params, reg: want + reg * params[name])


def penalty_on_bias(name):
    """Mistake: a penalty gradient reg * b on a bias."""
    return Mistake(f"d{name} has a penalty term, but the L2 penalty covers the weights only",
                   lambda want, X, y, params, reg: want + reg * params[name])


def data_sign(name):
    """Mistake: the data term of d<name> has the wrong sign (y - y_hat)."""
    def wrong(want, X, y, params, reg):
        penalty = reg * params[name] if name.startswith("W") else 0.0
        return -(want - penalty) + penalty
    return Mistake(f"the data term of d{name} has the wrong sign - the output error is "
                   f"y_hat - y", wrong)


def weight_mistakes(name):
    """The slips every weight gradient is checked against."""
    return [dropped_mean(name), penalty_missing(name), penalty_doubled(name), data_sign(name)]


def bias_mistakes(name):
    """The slips every bias gradient is checked against."""
    return [penalty_on_bias(name), data_sign(name),
            Mistake(f"d{name} is N times too large - the loss is a mean over the N examples",
                    lambda want, X, y, params, reg: want * X.shape[0])]


def bias_axis_shape(X, y, params, reg):
    """The shape a bias gradient gets when it is summed over the units instead of the batch."""
    return (X.shape[0],)


def loss_mistakes():
    """Slips of the loss that are visible from the value."""
    def penalty(params, reg):
        return 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    return [
        Mistake("the L2 penalty is missing", lambda want, y_hat, y, params, reg:
                want - penalty(params, reg)),
        Mistake("the L2 penalty is twice too large - it is (reg / 2) times the sum of "
                "squares", lambda want, y_hat, y, params, reg: want + penalty(params, reg)),
        Mistake("the cross-entropy is summed over the batch; the loss is its mean",
                lambda want, y_hat, y, params, reg:
                (want - penalty(params, reg)) * y.shape[0] + penalty(params, reg)),
        Mistake("the penalty includes the biases; it covers the weights W1 and W2 only",
                lambda want, y_hat, y, params, reg: want + 0.5 * reg * (
                    np.sum(params["b1"] ** 2) + np.sum(params["b2"] ** 2))),
    ]


# ---------------------------------------------------------------------------
# Visible inputs
# ---------------------------------------------------------------------------

_RNG = np.random.default_rng(4404)


def _net_problem(rng, n, d, h, scale=1.0):
    X = rng.normal(size=(n, d))
    y = (np.arange(n) % 2).astype(float)[:, None]
    rng.shuffle(y)
    params = {"W1": rng.normal(size=(d, h)) * scale, "b1": rng.normal(size=h) * 0.5,
              "W2": rng.normal(size=(h, 1)), "b2": rng.normal(size=1) * 0.5}
    return X, y, params


def _arrays(params):
    return {name: arr(value) for name, value in params.items()}


_X, _Y, _P = _net_problem(_RNG, 4, 3, 5)
_REG = 0.1
_YHAT = np.array([[0.9], [0.2], [0.6], [0.3]])
_Y_LOSS = np.array([[1.0], [0.0], [0.0], [1.0]])
_NET_ARGS = (arr(_X), arr(_Y), _arrays(_P), _REG)

_A = np.array([[1.0, -2.0, 0.5], [0.3, 2.0, -1.5]])
_B = np.array([0.7, -0.2, 1.1])

_BN_X = _RNG.normal(size=(5, 3)) * np.array([1.0, 0.3, 2.0]) + np.array([0.5, -1.0, 2.0])
_BN_GAMMA = np.array([1.5, -0.5, 0.8])
_BN_BETA = np.array([0.1, 0.2, -0.3])
_BN_DOUT = _RNG.normal(size=(5, 3))
_BN_ARGS = (arr(_BN_X), arr(_BN_GAMMA), arr(_BN_BETA), 1e-5, arr(_BN_DOUT))

MOONS = {"kind": "moons", "n_samples": 200, "noise": 0.15, "seed": 0}
TRAIN_RECIPE = {"hidden_dim": 8, "lr": 1.0, "epochs": 1000, "reg": 1e-3}


def _expected_loss(y_hat, y, params, reg):
    return net_loss(y_hat, y, params, reg)


CHECKS = {
    "ps4_test_forward": [
        Check("y_hat of forward for N = 4, D = 3, H = 5", forward_probe,
              (arr(_X), _arrays(_P)), expect=lambda X, params: net_output(X, params),
              judge=close_or_shape(rtol=1e-9, shapes=[(
                  lambda X, params: (X.shape[0],),
                  "expected (N, 1) - keep y_hat a column")])),
    ],
    "ps4_test_loss": [
        Check("loss of four predictions with reg = 0", loss_probe,
              (arr(_YHAT), arr(_Y_LOSS), _arrays(_P), 0.0),
              expect=lambda y_hat, y, params, reg:
              -(np.log(0.9) + np.log(0.8) + np.log(0.4) + np.log(0.3)) / 4,
              judge=close(rtol=1e-9, batch_size=4, mistakes=[Mistake(
                  "every example used log(y_hat); a label 0 needs log(1 - y_hat)",
                  lambda want, *a: -(np.log(0.9) + np.log(0.2) + np.log(0.6)
                                     + np.log(0.3)) / 4)])),
        Check("loss of four predictions with reg = 0.1", loss_probe,
              (arr(_YHAT), arr(_Y_LOSS), _arrays(_P), _REG), expect=_expected_loss,
              judge=close(rtol=1e-9, mistakes=loss_mistakes())),
    ],
    "ps4_test_backward_output": [
        Check("dW2 for N = 4, D = 3, H = 5, reg = 0.1", backward_probe, _NET_ARGS,
              expect=_numerical_params,
              judge=close_or_shape(key="W2", rtol=1e-5, atol=1e-8,
                                   mistakes=weight_mistakes("W2"))),
        Check("db2 for N = 4, D = 3, H = 5, reg = 0.1", backward_probe, _NET_ARGS,
              expect=_numerical_params,
              judge=close_or_shape(key="b2", rtol=1e-5, atol=1e-8,
                                   mistakes=bias_mistakes("b2"), shapes=[(
                                       bias_axis_shape, "db2 must be summed over the batch "
                                       "(axis=0), one number per output unit")])),
    ],
    "ps4_test_backward_hidden": [
        Check("dW1 for N = 4, D = 3, H = 5, reg = 0.1", backward_probe, _NET_ARGS,
              expect=_numerical_params,
              judge=close_or_shape(key="W1", rtol=1e-5, atol=1e-8,
                                   mistakes=weight_mistakes("W1"))),
        Check("db1 for N = 4, D = 3, H = 5, reg = 0.1", backward_probe, _NET_ARGS,
              expect=_numerical_params,
              judge=close_or_shape(key="b1", rtol=1e-5, atol=1e-8,
                                   mistakes=bias_mistakes("b1"), shapes=[(
                                       bias_axis_shape, "db1 was summed over the hidden units "
                                       "(axis=1); sum over the batch (axis=0)")])),
    ],
}


def _grads_key(name):
    """close() on got["grads"][name]: numgrad_probe nests its gradients."""
    def judge(got, want, ctx):
        if not isinstance(got, dict) or not isinstance(got.get("grads"), dict) \
                or name not in got["grads"]:
            return f"{ctx.label}: expected a gradient for {name!r}"
        return close(rtol=1e-6, atol=1e-8, mistakes=[Mistake(
            "every entry is 0: f never saw the perturbed value - change the array inside "
            "params in place, not a copy of it", lambda want, *a: np.zeros_like(want))])(
            got["grads"][name], want["grads"][name], ctx)
    return judge


CHECKS["ps4_test_numerical_gradient"] = [
    Check("numerical_gradient of sum(A**3) + sum(A @ b): the gradient of A", numgrad_probe,
          ("cubic", {"A": arr(_A), "b": arr(_B)}),
          expect=lambda case, params: {"grads": {"A": 3 * params["A"] ** 2 + params["b"],
                                                 "b": params["A"].sum(axis=0)}},
          judge=_grads_key("A")),
    Check("numerical_gradient of sum(A**3) + sum(A @ b): the gradient of b", numgrad_probe,
          ("cubic", {"A": arr(_A), "b": arr(_B)}),
          expect=lambda case, params: {"grads": {"A": 3 * params["A"] ** 2 + params["b"],
                                                 "b": params["A"].sum(axis=0)}},
          judge=_grads_key("b")),
    Check("params after numerical_gradient", numgrad_probe,
          ("cubic", {"A": arr(_A), "b": arr(_B)}),
          expect=lambda case, params: {"changed": 0.0, "replaced": 0.0}, judge=unchanged()),
]

CHECKS["ps4_test_bn_forward"] = [
    Check("batchnorm_forward of a 5 x 3 batch", bn_forward_probe, _BN_ARGS[:4],
          expect=_bn_reference_out, judge=close(rtol=1e-9, atol=1e-12)),
]

_BN_EXPECT = lambda x, gamma, beta, eps, dout: _numerical_bn(x, gamma, beta, eps, dout)


def _bn_judge(name, **kw):
    return close_or_shape(key=name, rtol=1e-5, atol=1e-8, shapes=[(
        lambda x, gamma, beta, eps, dout: x.shape,
        f"d{name} must be summed over the batch (axis=0), one number per feature")], **kw)


CHECKS["ps4_test_bn_staged"] = [
    Check(f"d{name} of batchnorm_backward_staged for a 5 x 3 batch", bn_staged_probe, _BN_ARGS,
          expect=_BN_EXPECT, judge=_bn_judge(name))
    for name in ("beta", "gamma", "xhat", "var", "mu", "x")
]

CHECKS["ps4_test_bn_compact"] = [
    Check(f"d{name} of batchnorm_backward_compact for a 5 x 3 batch", bn_compact_probe,
          _BN_ARGS, expect=_BN_EXPECT, judge=_bn_judge(name, batch_size=5))
    for name in ("beta", "gamma", "x")
] + [
    Check("the staged and the compact dx for a 5 x 3 batch", bn_agree_probe, _BN_ARGS,
          expect=lambda *a: None, judge=agree()),
]

CHECKS["ps4_test_train"] = [
    Check(f"train on make_moons(200, noise=0.15, seed=0) with seed {seed}", train_probe,
          (MOONS, TRAIN_RECIPE["hidden_dim"], TRAIN_RECIPE["lr"], TRAIN_RECIPE["epochs"],
           TRAIN_RECIPE["reg"], seed),
          expect=lambda *a: None, judge=at_least(0.95, key="accuracy",
                                                 what="training accuracy"))
    for seed in (0, 1)
]
