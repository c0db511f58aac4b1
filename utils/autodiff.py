"""A scalar reverse-mode automatic differentiation engine.

``Value`` wraps one float. Arithmetic on Values builds a computational graph:
each result remembers the operation ``op`` that made it and its ``inputs``.
``out.backward()`` then visits the graph in reverse topological order and
applies the chain rule at every node, accumulating into ``.grad``.

>>> a = Value(2.0); b = a * a + a
>>> b.backward(); a.grad
5.0
"""

import math
import numbers
import operator

from utils import derivatives as d
from utils.validation import check_number, describe


def postorder(root, inputs_of, key=None):
    """Every node reachable from ``root``, each after all of its inputs.

    ``inputs_of(node)`` gives a node's inputs (visited left to right) and
    ``key(node)`` its identity; without ``key`` the node itself is its identity
    (Values compare and hash by identity). Iterative depth-first search, so
    graphs of any depth work without recursion. Returns a list ending with ``root``.
    """
    order, seen = [], {root if key is None else key(root)}
    stack = [(root, iter(inputs_of(root)))]  # each node on the path, with its inputs to go
    while stack:
        node, inputs = stack[-1]
        for child in inputs:
            child_key = child if key is None else key(child)
            if child_key not in seen:  # go down into the first input not yet visited
                seen.add(child_key)
                grandchildren = inputs_of(child)
                if not grandchildren:  # a leaf is done at once
                    order.append(child)
                    continue
                stack.append((child, iter(grandchildren)))
                break
        else:  # every input visited: the node itself comes next
            stack.pop()
            order.append(node)
    return order


class Value:
    """One scalar node of a computational graph.

    Attributes: ``data`` (float, the forward value), ``grad`` (float,
    dL/d this node after ``backward``), ``op`` (str, the operation that made
    the node, "" for a leaf), ``inputs`` (tuple of Value), ``local_grads``
    (tuple of float, d self / d each input), ``label`` (str).

    ``Value(data, op=..., inputs=..., local_grads=...)`` makes a node for a
    new operation: give its inputs and its local derivatives, and
    ``backward`` will chain through it.
    """

    __slots__ = ("data", "grad", "op", "inputs", "label", "_local_grads")

    def __init__(self, data, label="", *, op="", inputs=(), local_grads=()):
        self.data = data if type(data) is float else check_number("Value", "data", data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self.inputs = tuple(inputs)
        self._local_grads = tuple(float(g) for g in local_grads)

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- building the graph -------------------------------------------------
    # The operations make their nodes with _node (below the class): the same node
    # as Value(data, op=..., inputs=..., local_grads=...), minus the checks.
    @staticmethod
    def _lift(other, op):
        """Return ``other`` as a Value, wrapping plain numbers as constants."""
        if type(other) is float or type(other) is int:
            return _node(float(other), "", (), ())
        if isinstance(other, Value):
            return other
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return Value(other)
        raise TypeError(f"Value.{op}: cannot combine a Value with {describe(other)}; "
                        f"use a number or another Value")

    def __add__(self, other):
        if not isinstance(other, Value):
            other = self._lift(other, "__add__")
        # d.add_grads(x, y) is (1, 1) as NumPy arrays; for two floats, written out:
        return _node(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __mul__(self, other):
        if not isinstance(other, Value):
            other = self._lift(other, "__mul__")
        return _node(self.data * other.data, "*", (self, other),
                     d.multiply_grads(self.data, other.data))

    def __pow__(self, p):
        if type(p) is not float:
            p = check_number("Value.__pow__", "the exponent", p)
        if self.data == 0 and p < 1:
            raise ValueError(f"Value.__pow__: 0 ** {p:g} has no finite derivative")
        out = self.data ** p
        if type(out) is not float:  # a negative number to a fractional power is complex
            check_number("Value", "data", out)
        op = _POWER_OPS.get(p) or f"**{p:g}"
        return _node(out, op, (self,), (d.power_grad(self.data, p),))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        if isinstance(other, Value):
            return self + (-other)
        return self + (-self._lift(other, "__sub__").data)

    def __truediv__(self, other):
        other = self._lift(other, "__truediv__")
        if other.data == 0:
            raise ZeroDivisionError("Value.__truediv__: division by a Value whose data is 0")
        return self * other ** -1.0

    def __radd__(self, other):
        return self._lift(other, "__radd__") + self

    def __rmul__(self, other):
        return self._lift(other, "__rmul__") * self

    def __rsub__(self, other):
        return self._lift(other, "__rsub__") - self

    def __rtruediv__(self, other):
        return self._lift(other, "__rtruediv__") / self

    def _unary(self, op, data, grad):
        return _node(data, op, (self,), (float(grad),))

    def exp(self):
        """e ** self."""
        out = math.exp(self.data)
        return self._unary("exp", out, d.exp_grad(out))

    def log(self):
        """Natural logarithm; the data must be positive."""
        if self.data <= 0:
            raise ValueError(f"Value.log: needs a positive number, got {self.data}")
        return self._unary("log", math.log(self.data), d.log_grad(self.data))

    def tanh(self):
        """Hyperbolic tangent."""
        out = float(d.tanh(self.data))
        return self._unary("tanh", out, d.tanh_grad(out))

    def sigmoid(self):
        """Logistic sigmoid 1 / (1 + e ** -self)."""
        out = float(d.sigmoid(self.data))
        return self._unary("sigmoid", out, d.sigmoid_grad(out))

    def relu(self):
        """max(0, self)."""
        x = self.data  # d.relu(x) and d.relu_grad(x) written out for a float
        return _node(0.0 if x <= 0 else x, "relu", (self,), (1.0 if x > 0 else 0.0,))

    @property
    def local_grads(self):
        """d self / d input for each of ``inputs``, computed when the node was made."""
        return self._local_grads

    # ---- backpropagation ----------------------------------------------------
    def topological_order(self):
        """Return every node this Value depends on, inputs before outputs."""
        return postorder(self, _inputs)

    def backward(self):
        """Set ``.grad`` of every node in the graph to d self / d node.

        Gradients from several paths into one node add up. Calling backward
        again starts from zero, so the result does not depend on earlier calls.
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            if node.inputs:  # a leaf has no one to pass its gradient to
                upstream = node.grad
                for i, child in enumerate(node.inputs):
                    child.grad += node._local_grads[i] * upstream


_inputs = operator.attrgetter("inputs")  # postorder's inputs_of for Values
# The op of the commonest powers, made once (formatting a float takes longer than the node)
_POWER_OPS = {p: f"**{p:g}" for p in (-2.0, -1.0, 0.5, 2.0, 3.0)}

_new_value = object.__new__


def _node(data, op, inputs, local_grads):
    """The node ``Value(data, op=op, inputs=inputs, local_grads=local_grads)``
    without checking its arguments: the operations of Value pass a float and
    tuples. (A graph is mostly such nodes; the checks would double its cost.)"""
    node = _new_value(Value)
    node.data, node.grad, node.label = data, 0.0, ""
    node.op, node.inputs, node._local_grads = op, inputs, local_grads
    return node
