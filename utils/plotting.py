"""Figures for the course: computational graphs, functions, training curves, gradients.

Every ``plot_*``/``draw_graph`` function takes ``ax=None`` (a new figure is
made when None) and returns the Axes it drew on. ``draw_graph`` draws the
circuit picture: inputs as boxes on the left, operations as circles, each
node's forward value above it (blue) and its gradient below it (vermillion,
in a box): position and frame tell them apart as well as colour.

Accessibility: colours come from the colour-blind-safe Okabe-Ito palette
(``OKABE_ITO``, ``PALETTE``); every text is at least 10 pt; every figure
function stores a one-sentence description derived from its data, read with
``alt_text(fig_or_ax)`` (the ``describe_*`` functions compute them), and
``show(fig, alt)`` displays a figure as ``image/png`` with that sentence as
``text/plain`` in the same bundle.
"""

import base64
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from utils.autodiff import Value
from utils.graph import Circuit, format_number, graph_layout
from utils.validation import check_array, check_labels, check_number, describe

__all__ = ["Circuit", "draw_graph", "graph_layout", "plot_function_and_derivative",
           "plot_decision_boundary", "plot_losses", "plot_gradient_norms",
           "plot_activation_histograms", "VALUE_COLOR", "GRAD_COLOR", "OKABE_ITO", "PALETTE",
           "COURSE_RC", "MIN_FONT_SIZE", "use_course_style", "show", "figure_bundle",
           "alt_text", "set_alt", "figure_png", "describe_graph",
           "describe_function_and_derivative", "describe_decision_boundary",
           "describe_losses", "describe_gradient_norms", "describe_activation_histograms"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
# colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000", "orange": "#e69f00", "sky blue": "#56b4e9",
    "bluish green": "#009e73", "yellow": "#f0e442", "blue": "#0072b2",
    "vermillion": "#d55e00", "reddish purple": "#cc79a7",
}
# the order series are coloured in (yellow last: weak on white)
PALETTE = tuple(OKABE_ITO[k] for k in ("blue", "orange", "bluish green", "vermillion",
                                       "reddish purple", "sky blue", "black", "yellow"))
VALUE_COLOR = OKABE_ITO["blue"]        # forward values (drawn above a node)
GRAD_COLOR = OKABE_ITO["vermillion"]   # gradients (drawn below a node, in a box)
MIN_FONT_SIZE = 10  # points; 10 pt is >= 13 px at the course's 100 dpi
# Text sizes and colours for every course figure (``use_course_style`` applies them
# to the notebook's own figures too).
COURSE_RC = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10,
    "legend.title_fontsize": 10, "figure.titlesize": 12, "figure.dpi": 100,
    "image.cmap": "cividis",
}
_RADIUS = 0.34           # op circles, in data units (one column is 2 units)
_BOX_H = 0.46
_INCH_PER_UNIT = 0.62


def use_course_style():
    """Apply COURSE_RC to every later figure (call once at the top of a notebook)."""
    plt.rcParams.update(COURSE_RC)


def _new_axes(ax, figsize=(6, 4)):
    if ax is None:
        with plt.rc_context(COURSE_RC):
            _, ax = plt.subplots(figsize=figsize)
    return ax


# ---- alt texts and accessible display -------------------------------------------------
def set_alt(target, text):
    """Store the one-sentence description ``text`` on an Axes or a Figure; returns target."""
    target.course_alt = str(text)
    return target


def alt_text(target):
    """The description stored on a Figure or Axes: the figure's own, else its axes' joined."""
    fig = target if isinstance(target, mpl.figure.Figure) else None
    own = getattr(target, "course_alt", "")
    if own or fig is None:
        return own
    parts = [getattr(ax, "course_alt", "") for ax in fig.axes]
    return " ".join(p for p in parts if p)


def figure_png(fig, dpi=100):
    """The PNG bytes of a Figure (or of an Axes' figure), cropped to its contents."""
    fig = getattr(fig, "figure", fig) if not isinstance(fig, mpl.figure.Figure) else fig
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def figure_bundle(fig, alt=None):
    """The display bundle of ``show``: {"image/png": base64 PNG, "text/plain": alt}."""
    fig = fig if isinstance(fig, mpl.figure.Figure) else getattr(fig, "figure", None)
    if not isinstance(fig, mpl.figure.Figure):
        raise TypeError(f"show: fig must be a matplotlib Figure or Axes, got {describe(fig)}")
    alt = alt_text(fig) if alt is None else alt
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("show: give alt, one sentence that says what the figure shows, "
                         "derived from its data (e.g. f\"Loss falls from {l0:.2f} to "
                         "{l1:.2f} in {n} steps\")")
    return {"image/png": base64.b64encode(figure_png(fig)).decode("ascii"),
            "text/plain": " ".join(alt.split())}


def show(fig, alt=None):
    """Display ``fig`` as a PNG with the one-sentence ``alt`` as its text/plain alternative.

    fig: a Figure or an Axes; alt: defaults to the description the course's
    figure functions store (``alt_text(fig)``). The figure is closed, so the
    inline backend does not show it a second time.
    """
    from IPython.display import display

    bundle = figure_bundle(fig, alt)
    display(bundle, raw=True)
    plt.close(fig if isinstance(fig, mpl.figure.Figure) else fig.figure)


def _fmt(x):
    """A number in a sentence: 3 significant digits."""
    return format_number(float(x))


def _check_callable(func, name, f):
    if not callable(f):
        raise TypeError(f"{func}: {name} must be a function, got {describe(f)}")


def _check_reveal(reveal, ids):
    if reveal is None:
        return set(ids), set(ids)
    if not isinstance(reveal, (tuple, list)) or len(reveal) != 2:
        raise TypeError(f"draw_graph: reveal must be a pair (ids with values shown, ids with "
                        f"grads shown) or None, got {describe(reveal)}")
    return set(reveal[0]), set(reveal[1])


# ---- computational graphs -----------------------------------------------------
def _box_width(node):
    return max(0.8, 0.15 * len(node.text) + 0.3)


def _boundary(node, toward):
    """The point where a line from node's centre toward ``toward`` leaves its shape."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    if node.kind == "op":
        scale = _RADIUS / np.hypot(dx, dy)
    else:
        scale = min(_box_width(node) / 2 / abs(dx) if dx else np.inf,
                    _BOX_H / 2 / abs(dy) if dy else np.inf)
    return node.x + dx * scale, node.y + dy * scale


def _draw_node(ax, node):
    if node.kind == "op":
        ax.add_patch(Circle((node.x, node.y), _RADIUS, facecolor="white",
                            edgecolor="black", linewidth=1.2, zorder=3))
    else:
        width = _box_width(node)
        ax.add_patch(FancyBboxPatch((node.x - width / 2, node.y - _BOX_H / 2), width, _BOX_H,
                                    boxstyle="round,pad=0,rounding_size=0.08",
                                    facecolor="#eef1f6", edgecolor="#44546a", zorder=3))
    shown = node.text.translate(str.maketrans("", "", "${}^"))  # mathtext markup
    size = {1: 13, 2: 12}.get(len(shown), MIN_FONT_SIZE)
    ax.text(node.x, node.y, node.text, ha="center", va="center", fontsize=size,
            zorder=4, gid=f"label-{node.id}")


def _wire(ax, start, end):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11,
                                 shrinkA=0, shrinkB=0, color="#333333", linewidth=1.1,
                                 zorder=2))


def _annotate_node(ax, node, show_value, show_grad):
    """Write node's value above it (green) and its gradient below it (red)."""
    half = _RADIUS if node.kind == "op" else _BOX_H / 2
    style = dict(ha="center", fontsize=MIN_FONT_SIZE, zorder=5)
    if show_value and node.value is not None:
        ax.text(node.x, node.y + half + 0.05, format_number(node.value), color=VALUE_COLOR,
                va="bottom", gid=f"value-{node.id}",
                bbox=dict(facecolor="white", edgecolor="none", pad=0.6, alpha=0.85), **style)
    if show_grad and node.grad is not None:  # framed: told apart without colour too
        ax.text(node.x, node.y - half - 0.07, format_number(node.grad), color=GRAD_COLOR,
                va="top", gid=f"grad-{node.id}", fontstyle="italic",
                bbox=dict(facecolor="white", edgecolor=GRAD_COLOR, linewidth=0.8,
                          boxstyle="round,pad=0.15", alpha=0.95), **style)


def graph_figsize(layout):
    """The figure size (inches) that draws ``layout`` at the course's scale, title included."""
    xs, ys = [n.x for n in layout.nodes], [n.y for n in layout.nodes]
    width, height = max(xs) - min(xs) + 2.1, max(ys) - min(ys) + 1.5
    return max(width * _INCH_PER_UNIT, 3.0), height * _INCH_PER_UNIT + 0.45


def describe_graph(graph):
    """One sentence about a graph: its size, output value and the inputs' gradients."""
    layout = graph_layout(graph)
    leaves = [n for n in layout.nodes if n.kind == "leaf"]
    root = layout.node(layout.root)
    text = (f"A computational graph of {len(layout.nodes)} nodes with inputs "
            f"{', '.join(n.text for n in leaves)}; its output is "
            f"{format_number(root.value) if root.value is not None else 'not computed'}")
    grads = [f"dL/d{n.text} = {format_number(n.grad)}" for n in leaves if n.grad is not None]
    return text + (f" and the gradients are {', '.join(grads)}." if grads else ".")


def draw_graph(graph, ax=None, show_values=True, show_grads=True, reveal=None, title=None):
    """Draw a computational graph left to right, with values above and gradients below.

    graph: a ``utils.autodiff.Value`` (the whole expression that produced it;
    call ``.backward()`` first to see gradients) or a ``Circuit`` (call
    ``forward()`` and ``backward()`` first). reveal: None (show everything)
    or (ids whose values are shown, ids whose gradients are shown), with ids
    as returned by ``graph_layout(graph)`` (a Circuit's node names; 0..n-1 for
    a Value). Each node's value is written above it (blue) and its gradient
    below it (vermillion, framed, italic; the total dL/dnode, summed over all
    its uses). Texts have gids "label-<id>", "value-<id>", "grad-<id>".
    Returns the Axes; ``alt_text(ax)`` describes it.
    """
    if not isinstance(graph, (Value, Circuit)):
        raise TypeError(f"draw_graph: graph must be a utils.autodiff.Value or a "
                        f"utils.plotting.Circuit, got {describe(graph)}")
    layout = graph_layout(graph)
    values_shown, grads_shown = _check_reveal(reveal, layout.ids)
    xs, ys = [n.x for n in layout.nodes], [n.y for n in layout.nodes]
    if ax is None:
        with plt.rc_context(COURSE_RC):
            fig, ax = plt.subplots(figsize=graph_figsize(layout))
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1 - 0.45 / fig.get_figheight())
    by_id = {n.id: n for n in layout.nodes}
    for src, dst in layout.edges:
        a, b = by_id[src], by_id[dst]
        _wire(ax, _boundary(a, (b.x, b.y)), _boundary(b, (a.x, a.y)))
    root = by_id[layout.root]
    start = _boundary(root, (root.x + 1, root.y))
    _wire(ax, start, (start[0] + 0.8, start[1]))
    for node in layout.nodes:
        _draw_node(ax, node)
        _annotate_node(ax, node, show_values and node.id in values_shown,
                       show_grads and node.id in grads_shown)
    ax.set_xlim(min(xs) - 0.7, max(xs) + 1.4)
    ax.set_ylim(min(ys) - 0.75, max(ys) + 0.75)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    set_alt(ax, describe_graph(graph))
    return ax


# ---- functions and training curves --------------------------------------------------
def evaluate_on_grid(f, xs):
    """f at every point of the 1-D grid xs (shape (n,) in, (n,) out): vectorised if f
    accepts arrays, point by point otherwise."""
    try:
        ys = np.asarray(f(xs), dtype=float)
    except (TypeError, ValueError):
        ys = None
    if ys is None or ys.shape != xs.shape:
        ys = np.array([float(f(x)) for x in xs])
    return ys


def plot_function_and_derivative(f, df, x_min, x_max, ax=None, title=None, label="f"):
    """Plot f and its derivative df on [x_min, x_max] (400 points); returns the Axes.

    f, df: functions of x (NumPy arrays or floats); label names the function
    in the legend, e.g. "sigmoid" gives "sigmoid(x)" and "sigmoid'(x)".
    """
    func = "plot_function_and_derivative"
    _check_callable(func, "f", f)
    _check_callable(func, "df", df)
    x_min, x_max = check_number(func, "x_min", x_min), check_number(func, "x_max", x_max)
    if not x_min < x_max:
        raise ValueError(f"{func}: x_min must be less than x_max, got {x_min} and {x_max}")
    xs = np.linspace(x_min, x_max, 400)
    ax = _new_axes(ax)
    ys, dys = evaluate_on_grid(f, xs), evaluate_on_grid(df, xs)
    ax.plot(xs, ys, label=f"{label}(x)", color=PALETTE[0])
    ax.plot(xs, dys, label=f"{label}'(x)", color=PALETTE[1], linestyle="--")
    ax.axhline(0, color="gray", linewidth=0.6)
    ax.set_xlabel("x")
    ax.set_ylabel("value")
    ax.set_title(title if title is not None else f"{label} and its derivative")
    ax.legend()
    set_alt(ax, describe_function_and_derivative(xs, ys, dys, label))
    return ax


def describe_function_and_derivative(xs, ys, dys, label="f"):
    """One sentence about f and f' sampled at xs: ranges and where f' is largest."""
    xs, ys, dys = (np.asarray(a, dtype=float) for a in (xs, ys, dys))
    top = int(np.nanargmax(np.abs(dys)))
    return (f"{label}(x) for x from {_fmt(xs[0])} to {_fmt(xs[-1])} (solid) ranges from "
            f"{_fmt(np.nanmin(ys))} to {_fmt(np.nanmax(ys))}; its derivative (dashed) ranges "
            f"from {_fmt(np.nanmin(dys))} to {_fmt(np.nanmax(dys))} and is steepest in size "
            f"at x = {_fmt(xs[top])}.")


def plot_decision_boundary(predict, X, y, ax=None, title=None, resolution=200):
    """Colour the plane by predict's class and scatter the points X (N, 2) by label y (N,).

    predict: maps an (M, 2) array to (M,) integer labels. Returns the Axes.
    """
    func = "plot_decision_boundary"
    _check_callable(func, "predict", predict)
    X = check_array(func, "X", X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"{func}: X must have 2 columns (a point in the plane per row), "
                         f"got shape {X.shape}")
    y = check_labels(func, "y", y, X.shape[0])
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid_labels = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()])))
    if grid_labels.shape != (gx.size,):
        raise ValueError(f"{func}: predict must return one label per row, shape ({gx.size},), "
                         f"got shape {grid_labels.shape}")
    classes = np.union1d(np.unique(y), np.unique(grid_labels)).astype(int)
    cmap = mpl.colors.ListedColormap(PALETTE)
    levels = np.arange(classes.max() + 2) - 0.5
    ax = _new_axes(ax, figsize=(5, 4.5))
    ax.contourf(gx, gy, grid_labels.reshape(gx.shape), levels=levels, cmap=cmap,
                vmin=-0.5, vmax=len(PALETTE) - 0.5, alpha=0.3)
    for k in np.unique(y):
        ax.scatter(*X[y == k].T, color=PALETTE[k % len(PALETTE)], edgecolor="black",
                   linewidth=0.5, s=30, marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
                   label=f"class {k}", zorder=3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title if title is not None else "decision boundary")
    ax.legend(loc="best")
    set_alt(ax, describe_decision_boundary(grid_labels, X, y, predict(X)))
    return ax


CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")  # class k: shape as well as colour


def describe_decision_boundary(grid_labels, X, y, predicted):
    """One sentence: how much of the plane each class gets and the accuracy on (X, y)."""
    grid_labels, predicted = np.asarray(grid_labels), np.asarray(predicted)
    shares = ", ".join(f"class {k} {np.mean(grid_labels == k):.0%}"
                       for k in np.union1d(np.unique(y), np.unique(grid_labels)).astype(int))
    return (f"The plane coloured by predicted class ({shares} of the area) with {len(y)} "
            f"points; {np.mean(predicted == np.asarray(y)):.0%} of them lie in the region of "
            f"their own class.")


def _check_series(func, name, series):
    if not isinstance(series, dict) or not series:
        raise TypeError(f"{func}: {name} must be a non-empty dict label -> list of numbers, "
                        f"got {describe(series)}")
    return {str(k): check_array(func, f"{name}[{k!r}]", v, ndim=1) for k, v in series.items()}


def plot_losses(histories, ax=None, title=None, log=False):
    """Loss per epoch, one line per entry of ``histories`` (label -> list of floats).

    log=True uses a logarithmic loss axis. Returns the Axes.
    """
    histories = _check_series("plot_losses", "histories", histories)
    ax = _new_axes(ax)
    for i, (label, losses) in enumerate(histories.items()):
        ax.plot(np.arange(1, losses.size + 1), losses, label=label,
                color=PALETTE[i % len(PALETTE)], linestyle=LINESTYLES[i % len(LINESTYLES)])
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    ax.set_title(title if title is not None else "training loss")
    ax.legend()
    set_alt(ax, describe_losses(histories))
    return ax


LINESTYLES = ("-", "--", "-.", ":")  # series told apart by dash pattern as well as colour


def describe_losses(histories):
    """One sentence per curve: 'label: loss goes from a to b in n epochs'."""
    histories = _check_series("describe_losses", "histories", histories)
    parts = [f"{label}: loss goes from {_fmt(v[0])} to {_fmt(v[-1])} in {v.size} epochs"
             for label, v in histories.items()]
    return "Training loss per epoch; " + "; ".join(parts) + "."


def plot_gradient_norms(norms, ax=None, title=None, log=True):
    """||dL/dW|| per layer (layer 1 = nearest the input), one line per entry of ``norms``.

    norms: label -> list of per-layer norms. log=True (default) uses a
    logarithmic axis spanning at least two decades (so nearly equal norms
    look flat); zero norms are then left out. Returns the Axes.
    """
    norms = _check_series("plot_gradient_norms", "norms", norms)
    ax = _new_axes(ax)
    for i, (label, values) in enumerate(norms.items()):
        ax.plot(np.arange(1, values.size + 1), values, marker=CLASS_MARKERS[i % 8],
                markersize=5, label=label, color=PALETTE[i % len(PALETTE)],
                linestyle=LINESTYLES[i % len(LINESTYLES)])
    set_alt(ax, describe_gradient_norms(norms))
    ax.set_xlabel("layer (1 = nearest the input)")
    ax.set_ylabel(r"$\|\partial L / \partial W\|$")
    if log:
        ax.set_yscale("log", nonpositive="mask")
        _span_decades(ax, np.concatenate(list(norms.values())))
    ax.set_title(title if title is not None else "gradient norm per layer")
    ax.legend()
    return ax


def describe_gradient_norms(norms):
    """One sentence per series: the gradient norm at layer 1 and at the last layer."""
    norms = _check_series("describe_gradient_norms", "norms", norms)
    parts = []
    for label, v in norms.items():
        ratio = v[0] / v[-1] if v[-1] else np.inf
        parts.append(f"{label}: {_fmt(v[0])} at layer 1 and {_fmt(v[-1])} at layer {v.size} "
                     f"(ratio {_fmt(ratio)})")
    return "Gradient norm per layer; " + "; ".join(parts) + "."


def _span_decades(ax, values, decades=2):
    """Widen a log axis to at least ``decades`` powers of ten, so equal values look flat."""
    positive = values[values > 0]
    if positive.size and np.log10(positive.max() / positive.min()) < decades:
        centre = np.sqrt(positive.max() * positive.min())
        ax.set_ylim(centre / 10 ** (decades / 2), centre * 10 ** (decades / 2))


def plot_activation_histograms(activations, ax=None, title=None, layers=None, bins=50):
    """Overlaid step histograms of each hidden layer's activations, legend "layer k".

    activations: list of arrays, one per layer (layer k is activations[k - 1],
    any shape; all entries are counted). layers: the 1-based layer numbers to
    draw (default all; pass a few for deep nets). Bins are shared so layers
    compare directly. Returns the Axes.
    """
    func = "plot_activation_histograms"
    if not isinstance(activations, (list, tuple)) or not activations:
        raise TypeError(f"{func}: activations must be a non-empty list of arrays, one per "
                        f"layer, got {describe(activations)}")
    arrays = [check_array(func, f"activations[{i}]", a).ravel() for i, a in enumerate(activations)]
    layers = range(1, len(arrays) + 1) if layers is None else list(layers)
    bad = [k for k in layers if not 1 <= k <= len(arrays)]
    if bad:
        raise ValueError(f"{func}: layers must lie in 1..{len(arrays)}, got {bad}")
    edges = np.histogram_bin_edges(np.concatenate([arrays[k - 1] for k in layers]), bins=bins)
    ax = _new_axes(ax)
    for i, k in enumerate(layers):
        ax.hist(arrays[k - 1], bins=edges, histtype="step", linewidth=1.6,
                color=PALETTE[i % len(PALETTE)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                label=f"layer {k}")
    ax.set_xlabel("activation value")
    ax.set_ylabel("count")
    ax.set_title(title if title is not None else "activations per layer")
    ax.legend()
    set_alt(ax, describe_activation_histograms(arrays, layers))
    return ax


def describe_activation_histograms(activations, layers=None):
    """One sentence: the standard deviation of each listed layer's activations."""
    arrays = [np.asarray(a, dtype=float).ravel() for a in activations]
    layers = range(1, len(arrays) + 1) if layers is None else list(layers)
    return ("Histograms of activations; standard deviation " +
            ", ".join(f"layer {k} {_fmt(arrays[k - 1].std())}" for k in layers) + ".")
