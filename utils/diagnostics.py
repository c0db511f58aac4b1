"""Measurements for the vanishing/exploding-gradient lesson, and a residual block.

``dead_relu_fraction`` counts ReLU units that are off for a whole batch;
``gradient_cosine`` compares the direction of two sets of gradients (e.g.
before and after clipping); ``residual_forward``/``residual_backward`` are the
block out = x + f(x @ w + b) whose identity path carries gradients through
deep stacks.
"""

import numpy as np

from utils import layers
from utils.validation import check_array, check_choice


def dead_relu_fraction(pre_activations):
    """Fraction of ReLU units that output 0 for EVERY row of a batch.

    pre_activations: z of one layer, shape (N, H) (N inputs, H units). Unit j
    is dead on this batch when z[i, j] <= 0 for all i: ReLU then outputs 0 and
    passes back a zero gradient for every input, so its weights get no update.
    Returns a float in [0, 1].
    """
    z = check_array("dead_relu_fraction", "pre_activations", pre_activations, ndim=2)
    if z.shape[0] == 0 or z.shape[1] == 0:
        raise ValueError(f"dead_relu_fraction: pre_activations must have at least one "
                         f"row and one unit, got shape {z.shape}")
    return float(np.mean(np.all(z <= 0, axis=0)))


def gradient_cosine(grads_a, grads_b):
    """Cosine of the angle between two gradients, each flattened into one vector.

    grads_a, grads_b: dicts with the same keys and matching array shapes
    (e.g. a model's gradients before and after clipping). Returns a float in
    [-1, 1]; 1 means the same direction.
    """
    if not isinstance(grads_a, dict) or not isinstance(grads_b, dict):
        raise TypeError("gradient_cosine: grads_a and grads_b must be dicts of arrays, "
                        f"got {type(grads_a).__name__} and {type(grads_b).__name__}")
    if set(grads_a) != set(grads_b):
        raise ValueError(f"gradient_cosine: the two gradients have different keys "
                         f"{sorted(grads_a)} and {sorted(grads_b)}")
    names = sorted(grads_a)
    a = np.concatenate([check_array("gradient_cosine", n, grads_a[n]).ravel() for n in names])
    b = np.concatenate([check_array("gradient_cosine", n, grads_b[n]).ravel() for n in names])
    if a.shape != b.shape:
        raise ValueError("gradient_cosine: the arrays of the two gradients differ in size")
    denom = np.linalg.norm(a) * np.linalg.norm(b)
    if denom == 0:
        raise ValueError("gradient_cosine: the cosine is undefined for a zero gradient")
    return float(a @ b / denom)


def residual_forward(x, w, b, activation="relu"):
    """Residual block out = x + f(x @ w + b), f one of tanh, sigmoid, relu, leaky_relu.

    Shapes: x (N, H), w (H, H), b (H,) -> out (N, H). Returns (out, cache).
    """
    check_choice("residual_forward", "activation", activation, set(layers.ACTIVATION_LAYERS))
    x = check_array("residual_forward", "x", x, ndim=2)
    w = check_array("residual_forward", "w", w, ndim=2)
    if w.shape != (x.shape[1], x.shape[1]):
        raise ValueError(f"residual_forward: w must be square, shape "
                         f"{(x.shape[1], x.shape[1])} for x with {x.shape[1]} columns, "
                         f"got {w.shape}")
    z, affine_cache = layers.affine_forward(x, w, b)
    a, act_cache = layers.ACTIVATION_LAYERS[activation][0](z)
    return x + a, (affine_cache, act_cache, activation)


def residual_backward(dout, cache):
    """Gradients (dx, dw, db) of the residual block, shapes (N, H), (H, H), (H,).

    dx = dout + (the branch's gradient): the identity path passes dout back
    unchanged, whatever the branch does.
    """
    affine_cache, act_cache, activation = cache
    dout = check_array("residual_backward", "dout", dout)
    if dout.shape != affine_cache[0].shape:
        raise ValueError(f"residual_backward: dout must have the block's output shape "
                         f"{affine_cache[0].shape}, got {dout.shape}")
    dz = layers.ACTIVATION_LAYERS[activation][1](dout, act_cache)
    dx, dw, db = layers.affine_backward(dz, affine_cache)
    return dout + dx, dw, db
