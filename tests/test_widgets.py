"""Tests for utils.widgets and utils.live: the plain computations against independent
math, and each builder (built, a control moved, its picture redrawn, a burst of changes
ending on the picture of the last setting, the display bundle)."""

import base64
import math

import matplotlib

matplotlib.use("Agg")

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import plotting, widgets
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
    """The PNG bytes the explorer's image widget shows now."""
    (image,) = find(box, w.Image)
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n", "the image widget should hold a PNG"
    return bytes(image.value)


def check_bundle(box):
    """A displayed explorer carries its picture and a sentence, never a raw VBox repr."""
    data = box._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]) == png(box)
    assert data["text/plain"] == box.alt and "VBox" not in data["text/plain"]
    assert len(box.alt) > 20 and box.alt.endswith(".")
    assert "application/vnd.jupyter.widget-view+json" in data
    return data


def smallest_font(fig):
    """The smallest font size (points) of any visible, non-empty text in the figure."""
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes)


def live_sliders(box):
    return [s for s in find(box, (w.FloatSlider, w.IntSlider, w.FloatLogSlider))
            if s.description != "frame"]


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
    check_bundle(box)
    (slider,) = find(box, w.FloatSlider)
    assert slider.continuous_update
    slider.value = -1.0
    assert png(box) != before
    assert box.alt.startswith("At x = -1.00:") and "product -1.081" in box.alt
    assert box.live.full_draws == 1  # later pictures only blit the tangents


def test_chain_rule_explorer_names_a_forgotten_derivative():
    # dg left at the default 2x while g = sin
    with pytest.raises(ValueError, match=r"dg is not the derivative of g = sin: at x = "
                                         r".*but not dg, so dg is still the default 2x"):
        widgets.chain_rule_explorer(np.exp, np.exp, np.sin)
    with pytest.raises(ValueError, match=r"df is not the derivative of f = exp: at u = "):
        widgets.chain_rule_explorer(np.exp, np.cos, np.sin, np.cos)
    box = widgets.chain_rule_explorer(np.exp, np.exp, np.sin, np.cos)  # all right
    assert "exp(u)" in box.alt or box.alt.startswith("At x =")


def test_derivative_mismatch_sentence_and_tolerance():
    assert widgets.derivative_mismatch(np.tanh, lambda t: 1 - np.tanh(t) ** 2,
                                       [-1.0, 0.3, 2.0]) is None
    sentence = widgets.derivative_mismatch(np.tanh, np.cosh, [0.5], "g", "dg")
    # by hand: tanh'(0.5) = 1 - tanh(0.5)^2 = 0.7864, cosh(0.5) = 1.1276
    assert sentence == ("chain_rule_explorer: dg is not the derivative of g = tanh: at "
                        "x = 0.5, dg gives 1.128 but the slope of tanh there is 0.7864 "
                        "(central difference).")
    # a kink or a point outside the domain is skipped, not reported
    assert widgets.derivative_mismatch(np.log, lambda t: 1 / t, [-1.0, 2.0]) is None


def test_chain_rule_figure_has_alt_text_and_readable_fonts():
    fig = widgets.chain_rule_figure(x=0.5)
    assert "At x = 0.50" in plotting.alt_text(fig)
    assert smallest_font(fig) >= plotting.MIN_FONT_SIZE
    plt.close(fig)


# ---- graph steps -----------------------------------------------------------------
def test_graph_steps_reveal_forward_then_backward():
    root = xyz()
    root.backward()
    layout = graph_layout(root)
    steps = widgets.graph_steps(root)
    n = 5  # x, y, x + y, z, (x + y) z
    assert len(steps) == 2 * n + 1
    assert steps[0] == (frozenset(), frozenset())  # step 0: nothing computed yet
    steps = steps[1:]
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
    assert len(steps) == 2 * 13 + 1
    assert steps[-1][1] >= {"w0", "x0", "w1", "x1", "w2", "f"}


def test_evaluate_graph_backpropagates():
    root = widgets.evaluate_graph(xyz, x=1.0, y=2.0, z=3.0)
    x = next(n for n in root.topological_order() if n.label == "x")
    assert root.data == 9.0 and x.grad == 3.0  # d((x + y) z)/dx = z
    c = widgets.evaluate_graph(lambda: sigmoid_neuron_circuit())
    assert c.grads["w2"] == pytest.approx(math.exp(-1) / (1 + math.exp(-1)) ** 2)
    with pytest.raises(TypeError, match="evaluate_graph: build must return"):
        widgets.evaluate_graph(lambda: 3.0)


def tiny_net_loss(theta=(0.8, -0.5, -1.2, 0.3), x=1.5, target=1.0):
    """(sigmoid(w2 tanh(w1 x + b1) + b2) - t)^2: the expression built w1 first."""
    w1, b1, w2, b2 = [Value(v, n) for v, n in zip(theta, ["w1", "b1", "w2", "b2"])]
    p = (w2 * (w1 * x + b1).tanh() + b2).sigmoid()
    return (p - Value(target, "t")) ** 2


def test_graph_walk_starts_at_step_0_then_the_first_input():
    root = tiny_net_loss()
    root.backward()
    walk = widgets.graph_walk(root)
    n = len(graph_layout(root).nodes)
    assert len(walk) == 2 * n + 1
    assert walk[0]["phase"] == "start" and walk[0]["node"] is None
    assert "forward 1/" not in walk[0]["text"] and walk[0]["text"].startswith("Step 0 of")
    assert "forward pass at w1" in walk[0]["text"]
    assert walk[1]["text"] == f"Step 1 of {2 * n}, forward 1/{n}: input w1 = 0.8."
    forward_inputs = [s["text"].split("input ")[1].split(" =")[0] for s in walk[1:n + 1]
                      if ": input " in s["text"]]
    assert forward_inputs == ["w1", "b1", "w2", "b2", "t"]
    assert [s["phase"] for s in walk] == ["start"] + ["forward"] * n + ["backward"] * n


def test_graph_walk_backward_steps_show_local_times_upstream():
    root = tiny_net_loss()
    root.backward()
    walk = widgets.graph_walk(root)
    backward = [s for s in walk if s["phase"] == "backward"]
    assert backward[0]["text"].endswith("= 1, the output's gradient with respect to itself.")
    for step in backward[1:]:
        assert "local " in step["text"] and " × upstream " in step["text"]
    # by hand: L = (p - 1)^2, p = sigmoid(s); dL/dp = 2 (p - 1); dL/ds = dL/dp * p (1 - p)
    w1, b1, w2, b2 = 0.8, -0.5, -1.2, 0.3
    h = math.tanh(w1 * 1.5 + b1)
    p = 1 / (1 + math.exp(-(w2 * h + b2)))
    sigma_step = next(s for s in backward if s["text"].split("dL/d(")[1].startswith("σ)"))
    assert f"= {2 * (p - 1):.3g}" in sigma_step["text"]
    plus_step = next(s for s in backward if "local " + f"{p * (1 - p):.3g}" in s["text"])
    assert f"upstream {2 * (p - 1):.3g} = {2 * (p - 1) * p * (1 - p):.3g}" in plus_step["text"]


def test_graph_walk_adds_the_contributions_at_a_fork():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    root = (a + b) * (b + c)
    root.backward()
    step = next(s for s in widgets.graph_walk(root)
                if s["phase"] == "backward" and "dL/d(b)" in s["text"])
    # by hand: d/db = (b + c) + (a + b) = 5 + 3 = 8, one term per use
    assert step["text"].endswith("local 1 × upstream 5 (from +) + local 1 × upstream 3 "
                                 "(from +) = 8 (one contribution per use, added).")
    assert len(step["consumers"]) == 2


def test_graph_stepper_buttons_and_slider_change_the_picture():
    box = widgets.graph_stepper(xyz())
    (slider,) = find(box, w.IntSlider)
    assert slider.max == 10
    check_bundle(box)
    assert box.alt.startswith("Step 0 of 10")
    first = png(box)
    back, forward = find(box, w.Button)
    forward.click()
    assert slider.value == 1 and png(box) != first
    assert box.alt.startswith("Step 1 of 10, forward 1/5: input x = -2")
    back.click()
    back.click()
    assert slider.value == 0 and png(box) == first
    slider.value = 10
    assert png(box) != first
    last = png(box)
    for k in (3, 7, 1, 10):  # revisited steps come back identical
        slider.value = k
    assert png(box) == last


def test_graph_stepper_picture_matches_a_fresh_one_after_a_burst():
    box = widgets.graph_stepper(tiny_net_loss())
    (slider,) = find(box, w.IntSlider)
    for k in (5, 17, 2, 25, 13):
        slider.value = k
    fresh = widgets.graph_stepper(tiny_net_loss())
    find(fresh, w.IntSlider)[0].value = 13
    assert png(box) == png(fresh)


def test_circuit_explorer_redraws_when_an_input_moves():
    box = widgets.circuit_explorer(xyz, x=-2.0, y=5.0, z=-4.0)
    sliders = {s.description: s for s in find(box, w.FloatSlider)}
    assert {k: s.value for k, s in sliders.items()} == {"x": -2.0, "y": 5.0, "z": -4.0}
    before = png(box)
    check_bundle(box)
    assert all(s.continuous_update for s in sliders.values())
    sliders["z"].value = 2.0
    assert png(box) != before
    # by hand: f = (x + y) z = 3 * 2 = 6, df/dx = z = 2
    assert "output 6" in box.alt and "dL/dx = 2" in box.alt
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


def test_training_run_frames_are_deterministic_and_lazy():
    X, y = make_xor(n_per_corner=10, noise=0.1, seed=0)
    run = widgets.TrainingRun(X, y, hidden=4, activation="tanh", lr=0.5, epochs=100, frames=10)
    assert run.n_frames == 11 and run.frame_epochs[0] == 0 and run.frame_epochs[-1] == 100
    first = run.frame(0)
    assert first["epoch"] == 0 and first["losses"].shape == (1,)
    assert run.losses == [first["loss"]]  # nothing trained beyond frame 0 yet
    last = run.frame(10)
    assert last["losses"].shape == (101,) and last["loss"] < 0.7 * first["loss"]
    again = widgets.TrainingRun(X, y, hidden=4, activation="tanh", lr=0.5, epochs=100,
                                frames=10)
    np.testing.assert_array_equal(again.frame(10)["losses"], last["losses"])
    # an earlier frame is kept: going back does not retrain
    assert run.frame(5)["losses"].shape == (51,)
    # full-batch gradient descent by hand: the loss after one step equals a fresh net's
    # loss after one manual step
    net = widgets.TwoLayerNet(2, 4, 2, activation="tanh", seed=0)
    _, grads = net.loss(X, y)
    for k in net.params:
        net.params[k] -= 0.5 * grads[k]
    assert run.losses[1] == pytest.approx(net.loss(X, y)[0], rel=1e-12)


def test_training_explorer_animates_with_play():
    X, y = make_xor(n_per_corner=10, noise=0.1, seed=0)
    box = widgets.training_explorer(X, y, epochs=50, frames=10)
    (play,) = find(box, w.Play)
    assert play.value == play.max == 10 and play.interval <= 100  # >= 10 frames/s
    check_bundle(box)
    assert box.alt.startswith("Epoch 50 of 50:")
    end = png(box)
    play.value = 3
    assert box.alt.startswith("Epoch 15 of 50:") and png(box) != end
    play.value = 10
    assert png(box) == end  # the same frame is the same picture
    sliders = {s.description: s for s in find(box, w.IntSlider)}
    sliders["hidden units"].value = 3  # a new run starts from epoch 0 and plays
    assert play.value == 0 and box.alt.startswith("Epoch 0 of 50:") and play.playing
    assert "3 hidden units" in box.alt


def test_training_explorer_burst_ends_on_the_last_setting():
    X, y = make_xor(n_per_corner=10, noise=0.1, seed=0)
    box = widgets.training_explorer(X, y, epochs=50, frames=10)
    (play,) = find(box, w.Play)
    sliders = {s.description: s for s in find(box, w.IntSlider)}
    for hidden in (2, 9, 5):
        sliders["hidden units"].value = hidden
    for frame in (4, 9, 6):
        play.value = frame
    fresh = widgets.training_explorer(X, y, hidden=5, epochs=50, frames=10)
    find(fresh, w.Play)[0].value = 6
    assert png(box) == png(fresh) and box.alt == fresh.alt


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
    check_bundle(box)
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


def test_gradient_flow_explorer_burst_ends_on_the_last_setting():
    # lecture 5 once kept an old picture after a burst: every redraw reads all controls
    box = widgets.gradient_flow_explorer(depth=4, width=16)
    (depth,) = find(box, w.IntSlider)
    (scale,) = find(box, w.FloatLogSlider)
    activation, init = find(box, w.Dropdown)
    for d, s in ((12, 0.5), (2, 3.0), (20, 0.01), (7, 1.0)):
        depth.value, scale.value = d, s
        activation.value = "relu" if d % 2 else "tanh"
    init.value = "he"
    fresh = widgets.gradient_flow_explorer(depth=7, activation="relu", init="he",
                                           weight_scale=1.0, width=16)
    assert png(box) == png(fresh) and box.alt == fresh.alt


# ---- descent and Jacobian explorers ------------------------------------------------
def test_descent_explorer_shows_divergence_above_the_stability_limit():
    box = widgets.descent_explorer(lr=0.05, steps=30)
    check_bundle(box)
    assert "the loss falls" in box.alt
    rate = next(s for s in find(box, w.FloatSlider) if s.description == "learning rate")
    before = png(box)
    rate.value = 0.21  # above 2 / 10, the bowl's largest curvature
    assert "diverges" in box.alt and png(box) != before
    rate.value = 0.15
    assert "the loss falls" in box.alt


def test_jacobian_map_explorer_moves_the_grid():
    f = lambda x: np.array([x[0] * x[1], x[0] + np.sin(x[1])])  # noqa: E731
    jac = lambda x: np.array([[x[1], x[0]], [1.0, np.cos(x[1])]])  # noqa: E731
    box = widgets.jacobian_map_explorer(f, jac, point=(1.0, 0.5), radius=0.5)
    check_bundle(box)
    before, alt = png(box), box.alt
    radius = next(s for s in find(box, w.FloatSlider) if s.description == "radius")
    radius.value = 0.1
    assert png(box) != before and box.alt != alt
    assert "half-width 0.1 " in box.alt
    with pytest.raises(ValueError, match=r"jac does not match f: at x = \(1, 0.5\) entry "
                                         r"\[1, 1\]"):
        widgets.jacobian_map_explorer(f, lambda x: np.array([[x[1], x[0]], [1.0, 1.0]]))


@pytest.mark.parametrize("build", ["chain", "stepper", "circuit", "flow", "descent"])
def test_every_slider_is_live(build):
    X, y = make_xor()
    box = {"chain": lambda: widgets.chain_rule_explorer(),
           "stepper": lambda: widgets.graph_stepper(xyz()),
           "circuit": lambda: widgets.circuit_explorer(xyz, x=1.0, y=2.0, z=3.0),
           "flow": lambda: widgets.gradient_flow_explorer(depth=2, width=8),
           "descent": lambda: widgets.descent_explorer()}[build]()
    assert all(s.continuous_update for s in live_sliders(box))


# ---- utils.live ---------------------------------------------------------------------
def test_png_bytes_round_trip():
    from PIL import Image

    from utils.live import png_bytes

    rgba = np.zeros((5, 7, 4), dtype=np.uint8)
    rgba[..., 0] = np.arange(7) * 30
    rgba[..., 3] = 255
    decoded = np.asarray(Image.open(__import__("io").BytesIO(png_bytes(rgba))).convert("RGBA"))
    np.testing.assert_array_equal(decoded, rgba)


def test_live_figure_blits_after_the_first_draw():
    from utils.live import LiveFigure

    live = LiveFigure((3, 2))
    ax = live.figure.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    (line,) = ax.plot([0, 1], [0, 0])
    live.animate(line)
    live.refresh()
    first = live.image.value
    line.set_data([0, 1], [0, 1])
    live.refresh()
    assert live.image.value != first and live.full_draws == 1 and len(live.times) == 2
    live.invalidate()
    live.refresh()
    assert live.full_draws == 2
