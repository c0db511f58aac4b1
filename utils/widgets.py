"""Interactive explorers for the lectures (ipywidgets + matplotlib).

Each builder returns a widget to display as the last line of a cell. The
computation behind it is a plain function in this module, tested without
widgets: ``tangent_slopes``, ``graph_steps``, ``evaluate_graph``,
``train_two_layer`` and ``gradient_flow``. A builder draws its initial state
at once, and redraws whenever a control changes: the picture is rendered to
PNG and placed in an ``ipywidgets.Output`` (its ``outputs`` are replaced, so
it also works outside a running kernel).
"""

import base64
import io

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np

from utils import plotting
from utils.autodiff import Value
from utils.graph import Circuit, format_number, graph_layout
from utils.nets import MultiLayerNet, TwoLayerNet
from utils.validation import (check_array, check_choice, check_int, check_labels,
                              check_number, check_positive, describe)

__all__ = ["chain_rule_explorer", "tangent_slopes", "graph_stepper", "graph_steps",
           "circuit_explorer", "evaluate_graph", "training_explorer", "train_two_layer",
           "gradient_flow_explorer", "gradient_flow"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
FLOW_INITS = ("normal", "xavier", "he")


# ---- rendering ---------------------------------------------------------------
def _show(out, fig, text=""):
    """Replace the contents of Output ``out`` by ``fig`` as a PNG (and a line of text)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                      "text/plain": f"<Figure: {text or 'plot'}>"}}
    lines = [{"output_type": "stream", "name": "stdout", "text": text + "\n"}] if text else []
    out.outputs = (*lines, image)


def _check_callable(func, name, f):
    if not callable(f):
        raise TypeError(f"{func}: {name} must be a function, got {describe(f)}")


# ---- chain rule --------------------------------------------------------------
def tangent_slopes(x, f=np.sin, df=np.cos, g=np.square, dg=lambda t: 2 * t):
    """The chain rule at one point x for the composite y = f(g(x)).

    Returns a dict of floats: "x", "u" = g(x), "y" = f(u), "dg" = g'(x),
    "df" = f'(u) and "dy" = f'(g(x)) g'(x), the slope of f o g at x.
    Default: f = sin, g(x) = x**2, so y = sin(x**2).
    """
    func = "tangent_slopes"
    x = check_number(func, "x", x)
    for name, h in (("f", f), ("df", df), ("g", g), ("dg", dg)):
        _check_callable(func, name, h)
    u = float(g(x))
    slope_g, slope_f = float(dg(x)), float(df(u))
    return {"x": x, "u": u, "y": float(f(u)), "dg": slope_g, "df": slope_f,
            "dy": slope_f * slope_g}


def _tangent_panel(ax, h, at, value, slope, grid, title, xlabel):
    ax.plot(grid, [h(t) for t in grid], color="tab:blue", label="function")
    window = np.linspace(at - 0.7, at + 0.7, 2)
    ax.plot(window, value + slope * (window - at), color="tab:red", linewidth=2,
            label=f"tangent, slope {slope:.3g}")
    ax.plot([at], [value], "o", color="black")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=8)


def chain_rule_explorer(f=np.sin, df=np.cos, g=np.square, dg=lambda t: 2 * t,
                        x_range=(-2.5, 2.5), f_name="sin(u)", g_name="x²"):
    """A slider for x; shows the tangents of g at x, of f at u = g(x) and of f o g at x.

    The third slope equals the product of the first two (the chain rule).
    Defaults draw y = sin(x**2); pass f, df, g, dg (vectorised or scalar
    functions) and their names for another composite.
    """
    lo, hi = (check_number("chain_rule_explorer", "x_range", v) for v in x_range)
    slider = w.FloatSlider(value=round(lo + 0.7 * (hi - lo), 2), min=lo, max=hi, step=0.05,
                           description="x", continuous_update=False)
    out = w.Output()
    grid = np.linspace(lo, hi, 300)

    def redraw(_=None):
        s = tangent_slopes(slider.value, f, df, g, dg)
        u_grid = np.linspace(min(g(t) for t in grid), max(g(t) for t in grid), 300)
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
        _tangent_panel(axes[0], g, s["x"], s["u"], s["dg"], grid,
                       f"inner u = g(x) = {g_name}\ng'(x) = {s['dg']:.3f}", "x")
        _tangent_panel(axes[1], f, s["u"], s["y"], s["df"], u_grid,
                       f"outer f(u) = {f_name}\nf'(u) = {s['df']:.3f} at u = {s['u']:.3f}", "u")
        _tangent_panel(axes[2], lambda t: f(g(t)), s["x"], s["y"], s["dy"], grid,
                       f"composite f(g(x))\nslope = f'(u) g'(x) = {s['df']:.3f} × "
                       f"{s['dg']:.3f} = {s['dy']:.3f}", "x")
        fig.tight_layout()
        _show(out, fig, f"x = {s['x']:.2f}: (f o g)'(x) = {s['df']:.4f} * {s['dg']:.4f} "
                        f"= {s['dy']:.4f}")

    slider.observe(redraw, names="value")
    redraw()
    return w.VBox([slider, out])


# ---- graphs: stepping and exploring -------------------------------------------
def graph_steps(root):
    """Reveal states for stepping through a forward then a backward pass.

    root: a Value or a Circuit. Returns a list of 2 n pairs (ids whose
    values are shown, ids whose gradients are shown), n = number of drawn
    nodes: first the values appear one node at a time in topological order
    (inputs first), then the gradients one node at a time in reverse order
    (output first). Pass a state as ``draw_graph(root, reveal=state)``.
    """
    ids = graph_layout(root).ids
    forward = [(frozenset(ids[:k + 1]), frozenset()) for k in range(len(ids))]
    backward = [(frozenset(ids), frozenset(ids[::-1][:k + 1])) for k in range(len(ids))]
    return forward + backward


def _step_text(layout, k):
    """One sentence about step k of graph_steps."""
    n = len(layout.nodes)
    if k < n:
        node = layout.nodes[k]
        return f"forward {k + 1}/{n}: {node.text} = {format_number(node.value)}"
    node = layout.nodes[2 * n - 1 - k]
    return f"backward {k + 1 - n}/{n}: dL/d({node.text}) = {format_number(node.grad)}"


def evaluate_graph(build, **inputs):
    """Call build(**inputs) and backpropagate; returns the Value or Circuit with grads filled.

    build must return a Value (its ``backward`` is called) or a Circuit (its
    ``forward`` and ``backward`` are called).
    """
    _check_callable("evaluate_graph", "build", build)
    root = build(**inputs)
    if isinstance(root, Value):
        root.backward()
    elif isinstance(root, Circuit):
        root.forward()
        root.backward()
    else:
        raise TypeError(f"evaluate_graph: build must return a utils.autodiff.Value or a "
                        f"Circuit, got {describe(root)}")
    return root


def graph_stepper(root):
    """Step through the forward then the backward pass of ``root`` on its graph drawing.

    root: a Value (its backward is run) or a Circuit (forward and backward
    are run). A step slider and Back/Next buttons choose the state of
    ``graph_steps(root)``.
    """
    root = evaluate_graph(lambda: root)
    layout, steps = graph_layout(root), graph_steps(root)
    slider = w.IntSlider(value=0, min=0, max=len(steps) - 1, description="step")
    back, forward = w.Button(description="◀ back"), w.Button(description="next ▶")
    out = w.Output()

    def redraw(_=None):
        ax = plotting.draw_graph(root, reveal=steps[slider.value],
                                 title=_step_text(layout, slider.value))
        _show(out, ax.figure)

    back.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
    forward.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
    slider.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([back, forward, slider]), out])


def circuit_explorer(build, **initial_inputs):
    """Sliders for the named inputs of build(**inputs) -> Value or Circuit; redraws its graph.

    Each slider spans [-5, 5] (wider if the initial value lies outside).
    The drawing shows every value (green) and gradient (red).
    """
    _check_callable("circuit_explorer", "build", build)
    if not initial_inputs:
        raise ValueError("circuit_explorer: give the initial inputs as keywords, "
                         "e.g. circuit_explorer(build, x=-2.0, y=5.0)")
    sliders = {}
    for name, v in initial_inputs.items():
        v = check_number("circuit_explorer", name, v)
        sliders[name] = w.FloatSlider(value=v, min=min(-5.0, v), max=max(5.0, v), step=0.1,
                                      description=name, continuous_update=False)
    out = w.Output()

    def redraw(_=None):
        inputs = {name: s.value for name, s in sliders.items()}
        root = evaluate_graph(build, **inputs)
        value = root.data if isinstance(root, Value) else root.values[root.output]
        text = ", ".join(f"{k} = {v:.2f}" for k, v in inputs.items())
        ax = plotting.draw_graph(root, title=f"{text}  ->  output {format_number(value)}")
        _show(out, ax.figure)

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox(list(sliders.values()), layout=w.Layout(flex_flow="row wrap")), out])


# ---- training a two-layer network -----------------------------------------------
def train_two_layer(X, y, hidden=8, activation="relu", lr=0.5, epochs=200, seed=0,
                    callback=None):
    """Train a TwoLayerNet (softmax output, He init) on (X (N, D), y (N,)) by full-batch GD.

    Returns (net, history) with history {"loss": [...], "accuracy": [...]} per
    epoch. callback(epoch, history) runs after each epoch.
    """
    func = "train_two_layer"
    X = check_array(func, "X", X, ndim=2)
    y = check_labels(func, "y", y, X.shape[0])
    hidden = check_int(func, "hidden", hidden, minimum=1)
    check_choice(func, "activation", activation, set(ACTIVATIONS))
    net = TwoLayerNet(X.shape[1], hidden, int(y.max()) + 1 if y.size else 1,
                      activation=activation, seed=seed)
    history = net.train(X, y, lr=check_positive(func, "lr", lr),
                        epochs=check_int(func, "epochs", epochs, minimum=1),
                        seed=seed, callback=callback)
    return net, history


def training_explorer(X, y, hidden=8, activation="relu", lr=0.5, epochs=200):
    """Controls for hidden size, activation, learning rate, epochs and seed; a Train button.

    Trains once at once with the given defaults, again on Train and whenever
    a control changes, with a progress bar. Shows the loss curve and, for
    2-D inputs, the decision boundary.
    """
    X = check_array("training_explorer", "X", X, ndim=2)
    y = check_labels("training_explorer", "y", y, X.shape[0])
    style = dict(continuous_update=False, style={"description_width": "initial"})
    controls = {
        "hidden": w.IntSlider(value=hidden, min=1, max=64, description="hidden units", **style),
        "activation": w.Dropdown(options=ACTIVATIONS, value=activation,
                                 description="activation"),
        "lr": w.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1,
                               description="learning rate", **style),
        "epochs": w.IntSlider(value=epochs, min=10, max=2000, step=10, description="epochs",
                              **style),
        "seed": w.IntSlider(value=0, min=0, max=9, description="seed", **style),
    }
    button = w.Button(description="Train", button_style="primary")
    progress = w.IntProgress(value=0, min=0, max=1, description="progress")
    out = w.Output()

    def on_epoch(epoch, history):
        if epoch % max(1, progress.max // 40) == 0 or epoch + 1 == progress.max:
            progress.value = epoch + 1

    def run(_=None):
        settings = {name: c.value for name, c in controls.items()}
        progress.max, progress.value = settings["epochs"], 0
        net, history = train_two_layer(X, y, callback=on_epoch, **settings)
        two_d = X.shape[1] == 2
        fig, axes = plt.subplots(1, 2 if two_d else 1, figsize=(10.5 if two_d else 5.5, 4))
        axes = np.atleast_1d(axes)
        plotting.plot_losses({f"{settings['activation']}, {settings['hidden']} hidden":
                              history["loss"]}, ax=axes[0], title="training loss")
        if two_d:
            plotting.plot_decision_boundary(net.predict, X, y, ax=axes[1],
                                            title=f"decision boundary, accuracy "
                                                  f"{history['accuracy'][-1]:.0%}")
        fig.tight_layout()
        _show(out, fig, f"final loss {history['loss'][-1]:.4f}, "
                        f"accuracy {history['accuracy'][-1]:.1%}")

    button.on_click(run)
    for c in controls.values():
        c.observe(run, names="value")
    run()
    rows = [w.HBox(list(controls.values())[:3]), w.HBox([*list(controls.values())[3:], button,
                                                         progress])]
    return w.VBox([*rows, out])


# ---- gradient flow through a deep network -----------------------------------------
def gradient_flow(depth=10, width=64, activation="tanh", init="normal", weight_scale=0.01,
                  seed=0, n_samples=256, n_classes=10):
    """One forward and backward pass of a deep MultiLayerNet on random data.

    depth hidden layers of ``width`` units, softmax over ``n_classes``;
    inputs (n_samples, width) standard normal, random labels, all from
    ``seed``. weight_scale is the std for init "normal" and a factor on the
    scheme's weights for "xavier" and "he". Returns {"grad_norms": list of
    depth + 1 floats ||dL/dW_l|| (layer 1 first), "activations": list of
    depth arrays (n_samples, width), "loss": float}.
    """
    func = "gradient_flow"
    depth = check_int(func, "depth", depth, minimum=1)
    width = check_int(func, "width", width, minimum=1)
    check_choice(func, "init", init, set(FLOW_INITS))
    rng = np.random.default_rng(check_int(func, "seed", seed))
    n_samples = check_int(func, "n_samples", n_samples, minimum=1)
    n_classes = check_int(func, "n_classes", n_classes, minimum=2)
    net = MultiLayerNet([width] * (depth + 1) + [n_classes], activation=activation, init=init,
                        weight_scale=check_positive(func, "weight_scale", weight_scale),
                        seed=seed, scale_after_init=init != "normal")
    X = rng.standard_normal((n_samples, width))
    loss, _ = net.loss(X, rng.integers(0, n_classes, n_samples))
    return {"grad_norms": list(net.grad_norms), "activations": net.activations[1:],
            "loss": float(loss)}


def _spread_layers(depth, count=5):
    """Up to ``count`` layer numbers from 1 to depth, evenly spread."""
    return sorted(set(np.linspace(1, depth, min(count, depth)).round().astype(int).tolist()))


def gradient_flow_explorer(depth=10, activation="tanh", init="normal", weight_scale=0.01,
                           width=64):
    """Controls for depth, activation, init and weight scale of a deep net (width 64).

    Shows ||dL/dW|| per layer (log scale) and histograms of a few hidden
    layers' activations, from ``gradient_flow``.
    """
    style = dict(continuous_update=False, style={"description_width": "initial"})
    controls = {
        "depth": w.IntSlider(value=depth, min=1, max=30, description="hidden layers", **style),
        "activation": w.Dropdown(options=ACTIVATIONS, value=activation,
                                 description="activation"),
        "init": w.Dropdown(options=FLOW_INITS, value=init, description="init"),
        "weight_scale": w.FloatLogSlider(value=weight_scale, base=10, min=-3, max=1, step=0.1,
                                         description="weight scale", readout_format=".3g",
                                         **style),
    }
    out = w.Output()

    def redraw(_=None):
        s = {name: c.value for name, c in controls.items()}
        flow = gradient_flow(width=width, **s)
        label = f"{s['activation']}, {s['init']} init, scale {s['weight_scale']:.3g}"
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        plotting.plot_gradient_norms({label: flow["grad_norms"]}, ax=axes[0])
        plotting.plot_activation_histograms(flow["activations"], ax=axes[1],
                                            layers=_spread_layers(s["depth"]))
        fig.tight_layout()
        norms, stds = flow["grad_norms"], [a.std() for a in flow["activations"]]
        _show(out, fig, f"||dL/dW||: layer 1 {norms[0]:.3g}, output layer {norms[-1]:.3g}; "
                        f"activation std: layer 1 {stds[0]:.3g}, layer {s['depth']} "
                        f"{stds[-1]:.3g}")

    for c in controls.values():
        c.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox(list(controls.values())[:2]), w.HBox(list(controls.values())[2:]),
                   out])
