"""Visible checks of ps4_two_layer_net (the hidden ones are in the grader, not here).

The network of the assignment (tanh hidden layer, sigmoid output, mean binary
cross-entropy plus an L2 penalty on the weights) is written out below only as far as
the notebook states it: the forward pass and the loss. Every expected gradient is
measured numerically from that loss, never computed by a backward pass.
"""

import types

import numpy as np

from utils.checks.core import Check, Mistake, arr, at_least, close, decode, probe

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
    """y_hat (N, 1) of the tanh/sigmoid network.

    X (N, D); params W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,).
    """
    hidden = np.tanh(X @ params["W1"] + params["b1"])
    return 1.0 / (1.0 + np.exp(-(hidden @ params["W2"] + params["b2"])))


def net_loss(y_hat, y, params, reg):
    """Mean binary cross-entropy of y_hat (N, 1) against y (N, 1) plus the L2 penalty.

    The penalty is (reg / 2) times the sum of squares of W1 and W2 (not the biases).
    """
    p_true = np.where(y == 1.0, y_hat, 1.0 - y_hat)  # the probability given to the true label
    penalty = sum(np.sum(params[name] ** 2) for name in ("W1", "W2"))
    return float(-np.mean(np.log(p_true)) + 0.5 * reg * penalty)


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

def _mentions_checks(code):
    """True if a code object (or one nested in it) imports or names utils.checks."""
    words = list(code.co_names) + [c for c in code.co_consts if isinstance(c, str)]
    if any("utils.checks" in w for w in words) or {"utils", "checks"} <= set(code.co_names):
        return True
    return any(_mentions_checks(c) for c in code.co_consts if isinstance(c, types.CodeType))


def _names(code):
    """Every global name a code object (or one nested in it) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _own_code_only(ns, name):
    """Raise ImportError if ns[name], or a global it uses, comes from utils.checks.

    The checks' helpers compute the stated forward passes; an answer must not borrow
    them. Follows the global names the function uses, transitively.
    """
    seen, todo = set(), [name]
    while todo:
        key = todo.pop()
        if key in seen or key not in ns:
            continue
        seen.add(key)
        value = ns[key]
        if isinstance(value, types.ModuleType):
            origin = value.__name__
        elif isinstance(value, types.FunctionType):
            origin = getattr(value, "__module__", "") or ""
            if _mentions_checks(value.__code__):
                origin = "utils.checks"
            todo.extend(_names(value.__code__))
        else:
            continue
        if str(origin).startswith("utils.checks"):
            raise ImportError(f"{name} uses utils.checks ({key!r}); your answers must be your "
                              f"own code")


def _student(ns, name):
    _own_code_only(ns, name)
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
        rng = np.random.default_rng(int(params.pop("data_seed")))
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
    compact = _student(ns, "batchnorm_backward_compact")
    targets = [ns.get(name) for name in ("batchnorm_backward_staged", "numerical_gradient")]
    swapped = {key: value for key, value in ns.items()
               if callable(value) and any(value is t for t in targets if t is not None)}
    try:
        for key in swapped:
            ns[key] = _forbidden(key)
        result = compact(dout.copy(), cache)
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
        got, want = decode(got), decode(want)
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
    """Judge for bn_agree_probe: the compact dx must be right; the sentence compares the two.

    want: {"staged": dx, "compact": dx} expected. A wrong staged dx alone does not fail
    this check (the staged pass has its own test cell); it only changes the sentence.
    """
    def judge(got, want, ctx):
        got, want = decode(got), decode(want)
        try:
            staged = np.array(got["staged"], dtype=float)
            compact = np.array(got["compact"], dtype=float)
            right = np.array(want["compact"], dtype=float)
        except (TypeError, ValueError, KeyError):
            return f"{ctx.label}: expected two arrays dx"
        if compact.shape == right.shape and np.allclose(compact, right, rtol=rtol, atol=atol):
            return None
        if staged.shape == right.shape and np.allclose(staged, right, rtol=rtol, atol=atol):
            return (f"{ctx.label}: your compact dx differs from your staged dx, which is right "
                    f"- recheck the simplification")
        if staged.shape == compact.shape and np.allclose(staged, compact, rtol=rtol, atol=atol):
            return (f"{ctx.label}: your staged and compact dx agree with each other but both "
                    f"are wrong - the slip is in a step they share")
        return f"{ctx.label}: your staged and compact dx differ, and the compact one is wrong"
    return judge


# ---------------------------------------------------------------------------
# Mistakes that can be written from the expected value and the inputs alone
# ---------------------------------------------------------------------------

def slip_of_want(sentence, wrong, key=None):
    """A Mistake whose ``wrong(want, *args)`` receives the expected value as a float array.

    key: the entry of a dict-valued expectation that the judged value is (core hands a
    Mistake either the whole expected value or that entry).
    """
    def mistake(want, *args, **kwargs):
        want = decode(want)
        if isinstance(want, dict) and key is not None:
            want = want[key]
        return wrong(np.array(want, dtype=float), *args, **kwargs)
    return Mistake(sentence, mistake)


def dropped_mean(name):
    """Mistake: the data term of d<name> is N times too large (no 1/N), the penalty term right."""
    def wrong(want, X, y, params, reg):
        return (want - reg * params[name]) * X.shape[0] + reg * params[name]
    return slip_of_want(f"the data term of d{name} is N times too large - the loss is a mean "
                        f"over the N examples", wrong, key=name)


def penalty_missing(name):
    """Mistake: d<name> has no reg * <name> term."""
    return slip_of_want(f"d{name} is missing the gradient of the L2 penalty",
                        lambda want, X, y, params, reg: want - reg * params[name], key=name)


def penalty_doubled(name):
    """Mistake: d<name> has 2 * reg * <name> instead of reg * <name>."""
    return slip_of_want(f"the penalty's gradient in d{name} is twice too large - the penalty "
                        f"is (reg / 2) times the sum of squares",
                        lambda want, X, y, params, reg: want + reg * params[name], key=name)


def penalty_on_bias(name):
    """Mistake: a penalty gradient reg * b on a bias."""
    return slip_of_want(f"d{name} has a penalty term, but the L2 penalty covers the weights "
                        f"only", lambda want, X, y, params, reg: want + reg * params[name],
                        key=name)


def data_sign(name):
    """Mistake: the data term of d<name> has the wrong sign (y - y_hat)."""
    def wrong(want, X, y, params, reg):
        penalty = reg * params[name] if name.startswith("W") else 0.0
        return -(want - penalty) + penalty
    return slip_of_want(f"the data term of d{name} has the wrong sign - the output error is "
                        f"y_hat - y", wrong, key=name)


def transposed_data(name):
    """Mistake: the data term of a square d<name> is transposed (the penalty term is not)."""
    def wrong(want, X, y, params, reg):
        return (want - reg * params[name]).T + reg * params[name]
    return slip_of_want(f"the data term of d{name} is transposed - let the shapes decide the "
                        f"order of the factors", wrong, key=name)


def weight_mistakes(name):
    """The slips every weight gradient is checked against."""
    return [dropped_mean(name), penalty_missing(name), penalty_doubled(name), data_sign(name),
            transposed_data(name)]


def bias_mistakes(name):
    """The slips every bias gradient is checked against."""
    return [penalty_on_bias(name), data_sign(name),
            slip_of_want(f"d{name} is N times too large - the loss is a mean over the N "
                         f"examples", lambda want, X, y, params, reg: want * X.shape[0],
                         key=name)]


def bias_axis_shape(X, y, params, reg):
    """The shape a bias gradient gets when it is summed over the units instead of the batch."""
    return (X.shape[0],)


def loss_mistakes():
    """Slips of the loss that are visible from the value."""
    def penalty(params, reg):
        return 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    return [
        slip_of_want("the L2 penalty is missing",
                     lambda want, y_hat, y, params, reg: want - penalty(params, reg)),
        slip_of_want("the L2 penalty is twice too large - it is (reg / 2) times the sum of "
                     "squares", lambda want, y_hat, y, params, reg: want + penalty(params, reg)),
        slip_of_want("the cross-entropy is summed over the batch; the loss is its mean",
                     lambda want, y_hat, y, params, reg:
                     (want - penalty(params, reg)) * y.shape[0] + penalty(params, reg)),
        slip_of_want("the penalty includes the biases; it covers the weights W1 and W2 only",
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

# One sentence per known slip; the grader's hidden checks use the same sentences.
SLIP_SENTENCES = {
    "tanh_from_z": "tanh' was evaluated at Z1 as 1 - Z1**2; it is 1 - tanh(Z1)**2, computed "
                   "from the activation A1 = tanh(Z1)",
    "sigmoid_local": "the hidden layer used the sigmoid's derivative A1 * (1 - A1); the hidden "
                     "activation is tanh",
    "tanh_squared_wrong": "tanh' was written (1 - A1)**2; it is 1 - A1**2",
    "ddof1": "the variance was divided by N - 1 (unbiased); batch normalization divides by N",
    "eps_outside": "eps was added outside the square root; it belongs inside, sqrt(var + eps)",
    "var_not_std": "x - mu was divided by the variance; divide by sqrt(var + eps)",
    "axis1": "each row was normalized (axis=1); batch normalization normalizes each column "
             "over the batch (axis=0)",
    "no_mean_path": "the path through the mean mu is missing: every x_nd also moves mu_d, "
                    "which every row of the column uses",
    "no_var_path": "the path through the variance is missing: every x_nd also moves var_d",
    "ddof1_backward": "the variance's derivative used N - 1; the variance divides by N",
    "eps_outside_backward": "eps sits outside the square root; s = sqrt(var + eps)",
    "compact_no_sum": "the term with the column sum of dout (the path through mu) is missing",
    "compact_no_xhat_sum": "the term with the column sum of dout * xhat (the path through the "
                           "variance) is missing",
}

HIDDEN_LAYER_SLIPS = ("tanh_from_z", "sigmoid_local", "tanh_squared_wrong")
BN_FORWARD_SLIPS = ("ddof1", "eps_outside", "var_not_std", "axis1")
BN_BACKWARD_SLIPS = ("no_mean_path", "no_var_path", "ddof1_backward", "eps_outside_backward",
                     "compact_no_sum", "compact_no_xhat_sum")

# What those slips give at the visible inputs above, written out as numbers (a slip's
# value would otherwise need a backward pass here). The grader recomputes them from its
# private reference and refuses to grade ps4 if they no longer match.
VISIBLE_SLIPS = {'W1': {'tanh_from_z': [[-0.044640472887576, -1.29884841316908, -4.978743783915021,
                         -0.179568170312747, -0.660619345331035],
                        [0.138500092821609, 0.620772691629978, 0.200601142022032,
                         -0.101641895660708, -2.55540055848345],
                        [0.201070881435686, 1.669722909065292, 2.676384908693185,
                         0.076810278123928, -0.360742331635723]],
        'sigmoid_local': [[-0.317565945259604, -0.457049604017555, -0.696979392664831,
                           -0.137732660798828, 0.159646912820651],
                          [-0.151676856398957, 0.360175243142391, 0.208861728338624,
                           -0.097433201296665, -0.103251957847926],
                          [0.193484693349905, 0.400631712978696, 0.877236744467474,
                           0.069949849684205, 0.099954348130922]],
        'tanh_squared_wrong': [[0.773786468434665, 0.900475345698314, 1.649822126288254,
                                0.138628333768035, -1.029384229768719],
                               [-0.074427556231108, -0.653822450066765, -0.612780962621758,
                                -0.074185729229219, -0.174998837545432],
                               [-0.20082897591792, -0.476510753295467, -2.174346376693814,
                                -0.031501034271417, 0.515962835031312]]},
 'b1': {'tanh_from_z': [-0.170612735597963, 0.573657059853772, -1.505069593634919,
                        -0.087442770185726, 1.007922983987487],
        'sigmoid_local': [-0.189505505091594, -0.383953020861529, 0.590970117412582,
                          -0.045896834948217, 0.185471227634084],
        'tanh_squared_wrong': [0.363693742250379, 0.780778679628942, -1.172298111631818,
                               0.081680989451162, -0.472200423647433]},
 'bn_out': {'ddof1': [[2.706541688380849, 0.995359247243718, -0.22269077185829],
                      [-0.777424947425995, 0.111124492114144, -1.247389595772486],
                      [-0.90561475327186, -0.06038028304548, -0.659302424596876],
                      [-0.546985967890565, 0.286858739251915, -0.306465351233998],
                      [0.023483980207572, -0.332962195564295, 0.935848143461651]],
            'eps_outside': [[3.01419527274327, 1.089255725919129, -0.213566146087232],
                            [-0.880988581680508, 0.100632255731791, -1.359207754207238],
                            [-1.024308800910133, -0.0911195895654, -0.701710041926476],
                            [-0.623350582713729, 0.297112885144106, -0.307228441383864],
                            [0.014452692561101, -0.395881277229625, 1.08171238360481]],
            'var_not_std': [[6.610063487302415, 3.553431592069673, -0.224635134291627],
                            [-2.091444755535251, -0.174721155174226, -1.223562314294813],
                            [-2.411609891662404, -0.89782776794597, -0.650265804346155],
                            [-1.515903457495734, 0.566217959072096, -0.306302744694522],
                            [-0.091105382609025, -2.047100628021572, 0.904765997627118]],
            'axis1': [[0.515458166221019, 0.869754571108123, 0.550029625121786],
                      [-0.011283272682563, 0.792965271975299, 0.708095513924512],
                      [-0.644361843800939, 0.64936935924576, 0.815983958153716],
                      [-0.494846619466414, 0.688660047330505, 0.799107606110895],
                      [-0.767358806078064, 0.61428397867308, 0.825445729118562]]},
 'bn_x': {'no_mean_path': [[1.818580454322732, -0.418619791465548, -0.567674320422761],
                           [-0.165400428137432, -1.21379455832781, 0.556837702950672],
                           [3.378356302151248, 2.399757500573738, 0.481394221480196],
                           [2.18285547687118, -3.162976415348232, 1.257176988212333],
                           [0.996972924659473, -2.109872988171925, 0.608902806209584]],
          'no_var_path': [[-3.038618289538898, -0.499848587530174, -1.080717238942211],
                          [-0.725451627278655, -0.202925197197394, 0.649732232435296],
                          [2.976415259343706, 3.62244849370337, 0.226533848363387],
                          [1.338579312731341, -2.369152410489856, 0.79367267913583],
                          [-0.550924655257495, -0.550522298485945, -0.589221520992302]],
          'ddof1_backward': [[0.98003895782134, 0.728063970735553, -1.023572940400405],
                             [-2.078228810818927, -0.340135335425469, -0.05054527902799],
                             [1.426000380386333, 3.220461315476274, -0.039050034848108],
                             [0.341083335439339, -2.235055853377882, 0.788893715873953],
                             [-0.668893862828086, -1.373334097408475, 0.324274538402549]],
          'eps_outside_backward': [[0.176324771080995, 0.482563198960744, -1.034997159659229],
                                   [-1.807683753738665, -0.312711085062129, 0.089515293317551],
                                   [1.736081410476659, 3.30094751877306, 0.014068762409507],
                                   [0.540579772969012, -2.26194354667745, 0.789845661680367],
                                   [-0.645302200788, -1.208856085994225, 0.141567442251803]],
          'compact_no_sum': [[1.818580454322733, -0.418619791465548, -0.567674320422761],
                             [-0.165400428137431, -1.21379455832781, 0.556837702950672],
                             [3.378356302151248, 2.399757500573737, 0.481394221480196],
                             [2.182855476871181, -3.162976415348232, 1.257176988212333],
                             [0.996972924659473, -2.109872988171925, 0.608902806209583]],
          'compact_no_xhat_sum': [[-3.038618289538898, -0.499848587530174, -1.080717238942211],
                                  [-0.725451627278655, -0.202925197197394, 0.649732232435296],
                                  [2.976415259343706, 3.62244849370337, 0.226533848363387],
                                  [1.338579312731342, -2.369152410489856, 0.793672679135829],
                                  [-0.550924655257494, -0.550522298485945, -0.589221520992302]]}}


def visible_slip(key, slip):
    """Mistake ``slip`` at the visible input ``key`` ("W1", "b1", "bn_out", "bn_x")."""
    return Mistake(SLIP_SENTENCES[slip],
                   lambda want, *args, **kwargs: np.array(VISIBLE_SLIPS[key][slip]))


MOONS = {"kind": "moons", "n_samples": 200, "noise": 0.15, "seed": 0}
MOONS_240 = {"kind": "moons", "n_samples": 240, "noise": 0.15, "seed": 11}
TRAIN_RECIPE = {"hidden_dim": 8, "lr": 1.0, "epochs": 1000, "reg": 1e-3}


def _expected_numgrad(case, params):
    """The exact gradient of the visible case sum(A**3) + sum(A @ b)."""
    return {"grads": {"A": 3 * params["A"] ** 2 + params["b"], "b": params["A"].sum(axis=0)},
            "changed": 0.0, "replaced": 0.0}


def _expected_bn(x, gamma, beta, eps, dout):
    return _numerical_bn(x, gamma, beta, eps, dout)


def _expected_agree(x, gamma, beta, eps, dout):
    dx = _numerical_bn(x, gamma, beta, eps, dout)["x"]
    return {"staged": dx, "compact": dx}


ONE_SIDED = ("this is the one-sided difference (f(w + h) - f(w)) / h; use the central "
             "difference, a step h on each side")


def _one_sided_cubic(want, case, params, h=1e-5):
    """What (f(A + h) - f(A)) / h gives for the gradient of A in the case "cubic"."""
    A = params["A"]
    return 3 * A ** 2 + 3 * A * h + h ** 2 + params["b"]


def _grads_key(name, mistakes=()):
    """close() on got["grads"][name]: numgrad_probe nests its gradients."""
    inner = close(rtol=1e-6, atol=1e-8, mistakes=list(mistakes) + [slip_of_want(
        "every entry is 0: f never saw the perturbed value - change the array inside "
        "params in place, not a copy of it", lambda want, *a: np.zeros_like(want))])

    def judge(got, want, ctx):
        if not isinstance(got, dict) or not isinstance(got.get("grads"), dict) \
                or name not in got["grads"]:
            return f"{ctx.label}: expected a gradient for {name!r}"
        return inner(got["grads"][name], want["grads"][name], ctx)
    return judge


def _bn_judge(name, **kw):
    mistakes = [visible_slip("bn_x", s) for s in BN_BACKWARD_SLIPS] if name == "x" else []
    return close_or_shape(key=name, rtol=1e-5, atol=1e-8, mistakes=mistakes, shapes=[(
        lambda x, gamma, beta, eps, dout: x.shape,
        f"d{name} must be summed over the batch (axis=0), one number per feature")], **kw)


_CUBIC = ("cubic", {"A": arr(_A), "b": arr(_B)})
_LOG_EVERYWHERE = Mistake("every example used log(y_hat); a label 0 needs log(1 - y_hat)",
                          lambda want, *a: -(np.log(0.9) + np.log(0.2) + np.log(0.6)
                                             + np.log(0.3)) / 4)

CHECKS = {
    "ps4_check_forward": [
        Check("y_hat of forward for N = 4, D = 3, H = 5", forward_probe,
              (arr(_X), _arrays(_P)), expect=net_output,
              judge=close_or_shape(rtol=1e-9, shapes=[(
                  lambda X, params: (X.shape[0],), "expected (N, 1) - keep y_hat a column")])),
    ],
    "ps4_check_loss": [
        Check("loss of four predictions with reg = 0", loss_probe,
              (arr(_YHAT), arr(_Y_LOSS), _arrays(_P), 0.0),
              expect=lambda y_hat, y, params, reg:
              -(np.log(0.9) + np.log(0.8) + np.log(0.4) + np.log(0.3)) / 4,
              judge=close(rtol=1e-9, batch_size=4, mistakes=[_LOG_EVERYWHERE])),
        Check("loss of four predictions with reg = 0.1", loss_probe,
              (arr(_YHAT), arr(_Y_LOSS), _arrays(_P), _REG), expect=net_loss,
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
                                   mistakes=weight_mistakes("W1") + [
                                       visible_slip("W1", s) for s in HIDDEN_LAYER_SLIPS])),
        Check("db1 for N = 4, D = 3, H = 5, reg = 0.1", backward_probe, _NET_ARGS,
              expect=_numerical_params,
              judge=close_or_shape(key="b1", rtol=1e-5, atol=1e-8,
                                   mistakes=bias_mistakes("b1") + [
                                       visible_slip("b1", s) for s in HIDDEN_LAYER_SLIPS],
                                   shapes=[(
                                       bias_axis_shape, "db1 was summed over the hidden units "
                                       "(axis=1); sum over the batch (axis=0)")])),
    ],
    "ps4_test_numerical_gradient": [
        Check("params after numerical_gradient", numgrad_probe, _CUBIC,
              expect=_expected_numgrad, judge=unchanged()),
        Check("numerical_gradient of sum(A**3) + sum(A @ b): the gradient of A", numgrad_probe,
              _CUBIC, expect=_expected_numgrad,
              judge=_grads_key("A", [Mistake(ONE_SIDED, _one_sided_cubic)])),
        Check("numerical_gradient of sum(A**3) + sum(A @ b): the gradient of b", numgrad_probe,
              _CUBIC, expect=_expected_numgrad, judge=_grads_key("b")),
    ],
    "ps4_test_bn_forward": [
        Check("batchnorm_forward of a 5 x 3 batch", bn_forward_probe, _BN_ARGS[:4],
              expect=_bn_reference_out, judge=close(rtol=1e-9, atol=1e-12, mistakes=[
                  visible_slip("bn_out", s) for s in BN_FORWARD_SLIPS])),
    ],
    "ps4_test_bn_staged": [
        Check(f"d{name} of batchnorm_backward_staged for a 5 x 3 batch", bn_staged_probe,
              _BN_ARGS, expect=_expected_bn, judge=_bn_judge(name))
        for name in ("beta", "gamma", "xhat", "var", "mu", "x")
    ],
    "ps4_test_bn_compact": [
        *[Check(f"d{name} of batchnorm_backward_compact for a 5 x 3 batch", bn_compact_probe,
                _BN_ARGS, expect=_expected_bn, judge=_bn_judge(name, batch_size=5))
          for name in ("beta", "gamma", "x")],
        Check("the staged and the compact dx for a 5 x 3 batch", bn_agree_probe, _BN_ARGS,
              expect=_expected_agree, judge=agree(rtol=1e-5, atol=1e-8)),
    ],
    "ps4_test_train": [
        Check(f"train on make_moons(n_samples={data['n_samples']}, noise=0.15, "
              f"seed={data['seed']}) with seed {seed}", train_probe,
              (data, TRAIN_RECIPE["hidden_dim"], TRAIN_RECIPE["lr"], TRAIN_RECIPE["epochs"],
               TRAIN_RECIPE["reg"], seed),
              expect=lambda *a: None,
              judge=at_least(0.95, key="accuracy", what="training accuracy"))
        for data, seed in ((MOONS, 0), (MOONS, 1), (MOONS_240, 0))
    ],
}
