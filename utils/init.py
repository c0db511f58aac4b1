"""Weight initialization schemes, each a (fan_in, fan_out) array.

Standard deviations: "xavier" sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio
2010), "he" sqrt(2 / fan_in) (He et al. 2015), "normal" the given scale.
"standard_uniform" draws from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the heuristic
Glorot & Bengio compared against.
"""

import numpy as np

from utils.validation import as_generator, check_choice, check_int, check_positive

SCHEMES = ("zeros", "normal", "uniform", "standard_uniform", "xavier",
           "xavier_uniform", "he")


def init_std(fan_in, fan_out, scheme, scale=0.01):
    """The standard deviation a scheme gives a (fan_in, fan_out) weight matrix."""
    check_choice("init_std", "scheme", scheme, SCHEMES)
    return {
        "zeros": 0.0,
        "normal": scale,
        "uniform": scale / np.sqrt(3.0),
        "standard_uniform": 1.0 / np.sqrt(3.0 * fan_in),
        "xavier": np.sqrt(2.0 / (fan_in + fan_out)),
        "xavier_uniform": np.sqrt(2.0 / (fan_in + fan_out)),
        "he": np.sqrt(2.0 / fan_in),
    }[scheme]


def init_weights(fan_in, fan_out, scheme, rng, scale=0.01):
    """Draw a (fan_in, fan_out) weight matrix.

    scheme: one of SCHEMES; scale is the standard deviation for "normal" and
    the half-width for "uniform"; rng is a numpy Generator or an int seed.
    """
    fan_in = check_int("init_weights", "fan_in", fan_in, minimum=1)
    fan_out = check_int("init_weights", "fan_out", fan_out, minimum=1)
    check_choice("init_weights", "scheme", scheme, SCHEMES)
    rng = as_generator("init_weights", rng)
    shape = (fan_in, fan_out)
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme in ("uniform", "standard_uniform", "xavier_uniform"):
        std = init_std(fan_in, fan_out, scheme, check_positive("init_weights", "scale", scale))
        limit = std * np.sqrt(3.0)
        return rng.uniform(-limit, limit, size=shape)
    std = init_std(fan_in, fan_out, scheme, check_positive("init_weights", "scale", scale))
    return rng.normal(0.0, std, size=shape)
