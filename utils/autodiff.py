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

from utils import derivatives as d
from utils.validation import check_number, describe


def postorder(root, inputs_of, key=id):
    """Every node reachable from ``root``, each after all of its inputs.

    ``inputs_of(node)`` gives a node's inputs (visited left to right) and
    ``key(node)`` its identity. Iterative depth-first search, so graphs of any
    depth work without recursion. Returns a list ending with ``root``.
    """
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif key(node) not in seen:
            seen.add(key(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(inputs_of(node)))
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
        self.data = check_number("Value", "data", data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self.inputs = tuple(inputs)
        self._local_grads = tuple(float(g) for g in local_grads)

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- building the graph -------------------------------------------------
    @staticmethod
    def _lift(other, op):
        """Return ``other`` as a Value, wrapping plain numbers as constants."""
        if isinstance(other, Value):
            return other
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return Value(other)
        raise TypeError(f"Value.{op}: cannot combine a Value with {describe(other)}; "
                        f"use a number or another Value")

    def _binary(self, other, op, data, grads):
        return Value(data, op=op, inputs=(self, other), local_grads=grads)

    def __add__(self, other):
        other = self._lift(other, "__add__")
        return self._binary(other, "+", self.data + other.data,
                            d.add_grads(self.data, other.data))

    def __mul__(self, other):
        other = self._lift(other, "__mul__")
        return self._binary(other, "*", self.data * other.data,
                            d.multiply_grads(self.data, other.data))

    def __pow__(self, p):
        p = check_number("Value.__pow__", "the exponent", p)
        if self.data == 0 and p < 1:
            raise ValueError(f"Value.__pow__: 0 ** {p:g} has no finite derivative")
        return Value(self.data ** p, op=f"**{p:g}", inputs=(self,),
                     local_grads=(d.power_grad(self.data, p),))

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
        return self * other ** -1

    def __radd__(self, other):
        return self._lift(other, "__radd__") + self

    def __rmul__(self, other):
        return self._lift(other, "__rmul__") * self

    def __rsub__(self, other):
        return self._lift(other, "__rsub__") - self

    def __rtruediv__(self, other):
        return self._lift(other, "__rtruediv__") / self

    def _unary(self, op, data, grad):
        return Value(data, op=op, inputs=(self,), local_grads=(grad,))

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
        return self._unary("relu", float(d.relu(self.data)), d.relu_grad(self.data))

    @property
    def local_grads(self):
        """d self / d input for each of ``inputs``, computed when the node was made."""
        return self._local_grads

    # ---- backpropagation ----------------------------------------------------
    def topological_order(self):
        """Return every node this Value depends on, inputs before outputs."""
        return postorder(self, lambda node: node.inputs)

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
            for child, local in zip(node.inputs, node._local_grads):
                child.grad += local * node.grad
