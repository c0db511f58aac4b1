"""Tests for utils.graph's walking helpers: forward_order, contributions, local_grads."""

import math

import pytest

from utils.autodiff import Value
from utils.graph import contributions, forward_order, graph_layout, sigmoid_neuron_circuit


def tiny_net_loss():
    w1, b1, w2, b2 = Value(0.8, "w1"), Value(-0.5, "b1"), Value(-1.2, "w2"), Value(0.3, "b2")
    p = (w2 * (w1 * 1.5 + b1).tanh() + b2).sigmoid()
    loss = (p - Value(1.0, "t")) ** 2
    loss.backward()
    return loss


def test_forward_order_starts_at_the_first_input_and_respects_edges():
    layout = graph_layout(tiny_net_loss())
    order = forward_order(layout)
    assert sorted(order) == sorted(layout.ids)
    texts = [layout.node(i).text for i in order]
    assert texts[0] == "w1"  # not w2, which the depth-first topological order meets first
    assert layout.nodes[0].text == "w2"
    leaves = [t for t in texts if layout.node(order[texts.index(t)]).kind == "leaf"]
    assert leaves == ["w1", "b1", "w2", "b2", "t"]
    position = {i: k for k, i in enumerate(order)}
    assert all(position[a] < position[b] for a, b in layout.edges)


def test_forward_order_of_a_circuit_follows_the_gates():
    layout = graph_layout(sigmoid_neuron_circuit())
    assert forward_order(layout)[:7] == ["w0", "x0", "w0x0", "w1", "x1", "w1x1", "dot"]


def test_local_grads_and_contributions():
    x = Value(3.0, "x")
    root = x * x + x  # d/dx = 2x + 1 = 7: two uses by x * x, one by +
    root.backward()
    layout = graph_layout(root)
    (leaf,) = [n for n in layout.nodes if n.text == "x"]
    rows = contributions(layout, leaf.id)
    assert sorted((local, up) for _, local, up in rows) == [(1.0, 1.0), (6.0, 1.0)]
    assert sum(local * up for _, local, up in rows) == leaf.grad == 7.0
    assert contributions(layout, layout.root) == []


def test_circuit_local_grads_come_from_the_gates():
    c = sigmoid_neuron_circuit()
    layout = graph_layout(c)
    f = layout.node("f")
    s = 1 / (1 + math.exp(-1.0))
    # f = 1 / (1 + exp): d f / d(1+exp) = -1 / (1 + e^-1)^2
    assert f.local_grads == (pytest.approx(-s ** 2),)
    for node in layout.nodes:
        rows = contributions(layout, node.id)
        if rows:
            assert sum(l * u for _, l, u in rows) == pytest.approx(node.grad, abs=1e-12)
