"""Interactive explorers for the lectures (ipywidgets + matplotlib, live while dragging).

Each builder returns an ``utils.live.Explorer`` (a VBox) to display as the
last line of a cell. The computation behind it is a plain function tested
without widgets: ``tangent_slopes`` and ``derivative_mismatch``,
``graph_walk``/``graph_steps``, ``evaluate_graph``, ``TrainingRun`` and
``train_two_layer``, ``gradient_flow``, ``descent_path``, ``jacobian_grid``.

Live: sliders send their value while dragged (``continuous_update=True``);
each change updates the artists of one figure that is kept (``set_data``)
and blits them into an image (``utils.live.LiveFigure``), a few tens of
milliseconds per redraw. Every redraw reads all the controls' current
values, so a burst of changes always ends on the picture of the last
setting. The training explorer animates with an ``ipywidgets.Play`` (play,
pause, stop) at 12 frames per second.

Displayed, an explorer's bundle also holds a PNG of its current picture and a
one-sentence text/plain description, so stored notebooks show the picture
without a kernel. ``explorer.alt`` is that sentence (also shown under the
picture), ``explorer.controls`` the controls by name.
"""

import ipywidgets as w
import numpy as np

from utils import optim, plotting
from utils.autodiff import Value
from utils.figures import (BOWL, _draw_descent, _draw_jacobian, _jacobian_limits,
                           _surface_defaults, describe_descent, describe_jacobian_map,
                           descent_figure, descent_path, jacobian_grid, jacobian_map_figure,
                           loss_surface, network_backward, network_backward_figure)
from utils.graph import Circuit, contributions, format_number, forward_order, graph_layout
from utils.live import Explorer, LiveFigure, wire
from utils.nets import MultiLayerNet, TwoLayerNet
from utils.plotting import (CLASS_MARKERS, COURSE_RC, GRAD_COLOR, OKABE_ITO, PALETTE,
                            evaluate_on_grid)
from utils.validation import (check_array, check_choice, check_int, check_labels,
                              check_number, check_positive, describe)

__all__ = ["chain_rule_explorer", "chain_rule_figure", "tangent_slopes",
           "derivative_mismatch", "graph_stepper", "graph_steps", "graph_walk",
           "circuit_explorer", "evaluate_graph", "training_explorer", "train_two_layer",
           "TrainingRun", "gradient_flow_explorer", "gradient_flow", "descent_explorer",
           "descent_figure", "descent_path", "jacobian_map_explorer", "jacobian_map_figure",
           "jacobian_grid", "network_backward", "network_backward_figure", "BOWL"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
FLOW_INITS = ("normal", "xavier", "he")
LIVE = dict(continuous_update=True, style={"description_width": "initial"})


def _check_callable(func, name, f):
    if not callable(f):
        raise TypeError(f"{func}: {name} must be a function, got {describe(f)}")


def _fmt(x):
    return format_number(float(x))


def _live_figure(figsize, ncols=1, margins=None):
    """A LiveFigure with ncols Axes; margins (subplots_adjust keywords) fix the layout
    whatever the data (else a tight layout is fixed at the first picture)."""
    import matplotlib as mpl

    live = LiveFigure(figsize, tight=margins is None)
    if margins:
        live.figure.subplots_adjust(**margins)
    with mpl.rc_context(COURSE_RC):
        axes = live.figure.subplots(1, ncols)
    return live, np.atleast_1d(axes)


def _freeze_limits(ax, xs, ys, pad=0.08):
    """Fix an Axes' limits to the data (so moving artists never rescale it)."""
    ys = np.asarray(ys, dtype=float)
    ys = ys[np.isfinite(ys)]
    lo, hi = (ys.min(), ys.max()) if ys.size else (-1.0, 1.0)
    span = hi - lo or 1.0
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(lo - pad * span, hi + pad * span)


# ---- chain rule --------------------------------------------------------------
def _square_grad(t):
    return 2 * t


def _sin_grad(u):
    return np.cos(u)


def tangent_slopes(x, f=np.sin, df=_sin_grad, g=np.square, dg=_square_grad):
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


def _function_name(h, fallback):
    name = getattr(h, "__name__", "")
    return name if name and name != "<lambda>" else fallback


def derivative_mismatch(fn, dfn, points, name="g", dname="dg", variable="x", step=1e-5,
                        rtol=1e-4, func="chain_rule_explorer"):
    """None when dfn matches fn's central difference at every point, else one sentence.

    The sentence names dname, the point, both numbers and fn's name, e.g.
    "chain_rule_explorer: dg is not the derivative of g = sin: at x = 0.5,
    dg gives 1 but the slope of sin there is 0.878 (central difference)."
    Points where fn or dfn is undefined or not finite are skipped.
    """
    label = _function_name(fn, name)
    for x in np.asarray(points, dtype=float).ravel():
        try:
            with np.errstate(all="ignore"):
                numeric = (float(fn(x + step)) - float(fn(x - step))) / (2 * step)
                given = float(dfn(x))
        except (ValueError, ZeroDivisionError, OverflowError, FloatingPointError):
            continue
        if not (np.isfinite(numeric) and np.isfinite(given)):
            continue
        if abs(given - numeric) > rtol * (1 + abs(numeric)):
            return (f"{func}: {dname} is not the derivative of {name}"
                    f"{' = ' + label if label != name else ''}: at {variable} = {x:.3g}, "
                    f"{dname} gives {given:.4g} but the slope of {label} there is "
                    f"{numeric:.4g} (central difference).")
    return None


def _check_chain_rule(f, df, g, dg, lo, hi):
    points = lo + (hi - lo) * np.array([0.07, 0.19, 0.33, 0.46, 0.58, 0.71, 0.84, 0.93])
    problem = derivative_mismatch(g, dg, points, "g", "dg", "x")
    if problem is None:
        us = [float(g(x)) for x in points]
        problem = derivative_mismatch(f, df, us, "f", "df", "u")
        default = df is _sin_grad and f is not np.sin
    else:
        default = dg is _square_grad and g is not np.square
    if problem:
        if default:
            which = "df" if problem.startswith("chain_rule_explorer: df") else "dg"
            default_text = ("cos, the derivative of sin" if which == "df"
                            else "2x, the derivative of x²")
            problem += (f" You passed {'f' if which == 'df' else 'g'} but not {which}, so "
                        f"{which} is still the default {default_text}; pass {which}=..., "
                        f"the derivative of your function.")
        raise ValueError(problem)


def _chain_rule_parts(fig_axes, f, df, g, dg, x_range, f_name, g_name):
    """Draw the three panels; returns update(x) -> (slopes, alt) moving the tangents."""
    axes = fig_axes
    lo, hi = x_range
    grid = np.linspace(lo, hi, 300)
    g_vals = evaluate_on_grid(g, grid)
    finite = g_vals[np.isfinite(g_vals)]
    u_lo, u_hi = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
    if u_hi - u_lo < 1e-9:
        u_lo, u_hi = u_lo - 1, u_hi + 1
    u_grid = np.linspace(u_lo, u_hi, 300)
    curves = [(grid, g_vals, f"g(x) = {g_name}", "x"),
              (u_grid, evaluate_on_grid(f, u_grid), f"f(u) = {f_name}", "u"),
              (grid, evaluate_on_grid(f, g_vals), "f(g(x))", "x")]
    moving = []
    for ax, (xs, ys, label, var) in zip(axes, curves):
        ax.plot(xs, ys, color=PALETTE[0], linewidth=1.8, label=label)
        tangent, = ax.plot([], [], "--", color=PALETTE[3], linewidth=2.2, label="tangent")
        point, = ax.plot([], [], "o", color="black", markersize=6)
        _freeze_limits(ax, xs, ys)
        ax.set_xlabel(var)
        ax.set_ylabel(label.split(" = ")[0])
        moving.append((ax, tangent, point, (xs[-1] - xs[0]) * 0.14))

    titles = [f"inner: u = g(x) = {g_name}", f"outer: f(u) = {f_name}",
              "composite: f(g(x))"]
    readouts = []
    for ax, title in zip(axes, titles):
        ax.set_title(title)
        readouts.append(ax.text(0.03, 0.95, "", transform=ax.transAxes, ha="left", va="top",
                                fontsize=11, bbox=dict(facecolor="white", alpha=0.9,
                                                       edgecolor="none", pad=1)))

    def update(x):
        s = tangent_slopes(x, f, df, g, dg)
        where = [(s["x"], s["u"], s["dg"]), (s["u"], s["y"], s["df"]),
                 (s["x"], s["y"], s["dy"])]
        texts = [f"g'(x) = {s['dg']:.3f}", f"f'(u) = {s['df']:.3f}",
                 f"slope {s['df']:.3f} × {s['dg']:.3f} = {s['dy']:.3f}"]
        for (ax, tangent, point, half), (at, value, slope), text, readout in zip(
                moving, where, texts, readouts):
            xs = np.array([at - half, at + half])
            tangent.set_data(xs, value + slope * (xs - at))
            point.set_data([at], [value])
            readout.set_text(text)
        alt = (f"At x = {s['x']:.2f}: g'(x) = {s['dg']:.3f}, f'(u) = {s['df']:.3f} at "
               f"u = g(x) = {s['u']:.3f}, and the slope of f(g(x)) is their product "
               f"{s['dy']:.3f} (dashed tangents).")
        return s, alt

    artists = [a for _, t, p, _ in moving for a in (t, p)] + readouts
    return update, artists


def _chain_rule_setup(func, f, df, g, dg, x_range, f_name, g_name):
    for name, h in (("f", f), ("df", df), ("g", g), ("dg", dg)):
        _check_callable(func, name, h)
    lo, hi = (check_number(func, "x_range", v) for v in x_range)
    if not lo < hi:
        raise ValueError(f"{func}: x_range must be (low, high) with low < high, got "
                         f"{x_range!r}")
    _check_chain_rule(f, df, g, dg, lo, hi)
    f_name = f_name or ("sin(u)" if f is np.sin else f"{_function_name(f, 'f')}(u)")
    g_name = g_name or ("x²" if g is np.square else f"{_function_name(g, 'g')}(x)")
    return lo, hi, f_name, g_name


def chain_rule_figure(x=1.0, f=np.sin, df=_sin_grad, g=np.square, dg=_square_grad,
                      x_range=(-2.5, 2.5), f_name=None, g_name=None):
    """The chain rule at x as a static Figure (the picture chain_rule_explorer animates)."""
    import matplotlib.pyplot as plt

    lo, hi, f_name, g_name = _chain_rule_setup("chain_rule_figure", f, df, g, dg, x_range,
                                               f_name, g_name)
    with plt.rc_context(COURSE_RC):
        fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
    update, _ = _chain_rule_parts(axes, f, df, g, dg, (lo, hi), f_name, g_name)
    _, alt = update(check_number("chain_rule_figure", "x", x))
    fig.tight_layout()
    plotting.set_alt(fig, alt)
    return fig


def chain_rule_explorer(f=np.sin, df=_sin_grad, g=np.square, dg=_square_grad,
                        x_range=(-2.5, 2.5), f_name=None, g_name=None, x=None):
    """A slider for x; shows the tangents of g at x, of f at u = g(x) and of f o g at x.

    The third slope equals the product of the first two (the chain rule).
    Defaults draw y = sin(x**2); pass f, df, g, dg (vectorised or scalar
    functions) and optionally their names for another composite. df and dg
    are checked against central differences of f and g first: a wrong or
    forgotten derivative raises a ValueError naming it, e.g.
    ``chain_rule_explorer(np.exp, np.exp, np.sin)`` (dg left at the default
    2x) says that dg is not the derivative of g = sin.
    """
    func = "chain_rule_explorer"
    lo, hi, f_name, g_name = _chain_rule_setup(func, f, df, g, dg, x_range, f_name, g_name)
    start = round(lo + 0.7 * (hi - lo), 2) if x is None else check_number(func, "x", x)
    slider = w.FloatSlider(value=start, min=lo, max=hi, step=0.01, description="x", **LIVE)
    live, axes = _live_figure((11, 3.8), 3)
    update, artists = _chain_rule_parts(axes, f, df, g, dg, (lo, hi), f_name, g_name)
    live.animate(*artists)
    explorer = Explorer([slider], live, {"x": slider})

    def redraw():
        _, alt = update(slider.value)
        live.refresh()
        explorer.set_alt(alt)

    wire(explorer, redraw, [slider])()
    return explorer


# ---- graphs: stepping and exploring -------------------------------------------
def _plain(text):
    """A node's label for a sentence: no mathtext markup, one line."""
    return " ".join(text.replace("$", "").replace("{", "").replace("}", "").split())


def graph_walk(root):
    """The steps of graph_stepper: step 0, the forward pass, then the backward pass.

    root: a Value or Circuit whose values and gradients are computed (see
    ``evaluate_graph``). Returns a list of 2 n + 1 dicts (n = drawn nodes):
    "values" and "grads" (frozensets of node ids shown), "node" (the id
    updated at this step, None at step 0), "phase" ("start", "forward",
    "backward"), "consumers" (ids whose gradients feed this node, backward
    only) and "text", one sentence. Step 0 shows nothing yet. The forward
    pass follows ``utils.graph.forward_order`` (first input first); the
    backward pass the reverse topological order ``backward`` uses (output
    first), each step saying "local x upstream = contribution" for every use
    of the node.
    """
    layout = graph_layout(root)
    by_id = {n.id: n for n in layout.nodes}
    order, n = forward_order(layout), len(layout.nodes)
    backward = list(reversed(layout.ids))
    name = {i: _plain(by_id[i].text) for i in layout.ids}
    steps = [{"values": frozenset(), "grads": frozenset(), "node": None, "phase": "start",
              "consumers": (),
              "text": f"Step 0 of {2 * n}: nothing is computed yet; press next to start the "
                      f"forward pass at {name[order[0]]}."}]
    for k, node_id in enumerate(order, 1):
        node = by_id[node_id]
        if node.inputs:
            ins = ", ".join(f"{name[i]} = {_fmt(by_id[i].value)}" for i in node.inputs)
            what = f"{name[node_id]} = {_fmt(node.value)}, computed from {ins}"
        else:
            what = f"input {name[node_id]} = {_fmt(node.value)}"
        steps.append({"values": frozenset(order[:k]), "grads": frozenset(), "node": node_id,
                      "phase": "forward", "consumers": (),
                      "text": f"Step {k} of {2 * n}, forward {k}/{n}: {what}."})
    for k, node_id in enumerate(backward, 1):
        node = by_id[node_id]
        rows = contributions(layout, node_id)
        head = f"Step {n + k} of {2 * n}, backward {k}/{n}: dL/d({name[node_id]})"
        if not rows:
            text = f"{head} = 1, the output's gradient with respect to itself."
        elif any(local is None or up is None for _, local, up in rows):
            text = f"{head} = {_fmt(node.grad)}."
        else:
            terms = [f"local {_fmt(local)} × upstream {_fmt(up)}"
                     + (f" (from {name[c]})" if len(rows) > 1 else "")
                     for c, local, up in rows]
            total = sum(local * up for _, local, up in rows)
            text = (f"{head} = {' + '.join(terms)} = {_fmt(total)}"
                    + (" (one contribution per use, added)." if len(rows) > 1 else "."))
        steps.append({"values": frozenset(order), "grads": frozenset(backward[:k]),
                      "node": node_id, "phase": "backward",
                      "consumers": tuple(c for c, _, _ in rows), "text": text})
    return steps


def graph_steps(root):
    """Reveal states (values shown, grads shown) of ``graph_walk(root)``; step 0 shows none.

    Pass a state as ``draw_graph(root, reveal=state)``.
    """
    return [(s["values"], s["grads"]) for s in graph_walk(root)]


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


def _graph_figure(root, title):
    """A LiveFigure with root's graph drawn; returns (live, ax, texts by gid)."""
    live = LiveFigure(plotting.graph_figsize(graph_layout(root)), tight=False)
    import matplotlib as mpl

    with mpl.rc_context(COURSE_RC):
        ax = live.figure.add_axes([0, 0, 1, 1 - 0.45 / live.figure.get_figheight()])
    plotting.draw_graph(root, ax=ax, title=title)
    texts = {t.get_gid(): t for t in ax.texts if t.get_gid()}
    return live, ax, texts


def _highlight(ax, node, style):
    from matplotlib.patches import Circle, FancyBboxPatch

    pad = 0.1
    common = dict(fill=False, zorder=6, **style)
    if node.kind == "op":
        return ax.add_patch(Circle((node.x, node.y), plotting._RADIUS + pad, **common))
    width = plotting._box_width(node) + 2 * pad
    return ax.add_patch(FancyBboxPatch((node.x - width / 2, node.y - plotting._BOX_H / 2 - pad),
                                       width, plotting._BOX_H + 2 * pad,
                                       boxstyle="round,pad=0,rounding_size=0.1", **common))


def graph_stepper(root):
    """Step through the forward then the backward pass of ``root`` on its graph drawing.

    root: a Value (its backward is run) or a Circuit (forward and backward
    are run). A step slider and back/next buttons choose a step of
    ``graph_walk(root)``: step 0 shows no numbers, the forward pass starts at
    the first input, and each backward step shows how the node's gradient is
    made (local × upstream = contribution). The node being updated is
    ringed in orange; in the backward pass the nodes its upstream gradients
    come from are ringed with a dashed line.
    """
    root = evaluate_graph(lambda: root)
    layout, steps = graph_layout(root), graph_walk(root)
    slider = w.IntSlider(value=0, min=0, max=len(steps) - 1, description="step", **LIVE)
    back, forward = w.Button(description="◀ back"), w.Button(description="next ▶")
    live, ax, texts = _graph_figure(root, "step 0: forward pass next")
    rings = {n.id: _highlight(ax, n, dict(edgecolor=OKABE_ITO["orange"], linewidth=3.5))
             for n in layout.nodes}
    sources = {n.id: _highlight(ax, n, dict(edgecolor=OKABE_ITO["orange"], linewidth=2,
                                            linestyle=(0, (3, 2))))
               for n in layout.nodes}
    live.animate(*texts_of(texts, "value-", "grad-"), *rings.values(), *sources.values(),
                 ax.title)
    explorer = Explorer([w.HBox([back, forward, slider])], live, {"step": slider})
    pictures = {}  # step -> PNG: each step is drawn once

    def redraw():
        step = steps[slider.value]
        if slider.value in pictures:
            live.image.value = live.png = pictures[slider.value]
            explorer.set_alt(step["text"])
            return
        for gid, text in texts.items():
            kind, _, node_id = gid.partition("-")
            key = _node_key(layout, node_id)
            if kind == "value":
                text.set_visible(key in step["values"])
            elif kind == "grad":
                text.set_visible(key in step["grads"])
        for node_id, ring in rings.items():
            ring.set_visible(node_id == step["node"])
            sources[node_id].set_visible(node_id in step["consumers"])
        phase = {"start": "before the forward pass", "forward": "forward pass",
                 "backward": "backward pass"}[step["phase"]]
        ax.title.set_text(f"step {slider.value} of {len(steps) - 1}: {phase}")
        live.refresh()
        pictures[slider.value] = live.png
        explorer.set_alt(step["text"])

    back.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
    forward.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
    wire(explorer, redraw, [slider])()
    return explorer


def texts_of(texts, *prefixes):
    """The texts whose gid starts with one of the prefixes, in drawing order."""
    return [t for gid, t in texts.items() if gid.startswith(prefixes)]


def _node_key(layout, node_id):
    """A gid's node id back to the layout id (ints for a Value's graph)."""
    for key in layout.ids:
        if str(key) == node_id:
            return key
    return node_id


def _graph_signature(layout):
    return ([(n.id, n.text, n.kind) for n in layout.nodes], sorted(map(str, layout.edges)))


def circuit_explorer(build, **initial_inputs):
    """Sliders for the named inputs of build(**inputs) -> Value or Circuit; redraws its graph.

    Each slider spans [-5, 5] (wider if the initial value lies outside) and
    updates while dragged. The drawing shows every value (above a node, blue)
    and gradient (below, vermillion, framed).
    """
    func = "circuit_explorer"
    _check_callable(func, "build", build)
    if not initial_inputs:
        raise ValueError("circuit_explorer: give the initial inputs as keywords, "
                         "e.g. circuit_explorer(build, x=-2.0, y=5.0)")
    sliders = {}
    for name, v in initial_inputs.items():
        v = check_number(func, name, v)
        sliders[name] = w.FloatSlider(value=v, min=min(-5.0, v), max=max(5.0, v), step=0.1,
                                      description=name, **LIVE)
    state = {}

    def title(inputs, root):
        value = root.data if isinstance(root, Value) else root.values[root.output]
        return (", ".join(f"{k} = {v:.2f}" for k, v in inputs.items())
                + f"  ->  output {format_number(value)}")

    def build_figure(root, inputs):
        live, ax, texts = _graph_figure(root, None)
        live.animate(*texts_of(texts, "value-", "grad-"))
        state.update(live=live, ax=ax, texts=texts,
                     signature=_graph_signature(graph_layout(root)))
        return live

    inputs = {name: s.value for name, s in sliders.items()}
    first = evaluate_graph(build, **inputs)
    live = build_figure(first, inputs)
    explorer = Explorer([w.HBox(list(sliders.values()), layout=w.Layout(flex_flow="row wrap"))],
                        live, sliders)

    def redraw():
        inputs = {name: s.value for name, s in sliders.items()}
        root = evaluate_graph(build, **inputs)
        layout = graph_layout(root)
        if _graph_signature(layout) != state["signature"]:  # a different graph: draw anew
            new = build_figure(root, inputs)
            explorer.live.image.value = b""
            explorer.children = tuple(new.image if c is explorer.live.image else c
                                      for c in explorer.children)
            explorer.live = new
        for node in layout.nodes:
            for kind, number in (("value", node.value), ("grad", node.grad)):
                text = state["texts"].get(f"{kind}-{node.id}")
                if text is not None:
                    text.set_visible(number is not None)
                    if number is not None:
                        text.set_text(format_number(number))
        explorer.live.refresh()
        explorer.set_alt(f"{title(inputs, root).replace('  ->  ', ': ')}. "
                         f"{plotting.describe_graph(root)}")

    wire(explorer, redraw, sliders.values())()
    return explorer


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


class TrainingRun:
    """Full-batch gradient descent on a TwoLayerNet, trained lazily one animation frame at a time.

    TrainingRun(X, y, hidden=8, activation="relu", lr=0.5, epochs=200,
    seed=0, frames=60): frame k shows the network after ``frame_epochs[k]``
    steps (frame 0: the initial weights; the last frame: ``epochs`` steps).
    ``frame(k)`` trains as far as needed (earlier frames are kept) and
    returns {"epoch", "losses" (loss after 0, 1, ..., epoch steps), "loss",
    "accuracy", "predict" (a function of an (M, D) array)}. Deterministic
    given the arguments.
    """

    def __init__(self, X, y, hidden=8, activation="relu", lr=0.5, epochs=200, seed=0,
                 frames=60):
        func = "TrainingRun"
        self.X = check_array(func, "X", X, ndim=2)
        self.y = check_labels(func, "y", y, self.X.shape[0])
        hidden = check_int(func, "hidden", hidden, minimum=1)
        check_choice(func, "activation", activation, set(ACTIVATIONS))
        self.lr = check_positive(func, "lr", lr)
        self.epochs = check_int(func, "epochs", epochs, minimum=1)
        frames = check_int(func, "frames", frames, minimum=1)
        classes = int(self.y.max()) + 1 if self.y.size else 1
        self.net = TwoLayerNet(self.X.shape[1], hidden, max(classes, 2),
                               activation=activation, seed=seed)
        self._probe = TwoLayerNet(self.X.shape[1], hidden, max(classes, 2),
                                  activation=activation, seed=seed)
        self.frame_epochs = sorted(set(np.round(np.linspace(0, self.epochs, frames + 1))
                                       .astype(int).tolist()))
        self.losses = []
        self._epoch = 0
        self._snapshots = {0: self._copy()}

    def _copy(self):
        return {k: v.copy() for k, v in self.net.params.items()}

    def _advance(self, epoch):
        while self._epoch < epoch:
            loss, grads = self.net.loss(self.X, self.y)
            if len(self.losses) == self._epoch:
                self.losses.append(float(loss))
            optim.sgd_step(self.net.params, grads, self.lr)
            self._epoch += 1
            if self._epoch in self.frame_set:
                self._snapshots[self._epoch] = self._copy()
        if len(self.losses) == self._epoch:
            self.losses.append(float(self.net.loss(self.X, self.y)[0]))

    @property
    def frame_set(self):
        return set(self.frame_epochs)

    @property
    def n_frames(self):
        """The number of frames (frame indices are 0 .. n_frames - 1)."""
        return len(self.frame_epochs)

    def frame(self, k):
        """The state after frame k's epochs (see the class docstring)."""
        k = int(np.clip(k, 0, self.n_frames - 1))
        epoch = self.frame_epochs[k]
        if epoch not in self._snapshots or len(self.losses) <= epoch:
            self._advance(epoch)
        self._probe.params = self._snapshots[epoch]
        accuracy = float(np.mean(self._probe.predict(self.X) == self.y))
        return {"epoch": epoch, "losses": np.array(self.losses[:epoch + 1]),
                "loss": self.losses[epoch], "accuracy": accuracy,
                "predict": self._probe.predict}


def _nice_ceil(x):
    """The smallest of 1, 2, 5 times a power of ten that is >= x (x > 0)."""
    x = max(float(x), 1e-12)
    power = 10.0 ** np.floor(np.log10(x))
    for m in (1, 2, 5, 10):
        if m * power >= x * (1 - 1e-12):
            return m * power
    return 10 * power


def _class_colours(n):
    from matplotlib.colors import to_rgb

    rgb = np.array([to_rgb(PALETTE[k % len(PALETTE)]) for k in range(n)])
    return np.round(255 * (0.35 * rgb + 0.65)).astype(np.uint8)  # light tints for regions


def training_explorer(X, y, hidden=8, activation="relu", lr=0.5, epochs=200, frames=60,
                      interval=80):
    """Watch a two-layer network train: the loss curve and the decision boundary, animated.

    Controls: hidden units, activation, learning rate, epochs and seed (each
    change starts a new run from its initial weights and plays it), and a
    Play widget (play / pause / stop) with a frame slider. ``frames``
    frames span the run; ``interval`` ms between frames (80: 12.5 frames/s).
    The first picture shows the end of training with the given settings.
    For inputs with 2 features the right panel shows the decision boundary.
    """
    func = "training_explorer"
    X = check_array(func, "X", X, ndim=2)
    y = check_labels(func, "y", y, X.shape[0])
    controls = {
        "hidden": w.IntSlider(value=hidden, min=1, max=64, description="hidden units", **LIVE),
        "activation": w.Dropdown(options=ACTIVATIONS, value=activation,
                                 description="activation"),
        "lr": w.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.05,
                               description="learning rate", **LIVE),
        "epochs": w.IntSlider(value=epochs, min=10, max=2000, step=10, description="epochs",
                              **LIVE),
        "seed": w.IntSlider(value=0, min=0, max=9, description="seed", **LIVE),
    }
    play = w.Play(value=frames, min=0, max=frames, step=1, interval=interval,
                  description="play")
    frame_slider = w.IntSlider(value=frames, min=0, max=frames, description="frame",
                               readout=False, **LIVE)
    w.jslink((play, "value"), (frame_slider, "value"))
    two_d = X.shape[1] == 2
    live, axes = _live_figure((10.5, 4.2) if two_d else (6, 4.2), 2 if two_d else 1)
    loss_ax = axes[0]
    loss_line, = loss_ax.plot([], [], color=PALETTE[0], linewidth=1.8)
    loss_dot, = loss_ax.plot([], [], "o", color=PALETTE[0], markersize=5)
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("loss (cross-entropy)")
    loss_ax.set_title("training loss")
    status = loss_ax.text(0.97, 0.95, "", transform=loss_ax.transAxes, ha="right", va="top",
                          fontsize=11)
    live.animate(loss_line, loss_dot, status)
    state = {}
    if two_d:
        ax = axes[1]
        pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
        lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
        res = 80
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], res), np.linspace(lo[1], hi[1], res))
        state["grid"] = np.column_stack([gx.ravel(), gy.ravel()])
        n_classes = max(int(y.max()) + 1, 2)
        state["tints"] = _class_colours(n_classes)
        region = ax.imshow(np.full((res, res, 3), 255, np.uint8), origin="lower", aspect="auto",
                           extent=(lo[0], hi[0], lo[1], hi[1]), interpolation="nearest")
        points = []
        for k in np.unique(y):
            points.append(ax.scatter(*X[y == k].T, color=PALETTE[k % len(PALETTE)],
                                     marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
                                     edgecolor="black", linewidth=0.5, s=32, zorder=3,
                                     label=f"class {k}"))
        ax.legend(loc="upper right")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("decision boundary")
        state.update(region=region, res=res)
        live.animate(region, *points)
    explorer = Explorer([w.HBox([controls["hidden"], controls["activation"], controls["lr"]]),
                         w.HBox([controls["epochs"], controls["seed"]]),
                         w.HBox([play, frame_slider])], live, {**controls, "play": play})

    def new_run():
        s = {name: c.value for name, c in controls.items()}
        state["run"] = TrainingRun(X, y, hidden=s["hidden"], activation=s["activation"],
                                   lr=s["lr"], epochs=s["epochs"], seed=s["seed"],
                                   frames=frames)
        state["settings"] = s
        if loss_ax.get_xlim() != (0, s["epochs"]):
            loss_ax.set_xlim(0, s["epochs"])
            live.invalidate()

    def draw_frame():
        run, s = state["run"], state["settings"]
        f = run.frame(play.value)
        top = max(_nice_ceil(1.05 * max(np.max(f["losses"]), 1e-3)), 1.0)
        if state.get("top") != top:
            loss_ax.set_ylim(0, top)
            state["top"] = top
            live.invalidate()
        epochs_axis = np.arange(f["losses"].size)
        loss_line.set_data(epochs_axis, f["losses"])
        loss_dot.set_data([f["epoch"]], [f["loss"]])
        status.set_text(f"epoch {f['epoch']}: loss {f['loss']:.3f}, accuracy "
                        f"{f['accuracy']:.0%}")
        if two_d:
            labels = np.asarray(f["predict"](state["grid"])).reshape(state["res"], -1)
            tints = state["tints"]
            state["region"].set_data(tints[np.clip(labels, 0, len(tints) - 1)])
        live.refresh()
        explorer.set_alt(f"Epoch {f['epoch']} of {s['epochs']}: loss {f['loss']:.3f}, "
                         f"accuracy {f['accuracy']:.0%} ({s['activation']}, {s['hidden']} "
                         f"hidden units, learning rate {s['lr']:.3g}, seed {s['seed']}).")

    def on_settings():
        new_run()
        if play.value == 0:
            draw_frame()
        else:
            play.value = 0  # draws frame 0 through its own observer
        play.playing = True  # and play the new run

    new_run()
    wire(explorer, on_settings, controls.values())
    wire(explorer, draw_frame, [play])()
    return explorer


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


def _decade_limits(values, block=3):
    """Log-axis limits: powers of ten that are multiples of ``block`` around the values.

    Coarse on purpose: the limits (and so the whole figure) change only when
    the values cross such a power, and always span at least ``block`` decades.
    """
    values = np.asarray(values, dtype=float)
    positive = values[(values > 0) & np.isfinite(values)]
    if not positive.size:
        return 1e-3, 1e3
    lo = block * np.floor(np.log10(positive.min()) / block)
    hi = block * np.ceil(np.log10(positive.max()) / block)
    if hi <= lo:
        hi = lo + block
    return 10.0 ** lo, 10.0 ** hi


def _depth_label(index, depth, count):
    """Legend of the index-th layer shown: 'layer k' for shallow nets, else how deep it is.

    With five layers shown the labels are always layer 1, 25%, 50%, 75% deep and
    the last layer, so the legend (and the axes) stay put while depth changes.
    """
    if count < 5:
        return f"layer {_spread_layers(depth)[index]}"
    return ("layer 1", "25% deep", "50% deep", "75% deep", "last layer")[index]


def _activation_range(activation, arrays):
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    data = np.concatenate([a.ravel() for a in arrays])
    hi = _nice_ceil(max(float(data.max()), 1e-6))
    lo = -_nice_ceil(-float(data.min())) if data.min() < 0 else 0.0
    return lo, hi


def gradient_flow_explorer(depth=10, activation="tanh", init="normal", weight_scale=0.01,
                           width=64, max_depth=30):
    """Controls for depth, activation, init and weight scale of a deep net (width 64).

    Shows ||dL/dW|| per layer (log scale) and histograms (fraction of
    activations per bin) of up to five hidden layers, from ``gradient_flow``.
    Axis limits are rounded (whole decades, 1-2-5 steps), so most changes
    only move the curves; the picture depends only on the current settings.
    """
    style = dict(**LIVE)
    controls = {
        "depth": w.IntSlider(value=depth, min=1, max=max_depth, description="hidden layers",
                             **style),
        "activation": w.Dropdown(options=ACTIVATIONS, value=activation,
                                 description="activation"),
        "init": w.Dropdown(options=FLOW_INITS, value=init, description="init"),
        "weight_scale": w.FloatLogSlider(value=weight_scale, base=10, min=-3, max=1, step=0.05,
                                         description="weight scale", readout_format=".3g",
                                         **style),
    }
    # fixed margins: the layout must not depend on the first setting's tick labels
    live, (norm_ax, hist_ax) = _live_figure((10.5, 4.2), 2, dict(
        left=0.085, right=0.985, bottom=0.13, top=0.86, wspace=0.25))
    norm_line, = norm_ax.plot([], [], marker="o", markersize=4, color=PALETTE[0],
                              linewidth=1.6)
    norm_ax.set_yscale("log")
    norm_ax.set_xlim(0.5, max_depth + 1.5)
    norm_ax.set_xlabel("layer (1 = nearest the input)")
    norm_ax.set_ylabel(r"$\|\partial L / \partial W\|$ (log scale)")
    norm_ax.set_title("gradient norm per layer")
    hist_lines = [hist_ax.plot([], [], drawstyle="steps-mid", color=PALETTE[i],
                               linestyle=plotting.LINESTYLES[i % 4], linewidth=1.6)[0]
                  for i in range(5)]
    hist_ax.set_xlabel("activation value")
    hist_ax.set_ylabel("fraction of activations")
    hist_ax.set_title("activations of a few hidden layers")
    from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

    norm_ax.yaxis.set_major_locator(LogLocator(numticks=5))  # few ticks: a cheaper redraw
    norm_ax.yaxis.set_minor_locator(NullLocator())
    hist_ax.xaxis.set_major_locator(MaxNLocator(5))
    hist_ax.yaxis.set_major_locator(MaxNLocator(5))
    live.animate(norm_line, *hist_lines, norm_ax.title)
    state = {"limits": None, "legend": None}
    explorer = Explorer([w.HBox([controls["depth"], controls["activation"]]),
                         w.HBox([controls["init"], controls["weight_scale"]])], live, controls)

    def redraw():
        s = {name: c.value for name, c in controls.items()}
        flow = gradient_flow(width=width, **s)
        norms = np.array(flow["grad_norms"])
        layers_shown = _spread_layers(s["depth"])
        arrays = [flow["activations"][k - 1] for k in layers_shown]
        lo, hi = _activation_range(s["activation"], arrays)
        edges = np.linspace(lo, hi, 41)
        centres = (edges[:-1] + edges[1:]) / 2
        fractions = [np.histogram(np.clip(a.ravel(), lo, hi), bins=edges)[0] / a.size
                     for a in arrays]
        top = next(t for t in (0.1, 0.25, 0.5, 1.05)
                   if t >= max(f.max() for f in fractions) * 1.05 or t == 1.05)
        # limits are rounded (whole blocks of decades, 1-2-5 steps): most changes only
        # move the curves; a change of limits or legend draws the whole figure again
        limits = (_decade_limits(norms), (lo, hi), top,
                  tuple(_depth_label(i, s["depth"], len(layers_shown))
                        for i in range(len(layers_shown))))
        if limits != state["limits"]:
            norm_ax.set_ylim(*limits[0])
            hist_ax.set_xlim(lo, hi)
            hist_ax.set_ylim(0, top)
            for line in hist_lines:
                line.set_label("_hidden")
            for i in range(len(layers_shown)):
                hist_lines[i].set_label(_depth_label(i, s["depth"], len(layers_shown)))
            if state["legend"] is not None:
                state["legend"].remove()
            state["legend"] = hist_ax.legend(handles=hist_lines[:len(layers_shown)],
                                             loc="upper right")
            state["limits"] = limits
            live.invalidate()
        norm_line.set_data(np.arange(1, norms.size + 1), np.where(norms > 0, norms, np.nan))
        for i, line in enumerate(hist_lines):
            if i < len(arrays):
                line.set_data(centres, fractions[i])
                line.set_visible(True)
            else:
                line.set_visible(False)
        label = f"{s['activation']}, {s['init']} init, scale {s['weight_scale']:.3g}"
        norm_ax.title.set_text(f"gradient norm per layer\n{label}")
        live.refresh()
        stds = [a.std() for a in flow["activations"]]
        explorer.set_alt(f"{s['depth']} hidden layers, {label}: histograms of layers "
                         f"{', '.join(map(str, layers_shown))}; ||dL/dW|| is "
                         f"{norms[0]:.3g} at layer 1 and {norms[-1]:.3g} at the output "
                         f"layer; the activations' standard deviation is {stds[0]:.3g} at "
                         f"layer 1 and {stds[-1]:.3g} at layer {s['depth']}.")

    wire(explorer, redraw, controls.values())()
    return explorer


# ---- gradient descent on a surface -------------------------------------------------
def descent_explorer(loss=None, grad=None, start=None, lr=0.05, steps=30, bounds=None,
                     lr_range=(0.005, 0.25), max_steps=100, name=None):
    """Gradient descent on a 2-D loss surface with a learning-rate slider (and steps).

    Default surface: ``BOWL``, L = (w1² + 10 w2²) / 2: below lr 0.1 the path
    slides smoothly, between 0.1 and 0.2 it zigzags across the valley, above
    0.2 it diverges (the loss curve on the right climbs). Your own surface:
    loss (vectorised over (..., 2) or one point), grad (one point -> 2
    numbers), start and bounds. Shows contours with the path and the loss
    per step (log scale), from ``descent_path``.
    """
    func = "descent_explorer"
    loss, grad, start, bounds, name = _surface_defaults(loss, grad, start, bounds, name)
    lo, hi = (check_positive(func, "lr_range", v) for v in lr_range)
    max_steps = check_int(func, "max_steps", max_steps, minimum=1)
    controls = {
        "lr": w.FloatSlider(value=check_positive(func, "lr", lr), min=lo, max=hi,
                            step=(hi - lo) / 200, readout_format=".3f",
                            description="learning rate", **LIVE),
        "steps": w.IntSlider(value=check_int(func, "steps", steps, minimum=1), min=1,
                             max=max_steps, description="steps", **LIVE),
    }
    point_loss = (lambda p: float(loss(np.asarray(p))))
    first = descent_path(grad, start, lr, steps, loss=point_loss)
    live, axes = _live_figure((10.5, 4.3), 2)
    moving = _draw_descent(axes, loss_surface(loss, bounds), first, lr, name)
    axes[1].set_xlim(0, max_steps)
    live.animate(moving["path"], moving["loss"], moving["title"])
    explorer = Explorer([w.HBox(list(controls.values()))], live, controls)

    def redraw():
        rate, n = controls["lr"].value, controls["steps"].value
        result = descent_path(grad, start, rate, n, loss=point_loss)
        moving["path"].set_data(*result["path"].T)
        shown = np.clip(result["losses"], 1e-300, 1e300)
        moving["loss"].set_data(np.arange(shown.size), shown)
        moving["title"].set_text(f"learning rate {rate:.3f}"
                                 + (": diverges" if result["diverged"]
                                    or result["losses"][-1] > result["losses"][0] else ""))
        live.refresh()
        explorer.set_alt(describe_descent(result, rate))

    wire(explorer, redraw, controls.values())()
    return explorer


# ---- a Jacobian as a map of a grid -------------------------------------------------
def jacobian_map_explorer(f, jac, point=(1.0, 0.5), radius=0.5, bounds=((-2.0, 2.0),
                                                                         (-2.0, 2.0)),
                          n_lines=7, names=("x_1", "x_2"), out_names=("f_1", "f_2")):
    """Sliders for the point and the grid's radius; the grid and its image under J, live.

    Arguments as ``utils.figures.jacobian_map_figure``; bounds limit the
    point's sliders. Shrinking the radius brings f's image of the grid
    (dashed) onto J's (solid): the Jacobian is the best linear
    approximation near the point.
    """
    func = "jacobian_map_explorer"
    (a, b), (c, d) = bounds
    point = check_array(func, "point", point, ndim=1)
    controls = {
        "x1": w.FloatSlider(value=float(point[0]), min=a, max=b, step=0.05,
                            description=f"point {names[0].replace('_', '')}", **LIVE),
        "x2": w.FloatSlider(value=float(point[1]), min=c, max=d, step=0.05,
                            description=f"point {names[1].replace('_', '')}", **LIVE),
        "radius": w.FloatSlider(value=check_positive(func, "radius", radius), min=0.02,
                                max=max(1.0, radius), step=0.02, description="radius",
                                **LIVE),
    }
    grid = jacobian_grid(f, jac, point, radius, n_lines)
    live, axes = _live_figure((10, 4.6), 2)
    artists = _draw_jacobian(axes, grid, names, out_names)
    r_max = controls["radius"].max
    axes[0].set_aspect("auto")
    axes[0].set_xlim(a - r_max, b + r_max)
    axes[0].set_ylim(c - r_max, d + r_max)
    corners = [np.array([x1, x2]) for x1 in np.linspace(a, b, 5) for x2 in np.linspace(c, d, 5)]
    half = max(_jacobian_limits(jacobian_grid(None, jac(p) if callable(jac) else jac, p, 1.0,
                                              2, 2)) for p in corners)
    axes[1].set_xlim(-half, half)
    axes[1].set_ylim(-half, half)
    moving = [*artists["inputs"], *artists["linear"], *artists["curved"], *artists["basis"],
              artists["point"]]
    live.animate(*moving, axes[0].title)
    explorer = Explorer([w.HBox(list(controls.values()))], live, controls)

    def redraw():
        p = np.array([controls["x1"].value, controls["x2"].value])
        g = jacobian_grid(f, jac, p, controls["radius"].value, n_lines)
        for line, xs in zip(artists["inputs"], g["inputs"]):
            line.set_data(*xs.T)
        for line, xs in zip(artists["linear"], g["linear"]):
            line.set_data(*xs.T)
        for line, xs in zip(artists["curved"], g["curved"] or []):
            line.set_data(*xs.T)
        r, J = g["radius"], g["J"]
        basis = artists["basis"]
        basis[0].set_data([p[0], p[0] + r], [p[1], p[1]])
        basis[1].set_data([p[0], p[0]], [p[1], p[1] + r])
        basis[2].set_data([0, J[0, 0]], [0, J[1, 0]])
        basis[3].set_data([0, J[0, 1]], [0, J[1, 1]])
        artists["point"].set_data([p[0]], [p[1]])
        axes[0].title.set_text(f"input: grid around ({p[0]:.2f}, {p[1]:.2f}), radius {r:.2f}")
        live.refresh()
        explorer.set_alt(describe_jacobian_map(g))

    wire(explorer, redraw, controls.values())()
    return explorer
