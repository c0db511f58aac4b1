"""Tests for utils.widgets: the plain computations against independent math,
and each builder (built, a control moved, its Output redrawn)."""

import math

import matplotlib

matplotlib.use("Agg")

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import widgets
from utils.autodiff import Value
from utils.data_generators import make_xor
from utils.graph import graph_layout, sigmoid_neuron_circuit


@pytest.fixture(autouse=True)
def close_figures():
    yield
    assert plt.get_fignums() == [], "a widget left a pyplot figure open"


def xyz(x=-2.0, y=5.0, z=-4.0):
    return (Value(x, "x") + Value(y, "y")) * Value(z, "z")


def find(widget, kind):
    """All descendants of ``widget`` (itself included) that are instances of ``kind``."""
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found += find(child, kind)
    return found


def png(box):
    (out,) = find(box, w.Output)
    images = [o["data"]["image/png"] for o in out.outputs if o["output_type"] == "display_data"]
    assert len(images) == 1, "the Output should hold exactly one picture"
    return images[0]


# ---- chain rule ------------------------------------------------------------------
@pytest.mark.parametrize("x", [-1.7, -0.3, 0.0, 0.8, 2.2])
def test_tangent_slopes_of_sin_x_squared(x):
    s = widgets.tangent_slopes(x)
    assert s["u"] == pytest.approx(x ** 2) and s["y"] == pytest.approx(math.sin(x ** 2))
    assert s["dy"] == pytest.approx(2 * x * math.cos(x ** 2), abs=1e-12)  # by hand
    h = 1e-6
    numerical = (math.sin((x + h) ** 2) - math.sin((x - h) ** 2)) / (2 * h)
    assert s["dy"] == pytest.approx(numerical, abs=1e-6)
    assert s["dy"] == pytest.approx(s["df"] * s["dg"])


def test_tangent_slopes_of_another_composite():
    # y = exp(3x): g(x) = 3x, f = exp; slope 3 exp(3x)
    s = widgets.tangent_slopes(0.5, f=math.exp, df=math.exp, g=lambda t: 3 * t, dg=lambda t: 3.0)
    assert s["dg"] == 3.0 and s["dy"] == pytest.approx(3 * math.exp(1.5))


def test_tangent_slopes_validation():
    with pytest.raises(TypeError, match="tangent_slopes: x must be a real number"):
        widgets.tangent_slopes("1")
    with pytest.raises(TypeError, match="dg must be a function"):
        widgets.tangent_slopes(1.0, dg=2.0)


def test_chain_rule_explorer_redraws_when_x_moves():
    box = widgets.chain_rule_explorer()
    before = png(box)
    (slider,) = find(box, w.FloatSlider)
    slider.value = -1.0
    assert png(box) != before
    (out,) = find(box, w.Output)
    assert "x = -1.00" in out.outputs[0]["text"]


# ---- graph steps -----------------------------------------------------------------
def test_graph_steps_reveal_forward_then_backward():
    root = xyz()
    root.backward()
    layout = graph_layout(root)
    steps = widgets.graph_steps(root)
    n = 5  # x, y, x + y, z, (x + y) z
    assert len(steps) == 2 * n
    forward, backward = steps[:n], steps[n:]
    assert all(not grads for _, grads in forward)
    assert [len(values) for values, _ in forward] == list(range(1, n + 1))
    assert all(values == set(layout.ids) for values, _ in backward)
    assert [len(grads) for _, grads in backward] == list(range(1, n + 1))
    assert backward[0][1] == {layout.root}
    # a value appears only after the values of its inputs, a gradient only after
    # the gradients of every node that uses it
    for a, b in layout.edges:
        first_value = min(k for k, (values, _) in enumerate(steps) if b in values)
        assert a in steps[first_value][0]
        first_grad = min(k for k, (_, grads) in enumerate(steps) if a in grads)
        assert b in steps[first_grad][1]


def test_graph_steps_of_a_circuit_use_node_names():
    steps = widgets.graph_steps(sigmoid_neuron_circuit())
    assert len(steps) == 2 * 13
    assert steps[-1][1] >= {"w0", "x0", "w1", "x1", "w2", "f"}


def test_evaluate_graph_backpropagates():
    root = widgets.evaluate_graph(xyz, x=1.0, y=2.0, z=3.0)
    x = next(n for n in root.topological_order() if n.label == "x")
    assert root.data == 9.0 and x.grad == 3.0  # d((x + y) z)/dx = z
    c = widgets.evaluate_graph(lambda: sigmoid_neuron_circuit())
    assert c.grads["w2"] == pytest.approx(math.exp(-1) / (1 + math.exp(-1)) ** 2)
    with pytest.raises(TypeError, match="evaluate_graph: build must return"):
        widgets.evaluate_graph(lambda: 3.0)


def test_graph_stepper_buttons_and_slider_change_the_picture():
    box = widgets.graph_stepper(xyz())
    (slider,) = find(box, w.IntSlider)
    assert slider.max == 9
    first = png(box)
    back, forward = find(box, w.Button)
    forward.click()
    assert slider.value == 1 and png(box) != first
    back.click()
    back.click()
    assert slider.value == 0 and png(box) == first
    slider.value = 9
    assert png(box) != first


def test_circuit_explorer_redraws_when_an_input_moves():
    box = widgets.circuit_explorer(xyz, x=-2.0, y=5.0, z=-4.0)
    sliders = {s.description: s for s in find(box, w.FloatSlider)}
    assert {k: s.value for k, s in sliders.items()} == {"x": -2.0, "y": 5.0, "z": -4.0}
    before = png(box)
    sliders["z"].value = 2.0
    assert png(box) != before
    with pytest.raises(ValueError, match="initial inputs"):
        widgets.circuit_explorer(xyz)


def test_circuit_explorer_with_a_circuit():
    def build(w0, x0):
        return sigmoid_neuron_circuit(w=(w0, -3.0, -3.0), x=(x0, -2.0))

    box = widgets.circuit_explorer(build, w0=2.0, x0=-1.0)
    before = png(box)
    find(box, w.FloatSlider)[0].value = 0.0
    assert png(box) != before


# ---- training --------------------------------------------------------------------
def test_train_two_layer_learns_xor():
    X, y = make_xor()
    calls = []
    net, history = widgets.train_two_layer(X, y, hidden=8, activation="tanh", lr=0.5,
                                           epochs=300, seed=1,
                                           callback=lambda e, h: calls.append(e))
    assert calls == list(range(300)) and len(history["loss"]) == 300
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] == 1.0
    np.testing.assert_array_equal(net.predict(X), [0, 1, 1, 0])
    _, again = widgets.train_two_layer(X, y, hidden=8, activation="tanh", lr=0.5,
                                       epochs=300, seed=1)
    assert again["loss"] == history["loss"]  # deterministic given the seed


def test_train_two_layer_validation():
    X, y = make_xor()
    with pytest.raises(ValueError, match="train_two_layer: activation"):
        widgets.train_two_layer(X, y, activation="swish")
    with pytest.raises(ValueError, match="hidden must be at least 1"):
        widgets.train_two_layer(X, y, hidden=0)
    with pytest.raises(ValueError, match="y must have shape"):
        widgets.train_two_layer(X, y[:3])


def test_training_explorer_trains_at_once_and_on_changes():
    X, y = make_xor(n_per_corner=10, noise=0.1, seed=0)
    box = widgets.training_explorer(X, y, epochs=50)
    (progress,) = find(box, w.IntProgress)
    assert progress.value == progress.max == 50
    first = png(box)
    sliders = {s.description: s for s in find(box, w.IntSlider)}
    sliders["hidden units"].value = 3
    second = png(box)
    assert second != first
    sliders["epochs"].value = 20
    assert progress.max == 20 and png(box) != second
    third = png(box)
    (button,) = find(box, w.Button)
    button.click()  # same settings: the same (deterministic) result is redrawn
    assert png(box) == third


# ---- gradient flow ---------------------------------------------------------------
def test_gradient_flow_shapes_and_determinism():
    flow = widgets.gradient_flow(depth=4, width=16, activation="relu", init="he",
                                 weight_scale=1.0, seed=3, n_samples=32)
    assert len(flow["grad_norms"]) == 5 and len(flow["activations"]) == 4
    assert all(a.shape == (32, 16) for a in flow["activations"])
    assert all(np.all(a >= 0) for a in flow["activations"])  # ReLU outputs
    again = widgets.gradient_flow(depth=4, width=16, activation="relu", init="he",
                                  weight_scale=1.0, seed=3, n_samples=32)
    assert again["grad_norms"] == flow["grad_norms"]
    other = widgets.gradient_flow(depth=4, width=16, activation="relu", init="he",
                                  weight_scale=1.0, seed=4, n_samples=32)
    assert other["grad_norms"] != flow["grad_norms"]


def test_gradient_flow_small_weights_shrink_tanh_activations_geometrically():
    # In tanh's linear range a layer multiplies the std by about sqrt(width) * scale
    # = sqrt(64) * 0.01 = 0.08 (variance of a sum of 64 products).
    flow = widgets.gradient_flow(depth=6, width=64, activation="tanh", init="normal",
                                 weight_scale=0.01)
    stds = [a.std() for a in flow["activations"]]
    ratios = np.array(stds[1:]) / np.array(stds[:-1])
    assert np.all((ratios > 0.06) & (ratios < 0.10))


def test_gradient_flow_he_keeps_relu_second_moment():
    # He init: E[a_{l+1}^2] = E[a_l^2] for ReLU layers, up to sampling noise
    flow = widgets.gradient_flow(depth=8, width=64, activation="relu", init="he",
                                 weight_scale=1.0)
    moments = [np.mean(a ** 2) for a in flow["activations"]]
    assert 0.25 < moments[-1] / moments[0] < 4


def test_gradient_flow_validation():
    with pytest.raises(ValueError, match="gradient_flow: init"):
        widgets.gradient_flow(init="zeros")
    with pytest.raises(ValueError, match="weight_scale must be positive"):
        widgets.gradient_flow(weight_scale=0.0)


def test_gradient_flow_explorer_redraws_for_each_control():
    box = widgets.gradient_flow_explorer(depth=3, width=16)
    pictures = [png(box)]
    (depth,) = find(box, w.IntSlider)
    depth.value = 6
    pictures.append(png(box))
    activation, init = find(box, w.Dropdown)
    activation.value = "relu"
    pictures.append(png(box))
    init.value = "he"
    pictures.append(png(box))
    (scale,) = find(box, w.FloatLogSlider)
    scale.value = 1.0
    pictures.append(png(box))
    assert len(set(pictures)) == len(pictures)
