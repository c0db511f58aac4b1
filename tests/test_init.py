"""Initializers: shapes, the variances the papers prescribe, determinism, errors."""

import numpy as np
import pytest

from utils.init import SCHEMES, init_std, init_weights

FAN_IN, FAN_OUT = 400, 300
EXPECTED_STD = {  # written from the definitions, not from the code
    "normal": 0.05,
    "uniform": 0.05 / np.sqrt(3),
    "standard_uniform": np.sqrt((2 / np.sqrt(FAN_IN)) ** 2 / 12),
    "xavier": np.sqrt(2 / (FAN_IN + FAN_OUT)),
    "xavier_uniform": np.sqrt((2 * np.sqrt(6 / (FAN_IN + FAN_OUT))) ** 2 / 12),
    "he": np.sqrt(2 / FAN_IN),
}


@pytest.mark.parametrize("scheme", sorted(EXPECTED_STD))
def test_empirical_std_matches_the_definition(scheme):
    w = init_weights(FAN_IN, FAN_OUT, scheme, np.random.default_rng(0), scale=0.05)
    assert w.shape == (FAN_IN, FAN_OUT)
    assert w.std() == pytest.approx(EXPECTED_STD[scheme], rel=0.01)
    assert abs(w.mean()) < 0.1 * EXPECTED_STD[scheme]
    assert init_std(FAN_IN, FAN_OUT, scheme, 0.05) == pytest.approx(EXPECTED_STD[scheme])


def test_zeros_and_every_scheme_listed():
    assert set(SCHEMES) == set(EXPECTED_STD) | {"zeros"}
    assert not init_weights(3, 2, "zeros", 0).any()


def test_same_seed_same_weights():
    a = init_weights(5, 4, "he", 7)
    b = init_weights(5, 4, "he", np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, init_weights(5, 4, "he", 8))


@pytest.mark.parametrize("call, message", [
    (lambda: init_weights(3, 2, "glorot", 0), "init_weights: scheme must be one of"),
    (lambda: init_weights(0, 2, "he", 0), "init_weights: fan_in must be at least 1, got 0"),
    (lambda: init_weights(3.5, 2, "he", 0), "init_weights: fan_in must be an integer"),
    (lambda: init_weights(3, 2, "he", "seed"), "init_weights: rng must be a numpy.random.Generator"),
    (lambda: init_weights(3, 2, "normal", 0, scale=-1), "init_weights: scale must be positive"),
])
def test_init_errors(call, message):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert message in str(info.value)
