"""Tests for utils.plotting and utils.graph: what is drawn, and the circuits' gradients.

Expected numbers are worked out by hand or with HIPS autograd, never read
from the code under test.
"""

import math

import matplotlib

matplotlib.use("Agg")

import autograd
import autograd.numpy as anp
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet

from utils import gates
from utils.autodiff import Value
from utils.graph import Circuit, graph_layout, sigmoid_neuron_circuit
from utils.plotting import (GRAD_COLOR, VALUE_COLOR, draw_graph, plot_activation_histograms,
                            plot_decision_boundary, plot_function_and_derivative,
                            plot_gradient_norms, plot_losses)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def xyz_graph(backward=True):
    """f = (x + y) z at x = -2, y = 5, z = -4 (the lecture's example)."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    f = (x + y) * z
    if backward:
        f.backward()
    return f


def texts(ax, prefix=""):
    """{gid: text} of the axes' texts whose gid starts with prefix."""
    return {t.get_gid(): t.get_text() for t in ax.texts
            if t.get_gid() and t.get_gid().startswith(prefix)}


def node_id(layout, text):
    (match,) = [n.id for n in layout.nodes if n.text == text]
    return match


# ---- draw_graph on a Value --------------------------------------------------------
def test_draw_graph_shows_labels_values_and_gradients_of_xyz():
    f = xyz_graph()
    ax = draw_graph(f, title="f = (x + y) z")
    shown = [t.get_text() for t in ax.texts]
    for label in ("x", "y", "z", "+", "×"):
        assert label in shown
    layout = graph_layout(f)
    # by hand: q = x + y = 3, f = q z = -12; df/dx = df/dy = z = -4, df/dz = q = 3
    expected_values = {"x": "-2", "y": "5", "z": "-4", "+": "3", "×": "-12"}
    expected_grads = {"x": "-4", "y": "-4", "z": "3", "+": "-4", "×": "1"}
    for text, value in expected_values.items():
        assert texts(ax)[f"value-{node_id(layout, text)}"] == value
    for text, grad in expected_grads.items():
        assert texts(ax)[f"grad-{node_id(layout, text)}"] == grad
    assert ax.get_title() == "f = (x + y) z"
    assert not ax.axison


def test_value_and_gradient_colours():
    ax = draw_graph(xyz_graph())
    colours = {t.get_gid().split("-")[0]: matplotlib.colors.to_hex(t.get_color())
               for t in ax.texts if t.get_gid().startswith(("value", "grad"))}
    assert colours == {"value": VALUE_COLOR, "grad": GRAD_COLOR}


def test_values_above_and_gradients_below_their_node():
    f = xyz_graph()
    ax = draw_graph(f)
    layout = graph_layout(f)
    for n in layout.nodes:
        value = next(t for t in ax.texts if t.get_gid() == f"value-{n.id}")
        grad = next(t for t in ax.texts if t.get_gid() == f"grad-{n.id}")
        assert value.get_position()[1] > n.y > grad.get_position()[1]


def test_reveal_hides_what_is_not_listed():
    f = xyz_graph()
    ids = graph_layout(f).ids
    ax = draw_graph(f, reveal=(set(ids), set()))
    assert len(texts(ax, "value-")) == 5 and texts(ax, "grad-") == {}
    plt.close("all")
    ax = draw_graph(f, reveal=({ids[0]}, {ids[-1]}))
    assert list(texts(ax, "value-")) == [f"value-{ids[0]}"]
    assert list(texts(ax, "grad-")) == [f"grad-{ids[-1]}"]
    labels = texts(ax, "label-")
    assert len(labels) == 5  # every node keeps its label


def test_show_flags_turn_off_values_or_gradients():
    ax = draw_graph(xyz_graph(), show_grads=False)
    assert texts(ax, "grad-") == {} and len(texts(ax, "value-")) == 5
    ax = draw_graph(xyz_graph(), show_values=False)
    assert texts(ax, "value-") == {} and len(texts(ax, "grad-")) == 5


def test_no_gradients_drawn_before_backward():
    ax = draw_graph(xyz_graph(backward=False))
    assert texts(ax, "grad-") == {}
    assert "-12" in texts(ax, "value-").values()


def test_draw_graph_on_given_axes_returns_them():
    fig, ax = plt.subplots()
    assert draw_graph(xyz_graph(), ax=ax) is ax


def test_draw_graph_rejects_bad_input():
    with pytest.raises(TypeError, match="draw_graph: graph must be"):
        draw_graph(3.0)
    with pytest.raises(TypeError, match="draw_graph: reveal must be a pair"):
        draw_graph(xyz_graph(), reveal={0, 1})


# ---- layout ----------------------------------------------------------------------
def test_layout_of_xyz_goes_left_to_right_without_overlaps():
    layout = graph_layout(xyz_graph())
    assert layout.ids == list(range(5))
    assert sorted((a, b) for a, b in layout.edges) == sorted(
        [(node_id(layout, "x"), node_id(layout, "+")), (node_id(layout, "y"), node_id(layout, "+")),
         (node_id(layout, "+"), node_id(layout, "×")), (node_id(layout, "z"), node_id(layout, "×"))])
    pos = {n.id: (n.x, n.y) for n in layout.nodes}
    assert all(pos[a][0] < pos[b][0] for a, b in layout.edges)
    assert len(set(pos.values())) == len(pos)
    assert layout.root == node_id(layout, "×")
    order = layout.ids
    assert all(order.index(a) < order.index(b) for a, b in layout.edges)


def test_layout_counts_shared_nodes_once_and_folds_constants():
    a, b = Value(3.0, "a"), Value(2.0, "b")
    out = (a - b) * a  # a - b is a + (b * -1): the -1 is folded into "×-1"
    layout = graph_layout(out)
    assert sorted(n.text for n in layout.nodes) == sorted(["a", "b", "×-1", "+", "×"])
    assert len(graph_layout(out, fold_constants=False).nodes) == 6
    ops = [n for n in layout.nodes if n.kind == "op"]
    assert all(n.y <= 0 for n in layout.nodes) and len(ops) == 3


def test_layout_of_a_single_leaf():
    layout = graph_layout(Value(1.5, "w"))
    assert [(n.text, n.kind) for n in layout.nodes] == [("w", "leaf")]
    assert layout.edges == []


def test_layout_rejects_other_objects():
    with pytest.raises(TypeError, match="graph_layout"):
        graph_layout([Value(1.0)])


# ---- Circuit ----------------------------------------------------------------------
def neuron(params):
    w0, w1, w2, x0, x1 = params
    return 1.0 / (1.0 + anp.exp(-(w0 * x0 + w1 * x1 + w2)))


@pytest.mark.parametrize("fused", [False, True])
def test_sigmoid_neuron_circuit_matches_autograd(fused):
    c = sigmoid_neuron_circuit(w=(2.0, -3.0, -3.0), x=(-1.0, -2.0), fused=fused)
    params = np.array([2.0, -3.0, -3.0, -1.0, -2.0])
    expected = autograd.grad(neuron)(params)
    got = [c.grads[k] for k in ("w0", "w1", "w2", "x0", "x1")]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert c.values[c.output] == pytest.approx(1 / (1 + math.exp(-1.0)))
    # by hand: sigma(1) (1 - sigma(1)) = 0.1966..., so dL/dw0 = x0 * 0.1966 = -0.197
    assert c.grads["w0"] == pytest.approx(-0.19661193, abs=1e-8)


def test_circuit_sums_gradients_at_a_fork():
    c = Circuit(x=3.0)
    c.add("sq", gates.MultiplyGate(), ["x", "x"]).add("out", gates.AddGate(), ["sq", "x"])
    assert c.forward() == 12.0
    assert c.backward()["x"] == 7.0  # d(x^2 + x)/dx = 2x + 1
    assert c.forward(x=-1.0) == 0.0 and c.backward(dout=2.0)["x"] == -2.0


def test_drawn_circuit_shows_the_primitive_gates_and_the_output():
    c = sigmoid_neuron_circuit()
    ax = draw_graph(c, title="neuron")
    shown = [t.get_text() for t in ax.texts]
    for text in ("w0", "x0", "w1", "x1", "w2", "×", "+", "×-1", "exp", "+1", "1/x"):
        assert text in shown
    assert texts(ax)["value-f"] == f"{1 / (1 + math.exp(-1)):.3g}"
    assert texts(ax)["grad-x1"] == f"{-3 * 0.19661193324:.3g}"  # w1 * sigma'(1)
    assert len(texts(ax, "label-")) == 13  # 5 inputs + 8 gates; constants are folded


def test_fused_circuit_draws_one_sigmoid_gate():
    ax = draw_graph(sigmoid_neuron_circuit(fused=True))
    assert [t.get_text() for t in ax.texts].count("σ") == 1
    assert "exp" not in [t.get_text() for t in ax.texts]


def test_circuit_validation():
    c = Circuit(x=1.0)
    with pytest.raises(ValueError, match="not a node"):
        c.add("a", gates.ExpGate(), ["nope"])
    with pytest.raises(ValueError, match="takes 2 input"):
        c.add("a", gates.AddGate(), ["x"])
    with pytest.raises(TypeError, match="utils.gates gate"):
        c.add("a", np.exp, ["x"])
    gate = gates.ExpGate()
    c.add("a", gate, ["x"])
    with pytest.raises(ValueError, match="already used"):
        c.add("b", gate, ["a"])
    with pytest.raises(ValueError, match="new non-empty string"):
        c.add("a", gates.ExpGate(), ["x"])
    with pytest.raises(RuntimeError, match="call forward"):
        Circuit(x=1.0).add("e", gates.ExpGate(), ["x"]).backward()
    with pytest.raises(TypeError, match="must be a real number"):
        Circuit(x="1")
    with pytest.raises(ValueError, match="not an input"):
        c.forward(y=2.0)


# ---- function, training and gradient plots ----------------------------------------
def test_plot_function_and_derivative():
    ax = plot_function_and_derivative(np.tanh, lambda x: 1 - np.tanh(x) ** 2, -3, 3,
                                      label="tanh")
    f_line, df_line = ax.get_lines()[:2]
    xs = f_line.get_xdata()
    assert xs[0] == -3 and xs[-1] == 3
    np.testing.assert_allclose(df_line.get_ydata(), 1 / np.cosh(xs) ** 2, rtol=1e-12)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tanh(x)", "tanh'(x)"]
    assert ax.get_xlabel() == "x" and ax.get_title()


def test_plot_function_accepts_scalar_only_functions():
    ax = plot_function_and_derivative(math.sin, math.cos, 0, 1, title="sin")
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), np.sin(line.get_xdata()))
    assert ax.get_title() == "sin"


def test_plot_function_validation():
    with pytest.raises(ValueError, match="x_min must be less than x_max"):
        plot_function_and_derivative(np.sin, np.cos, 1, 1)
    with pytest.raises(TypeError, match="df must be a function"):
        plot_function_and_derivative(np.sin, 2.0, 0, 1)


def test_plot_decision_boundary_draws_a_contour_and_the_points():
    X = np.array([[-1.0, 0.0], [-2.0, 1.0], [1.0, 0.5], [2.0, -1.0]])
    y = np.array([0, 0, 1, 1])
    ax = plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y, title="sign")
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    offsets = np.concatenate([c.get_offsets() for c in ax.collections
                              if not isinstance(c, ContourSet)])
    assert sorted(map(tuple, offsets)) == sorted(map(tuple, X))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "sign"


def test_plot_decision_boundary_validation():
    X, y = np.zeros((3, 2)), np.zeros(3, dtype=int)
    with pytest.raises(ValueError, match="2 columns"):
        plot_decision_boundary(lambda P: P[:, 0], np.zeros((3, 3)), y)
    with pytest.raises(ValueError, match="one label per row"):
        plot_decision_boundary(lambda P: P, X, y)
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        plot_decision_boundary(lambda P: P[:, 0], X, [0, 1])


def test_plot_losses():
    ax = plot_losses({"lr 0.1": [1.0, 0.5, 0.25], "lr 1": [1.0, 0.1, 0.01]}, log=True)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["lr 0.1", "lr 1"]
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert plot_losses({"a": [1.0, 2.0]}).get_yscale() == "linear"
    with pytest.raises(TypeError, match="plot_losses: histories"):
        plot_losses([1.0, 2.0])


def test_plot_gradient_norms():
    ax = plot_gradient_norms({"tanh": [1e-6, 1e-3, 1.0], "relu": [0.5, 0.6, 0.7]},
                             title="norms")
    assert ax.get_yscale() == "log" and ax.get_title() == "norms"
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert len(ax.get_legend().get_texts()) == 2
    assert plot_gradient_norms({"a": [1, 2]}, log=False).get_yscale() == "linear"


def test_plot_gradient_norms_nearly_equal_norms_look_flat():
    ax = plot_gradient_norms({"flat": [6e-12, 8e-12, 7e-12]})
    low, high = ax.get_ylim()
    assert np.log10(high / low) >= 2 - 1e-9 and low < 6e-12 and high > 8e-12


def test_plot_activation_histograms_one_per_layer():
    rng = np.random.default_rng(0)
    acts = [np.tanh(rng.normal(size=(50, 8)) * s) for s in (2.0, 1.0, 0.1)]
    ax = plot_activation_histograms(acts, title="acts")
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 1", "layer 2",
                                                                   "layer 3"]
    plt.close("all")
    ax = plot_activation_histograms(acts, layers=[1, 3])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 1", "layer 3"]
    with pytest.raises(ValueError, match="layers must lie in 1..3"):
        plot_activation_histograms(acts, layers=[4])
    with pytest.raises(TypeError, match="non-empty list"):
        plot_activation_histograms(np.zeros((3, 3)))


def test_a_labelled_operation_keeps_its_symbol_and_folded_constant():
    from utils.autodiff import Value
    from utils.graph import graph_layout

    x = Value(3.0, "x")
    a = x + 1
    a.label = "a"
    texts = [n.text for n in graph_layout(a * x).nodes]
    assert "a\n+1" in texts and "x" in texts


# ---- accessibility: palette, alt texts, show, font sizes ----------------------------
from utils import figures, plotting  # noqa: E402


def smallest_font(fig):
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes)


def test_palette_is_okabe_ito_and_values_differ_from_gradients():
    okabe = plotting.OKABE_ITO
    assert okabe["blue"] == "#0072b2" and okabe["vermillion"] == "#d55e00"
    assert len(set(plotting.PALETTE)) == 8 and set(plotting.PALETTE) == set(okabe.values())
    assert (VALUE_COLOR, GRAD_COLOR) == (okabe["blue"], okabe["vermillion"])


def test_gradients_are_framed_and_italic_values_are_not():
    ax = draw_graph(xyz_graph())
    for t in ax.texts:
        if t.get_gid().startswith("grad-"):
            assert t.get_fontstyle() == "italic" and t.get_bbox_patch().get_edgecolor()[3] > 0
        elif t.get_gid().startswith("value-"):
            assert t.get_fontstyle() == "normal"


@pytest.mark.parametrize("make", [
    lambda: draw_graph(xyz_graph()).figure,
    lambda: draw_graph(sigmoid_neuron_circuit()).figure,
    lambda: plot_function_and_derivative(np.tanh, lambda x: 1 - np.tanh(x) ** 2, -3, 3).figure,
    lambda: plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int),
                                   np.array([[-1.0, 0], [1, 0]]), np.array([0, 1])).figure,
    lambda: plot_losses({"a": [1.0, 0.5]}).figure,
    lambda: plot_gradient_norms({"a": [1e-3, 1.0]}).figure,
    lambda: plot_activation_histograms([np.arange(10.0)]).figure,
    lambda: figures.jacobian_map_figure(None, np.eye(2)),
    lambda: figures.descent_figure(),
    lambda: figures.network_backward_figure(),
], ids=["graph", "circuit", "function", "boundary", "losses", "norms", "histograms",
        "jacobian", "descent", "network"])
def test_every_figure_has_an_alt_text_and_fonts_of_at_least_10pt(make):
    fig = make()
    alt = plotting.alt_text(fig)
    assert len(alt) > 30 and alt.endswith(".")
    assert smallest_font(fig) >= plotting.MIN_FONT_SIZE
    assert fig.get_figwidth() <= 11  # <= 1100 px at 100 dpi: not shrunk in a 1400 px window


def test_alt_texts_are_derived_from_the_data():
    assert plotting.describe_losses({"lr 0.1": [2.0, 0.5, 0.25]}) == (
        "Training loss per epoch; lr 0.1: loss goes from 2 to 0.25 in 3 epochs.")
    assert plotting.describe_gradient_norms({"tanh": [1e-6, 1e-3, 1.0]}) == (
        "Gradient norm per layer; tanh: 1e-06 at layer 1 and 1 at layer 3 (ratio 1e-06).")
    assert plotting.describe_graph(xyz_graph()) == (
        "A computational graph of 5 nodes with inputs x, y, z; its output is -12 and the "
        "gradients are dL/dx = -4, dL/dy = -4, dL/dz = 3.")
    acts = [np.array([-1.0, 1.0]), np.array([0.0, 0.2])]
    assert plotting.describe_activation_histograms(acts) == (
        "Histograms of activations; standard deviation layer 1 1, layer 2 0.1.")


def test_show_displays_png_with_alt_text(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    ax = plot_losses({"a": [1.0, 0.5]})
    plotting.show(ax.figure, "Loss falls from 1 to 0.5 in 2 epochs.")
    ((bundle, raw),) = shown
    assert raw and set(bundle) == {"image/png", "text/plain"}
    assert bundle["text/plain"] == "Loss falls from 1 to 0.5 in 2 epochs."
    import base64
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert plt.get_fignums() == []  # closed: the inline backend does not show it again
    fig = figures.descent_figure()
    assert plotting.figure_bundle(fig)["text/plain"] == plotting.alt_text(fig)  # default alt
    with pytest.raises(ValueError, match="give alt"):
        plotting.figure_bundle(plt.figure(), None)
    with pytest.raises(TypeError, match="Figure or Axes"):
        plotting.figure_bundle("not a figure", "alt")


def test_use_course_style_sets_palette_and_sizes():
    with matplotlib.rc_context():
        plotting.use_course_style()
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#0072b2"
        assert matplotlib.rcParams["xtick.labelsize"] >= plotting.MIN_FONT_SIZE


# ---- new pictures: Jacobian grid, descent, network backward ------------------------
def test_jacobian_grid_linear_image_and_area_factor():
    J = np.array([[2.0, 1.0], [0.0, 3.0]])
    grid = figures.jacobian_grid(None, J, point=(1.0, -1.0), radius=0.5, n_lines=3, n_points=5)
    assert len(grid["inputs"]) == 6 and grid["inputs"][0].shape == (5, 2)
    assert grid["det"] == pytest.approx(6.0) and grid["curved"] is None
    # the bottom horizontal line u2 = -1 maps to J (u1, -1)
    np.testing.assert_allclose(grid["linear"][0][-1], J @ [1.0, -1.0])
    np.testing.assert_allclose(grid["inputs"][0][0], [0.5, -1.5])


def test_jacobian_grid_curved_image_approaches_the_linear_one():
    f = lambda x: np.array([np.sin(x[0]) * x[1], x[0] ** 2])  # noqa: E731
    jac = lambda x: np.array([[np.cos(x[0]) * x[1], np.sin(x[0])], [2 * x[0], 0.0]])  # noqa: E731
    gaps = [figures.jacobian_grid(f, jac, (0.7, 1.2), r)["gap"] for r in (0.4, 0.2, 0.1)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[1] / gaps[2] == pytest.approx(2, rel=0.2)
    with pytest.raises(ValueError, match=r"entry \[1, 0\] \(d f_2 / d x_1\) is 0 but f's "
                                         r"slope there is 1.4"):
        figures.jacobian_grid(f, lambda x: np.array([[np.cos(x[0]) * x[1], np.sin(x[0])],
                                                     [0.0, 0.0]]), (0.7, 1.2))
    with pytest.raises(ValueError, match="2 x 2"):
        figures.jacobian_grid(None, np.eye(3))


def test_descent_path_on_the_bowl():
    # by hand: w <- w - lr * (w1, 10 w2), so each coordinate is multiplied by (1 - lr * c)
    result = figures.descent_path(figures.BOWL["grad"], (2.0, 1.0), 0.1, 5,
                                  loss=figures.BOWL["loss"])
    np.testing.assert_allclose(result["path"][-1], [2.0 * 0.9 ** 5, 0.0], atol=1e-12)
    assert result["path"].shape == (6, 2) and not result["diverged"]
    assert result["losses"][0] == pytest.approx(0.5 * (4 + 10))
    blown = figures.descent_path(figures.BOWL["grad"], (2.0, 1.0), 0.25, 200)
    assert blown["diverged"] and blown["steps"] < 200  # |1 - 0.25 * 10| = 1.5 > 1
    assert "diverges" in figures.describe_descent(
        figures.descent_path(figures.BOWL["grad"], (2.0, 1.0), 0.21, 30,
                             loss=figures.BOWL["loss"]), 0.21)
    with pytest.raises(ValueError, match="start must have 2 coordinates"):
        figures.descent_path(figures.BOWL["grad"], (1.0,), 0.1, 3)


def test_network_backward_matches_autograd():
    params = {"W1": np.array([[0.5, -1.0, 0.3], [0.8, 0.2, -0.6]]), "b1": np.array([0.1, 0.0, -0.2]),
              "W2": np.array([[1.0], [-0.5], [0.7]]), "b2": np.array([0.2])}
    x, t = np.array([1.0, -0.5]), 0.3

    def loss(p):
        W1, b1, W2, b2 = p
        h = anp.tanh(anp.dot(x, W1) + b1)
        return 0.5 * (anp.dot(h, W2)[0] + b2[0] - t) ** 2

    expected = autograd.grad(loss)([params[k] for k in ("W1", "b1", "W2", "b2")])
    net = figures.network_backward(x, t, params, activation="tanh")
    for got, want in zip((net["dW1"], net["db1"], net["dW2"], net["db2"]), expected):
        np.testing.assert_allclose(got, want, rtol=1e-10)
    assert net["loss"] == pytest.approx(loss([params[k] for k in ("W1", "b1", "W2", "b2")]))
    with pytest.raises(ValueError, match=r"params\['W1'\] must have shape \(2, 3\)"):
        figures.network_backward(x, t, {**params, "W1": np.zeros((3, 2))})


def test_network_backward_figure_edges_are_as_wide_as_the_gradients():
    fig = figures.network_backward_figure(activation="sigmoid", seed=1)
    net = figures.network_backward(activation="sigmoid", seed=1)
    (ax,) = fig.axes
    edges = {a.get_gid(): a.arrow_patch for a in ax.texts
             if isinstance(a, matplotlib.text.Annotation) and (a.get_gid() or "").startswith("edge-")}
    assert len(edges) == 9
    biggest = max(np.abs(net["dW1"]).max(), np.abs(net["dW2"]).max())
    for (i, j), g in np.ndenumerate(net["dW1"]):
        arrow = edges[f"edge-W1-{i + 1}-{j + 1}"]
        assert arrow.get_linewidth() == pytest.approx(0.8 + 7.0 * abs(g) / biggest)
        assert (arrow.get_linestyle() == "-") == (g >= 0)  # dashed when negative
    assert "2-3-1 network (sigmoid hidden units)" in plotting.alt_text(fig)
