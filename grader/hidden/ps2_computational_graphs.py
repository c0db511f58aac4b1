"""Hidden checks of ps2_computational_graphs: other points, upstream gradients, graphs, shapes
and seeds than the visible ones.

Expected values come from the solution notebook (expect=None) and must agree to about 1e-10,
which a derivative taken by finite differences inside a student's _backward() does not; a few
checks compare against first-principles values instead (central differences, sums over paths).
The diagnoses below name the classic slips with their analytic consequences, which is why they
live here and not in the public module.
"""

import math

import numpy as np

from utils.checks.core import Check, Mistake, close
from utils.checks.ps2_computational_graphs import (
    FORK_STEP, RDIV_ORDER, RSUB_ORDER, STEP_MISTAKES, accuracy_judge, data_label, expect_chain,
    expect_expr, expect_mlp, expect_step, graph_backward, hand_chain, hand_graph, hinge_probe,
    judged, local_step, mlp_probe, parameter_count, path_sums, recipe_accuracy, train_probe)

TIGHT = dict(rtol=1e-10, atol=1e-12)
_RNG = np.random.default_rng(20_602)


# ---------------------------------------------------------------------------
# Part 1: one local step of each operation
# ---------------------------------------------------------------------------

def _leaf(point, name="a"):
    return float(point[name])


def _scaled(values):
    """A Mistake.wrong for local_step: the slip's local derivatives times the upstream."""
    def wrong(want, expr, point, upstream, start=0.0):
        return [upstream * v for v in values(point)]
    return wrong


MUL_SWAPPED = Mistake("each factor received its own value as local derivative; the derivative "
                      "of a * b with respect to a is the other factor",
                      _scaled(lambda p: [p["a"], p["b"]]))


def _power_mistakes(p):
    return [Mistake(f"the power rule is off by one in the exponent (a ** {p:g}, not "
                    f"a ** {p - 1:g}, after the factor {p:g})",
                    _scaled(lambda q: [p * _leaf(q) ** p])),
            Mistake(f"the local derivative of a ** {p:g} lost its factor {p:g}",
                    _scaled(lambda q: [_leaf(q) ** (p - 1)]))]


EXP_MISTAKES = [Mistake("the local derivative of exp was computed from its input a; it equals "
                        "the node's output", _scaled(lambda q: [_leaf(q)]))]
TANH_MISTAKES = [
    Mistake("tanh's local derivative was computed from its input a instead of its output "
            "t = tanh(a)", _scaled(lambda q: [1.0 - _leaf(q) ** 2])),
    Mistake("tanh's local derivative is missing a square of the output",
            _scaled(lambda q: [1.0 - math.tanh(_leaf(q))])),
]
def _relu_wrong_side(q):
    if _leaf(q) == 0.0:
        raise ValueError("at 0 this slip looks like the next one")
    return [float(_leaf(q) < 0)]


RELU_MISTAKES = [
    Mistake("relu passes the gradient on the wrong side: it passes it where the input is "
            "negative and blocks it where it is positive", _scaled(_relu_wrong_side)),
    Mistake("relu passes a gradient at an input of exactly 0, where the contract takes its "
            "derivative to be 0", _scaled(lambda q: [float(_leaf(q) >= 0)])),
]


def _step(label, expr, point, upstream, start=0.0, mistakes=(), expect=None, tol=TIGHT):
    args = (expr, point, upstream, start)
    where = "a hidden point"
    return [Check(f"{data_label(label)} at {where}", local_step, args, expect=expect,
                  judge=judged("data", **tol)),
            Check(f"the gradients after one _backward() of {label} at {where}, with an "
                  f"upstream gradient other than 1" + (" and parents' grads already nonzero"
                                                       if start else ""),
                  local_step, args, expect=expect,
                  judge=judged("grads", [*mistakes, *STEP_MISTAKES], **tol))]


def _power(p, a, upstream, start=0.0):
    return _step(f"a ** {p:g}", f"a ** {p!r}", {"a": a}, upstream, start, _power_mistakes(p))


ARITH = [
    *_step("a + b", "a + b", {"a": 0.3, "b": 2.2}, 0.7, start=-0.4),
    *_step("a * b", "a * b", {"a": -1.7, "b": 0.45}, -1.3, start=0.2, mistakes=[MUL_SWAPPED]),
    *_step("b * a", "b * a", {"a": 1.1, "b": -2.4}, 0.9, mistakes=[MUL_SWAPPED]),
    *_step("a * a", "a * a", {"a": -2.5}, 0.6, mistakes=[FORK_STEP]),
    *_step("a + a", "a + a", {"a": 0.8}, -1.25, mistakes=[FORK_STEP]),
    *_step("a * a", "a * a", {"a": 1.5}, 1.0, start=0.3, mistakes=[FORK_STEP]),
    *_step("a * 0.5", "a * 0.5", {"a": -3.0}, 1.75),
    *_step("a + -3", "a + -3", {"a": 1.2}, -0.6),
    *_power(2, 1.7, -0.8),
    *_power(4, -1.2, 0.35, start=0.5),
    *_power(-1, -0.6, 1.1),
    *_power(0.5, 2.3, 0.9),
    *_power(1.5, 0.9, -2.0),
    # against central differences rather than the solution
    *_step("a ** 2.5", "a ** 2.5", {"a": 1.3}, 0.75, expect=expect_step,
           tol=dict(rtol=1e-6, atol=1e-9)),
]

UNARY = [
    *_step("exp(a)", "exp(a)", {"a": -1.2}, 0.9, start=0.1, mistakes=EXP_MISTAKES),
    *_step("exp(a)", "exp(a)", {"a": 2.0}, -0.4, mistakes=EXP_MISTAKES),
    *_step("tanh(a)", "tanh(a)", {"a": 1.1}, 1.3, mistakes=TANH_MISTAKES),
    *_step("tanh(a)", "tanh(a)", {"a": -2.5}, -0.7, start=0.25, mistakes=TANH_MISTAKES),
    *_step("tanh(a)", "tanh(a)", {"a": 0.05}, 2.0, mistakes=TANH_MISTAKES),
    *_step("relu(a)", "relu(a)", {"a": 2.2}, -1.4, start=0.5, mistakes=RELU_MISTAKES),
    *_step("relu(a)", "relu(a)", {"a": -0.001}, 3.0, mistakes=RELU_MISTAKES),
    *_step("relu(a)", "relu(a)", {"a": 0.0}, 1.5, mistakes=RELU_MISTAKES),
    # against central differences rather than the solution
    *_step("tanh(a)", "tanh(a)", {"a": 0.4}, 0.6, expect=expect_step,
           tol=dict(rtol=1e-6, atol=1e-9)),
    *_step("exp(a)", "exp(a)", {"a": 0.3}, -1.1, expect=expect_step,
           tol=dict(rtol=1e-6, atol=1e-9)),
]


# ---------------------------------------------------------------------------
# Part 2: backward() on hand-made graphs
# ---------------------------------------------------------------------------

def _random_graph(n_leaves, n_inner, rng):
    """Hand-made graph data: every inner node has 1 to 3 parents among the earlier nodes
    (repeats allowed), local derivatives of either sign between 0.5 and 1.5 in size."""
    nodes = [[float(rng.normal()), [], []] for _ in range(n_leaves)]
    for _ in range(n_inner):
        k = int(rng.integers(1, 4))
        # favour recent nodes so the graph is deep, but reach back to shared ones too
        parents = [int(min(len(nodes) - 1, rng.integers(0, len(nodes)) + rng.integers(0, 3)))
                   for _ in range(k)]
        local = (rng.uniform(0.5, 1.5, size=k) * rng.choice([-1.0, 1.0], size=k)).tolist()
        nodes.append([float(rng.normal()), parents, local])
    return nodes


def _stacked_forks(n, rng):
    """v -> f(v, v) n times, each with two different local derivatives."""
    nodes = [[0.5, [], []]]
    for k in range(n):
        nodes.append([0.5, [k, k], rng.uniform(0.6, 1.2, size=2).tolist()])
    return nodes


SHARED_DEEP_FIRST = [  # the root lists the deeper shared node first, then a long branch
    [0.1, [], []], [0.2, [0], [1.5]], [0.3, [1], [-2.0]], [0.4, [2], [0.5]], [0.5, [3], [3.0]],
    [0.6, [1, 4], [0.75, -1.25]]]
LEAF_ONLY = [[2.5, [], []]]

GRAPHS = [_random_graph(3, 12, _RNG), _random_graph(2, 20, _RNG), _random_graph(4, 8, _RNG)]
FORK_STACK = _stacked_forks(12, _RNG)

FORKS = [
    *[Check(f"every grad of a hidden graph with forks ({i + 1})", hand_graph, (g,),
            judge=judged("grads", **TIGHT)) for i, g in enumerate(GRAPHS)],
    *[Check(f"how often each inner node's _backward() ran in a hidden graph ({i + 1})",
            hand_graph, (g,), judge=judged("calls", rtol=0, atol=0))
      for i, g in enumerate(GRAPHS)],
    Check("every grad of twelve stacked forks v = f(v, v)", hand_graph, (FORK_STACK,),
          judge=judged("grads", **TIGHT)),
    Check("how often each _backward() ran in twelve stacked forks", hand_graph, (FORK_STACK,),
          judge=judged("calls", rtol=0, atol=0)),
    Check("every grad of a graph whose root reads a shared node and a long branch from it",
          hand_graph, (SHARED_DEEP_FIRST,), judge=judged("grads", **TIGHT)),
    Check("the grad of a single leaf after its own backward()", hand_graph, (LEAF_ONLY,),
          judge=judged("grads", **TIGHT)),
    Check("every grad of a hidden graph when two nodes already hold a gradient", hand_graph,
          (GRAPHS[0], [[0, 0.5], [2, -0.25]]), judge=judged("grads", **TIGHT)),
    # against the sum over paths rather than the solution
    Check("every grad of a hidden graph, against the sum over its paths", hand_graph,
          (GRAPHS[2],), expect=path_sums, judge=judged("grads", rtol=1e-9, atol=1e-12)),
]


def _long_graph(length):
    """A chain of `length` nodes whose last node also reads the leaf and node 1 directly."""
    nodes = [[0.5, [], []]]
    for k in range(length):
        nodes.append([0.5, [k], [(-1.0) ** k * (1.0 + 0.0003 * (k % 7))]])
    nodes.append([0.5, [length, 0, 1], [0.9, -0.4, 1.3]])
    return nodes


DEEP = [
    Check("the grads along a hidden chain of 12,000 nodes", hand_chain,
          kwargs=dict(length=12_000, local=[0.999, 1.002, -1.0],
                      report=[0, 1, 6_000, 11_999, 12_000]),
          judge=judged(None, **TIGHT)),
    Check("the grads along a hidden chain of 10,000 nodes that each use their parent twice",
          hand_chain, kwargs=dict(length=10_000, local=[1.0005, -0.9995], fork=True,
                                  report=[0, 2, 5_001, 10_000]),
          judge=judged(None, **TIGHT)),
    Check("every grad of a chain of 10,000 nodes whose end also reads its start", hand_graph,
          (_long_graph(10_000),), judge=judged("grads", **TIGHT)),
    # against the product of the local derivatives rather than the solution
    Check("the grads along a chain of 11,000 nodes, against the product of its local "
          "derivatives", hand_chain,
          kwargs=dict(length=11_000, local=[1.0004, -1.0, 0.9999], report=[0, 10, 10_999]),
          expect=expect_chain, judge=judged(None, rtol=1e-9, atol=1e-12)),
]


# ---------------------------------------------------------------------------
# Part 3: the remaining operators, through backward()
# ---------------------------------------------------------------------------

DIV_SIGN = Mistake("the gradient of the divisor has the wrong sign: a / b falls as a positive "
                   "b grows", lambda want, expr, point: [want["grads"][0], -want["grads"][1]])
DIV_SQUARE = Mistake("the gradient of the divisor is missing a square: it is divided by b once "
                     "too few times", lambda want, expr, point: [
                         want["grads"][0], want["grads"][1] * point["b"]])


def _through(label, expr, point, mistakes=(), expect=None, tol=TIGHT):
    args = (expr, point)
    return [Check(f"{data_label(label)} at a hidden point", graph_backward, args, expect=expect,
                  judge=judged("data", mistakes, **tol)),
            Check(f"the gradients of {label} at a hidden point", graph_backward, args,
                  expect=expect, judge=judged("grads", mistakes, **tol))]


DERIVED = [
    *_through("-a", "-a", {"a": -0.35}),
    *_through("a - b", "a - b", {"a": -1.2, "b": 0.7}),
    *_through("b - a", "b - a", {"a": 2.1, "b": -0.4}),
    *_through("a / b", "a / b", {"a": 2.5, "b": 1.6}, [DIV_SIGN, DIV_SQUARE]),
    *_through("a / b", "a / b", {"a": -0.3, "b": -2.2}, [DIV_SIGN, DIV_SQUARE]),
    *_through("a - 0.75", "a - 0.75", {"a": 0.2}),
    *_through("a / -2.5", "a / -2.5", {"a": 1.4}),
    *_through("4.5 + a", "4.5 + a", {"a": -0.9}),
    *_through("-1.5 * a", "-1.5 * a", {"a": 0.6}),
    *_through("2 - a", "2 - a", {"a": 1.75}, [RSUB_ORDER]),
    *_through("-3 / a", "-3 / a", {"a": 0.8}, [RDIV_ORDER]),
    *_through("a / a", "a / a", {"a": 1.3}),
    *_through("a - a", "a - a", {"a": -0.6}),
    *_through("(a - b) / (a + b)", "(a - b) / (a + b)", {"a": 1.2, "b": 0.5}),
    *_through("a / b + a", "a / b + a", {"a": 0.9, "b": -1.7}, [DIV_SIGN, DIV_SQUARE]),
    *_through("(a / b) * (a + 2)", "(a / b) * (a + 2)", {"a": -0.8, "b": 2.6}),
    *_through("1 / (1 + a * a) - b / 2", "1 / (1 + a * a) - b / 2", {"a": -0.7, "b": 1.9}),
    *_through("(2 - a) * (a / 3) - 1 / b", "(2 - a) * (a / 3) - 1 / b", {"a": 0.4, "b": -1.6}),
    # against central differences rather than the solution
    *_through("(3 - a) / (b - 2 * a)", "(3 - a) / (b - 2 * a)", {"a": 0.3, "b": 2.4},
              expect=expect_expr, tol=dict(rtol=1e-6, atol=1e-9)),
]


# ---------------------------------------------------------------------------
# Part 4: MLP
# ---------------------------------------------------------------------------

def _count(n_inputs, sizes):
    return sum((n_in + 1) * n_out for n_in, n_out in zip([n_inputs] + sizes, sizes))


def _mlp_args(n_inputs, sizes, activation, n_points, rng):
    weights = rng.uniform(-1.0, 1.0, size=_count(n_inputs, sizes)).tolist()
    X = rng.normal(size=(n_points, n_inputs)).tolist()
    coeffs = rng.normal(size=(n_points, sizes[-1])).tolist()
    return (n_inputs, sizes, activation, weights, X, coeffs)


MLP_RELU = _mlp_args(3, [5, 4, 2], "relu", 4, _RNG)
MLP_LINEAR = _mlp_args(4, [3, 3], "linear", 3, _RNG)
MLP_TANH = _mlp_args(2, [4, 3, 1], "tanh", 5, _RNG)
MLP_NUMERIC = _mlp_args(3, [3, 2], "tanh", 2, _RNG)
MLP_TOL = dict(rtol=1e-9, atol=1e-12)

MLP = [
    Check("the number of Scalars in the parameters() of a hidden MLP", parameter_count,
          (3, [5, 4, 2]), judge=close(rtol=0, atol=0)),
    Check("the number of Scalars in the parameters() of a one-layer MLP", parameter_count,
          (4, [1]), judge=close(rtol=0, atol=0)),
    *[Check(f"the outputs of a hidden {a[2]} MLP({a[0]}, {a[1]}) at {len(a[4])} points",
            mlp_probe, a, judge=judged("outputs", **MLP_TOL)) for a in (MLP_RELU, MLP_LINEAR,
                                                                        MLP_TANH)],
    *[Check(f"every parameter's gradient in a hidden {a[2]} MLP({a[0]}, {a[1]})", mlp_probe,
            a, judge=judged("grads", **MLP_TOL)) for a in (MLP_RELU, MLP_LINEAR, MLP_TANH)],
    # against central differences of a NumPy forward pass rather than the solution
    Check("every parameter's gradient in a hidden tanh MLP, against central differences",
          mlp_probe, MLP_NUMERIC, expect=expect_mlp, judge=judged("grads", rtol=1e-6,
                                                                  atol=1e-8)),
]


# ---------------------------------------------------------------------------
# Part 5: hinge loss, train, and a fixed recipe on hidden moons
# ---------------------------------------------------------------------------

def _hinge_args(sizes, n_points, rng):
    weights = rng.uniform(-1.0, 1.0, size=_count(2, sizes)).tolist()
    X = rng.normal(size=(n_points, 2)).tolist()
    y = rng.choice([-1.0, 1.0], size=n_points).tolist()
    return (sizes, weights, X, y)


HINGE = _hinge_args([5, 1], 9, _RNG)
TRAIN = (*_hinge_args([4, 1], 7, _RNG), 2, 0.4, 3)   # batches of 3, 3 and 1

TRAIN_CHECKS = [
    Check("hinge_loss at hidden weights on 9 hidden points", hinge_probe, HINGE,
          judge=judged("loss", batch_size=9, **MLP_TOL)),
    Check("every parameter's gradient of the hinge loss at hidden weights", hinge_probe, HINGE,
          judge=judged("grads", batch_size=9, **MLP_TOL)),
    Check("the batch losses of train() over 2 epochs of 7 hidden points in batches of 3",
          train_probe, TRAIN, judge=judged("losses", **MLP_TOL)),
    Check("the parameters after train() over 2 epochs of 7 hidden points in batches of 3",
          train_probe, TRAIN, judge=judged("params", **MLP_TOL)),
    Check("the held-out accuracy of MLP(2, [12, 1]) trained by train() on hidden moons "
          "(20 epochs, lr 0.3, batches of 5)", recipe_accuracy,
          kwargs=dict(sizes=[12, 1], init_seed=2, n_train=50, train_seed=9, n_test=200,
                      test_seed=109, epochs=20, lr=0.3, batch_size=5),
          judge=accuracy_judge(0.9)),
]

CHECKS = {
    "ps2_test_arith": ARITH,
    "ps2_test_unary": UNARY,
    "ps2_test_backward_forks": FORKS,
    "ps2_test_backward_deep": DEEP,
    "ps2_test_derived": DERIVED,
    "ps2_test_mlp": MLP,
    "ps2_test_train": TRAIN_CHECKS,
}
