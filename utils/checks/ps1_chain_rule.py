"""Visible checks of ps1_chain_rule (the hidden ones are in the grader, not here)."""

import numpy as np

from utils.checks.core import Check, Mistake, arr, call, call_raises, close, fn, raises

MASKED = {
    "utils.gradcheck": "utils.gradcheck is not available while ps1 is graded: your "
                       "functions must compute their derivatives themselves",
}


def _numerical(f):
    """expect: the central-difference derivative of f at x (float64, h = 1e-5)."""
    def expect(name, x):
        from utils.gradcheck import numerical_derivative
        return np.vectorize(lambda v: numerical_derivative(f, float(v)))(np.asarray(x, float))
    return expect


def _numerical_jacobian(f):
    """expect: the central-difference Jacobian of f at u."""
    def expect(name, u):
        from utils.gradcheck import numerical_jacobian
        return numerical_jacobian(f, np.asarray(u, dtype=float))
    return expect


def _f(u):
    return np.array([u[0] * u[1], np.sin(u[0]) + u[1] ** 2, np.exp(u[0] - u[1])])


def _g(v):
    return np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])


def _chain(name, jacobians):
    """expect: the Jacobian of x -> J_k ... J_1 x, measured by central differences."""
    from utils.gradcheck import numerical_jacobian

    def apply(x):
        for J in jacobians:
            x = J @ x
        return x
    return numerical_jacobian(apply, np.zeros(np.shape(jacobians[0])[1]))


_RNG = np.random.default_rng(7)
_LINKS = [_RNG.normal(size=(3, 2)), _RNG.normal(size=(4, 3)), _RNG.normal(size=(1, 4))]

CHECKS = {
    "ps1_test_central_difference": [
        Check("central_difference(lambda x: x**3, 2.0, h=0.1)", call,
              ("central_difference", fn("cube"), 2.0), {"h": 0.1},
              expect=lambda name, f, x, h: 12.01,
              judge=close(rtol=1e-9, mistakes=[Mistake(
                  "12.61 is the forward difference (f(x + h) - f(x)) / h; use "
                  "(f(x + h) - f(x - h)) / (2h)", lambda *a, **k: 12.61)])),
        Check("central_difference(lambda x: x**3, 2.0)", call,
              ("central_difference", fn("cube"), 2.0), expect=lambda name, f, x: 12.0,
              judge=close(rtol=1e-8)),
        Check("central_difference(np.sin, [-1, 0.5, 3])", call,
              ("central_difference", fn("sin"), arr([-1.0, 0.5, 3.0])),
              expect=lambda name, f, x: np.cos(x), judge=close(rtol=1e-8)),
        Check("central_difference(np.sin, 1.0, h=0.0)", call_raises,
              ("central_difference", fn("sin"), 1.0), {"h": 0.0}, expect=lambda *a, **k: None,
              judge=raises("ValueError")),
    ],
    "ps1_test_d_log_sin_sq": [
        Check("d_log_sin_sq(1.5)", call, ("d_log_sin_sq", 1.5),
              expect=_numerical(lambda x: np.log(np.sin(x ** 2))),
              judge=close(rtol=1e-6, mistakes=[Mistake(
                  "the factor 2x from the inner link u = x**2 is missing",
                  lambda want, name, x: np.cos(x ** 2) / np.sin(x ** 2))])),
        Check("d_log_sin_sq([0.5, 1.0, 1.5])", call, ("d_log_sin_sq", arr([0.5, 1.0, 1.5])),
              expect=_numerical(lambda x: np.log(np.sin(x ** 2))), judge=close(rtol=1e-6)),
    ],
    "ps1_test_d_sin_cos": [
        Check("d_sin_cos(pi / 4)", call, ("d_sin_cos", np.pi / 4),
              expect=_numerical(lambda x: np.sin(np.cos(x))),
              judge=close(rtol=1e-6, mistakes=[Mistake(
                  "the outer derivative cos must be evaluated at the inner value cos(x), not at x",
                  lambda want, name, x: -np.sin(x) * np.cos(x))])),
        Check("d_sin_cos([0, 1, 2])", call, ("d_sin_cos", arr([0.0, 1.0, 2.0])),
              expect=_numerical(lambda x: np.sin(np.cos(x))), judge=close(rtol=1e-6)),
    ],
    "ps1_test_d_softplus3": [
        Check("d_softplus3(0.0)", call, ("d_softplus3", 0.0), expect=lambda name, x: 1.5,
              judge=close(rtol=1e-9, mistakes=[Mistake(
                  "the factor 3 from the inner link 3x is missing", lambda want, *args: np.asarray(want) / 3)])),
        Check("d_softplus3([-1, 0.4, 1])", call, ("d_softplus3", arr([-1.0, 0.4, 1.0])),
              expect=_numerical(lambda x: np.log1p(np.exp(3 * x))), judge=close(rtol=1e-6)),
    ],
    "ps1_test_total_derivative": [
        Check("dz_dt_paths(1.0)", call, ("dz_dt_paths", 1.0),
              expect=lambda name, t: [np.e * np.cos(1.0), 2 * np.e * np.sin(1.0)],
              judge=close(rtol=1e-9)),
        Check("dz_dt(1.0)", call, ("dz_dt", 1.0),
              expect=_numerical(lambda t: np.sin(t) * np.exp(t ** 2)),
              judge=close(rtol=1e-6, mistakes=[
                  Mistake("only the path through x is counted; add the path through y",
                          lambda want, name, t: np.exp(t ** 2) * np.cos(t)),
                  Mistake("only the path through y is counted; add the path through x",
                          lambda want, name, t: 2 * t * np.sin(t) * np.exp(t ** 2))])),
    ],
    "ps1_test_jacobian_f": [
        Check("jacobian_f([0.5, -1.0])", call, ("jacobian_f", arr([0.5, -1.0])),
              expect=_numerical_jacobian(_f), judge=close(rtol=1e-6, atol=1e-8)),
    ],
    "ps1_test_jacobian_f_of_g": [
        Check("jacobian_f_of_g([1.5, 0.3])", call, ("jacobian_f_of_g", arr([1.5, 0.3])),
              expect=_numerical_jacobian(lambda v: _f(_g(v))),
              judge=close(rtol=1e-6, atol=1e-8, mistakes=[Mistake(
                  "J_f must be evaluated at the intermediate point g(v), not at v",
                  lambda want, name, v: _numerical_jacobian(_f)(name, v) @ np.array(
                      [[np.cos(v[1]), -v[0] * np.sin(v[1])],
                       [np.sin(v[1]), v[0] * np.cos(v[1])]]))])),
    ],
    "ps1_test_compose_jacobians": [
        Check("compose_jacobians([J1 (3x2), J2 (4x3), J3 (1x4)])", call,
              ("compose_jacobians", [arr(J) for J in _LINKS]),
              expect=_chain, judge=close(rtol=1e-6, atol=1e-8)),
        Check("compose_jacobians([J (3x2), J (3x2)]), which do not fit", call_raises,
              ("compose_jacobians", [arr(_LINKS[0]), arr(_LINKS[0])]),
              expect=lambda *a: None, judge=raises("ValueError")),
    ],
}
