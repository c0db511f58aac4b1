"""Hidden checks of ps1_chain_rule: other points, shapes and links than the visible ones."""

import numpy as np

from utils.checks.core import Check, Mistake, arr, call, call_raises, close, fn, raises

_RNG = np.random.default_rng(20261202)


def _points(low, high, size):
    return _RNG.uniform(low, high, size=size)


def _signed(low, high, n):
    return _points(low, high, n) * _RNG.choice([-1.0, 1.0], size=n)


_SQUARE = [_RNG.normal(size=(3, 3)) for _ in range(3)]
_SINGLE = _RNG.normal(size=(2, 5))

CHECKS = {
    "ps1_test_central_difference": [
        Check("central_difference(np.exp, x, h=1e-3) on a hidden 2 x 3 array", call,
              ("central_difference", fn("exp"), arr(_points(-2, 2, (2, 3)))), {"h": 1e-3},
              judge=close(rtol=1e-9)),
        Check("central_difference(np.tanh, x) at hidden points", call,
              ("central_difference", fn("tanh"), arr(_points(-3, 3, 5))), judge=close(rtol=1e-8)),
        Check("central_difference(np.sin, 1.0, h=-0.1)", call_raises,
              ("central_difference", fn("sin"), 1.0), {"h": -0.1}, judge=raises("ValueError")),
        Check("central_difference(3.0, 1.0)", call_raises, ("central_difference", 3.0, 1.0),
              judge=raises("TypeError")),
    ],
    "ps1_test_d_log_sin_sq": [
        Check("d_log_sin_sq(x) at hidden points", call, ("d_log_sin_sq", arr(_signed(0.2, 1.7, 6))),
              judge=close(rtol=1e-9, mistakes=[Mistake(
                  "the factor 2x from the inner link u = x**2 is missing",
                  lambda want, name, x: np.cos(x ** 2) / np.sin(x ** 2))])),
    ],
    "ps1_test_d_sin_cos": [
        Check("d_sin_cos(x) on a hidden 2 x 4 array", call, ("d_sin_cos", arr(_points(-3, 3, (2, 4)))),
              judge=close(rtol=1e-9, mistakes=[Mistake(
                  "the outer derivative cos must be evaluated at the inner value cos(x), not at x",
                  lambda want, name, x: -np.sin(x) * np.cos(x))])),
    ],
    "ps1_test_d_softplus3": [
        Check("d_softplus3(x) at hidden points", call, ("d_softplus3", arr(_points(-3, 3, 7))),
              judge=close(rtol=1e-9, mistakes=[Mistake(
                  "the factor 3 from the inner link 3x is missing", lambda want, *args: np.asarray(want) / 3)])),
    ],
    "ps1_test_total_derivative": [
        Check("dz_dt_paths(t) at hidden points", call, ("dz_dt_paths", arr(_points(-1.5, 1.5, 5))),
              judge=close(rtol=1e-9)),
        Check("dz_dt(t) at hidden points", call, ("dz_dt", arr(_points(-1.5, 1.5, 5))),
              judge=close(rtol=1e-9, mistakes=[
                  Mistake("only the path through x is counted; add the path through y",
                          lambda want, name, t: np.exp(t ** 2) * np.cos(t)),
                  Mistake("only the path through y is counted; add the path through x",
                          lambda want, name, t: 2 * t * np.sin(t) * np.exp(t ** 2))])),
    ],
    "ps1_test_jacobian_f": [
        Check(f"jacobian_f at hidden point {k + 1}", call, ("jacobian_f", arr(u)),
              judge=close(rtol=1e-9, atol=1e-12))
        for k, u in enumerate(_points(-2, 2, (4, 2)))
    ],
    "ps1_test_jacobian_f_of_g": [
        Check(f"jacobian_f_of_g at hidden point {k + 1}", call, ("jacobian_f_of_g", arr(v)),
              judge=close(rtol=1e-9, atol=1e-12))
        for k, v in enumerate(np.column_stack([_points(0.5, 2, 3), _points(-3, 3, 3)]))
    ],
    "ps1_test_compose_jacobians": [
        Check("compose_jacobians of three 3 x 3 Jacobians", call,
              ("compose_jacobians", [arr(J) for J in _SQUARE]),
              judge=close(rtol=1e-9, atol=1e-12, mistakes=[Mistake(
                  "the product is in the wrong order; the last function's Jacobian goes on the left",
                  lambda want, name, jacs: jacs[0] @ jacs[1] @ jacs[2])])),
        Check("compose_jacobians([J]) of one 2 x 5 Jacobian", call,
              ("compose_jacobians", [arr(_SINGLE)]), judge=close(rtol=1e-12)),
        Check("compose_jacobians([])", call_raises, ("compose_jacobians", []),
              judge=raises("ValueError")),
    ],
}
