"""Gradient descent steps and clipping by global norm."""

import numpy as np
import pytest

from utils.optim import clip_by_global_norm, global_norm, sgd_step


def test_sgd_step_updates_in_place():
    params = {"w": np.array([1.0, 2.0])}
    sgd_step(params, {"w": np.array([0.5, -1.0])}, lr=0.1)
    np.testing.assert_allclose(params["w"], [0.95, 2.1])


def test_clipping_keeps_direction_and_caps_the_global_norm():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[0.0, 4.0]])}
    assert global_norm(grads) == pytest.approx(5.0)
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(5.0)
    assert global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    np.testing.assert_allclose(clipped["b"], [[0.0, 0.8]])


def test_clipping_leaves_small_gradients_alone():
    grads = {"a": np.array([0.3, 0.4])}
    clipped, norm = clip_by_global_norm(grads, 1.0)
    np.testing.assert_array_equal(clipped["a"], grads["a"])
    assert norm == pytest.approx(0.5)


@pytest.mark.parametrize("call, message", [
    (lambda: sgd_step({"w": np.ones(2)}, {}, 0.1), "sgd_step: no gradient for parameter 'w'"),
    (lambda: sgd_step({"w": np.ones(2)}, {"w": np.ones(3)}, 0.1),
     "sgd_step: gradient of 'w' has shape (3,) but the parameter has shape (2,)"),
    (lambda: clip_by_global_norm({"w": np.ones(2)}, 0), "clip_by_global_norm: max_norm must be positive"),
])
def test_optim_errors(call, message):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert message in str(info.value)
