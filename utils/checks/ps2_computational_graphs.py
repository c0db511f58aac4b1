"""Visible checks of ps2_computational_graphs (the hidden ones are in the grader, not here).

Probes build graphs with the student's ``Scalar`` (and ``MLP``, ``hinge_loss``, ``train``)
and return plain numbers. Expected values are worked out from first principles, never
from a derivative formula: central differences of the forward computation (an expression
evaluated on floats, a NumPy forward pass of the network), and for graphs of hand-made
nodes the sum over all paths of the product of the local derivatives along each path.
"""

import math
import re

import numpy as np

from utils.checks.core import Check, Mistake, at_least, close, decode, probe

MASKED = {
    "utils.autodiff": "ps2 asks you to build your own engine; utils.autodiff is not available "
                      "while it is graded",
    "utils.derivatives": "ps2 asks you to derive every local derivative yourself; "
                         "utils.derivatives is not available while it is graded",
}

# ---------------------------------------------------------------------------
# Probes (run on the student's code; return plain data)
# ---------------------------------------------------------------------------

# Expressions are written with exp(a), tanh(a), relu(a); on Scalars these are the methods.
SCALAR_CALLS = {"exp": lambda s: s.exp(), "tanh": lambda s: s.tanh(), "relu": lambda s: s.relu()}
FLOAT_CALLS = {"exp": math.exp, "tanh": math.tanh, "relu": lambda v: max(v, 0.0)}

PROBLEMS = {
    "not_scalar": "the result is not a Scalar",
    "parents": "the new node's parents are not its operands (each operation of Part 1 makes "
               "one new node whose parents are its operands)",
    "count": "parameters() does not return one distinct Scalar per weight and bias",
    "outputs": "the network does not return a list with one Scalar per output unit",
    "loss": "hinge_loss does not return a Scalar",
}


def _student(ns, name):
    if name not in ns:
        raise NameError(f"name {name!r} is not defined - run the cell that defines it")
    return ns[name]


def _evaluate(expr, env):
    return eval(expr, {"__builtins__": {}}, env)  # noqa: S307 - the grader writes expr


def _leaves(ns, point):
    scalar = _student(ns, "Scalar")
    return scalar, {name: scalar(value) for name, value in point.items()}


@probe
def local_step(ns, expr, point, upstream, start=0.0):
    """One operation expr ("a * b", "tanh(a)", "a ** 3") on leaves Scalar(v) for v in point.

    Every leaf's grad starts at ``start``; the result's grad is set to ``upstream`` and its
    _backward() runs once. Returns {"problem", "data", "grads": leaf grad - start, in order}.
    """
    scalar, leaves = _leaves(ns, point)
    for leaf in leaves.values():
        leaf.grad = start
    out = _evaluate(expr, {**SCALAR_CALLS, **leaves})
    if not isinstance(out, scalar):
        return {"problem": "not_scalar"}
    parents = tuple(getattr(out, "parents", ()))
    if not all(any(p is leaf for p in parents) for leaf in leaves.values()):
        return {"problem": "parents"}
    out.grad = upstream
    out._backward()
    return {"problem": None, "data": out.data,
            "grads": [leaf.grad - start for leaf in leaves.values()]}


@probe
def graph_backward(ns, expr, point):
    """expr built from leaves Scalar(v) for v in point, then out.backward().

    Returns {"problem", "data", "grads": [d out / d leaf, in the order of point]}.
    """
    scalar, leaves = _leaves(ns, point)
    out = _evaluate(expr, {**SCALAR_CALLS, **leaves})
    if not isinstance(out, scalar):
        return {"problem": "not_scalar"}
    out.backward()
    return {"problem": None, "data": out.data, "grads": [leaf.grad for leaf in leaves.values()]}


def _hand_made(scalar, data, parents, local, calls, index):
    """A Scalar with the given parents whose _backward adds local[k] * grad to parent k."""
    node = scalar(data, parents)

    def step():
        calls[index] += 1
        for parent, d in zip(parents, local):
            parent.grad += d * node.grad

    node._backward = step
    return node


@probe
def hand_graph(ns, nodes, start=()):
    """A graph of hand-made nodes; the last one is the root, whose backward() is called.

    nodes: list of [data, [parent indices], [local derivatives]] in which every parent comes
    earlier ([data, [], []] is a leaf). start: [[index, grad], ...] set before backward().
    Returns {"grads": every node's grad, "calls": how often each node's _backward() ran}.
    """
    scalar = _student(ns, "Scalar")
    built, calls = [], [0] * len(nodes)
    for index, (data, parents, local) in enumerate(nodes):
        if parents:
            built.append(_hand_made(scalar, data, [built[j] for j in parents], local, calls,
                                    index))
        else:
            built.append(scalar(data))
    for index, grad in start:
        built[int(index)].grad = grad
    built[-1].backward()
    internal = [i for i, (_, parents, _) in enumerate(nodes) if parents]
    return {"grads": [node.grad for node in built], "calls": [calls[i] for i in internal]}


@probe
def hand_chain(ns, length, local, report, fork=False):
    """A chain of ``length`` hand-made nodes after one leaf; node k has local derivative
    local[k % len(local)] (with fork=True it uses its parent twice, splitting the derivative
    in two halves). Calls backward() on the last node; returns the grads at the indices
    ``report`` (0 is the leaf, ``length`` the end)."""
    scalar = _student(ns, "Scalar")
    calls = [0] * (length + 1)
    nodes = [scalar(0.5)]
    for k in range(length):
        d = local[k % len(local)]
        parents = [nodes[-1], nodes[-1]] if fork else [nodes[-1]]
        parts = [d / 2, d / 2] if fork else [d]
        nodes.append(_hand_made(scalar, 0.5, parents, parts, calls, k + 1))
    nodes[-1].backward()
    return [nodes[i].grad for i in report]


def _parameters(model, count):
    params = list(model.parameters())
    if len(params) != count or len({id(p) for p in params}) != count:
        return None
    return params


def _set_weights(params, weights):
    for p, w in zip(params, weights):
        p.data = float(w)
        p.grad = 0.0


@probe
def parameter_count(ns, n_inputs, sizes):
    """The number of distinct Scalars in MLP(n_inputs, sizes).parameters() (-1 if any is not
    a Scalar)."""
    params = list(_student(ns, "MLP")(n_inputs, list(sizes), seed=0).parameters())
    if not all(isinstance(p, _student(ns, "Scalar")) for p in params):
        return -1
    return len({id(p) for p in params})


@probe
def mlp_probe(ns, n_inputs, sizes, activation, weights, X, coeffs):
    """MLP(n_inputs, sizes, activation) with the parameters set to ``weights`` (in
    parameters() order), run on each point of X; backward() of sum(coeffs * outputs).

    Returns {"problem", "outputs": (len(X), sizes[-1]), "grads": one per parameter}.
    """
    model = _student(ns, "MLP")(n_inputs, list(sizes), activation=activation, seed=0)
    params = _parameters(model, len(weights))
    if params is None:
        return {"problem": "count"}
    _set_weights(params, weights)
    outputs = [model(list(x)) for x in X]
    scalar = _student(ns, "Scalar")
    if not all(isinstance(row, (list, tuple)) and len(row) == sizes[-1]
               and all(isinstance(o, scalar) for o in row) for row in outputs):
        return {"problem": "outputs"}
    total = None
    for row, weights_row in zip(outputs, coeffs):
        for out, c in zip(row, weights_row):
            term = out * float(c)
            total = term if total is None else total + term
    total.backward()
    return {"problem": None, "outputs": [[o.data for o in row] for row in outputs],
            "grads": [p.grad for p in params]}


@probe
def hinge_probe(ns, sizes, weights, X, y):
    """hinge_loss(MLP(2, sizes) with the given weights, X, y) and its backward().

    Returns {"problem", "loss", "grads": one per parameter}.
    """
    model = _student(ns, "MLP")(2, list(sizes), seed=0)
    params = _parameters(model, len(weights))
    if params is None:
        return {"problem": "count"}
    _set_weights(params, weights)
    loss = _student(ns, "hinge_loss")(model, [list(x) for x in X], list(y))
    if not isinstance(loss, _student(ns, "Scalar")):
        return {"problem": "loss"}
    loss.backward()
    return {"problem": None, "loss": loss.data, "grads": [p.grad for p in params]}


@probe
def train_probe(ns, sizes, weights, X, y, epochs, lr, batch_size):
    """train(MLP(2, sizes) with the given weights, X, y, epochs, lr, batch_size).

    Returns {"problem", "losses": the returned list, "params": the parameters afterwards}.
    """
    model = _student(ns, "MLP")(2, list(sizes), seed=0)
    params = _parameters(model, len(weights))
    if params is None:
        return {"problem": "count"}
    _set_weights(params, weights)
    losses = _student(ns, "train")(model, [list(x) for x in X], list(y), epochs, lr,
                                   batch_size)
    return {"problem": None, "losses": [float(v) for v in losses],
            "params": [p.data for p in params]}


def moons(n, seed):
    """The notebook's data: n points of make_moons(noise=0.1) shifted by (-0.5, -0.25).

    Returns (X, y): a list of n [x1, x2] pairs and a list of n labels -1.0 or +1.0.
    """
    from utils.data_generators import make_moons
    X, labels = make_moons(n, noise=0.1, seed=seed)
    X = X - np.array([0.5, 0.25])
    return X.tolist(), [2.0 * t - 1.0 for t in labels.tolist()]


def _accuracy(model, X, y):
    return float(np.mean([(model(x)[0].data > 0) == (t > 0) for x, t in zip(X, y)]))


@probe
def trained_accuracy(ns, name, n, seed):
    """Accuracy of the notebook's trained model ``ns[name]`` on moons(n, seed)."""
    X, y = moons(n, seed)
    return _accuracy(_student(ns, name), X, y)


@probe
def recipe_accuracy(ns, sizes, init_seed, n_train, train_seed, n_test, test_seed, epochs, lr,
                    batch_size):
    """Held-out accuracy after train() with a fixed recipe, from weights drawn here.

    The weights are uniform in [-1, 1] and the biases 0, drawn with init_seed in
    parameters() order, so the result does not depend on how MLP draws its own.
    """
    model = _student(ns, "MLP")(2, list(sizes), seed=0)
    count = sum((n_in + 1) * n_out for n_in, n_out in zip([2] + list(sizes), sizes))
    params = _parameters(model, count)
    if params is None:
        return {"problem": "count"}
    rng = np.random.default_rng(init_seed)
    weights, n_in = [], 2
    for n_out in sizes:
        for _ in range(n_out):
            weights += rng.uniform(-1.0, 1.0, size=n_in).tolist() + [0.0]
        n_in = n_out
    _set_weights(params, weights)
    X, y = moons(n_train, train_seed)
    _student(ns, "train")(model, X, y, epochs, lr, batch_size)
    X_test, y_test = moons(n_test, test_seed)
    return {"problem": None, "accuracy": _accuracy(model, X_test, y_test)}


# ---------------------------------------------------------------------------
# Expected values from first principles
# ---------------------------------------------------------------------------

H = 1e-6


def expect_expr(expr, point, *_, **__):
    """Value of expr on floats and its central-difference gradient in each leaf.

    Works for local_step (whose upstream and start arguments scale and shift nothing here:
    see expect_step) and for graph_backward.
    """
    def f(values):
        return float(_evaluate(expr, {**FLOAT_CALLS, **dict(zip(point, values))}))
    x = [float(v) for v in point.values()]
    grads = []
    for i in range(len(x)):
        up, down = list(x), list(x)
        up[i] += H
        down[i] -= H
        grads.append((f(up) - f(down)) / (2 * H))
    return {"problem": None, "data": f(x), "grads": grads}


def expect_step(expr, point, upstream, start=0.0):
    """local_step's expected data: the numerical gradient times the upstream gradient."""
    want = expect_expr(expr, point)
    want["grads"] = [upstream * g for g in want["grads"]]
    return want


def path_sums(nodes, start=()):
    """d root / d node for a graph given as in hand_graph: the sum, over every path from the
    node to the root, of the product of the local derivatives along the path (plus any
    starting grad). Also the expected number of _backward() calls: one per inner node."""
    root = len(nodes) - 1
    consumers = {i: [] for i in range(len(nodes))}
    for j, (_, parents, local) in enumerate(nodes):
        for p, d in zip(parents, local):
            consumers[p].append((j, d))
    memo = {root: 1.0}

    def total(i):
        if i not in memo:
            memo[i] = sum(d * total(j) for j, d in consumers[i])
        return memo[i]

    grads = [total(i) for i in range(len(nodes))]
    for index, grad in start:
        grads[int(index)] += grad
    calls = [1 for _, parents, _ in nodes if parents]
    return {"grads": grads, "calls": calls}


def expect_chain(length, local, report, fork=False):
    """The product of the local derivatives from each reported node to the end of the chain."""
    grads = [0.0] * (length + 1)
    grads[length] = 1.0
    for k in range(length, 0, -1):
        grads[k - 1] = grads[k] * local[(k - 1) % len(local)]
    return [grads[i] for i in report]


ACTIVATIONS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "linear": lambda z: z}


def numpy_mlp(flat, n_inputs, sizes, activation, X):
    """Outputs (len(X), sizes[-1]) of the network whose parameters, in parameters() order,
    are ``flat``: per neuron its weights, then its bias."""
    a, k, n_in = np.asarray(X, dtype=float), 0, n_inputs
    for i, n_out in enumerate(sizes):
        block = np.asarray(flat[k:k + n_out * (n_in + 1)]).reshape(n_out, n_in + 1)
        k += n_out * (n_in + 1)
        z = a @ block[:, :n_in].T + block[:, n_in]
        a = ACTIVATIONS[activation](z) if i < len(sizes) - 1 else z
        n_in = n_out
    return a


def numerical_gradient(f, flat):
    """Central differences of the scalar function f at the vector flat."""
    from utils.gradcheck import eval_numerical_gradient
    return eval_numerical_gradient(f, np.array(flat, dtype=float), h=H)


def expect_mlp(n_inputs, sizes, activation, weights, X, coeffs):
    def objective(flat):
        return float(np.sum(numpy_mlp(flat, n_inputs, sizes, activation, X) * coeffs))
    return {"problem": None, "outputs": numpy_mlp(weights, n_inputs, sizes, activation, X),
            "grads": numerical_gradient(objective, weights)}


def numpy_hinge(flat, sizes, X, y):
    scores = numpy_mlp(flat, 2, sizes, "tanh", X)[:, 0]
    return float(np.mean(np.maximum(0.0, 1.0 - np.asarray(y) * scores)))


def expect_hinge(sizes, weights, X, y):
    return {"problem": None, "loss": numpy_hinge(weights, sizes, X, y),
            "grads": numerical_gradient(lambda w: numpy_hinge(w, sizes, X, y), weights)}


def expect_train(sizes, weights, X, y, epochs, lr, batch_size):
    """Gradient descent on the hinge loss of each batch, with numerical gradients."""
    flat, losses = np.array(weights, dtype=float), []
    for _ in range(epochs):
        for s in range(0, len(X), batch_size):
            Xb, yb = X[s:s + batch_size], y[s:s + batch_size]
            losses.append(numpy_hinge(flat, sizes, Xb, yb))
            flat = flat - lr * numerical_gradient(lambda w: numpy_hinge(w, sizes, Xb, yb), flat)
    return {"problem": None, "losses": losses, "params": flat}


# ---------------------------------------------------------------------------
# Judges
# ---------------------------------------------------------------------------

def _matches(got, wrong, want, rtol, atol):
    g, w, r = (np.asarray(decode(v), dtype=float) for v in (got, wrong, want))
    if g.shape != w.shape:
        return False
    near = np.abs(g - w) <= atol + rtol * np.abs(w)
    right = np.abs(w - r) <= atol + rtol * np.abs(r)
    return bool(near.all() and not right.all())


def judged(key, mistakes=(), rtol=1e-6, atol=1e-9, **close_kwargs):
    """close(key=key) that first reports a malformed result (PROBLEMS), then any of the
    ``mistakes`` (Mistake objects, tried before close's generic sign/factor diagnoses)."""
    inner = close(rtol=rtol, atol=atol, key=key, **close_kwargs)

    def judge(got, want, ctx):
        if isinstance(got, dict) and got.get("problem"):
            return f"{ctx.label}: {PROBLEMS.get(got['problem'], 'the result has the wrong form')}"
        if isinstance(got, dict) and key in got and isinstance(want, dict):
            for m in mistakes:
                try:
                    wrong = m.wrong(decode(want), *ctx.args, **ctx.kwargs)
                    hit = _matches(got[key], wrong, want[key], rtol, atol)
                except Exception:  # the slip does not apply to these inputs
                    continue
                if hit:
                    return f"{ctx.label}: {m.sentence}"
        return inner(got, want, ctx)
    return judge


def accuracy_judge(threshold):
    inner = at_least(threshold, key="accuracy")

    def judge(got, want, ctx):
        if isinstance(got, dict) and got.get("problem"):
            return f"{ctx.label}: {PROBLEMS.get(got['problem'], 'the result has the wrong form')}"
        return inner(got, want, ctx)
    return judge


# Mistakes that say nothing about any particular derivative (the hidden checks have more).
def _ignores_upstream(want, expr, point, upstream, start=0.0):
    if upstream == 1.0:
        raise ValueError("indistinguishable at upstream 1")
    return [g / upstream for g in want["grads"]]


def _assigns(want, expr, point, upstream, start=0.0):
    if start == 0.0:
        raise ValueError("indistinguishable from a start at 0")
    return [g - start for g in want["grads"]]


FORK_STEP = Mistake("a is both parents of this node, and its second contribution replaced the "
                    "first: add to grad with +=, never assign",
                    lambda want, *args, **kwargs: [g / 2 for g in want["grads"]])
RSUB_ORDER = Mistake("the operands are swapped: Python calls a.__rsub__(1) for 1 - a, which "
                     "must compute 1 minus a", lambda want, *args: -want["data"])
RDIV_ORDER = Mistake("the operands are swapped: Python calls a.__rtruediv__(3) for 3 / a, which "
                     "must compute 3 divided by a", lambda want, *args: 1.0 / want["data"])

STEP_MISTAKES = [
    Mistake("the local step ignores the upstream gradient out.grad; the chain rule multiplies "
            "the local derivative by it", _ignores_upstream),
    Mistake("the local step assigns the parent's grad with = instead of adding to it with +=",
            _assigns),
]


def _step_checks(label, expr, point, upstream, start=0.0, mistakes=()):
    args = (expr, point, upstream, start)
    return [Check(f"{data_label(label)} at {_where(point)}", local_step, args, expect=expect_step,
                  judge=judged("data")),
            Check(f"the gradients {_names(point)} after one _backward() of {label} at "
                  f"{_where(point)}, out.grad = {upstream:g}", local_step, args,
                  expect=expect_step, judge=judged("grads", [*mistakes, *STEP_MISTAKES]))]


def _backward_checks(label, expr, point, mistakes=()):
    args = (expr, point)
    return [Check(f"{data_label(label)} at {_where(point)}", graph_backward, args,
                  expect=expect_expr, judge=judged("data", mistakes)),
            Check(f"the gradients {_names(point)} of {label} at {_where(point)}",
                  graph_backward, args, expect=expect_expr, judge=judged("grads"))]


def data_label(label):
    """"exp(a).data" for a call, "(a * b).data" for anything else."""
    return f"{label}.data" if re.fullmatch(r"\w+\(\w+\)", label) else f"({label}).data"


def _where(point):
    return ", ".join(f"{k} = {v:g}" for k, v in point.items())


def _names(point):
    return "[" + ", ".join(f"{k}.grad" for k in point) + "]"


# ---------------------------------------------------------------------------
# The visible checks of each test cell
# ---------------------------------------------------------------------------

FORKS = [  # b = a + a, c = b + b with unit local derivatives
    [1.0, [], []], [2.0, [0, 0], [1.0, 1.0]], [4.0, [1, 1], [1.0, 1.0]]]
SHARED = [  # leaf -> x -> u, and the root reads x (first) and u: x is shared at two depths
    [0.3, [], []], [0.9, [0], [5.0]], [-0.2, [1], [3.0]], [0.4, [1, 2], [2.0, -0.5]]]
TWO_LEAVES = [  # two leaves, three inner nodes, two of them using both leaves
    [1.5, [], []], [-0.7, [], []], [0.2, [0, 1], [0.5, 2.0]], [0.8, [1, 2, 0], [-1.5, 4.0, 0.25]],
    [-1.1, [3, 2], [1.25, -0.75]]]
DEEP = dict(length=10_000, local=[1.001, -1.0], report=[0, 1, 5_000, 9_999, 10_000])

W_MLP = [0.5, -0.4, 0.3, 0.1, -0.6, 0.8, -0.2, 0.7, 0.2, -0.9, 0.4, -0.3, 0.6, 0.25, -0.35,
         0.45, -0.15, 0.05, -0.5, 0.35, 0.15, 0.9, -0.7, 0.55, -0.1, 0.3]
X_MLP = [[0.5, -1.0, 2.0], [-1.5, 0.3, 0.8]]
C_MLP = [[1.0, -2.0], [0.5, 1.5]]

W_HINGE = [0.9, -0.6, 0.2, -0.4, 0.8, -0.1, 0.7, 0.5, 0.3, 1.2, -0.9, 0.6, 0.1]
X_HINGE = [[0.8, 0.3], [-0.6, 0.9], [1.4, -0.5], [-1.1, -0.4], [0.2, 0.7], [0.9, -1.0]]
Y_HINGE = [1.0, -1.0, 1.0, -1.0, -1.0, 1.0]

CHECKS = {
    "ps2_test_arith": [
        *_step_checks("a + b", "a + b", {"a": 1.5, "b": -2.0}, 0.5),
        *_step_checks("a * b", "a * b", {"a": 2.0, "b": -3.0}, 0.5),
        *_step_checks("a * a", "a * a", {"a": 4.0}, 1.0, mistakes=[FORK_STEP]),
        *_step_checks("a + a", "a + a", {"a": 4.0}, 1.5, mistakes=[FORK_STEP]),
        *_step_checks("a + 2.5", "a + 2.5", {"a": 0.5}, 2.0),
        *_step_checks("a * 3", "a * 3", {"a": 0.5}, 2.0),
        *_step_checks("a ** 3", "a ** 3", {"a": -1.5}, 0.5),
        *_step_checks("a ** -2", "a ** -2", {"a": 0.8}, 1.0),
    ],
    "ps2_test_unary": [
        *_step_checks("exp(a)", "exp(a)", {"a": 0.7}, 1.5),
        *_step_checks("tanh(a)", "tanh(a)", {"a": -0.6}, 2.0),
        *_step_checks("relu(a)", "relu(a)", {"a": 1.3}, 0.8),
        *_step_checks("relu(a)", "relu(a)", {"a": -0.4}, 0.8),
    ],
    "ps2_test_backward_forks": [
        Check("every grad of b = a + a, c = b + b after c.backward()", hand_graph, (FORKS,),
              expect=path_sums, judge=judged("grads")),
        Check("every grad of a graph in which x feeds u and both feed the root", hand_graph,
              (SHARED,), expect=path_sums, judge=judged("grads")),
        Check("every grad of a graph with two leaves and three inner nodes", hand_graph,
              (TWO_LEAVES,), expect=path_sums, judge=judged("grads")),
        Check("the number of times each inner node's _backward() ran (once each)", hand_graph,
              (TWO_LEAVES,), expect=path_sums, judge=judged("calls")),
        Check("every grad of b = a + a, c = b + b when a.grad was 0.25 before c.backward() "
              "(backward() adds, it does not reset)", hand_graph, (FORKS, [[0, 0.25]]),
              expect=path_sums, judge=judged("grads")),
    ],
    "ps2_test_backward_deep": [
        Check("the grads at nodes 0, 1, 5000, 9999 and 10000 of a chain of 10,000 nodes "
              "(local derivatives 1.001, -1, 1.001, -1, ...)", hand_chain, kwargs=DEEP,
              expect=expect_chain, judge=judged(None)),
    ],
    "ps2_test_derived": [
        *_backward_checks("-a", "-a", {"a": 1.25}),
        *_backward_checks("a - b", "a - b", {"a": 3.0, "b": 1.5}),
        *_backward_checks("a / b", "a / b", {"a": 1.5, "b": -0.6}),
        *_backward_checks("a - 4", "a - 4", {"a": 0.5}),
        *_backward_checks("a / 4", "a / 4", {"a": 0.5}),
        *_backward_checks("2 + a", "2 + a", {"a": 0.5}),
        *_backward_checks("2 * a", "2 * a", {"a": 0.5}),
        *_backward_checks("1 - a", "1 - a", {"a": 0.25}, [RSUB_ORDER]),
        *_backward_checks("3 / a", "3 / a", {"a": -1.5}, [RDIV_ORDER]),
        *_backward_checks("(1 - a) / b + 3 / a", "(1 - a) / b + 3 / a", {"a": 2.0, "b": 4.0}),
    ],
    "ps2_test_mlp": [
        Check("the number of Scalars in MLP(3, [4, 2]).parameters()", parameter_count,
              (3, [4, 2]), expect=lambda *a: 26, judge=close(rtol=0, atol=0)),
        Check("the outputs of MLP(3, [4, 2]) with set weights at two points", mlp_probe,
              (3, [4, 2], "tanh", W_MLP, X_MLP, C_MLP), expect=expect_mlp,
              judge=judged("outputs")),
        Check("every parameter's gradient of a weighted sum of those outputs", mlp_probe,
              (3, [4, 2], "tanh", W_MLP, X_MLP, C_MLP), expect=expect_mlp,
              judge=judged("grads")),
    ],
    "ps2_test_train": [
        Check("hinge_loss of MLP(2, [3, 1]) with set weights on 6 points", hinge_probe,
              ([3, 1], W_HINGE, X_HINGE, Y_HINGE), expect=expect_hinge, judge=judged("loss")),
        Check("every parameter's gradient of that loss", hinge_probe,
              ([3, 1], W_HINGE, X_HINGE, Y_HINGE), expect=expect_hinge, judge=judged("grads")),
        Check("the losses returned by train() for 1 epoch in batches of 3 (lr 0.5)",
              train_probe, ([3, 1], W_HINGE, X_HINGE, Y_HINGE, 1, 0.5, 3), expect=expect_train,
              judge=judged("losses")),
        Check("the parameters after train() for 2 epochs in batches of 3 (lr 0.5)",
              train_probe, ([3, 1], W_HINGE, X_HINGE, Y_HINGE, 2, 0.5, 3), expect=expect_train,
              judge=judged("params", rtol=1e-5, atol=1e-7)),
        Check("the accuracy of your trained model on the 200 held-out points moons(200, "
              "seed=101)", trained_accuracy, ("model", 200, 101), expect=lambda *a: 1.0,
              judge=at_least(0.9)),
    ],
}
