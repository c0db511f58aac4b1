"""The Value engine: every operation against central differences and HIPS autograd."""

import math
import sys

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.autodiff import Value
from utils.gradcheck import numerical_derivative, rel_error

# name, Value expression, independent autograd expression (both of one input)
UNARY = [
    ("exp", lambda v: v.exp(), anp.exp),
    ("log", lambda v: v.log(), anp.log),
    ("tanh", lambda v: v.tanh(), anp.tanh),
    ("sigmoid", lambda v: v.sigmoid(), lambda x: 1 / (1 + anp.exp(-x))),
    ("relu", lambda v: v.relu(), lambda x: anp.maximum(x, 0.0)),
    ("pow", lambda v: v ** 3, lambda x: x ** 3),
    ("sqrt", lambda v: v ** 0.5, anp.sqrt),
    ("neg", lambda v: -v, lambda x: -x),
    ("radd", lambda v: 2 + v, lambda x: 2 + x),
    ("rsub", lambda v: 1 - v, lambda x: 1 - x),
    ("rmul", lambda v: 2 * v, lambda x: 2 * x),
    ("rdiv", lambda v: 10 / v, lambda x: 10 / x),
    ("sub_number", lambda v: v - 4, lambda x: x - 4),
    ("div_number", lambda v: v / 4, lambda x: x / 4),
]
BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b),
    ("sub", lambda a, b: a - b, lambda a, b: a - b),
    ("mul", lambda a, b: a * b, lambda a, b: a * b),
    ("div", lambda a, b: a / b, lambda a, b: a / b),
]
POINTS = [0.3, 1.7, 2.5]


def value_grad(expr, x):
    v = Value(x)
    out = expr(v)
    out.backward()
    return out.data, v.grad


@pytest.mark.parametrize("name, expr, ref", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("x", POINTS)
def test_unary_ops(name, expr, ref, x):
    data, g = value_grad(expr, x)
    assert data == pytest.approx(float(ref(x)), rel=1e-12)
    assert rel_error(g, grad(ref)(x)) < 1e-12
    assert rel_error(g, numerical_derivative(lambda t: expr(Value(t)).data, x)) < 1e-7


@pytest.mark.parametrize("name, expr, ref", BINARY, ids=[b[0] for b in BINARY])
def test_binary_ops(name, expr, ref):
    a, b = Value(1.3), Value(-0.7)
    out = expr(a, b)
    out.backward()
    assert out.data == pytest.approx(ref(1.3, -0.7), rel=1e-12)
    assert rel_error(a.grad, grad(ref, 0)(1.3, -0.7)) < 1e-12
    assert rel_error(b.grad, grad(ref, 1)(1.3, -0.7)) < 1e-12


def test_gradients_accumulate_where_a_value_is_used_twice():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    # (a + b)(b + c): b feeds both factors, so db = (b + c) + (a + b)
    a, b, c = Value(1.0), Value(2.0), Value(-3.0)
    f = (a + b) * (b + c)
    f.backward()
    assert (a.grad, b.grad, c.grad) == (-1.0, 2.0, 3.0)


def test_x_squared_plus_xy_plus_y_squared():
    x, y = Value(1.5), Value(-2.0)
    f = x * x + x * y + y * y
    f.backward()
    assert x.grad == pytest.approx(2 * 1.5 + -2.0)
    assert y.grad == pytest.approx(1.5 + 2 * -2.0)


def test_backward_twice_gives_the_same_gradients():
    x = Value(0.5)
    f = (x * x).tanh()
    f.backward()
    first = x.grad
    f.backward()
    assert x.grad == first


def test_a_chain_100000_nodes_deep_backpropagates_without_recursion():
    x = Value(1.0)
    node = x
    for _ in range(100_000):
        node = node * 1.0
    limit = sys.getrecursionlimit()
    node.backward()
    assert x.grad == 1.0
    assert sys.getrecursionlimit() == limit


def test_nodes_keep_their_operation_and_inputs():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    z = (x * y).exp()
    assert z.op == "exp" and z.inputs[0].op == "*"
    assert z.inputs[0].inputs == (x, y)
    order = z.topological_order()
    assert order.index(x) < order.index(z.inputs[0]) < order.index(z)


@pytest.mark.parametrize("call, exc, message", [
    (lambda: Value("3"), TypeError, "Value: data must be a real number, got str '3'"),
    (lambda: Value(1.0) + "a", TypeError, "Value.__add__: cannot combine a Value with str"),
    (lambda: Value(1.0) ** Value(2.0), TypeError, "Value.__pow__: the exponent must be a real"),
    (lambda: Value(-1.0).log(), ValueError, "Value.log: needs a positive number, got -1.0"),
    (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, "Value.__truediv__: division by"),
    (lambda: Value(0.0) ** -1, ValueError, "Value.__pow__: 0 ** -1 has no finite derivative"),
])
def test_errors_say_what_went_wrong(call, exc, message):
    with pytest.raises(exc) as info:
        call()
    assert message in str(info.value)


# ---- property-based: random expressions against autograd ----------------------------
OPS = ["add", "mul", "sub", "tanh", "sigmoid", "exp_small", "square", "div_safe"]


def build(ops, x, y, lib):
    """Apply a sequence of ops to two inputs; lib is 'value' or 'autograd'."""
    tanh = (lambda v: v.tanh()) if lib == "value" else anp.tanh
    sig = (lambda v: v.sigmoid()) if lib == "value" else (lambda v: 1 / (1 + anp.exp(-v)))
    exp = (lambda v: v.exp()) if lib == "value" else anp.exp
    a, b = x, y
    for op in ops:
        if op == "add":
            a, b = a + b, a
        elif op == "mul":
            a, b = a * b, b
        elif op == "sub":
            a, b = b - a, a
        elif op == "tanh":
            a = tanh(a)
        elif op == "sigmoid":
            a = sig(a) * b
        elif op == "exp_small":
            a = exp(tanh(a))
        elif op == "square":
            a = a ** 2 + b
        else:
            a = a / (1 + b * b)
    return a + b


@settings(max_examples=150, deadline=None)
@given(ops=st.lists(st.sampled_from(OPS), min_size=1, max_size=12),
       x=st.floats(-2, 2), y=st.floats(-2, 2))
def test_random_expressions_match_autograd(ops, x, y):
    vx, vy = Value(x), Value(y)
    out = build(ops, vx, vy, "value")
    out.backward()
    f = lambda p, q: build(ops, p, q, "autograd")  # noqa: E731
    expected = f(x, y)
    if not math.isfinite(expected) or abs(expected) > 1e12:
        return  # repeated squaring overflows; the oracle has nothing to say there
    assert out.data == pytest.approx(expected, rel=1e-9, abs=1e-12)
    with np.errstate(over="ignore", invalid="ignore"):  # autograd's tanh' uses cosh and its
        oracle = (grad(f, 0)(x, y), grad(f, 1)(x, y))  # sigmoid exp(-z): both overflow first
    for got, want in zip((vx.grad, vy.grad), oracle):
        if not math.isfinite(float(want)):
            continue  # the oracle overflowed; central differences cover these (test above)
        assert got == pytest.approx(float(want), rel=1e-9, abs=1e-9)
