"""New pictures for the lectures: a Jacobian as a map of a grid, gradient descent on a
surface, and a small network's backward pass.

Each picture is a plain computation (tested without drawing), a ``*_figure``
function returning a matplotlib Figure whose one-sentence description is
``utils.plotting.alt_text(fig)`` (show it with ``utils.plotting.show(fig)``),
and, where a control helps, an explorer in ``utils.widgets``.

- ``jacobian_grid`` / ``jacobian_map_figure``: a small grid around a point and
  its image under the linear map J (Lecture 1), beside f's own image of it;
- ``descent_path`` / ``descent_figure``: gradient descent on a 2-D loss,
  contours and the path, and the loss per step (Lectures 2 and 4);
- ``network_backward`` / ``network_backward_figure``: a 2-3-1 network with its
  backward pass drawn, each edge as wide as its weight's gradient (Lecture 4).
"""

import matplotlib.pyplot as plt
import numpy as np

from utils import layers
from utils.gradcheck import numerical_jacobian
from utils.plotting import (COURSE_RC, GRAD_COLOR, OKABE_ITO, PALETTE, VALUE_COLOR,
                            format_number, set_alt)
from utils.validation import check_array, check_int, check_number, check_positive, describe

__all__ = ["jacobian_grid", "jacobian_map_figure", "describe_jacobian_map", "BOWL",
           "loss_surface", "descent_path", "descent_figure", "describe_descent",
           "network_backward", "network_backward_figure", "describe_network_backward"]


def _fmt(x):
    return format_number(float(x))


def _check_callable(func, name, f):
    if not callable(f):
        raise TypeError(f"{func}: {name} must be a function, got {describe(f)}")


def _new_figure(ncols, figsize):
    with plt.rc_context(COURSE_RC):
        fig, axes = plt.subplots(1, ncols, figsize=figsize)
    return fig, np.atleast_1d(axes)


# ---- a Jacobian as a map of a grid ---------------------------------------------------
def _jacobian_at(func, f, jac, p):
    J = np.asarray(jac(p.copy()) if callable(jac) else jac, dtype=float)
    if J.shape != (2, 2):
        raise ValueError(f"{func}: jac must give a 2 x 2 matrix (d f_i / d x_j), got shape "
                         f"{J.shape}")
    if f is not None:
        numeric = numerical_jacobian(lambda x: np.asarray(f(x), dtype=float), p.copy())
        bad = np.abs(J - numeric) > 1e-4 * (1 + np.abs(numeric))
        if bad.any():
            i, j = map(int, np.argwhere(bad)[0])
            raise ValueError(f"{func}: jac does not match f: at x = ({_fmt(p[0])}, "
                             f"{_fmt(p[1])}) entry [{i}, {j}] (d f_{i + 1} / d x_{j + 1}) is "
                             f"{_fmt(J[i, j])} but f's slope there is {_fmt(numeric[i, j])} "
                             f"(central difference)")
    return J


def jacobian_grid(f, jac, point=(0.0, 0.0), radius=0.5, n_lines=7, n_points=41):
    """A grid of half-width ``radius`` around ``point`` and its images, in grid units.

    f: a function of a length-2 array returning a length-2 array, or None
    (only the linear map); jac: J at a point (a function of a length-2
    array returning 2 x 2, J[i, j] = d f_i / d x_j) or a constant 2 x 2
    array. When f is given, J is checked against f's central differences.
    The grid is u in [-1, 1]^2 (``n_lines`` lines each way, ``n_points``
    points per line); x = point + radius * u. Returns a dict:
    "J", "point", "radius", "det" (area factor), "inputs" (list of
    (n_points, 2) arrays: x along each line), "linear" (J u per line),
    "curved" ((f(point + radius u) - f(point)) / radius per line, None
    without f) and "gap" (largest distance between curved and linear, which
    shrinks like radius; None without f).
    """
    func = "jacobian_grid"
    if f is not None:
        _check_callable(func, "f", f)
    p = check_array(func, "point", point, ndim=1).astype(float)
    if p.shape != (2,):
        raise ValueError(f"{func}: point must have 2 coordinates, got shape {p.shape}")
    radius = check_positive(func, "radius", radius)
    n_lines = check_int(func, "n_lines", n_lines, minimum=2)
    n_points = check_int(func, "n_points", n_points, minimum=2)
    J = _jacobian_at(func, f, jac, p)
    s = np.linspace(-1.0, 1.0, n_points)
    units = []
    for t in np.linspace(-1.0, 1.0, n_lines):
        units.append(np.column_stack([s, np.full_like(s, t)]))  # horizontal line
        units.append(np.column_stack([np.full_like(s, t), s]))  # vertical line
    inputs = [p + radius * u for u in units]
    linear = [u @ J.T for u in units]
    curved = gap = None
    if f is not None:
        f0 = np.asarray(f(p.copy()), dtype=float)
        curved = [(np.array([np.asarray(f(x), dtype=float) for x in xs]) - f0) / radius
                  for xs in inputs]
        gap = float(max(np.max(np.linalg.norm(c - lin, axis=1))
                        for c, lin in zip(curved, linear)))
    return {"J": J, "point": p, "radius": radius, "det": float(np.linalg.det(J)),
            "inputs": inputs, "linear": linear, "curved": curved, "gap": gap}


def describe_jacobian_map(grid):
    """One sentence about a ``jacobian_grid`` result."""
    J, p = grid["J"], grid["point"]
    text = (f"Left: a square grid of half-width {_fmt(grid['radius'])} around x = "
            f"({_fmt(p[0])}, {_fmt(p[1])}). Right: its image under the Jacobian "
            f"J = [[{_fmt(J[0, 0])}, {_fmt(J[0, 1])}], [{_fmt(J[1, 0])}, {_fmt(J[1, 1])}]], "
            f"a parallelogram grid whose area is {_fmt(abs(grid['det']))} times the square's")
    if grid["curved"] is not None:
        text += (f", drawn over f's own (dashed) image of the grid, which differs from it by "
                 f"at most {_fmt(grid['gap'])} grid units")
    return text + "."


def _jacobian_limits(grid, margin=1.15):
    pts = np.concatenate(grid["linear"] + (grid["curved"] or []))
    half = margin * float(np.max(np.abs(pts))) if pts.size else 1.0
    return max(half, 1e-9)


def _draw_jacobian(axes, grid, names=("x_1", "x_2"), out_names=("f_1", "f_2")):
    """Draw a jacobian_grid on two Axes; returns the artists that move with the grid."""
    left, right = axes
    artists = {"inputs": [], "linear": [], "curved": [], "basis": []}
    for xs in grid["inputs"]:
        artists["inputs"] += left.plot(*xs.T, color=PALETTE[0], linewidth=1.2)
    p, r = grid["point"], grid["radius"]
    artists["point"], = left.plot([p[0]], [p[1]], "o", color="black", markersize=6)
    for k, (vec, style) in enumerate(((np.array([1.0, 0.0]), "-"),
                                      (np.array([0.0, 1.0]), "--"))):
        artists["basis"] += left.plot([p[0], p[0] + r * vec[0]], [p[1], p[1] + r * vec[1]],
                                      style, color=PALETTE[3], linewidth=2.5)
    left.set_xlabel(f"${names[0]}$")
    left.set_ylabel(f"${names[1]}$")
    left.set_aspect("equal", adjustable="datalim")
    left.set_title("input: a grid around x")
    for lin in grid["linear"]:
        artists["linear"] += right.plot(*lin.T, color=PALETTE[0], linewidth=1.2)
    for cur in grid["curved"] or []:
        artists["curved"] += right.plot(*cur.T, color=PALETTE[1], linewidth=1.4,
                                        linestyle="--")
    J = grid["J"]
    for k, style in enumerate(("-", "--")):
        artists["basis"] += right.plot([0, J[0, k]], [0, J[1, k]], style, color=PALETTE[3],
                                       linewidth=2.5)
    half = _jacobian_limits(grid)
    right.set_xlim(-half, half)
    right.set_ylim(-half, half)
    right.set_aspect("equal")
    right.axhline(0, color="gray", linewidth=0.5)
    right.axvline(0, color="gray", linewidth=0.5)
    right.set_xlabel(f"change of ${out_names[0]}$ / radius")
    right.set_ylabel(f"change of ${out_names[1]}$ / radius")
    right.set_title("output: J times the grid (solid)"
                    + (", f's image (dashed)" if grid["curved"] is not None else ""))
    return artists


def jacobian_map_figure(f, jac, point=(0.0, 0.0), radius=0.5, n_lines=7,
                        names=("x_1", "x_2"), out_names=("f_1", "f_2")):
    """A grid around ``point`` (left) and its image under J = jac(point) (right), side by side.

    Arguments as ``jacobian_grid``; names/out_names label the axes (LaTeX
    without $). The red arrows are the grid's two unit directions and their
    images, J's columns (solid: first, dashed: second). With f given, f's
    own image of the grid, scaled by 1/radius, is drawn dashed over J's: the
    smaller the radius the closer they are. Returns the Figure;
    ``alt_text(fig)`` describes it.
    """
    grid = jacobian_grid(f, jac, point, radius, n_lines)
    fig, axes = _new_figure(2, (10, 4.6))
    _draw_jacobian(axes, grid, names, out_names)
    fig.suptitle(f"The Jacobian at x = ({_fmt(grid['point'][0])}, {_fmt(grid['point'][1])}) "
                 f"maps the grid to a parallelogram grid (area factor |det J| = "
                 f"{_fmt(abs(grid['det']))})")
    fig.tight_layout()
    set_alt(fig, describe_jacobian_map(grid))
    return fig


# ---- gradient descent on a 2-D loss surface ------------------------------------------
def _bowl_loss(w):
    w = np.asarray(w, dtype=float)
    return 0.5 * (w[..., 0] ** 2 + 10.0 * w[..., 1] ** 2)


def _bowl_grad(w):
    w = np.asarray(w, dtype=float)
    return np.array([w[0], 10.0 * w[1]])


# The default surface: an elongated bowl L(w) = (w1^2 + 10 w2^2) / 2, curvatures 1 and 10,
# so gradient descent oscillates across the valley for lr > 0.1 and diverges for lr > 0.2.
BOWL = {"loss": _bowl_loss, "grad": _bowl_grad, "name": "L(w) = (w₁² + 10 w₂²) / 2",
        "bounds": ((-5.0, 5.0), (-2.5, 2.5)), "start": (-4.5, 1.5), "lr_limit": 0.2}


def loss_surface(loss, bounds, resolution=120):
    """loss on a grid over bounds ((w1 min, w1 max), (w2 min, w2 max)): (W1, W2, L) arrays.

    loss takes an array (..., 2) of points (vectorised) or one length-2 array.
    """
    _check_callable("loss_surface", "loss", loss)
    (a, b), (c, d) = bounds
    W1, W2 = np.meshgrid(np.linspace(a, b, resolution), np.linspace(c, d, resolution))
    pts = np.stack([W1, W2], axis=-1)
    try:
        L = np.asarray(loss(pts), dtype=float)
    except (TypeError, ValueError, IndexError):
        L = None
    if L is None or L.shape != W1.shape:
        L = np.array([[float(loss(p)) for p in row] for row in pts])
    return W1, W2, L


def descent_path(grad, start, lr, steps, loss=None, blowup=1e6):
    """Gradient descent w <- w - lr * grad(w) from ``start`` for ``steps`` steps.

    Returns {"path": (k + 1, 2) array of iterates (start first), "losses":
    loss at each iterate (None without loss), "diverged": True when the
    iterates left the ball of radius ``blowup`` (the path stops there, so
    k <= steps), "steps": k}.
    """
    func = "descent_path"
    _check_callable(func, "grad", grad)
    w = check_array(func, "start", start, ndim=1).astype(float)
    if w.shape != (2,):
        raise ValueError(f"{func}: start must have 2 coordinates, got shape {w.shape}")
    lr = check_positive(func, "lr", lr)
    steps = check_int(func, "steps", steps, minimum=0)
    path, diverged = [w.copy()], False
    for _ in range(steps):
        g = np.asarray(grad(w.copy()), dtype=float)
        if g.shape != (2,):
            raise ValueError(f"{func}: grad must return 2 numbers, got shape {g.shape}")
        w = w - lr * g
        path.append(w.copy())
        if not np.all(np.isfinite(w)) or np.linalg.norm(w) > blowup:
            diverged = True
            break
    path = np.array(path)
    losses = None if loss is None else np.array([float(loss(p)) for p in path])
    return {"path": path, "losses": losses, "diverged": diverged, "steps": len(path) - 1}


def describe_descent(result, lr):
    """One sentence about a ``descent_path`` result with losses."""
    losses, k = result["losses"], result["steps"]
    start = result["path"][0]
    head = (f"Gradient descent with learning rate {_fmt(lr)} from ({_fmt(start[0])}, "
            f"{_fmt(start[1])})")
    if losses is None:
        return f"{head} takes {k} steps."
    if result["diverged"] or losses[-1] > losses[0]:
        return (f"{head} diverges: the loss grows from {_fmt(losses[0])} to "
                f"{_fmt(losses[-1])} in {k} steps.")
    return f"{head}: the loss falls from {_fmt(losses[0])} to {_fmt(losses[-1])} in {k} steps."


def _loss_limits(loss0):
    top = max(abs(loss0), 1e-12)
    return top * 1e-6, top * 1e4


def _draw_descent(axes, surface, result, lr, name):
    """Contours and path (left), loss per step (right); returns the moving artists."""
    left, right = axes
    W1, W2, L = surface
    positive = L[L > 0]
    if positive.size and L.min() >= 0:
        levels = np.geomspace(max(positive.min(), L.max() * 1e-4), L.max(), 12)
    else:
        levels = 12
    left.contour(W1, W2, L, levels=levels, cmap="cividis", linewidths=1.0)
    path = result["path"]
    moving = {}
    moving["path"], = left.plot(*path.T, "-o", color=PALETTE[3], markersize=4, linewidth=1.5)
    left.plot(*path[0], "s", color="black", markersize=7, zorder=4)
    left.set_xlim(W1.min(), W1.max())
    left.set_ylim(W2.min(), W2.max())
    left.set_xlabel("$w_1$")
    left.set_ylabel("$w_2$")
    left.set_title(f"{name}: contours and the path" if name else "contours and the path")
    losses = result["losses"]
    moving["loss"], = right.plot(np.arange(len(losses)), losses, "-o", color=PALETTE[0],
                                 markersize=3)
    right.set_yscale("log")
    right.set_ylim(*_loss_limits(losses[0]))
    right.set_xlabel("step")
    right.set_ylabel("loss (log scale)")
    moving["title"] = right.set_title(f"learning rate {_fmt(lr)}")
    return moving


def descent_figure(loss=None, grad=None, start=None, lr=0.05, steps=30, bounds=None,
                   name=None):
    """Gradient descent on a 2-D loss: contours with the path (left), loss per step (right).

    Default surface: ``BOWL`` (curvatures 1 and 10: oscillation above lr 0.1,
    divergence above 0.2). loss: vectorised over (..., 2) arrays or taking
    one point; grad: the gradient at one point (length-2 array). Returns the
    Figure; ``alt_text(fig)`` describes the run.
    """
    loss, grad, start, bounds, name = _surface_defaults(loss, grad, start, bounds, name)
    result = descent_path(grad, start, lr, steps, loss=lambda w: float(loss(np.asarray(w))))
    fig, axes = _new_figure(2, (10, 4.2))
    _draw_descent(axes, loss_surface(loss, bounds), result, lr, name)
    fig.tight_layout()
    set_alt(fig, describe_descent(result, lr))
    return fig


def _surface_defaults(loss, grad, start, bounds, name):
    if loss is None and grad is None:
        loss, grad = BOWL["loss"], BOWL["grad"]
        start = BOWL["start"] if start is None else start
        bounds = BOWL["bounds"] if bounds is None else bounds
        name = BOWL["name"] if name is None else name
    if loss is None or grad is None:
        raise ValueError("descent: give both loss and grad (or neither, for the default "
                         "bowl)")
    _check_callable("descent", "loss", loss)
    _check_callable("descent", "grad", grad)
    if start is None or bounds is None:
        raise ValueError("descent: with your own loss, give start=(w1, w2) and "
                         "bounds=((w1 min, w1 max), (w2 min, w2 max))")
    return loss, grad, start, bounds, name or ""


# ---- a 2-3-1 network's backward pass ----------------------------------------------------
def _default_params(seed):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, 1.0, (2, 3)), "b1": np.zeros(3),
            "W2": rng.normal(0.0, 1.0, (3, 1)), "b2": np.zeros(1)}


_HIDDEN = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh"}


def network_backward(x=(1.0, -0.5), target=1.0, params=None, activation="relu", seed=0):
    """Forward and backward pass of a 2-3-1 regression network on one example.

    y_hat = act(x W1 + b1) W2 + b2 (linear output), loss L = (y_hat - target)^2 / 2.
    params: {"W1" (2, 3), "b1" (3,), "W2" (3, 1), "b2" (1,)} or None for
    weights drawn from N(0, 1) with ``seed`` (biases 0). Returns a dict with
    the forward quantities "x", "z1", "h", "y_hat", "loss" and the gradients
    "dy_hat", "dh", "dz1", "dW1", "db1", "dW2", "db2" (each shaped like what
    it differentiates), plus "params" and "activation".
    """
    func = "network_backward"
    x = check_array(func, "x", x, ndim=1)
    if x.shape != (2,):
        raise ValueError(f"{func}: x must have 2 numbers, got shape {x.shape}")
    target = check_number(func, "target", target)
    if activation not in _HIDDEN:
        raise ValueError(f"{func}: activation must be one of {sorted(_HIDDEN)}, got "
                         f"{activation!r}")
    params = _default_params(seed) if params is None else params
    shapes = {"W1": (2, 3), "b1": (3,), "W2": (3, 1), "b2": (1,)}
    if not isinstance(params, dict) or set(params) != set(shapes):
        raise TypeError(f"{func}: params must be a dict with keys W1, b1, W2, b2, got "
                        f"{describe(params)}")
    params = {k: check_array(func, f"params[{k!r}]", v) for k, v in params.items()}
    for k, shape in shapes.items():
        if params[k].shape != shape:
            raise ValueError(f"{func}: params[{k!r}] must have shape {shape}, got "
                             f"{params[k].shape}")
    forward, backward = {"relu": (layers.relu_forward, layers.relu_backward),
                         "sigmoid": (layers.sigmoid_forward, layers.sigmoid_backward),
                         "tanh": (layers.tanh_forward, layers.tanh_backward)}[activation]
    z1, cache1 = layers.affine_forward(x[None, :], params["W1"], params["b1"])
    h, act_cache = forward(z1)
    y_hat, cache2 = layers.affine_forward(h, params["W2"], params["b2"])
    diff = y_hat - target
    dy_hat = diff  # d(diff^2 / 2) / d y_hat
    dh, dW2, db2 = layers.affine_backward(dy_hat, cache2)
    dz1 = backward(dh, act_cache)
    _, dW1, db1 = layers.affine_backward(dz1, cache1)
    return {"x": x, "z1": z1[0], "h": h[0], "y_hat": float(y_hat[0, 0]), "target": target,
            "loss": float(0.5 * diff[0, 0] ** 2), "dy_hat": float(dy_hat[0, 0]),
            "dh": dh[0], "dz1": dz1[0], "dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2,
            "params": params, "activation": activation}


def describe_network_backward(net):
    """One sentence about a ``network_backward`` result: output, loss, largest gradient."""
    grads = [(abs(v), f"dL/dW1[{i + 1},{j + 1}]", v) for (i, j), v in np.ndenumerate(net["dW1"])]
    grads += [(abs(v), f"dL/dW2[{j + 1}]", v) for (j, _), v in np.ndenumerate(net["dW2"])]
    grads.sort(key=lambda t: -t[0])
    big, small = grads[0], grads[-1]
    return (f"A 2-3-1 network ({net['activation']} hidden units) maps x = "
            f"({_fmt(net['x'][0])}, {_fmt(net['x'][1])}) to {_fmt(net['y_hat'])} against "
            f"target {_fmt(net['target'])} (loss {_fmt(net['loss'])}); each edge is as wide "
            f"as its weight's gradient, the widest {big[1]} = {_fmt(big[2])} and the "
            f"narrowest {small[1]} = {_fmt(small[2])}.")


def network_backward_figure(x=(1.0, -0.5), target=1.0, params=None, activation="relu",
                            seed=0, show_numbers=True):
    """Draw a 2-3-1 network's backward pass: edge width = |dL/dw|, dashed when negative.

    Arguments as ``network_backward``. Nodes (circles) hold their forward
    values (blue, inside); below each hidden and output node its gradient
    dL/d(node) (vermillion, framed); on each edge the weight's gradient
    dL/dw (framed), and the edge is drawn as wide as |dL/dw| (solid when
    positive, dashed when negative), the arrowheads pointing backward (the
    direction gradients flow). Returns the Figure; ``alt_text(fig)``
    describes it.
    """
    net = network_backward(x, target, params, activation, seed)
    fig, (ax,) = _new_figure(1, (10, 5.2))
    pos = {("x", i): (0.0, 1.0 - 2.0 * i) for i in range(2)}
    pos.update({("h", j): (3.0, 2.0 - 2.0 * j) for j in range(3)})
    pos[("y", 0)] = (6.0, 0.0)
    pos[("L", 0)] = (8.2, 0.0)
    biggest = max(np.abs(net["dW1"]).max(), np.abs(net["dW2"]).max(), 1e-12)

    def edge(a, b, grad, frac, gid):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        width = 0.8 + 7.0 * abs(grad) / biggest
        ax.annotate("", xy=(x0 + 0.42 * np.sign(x1 - x0), y0 + 0.42 * (y1 - y0) / abs(x1 - x0)),
                    xytext=(x1 - 0.42 * np.sign(x1 - x0), y1 - 0.42 * (y1 - y0) / abs(x1 - x0)),
                    arrowprops=dict(arrowstyle="-|>", color=GRAD_COLOR, lw=width,
                                    linestyle="-" if grad >= 0 else (0, (4, 2)),
                                    mutation_scale=10 + 2 * width, shrinkA=0, shrinkB=0),
                    zorder=1, gid=gid)
        if show_numbers:
            ax.text(x0 + frac * (x1 - x0), y0 + frac * (y1 - y0), _fmt(grad), ha="center",
                    va="center", fontsize=10, color=GRAD_COLOR, fontstyle="italic", zorder=4,
                    bbox=dict(facecolor="white", edgecolor=GRAD_COLOR, linewidth=0.6,
                              boxstyle="round,pad=0.15"))

    for i in range(2):
        for j in range(3):
            edge(("x", i), ("h", j), net["dW1"][i, j], 0.62 if i == 0 else 0.36,
                 f"edge-W1-{i + 1}-{j + 1}")
    for j in range(3):
        edge(("h", j), ("y", 0), net["dW2"][j, 0], 0.55, f"edge-W2-{j + 1}")
    ax.annotate("", xy=(6.42, 0.0), xytext=(7.6, 0.0),
                arrowprops=dict(arrowstyle="-|>", color=GRAD_COLOR, lw=2))

    def node(key, label, value, grad=None):
        cx, cy = pos[key]
        ax.add_patch(plt.Circle((cx, cy), 0.42, facecolor="white", edgecolor="black",
                                linewidth=1.3, zorder=3))
        ax.text(cx, cy, _fmt(value), ha="center", va="center", fontsize=11,
                color=VALUE_COLOR, zorder=5)
        ax.text(cx, cy + 0.5, label, ha="center", va="bottom", fontsize=11, zorder=5)
        if grad is not None:
            ax.text(cx, cy - 0.52, _fmt(grad), ha="center", va="top", fontsize=10,
                    color=GRAD_COLOR, fontstyle="italic", zorder=5,
                    bbox=dict(facecolor="white", edgecolor=GRAD_COLOR, linewidth=0.6,
                              boxstyle="round,pad=0.15"))

    for i in range(2):
        node(("x", i), f"$x_{i + 1}$", net["x"][i])
    for j in range(3):
        node(("h", j), f"$h_{j + 1}$", net["h"][j], net["dh"][j])
    node(("y", 0), r"$\hat y$", net["y_hat"], net["dy_hat"])
    lx, ly = pos[("L", 0)]
    ax.text(lx, ly, f"L = {_fmt(net['loss'])}", ha="left", va="center", fontsize=11,
            bbox=dict(facecolor=OKABE_ITO["sky blue"], alpha=0.25, edgecolor="black"))
    ax.text(lx, ly - 0.55, f"target {_fmt(net['target'])}", ha="left", va="top", fontsize=10)
    ax.text(-0.5, -3.05, "blue: forward values    framed italic: gradients dL/d(.)\n"
            "edge width = |dL/dw|, dashed = negative; arrows point backward",
            fontsize=10, ha="left", va="top")
    ax.set_xlim(-0.8, 10.0)
    ax.set_ylim(-4.0, 2.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"Backward pass of a 2-3-1 network ({net['activation']} hidden layer, "
                 f"squared error)")
    fig.tight_layout()
    set_alt(fig, describe_network_backward(net))
    return fig
