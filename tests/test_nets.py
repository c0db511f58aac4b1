"""Networks: every parameter's gradient against numerical gradients and HIPS autograd."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from utils.data_generators import make_xor
from utils.gradcheck import check_model_gradients, rel_error
from utils.nets import MultiLayerNet, TwoLayerNet

ACTS = {
    "relu": lambda z: anp.maximum(z, 0.0),
    "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z),
    "tanh": anp.tanh,
    "sigmoid": lambda z: 1 / (1 + anp.exp(-z)),
}


def reference_loss(params, X, y, activation, output, n_layers):
    """The network's loss written independently in autograd.numpy."""
    a = X
    for i in range(1, n_layers + 1):
        z = anp.dot(a, params[f"W{i}"]) + params[f"b{i}"]
        a = ACTS[activation](z) if i < n_layers else z
    if output == "sigmoid":
        p = 1 / (1 + anp.exp(-a[:, 0]))
        return -anp.mean(y * anp.log(p) + (1 - y) * anp.log(1 - p))
    logp = a - anp.log(anp.sum(anp.exp(a), axis=1, keepdims=True))
    return -anp.mean(logp[np.arange(len(y)), y])


@pytest.mark.parametrize("activation", sorted(ACTS))
@pytest.mark.parametrize("output, sizes", [("softmax", [3, 5, 4, 3]), ("sigmoid", [3, 4, 1])])
def test_every_parameter_gradient(activation, output, sizes):
    rng = np.random.default_rng(22)  # a draw that meets the preconditions below
    X = rng.normal(size=(7, 3))
    y = rng.integers(0, sizes[-1] if output == "softmax" else 2, size=7)
    net = MultiLayerNet(sizes, activation=activation, init="xavier", output=output, seed=1)
    for name in net.params:  # nonzero biases so every term matters
        net.params[name] += 0.1 * rng.normal(size=net.params[name].shape)
    loss, grads = net.loss(X, y)
    # Preconditions of a meaningful numerical check: no pre-activation within h of a kink,
    # and no gradient entry so small that central-difference round-off (~1e-11) dominates it.
    assert min(np.abs(z).min() for z in net.pre_activations) > 1e-3
    assert min(np.abs(g[g != 0]).min() for g in grads.values()) > 1e-4
    report = check_model_gradients(lambda: net.loss(X, y), net.params)
    assert report.max_rel_error() < 1e-7, str(report)
    ref = lambda p: reference_loss(p, X, y, activation, output, net.n_layers)  # noqa: E731
    assert loss == pytest.approx(float(ref(net.params)), rel=1e-12)
    oracle = grad(ref)(net.params)
    for name in net.params:
        assert rel_error(grads[name], oracle[name]) < 1e-10, name


def test_records_layers_and_gradient_norms():
    net = MultiLayerNet([4, 6, 6, 6, 2], activation="tanh", init="xavier", seed=0)
    X = np.random.default_rng(1).normal(size=(10, 4))
    _, grads = net.loss(X, np.arange(10) % 2)
    assert [z.shape for z in net.pre_activations] == [(10, 6), (10, 6), (10, 6), (10, 2)]
    assert [a.shape for a in net.activations] == [(10, 4), (10, 6), (10, 6), (10, 6)]
    assert len(net.upstream_grads) == 4 and net.upstream_grads[0].shape == (10, 6)
    assert net.grad_norms == pytest.approx([np.linalg.norm(grads[f"W{i}"]) for i in range(1, 5)])
    assert "layer 4: dL/dz = (prediction - target) / N" in net.describe_backward()


def test_walkthrough_network_by_hand():
    # 2 inputs, 3 sigmoid hidden units, sigmoid output, one example; values computed by hand
    net = MultiLayerNet([2, 3, 1], activation="sigmoid", output="sigmoid")
    net.params["W1"][:] = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]).T
    net.params["b1"][:] = 0.1
    net.params["W2"][:] = np.array([[0.7], [0.8], [0.9]])
    net.params["b2"][:] = 0.1
    x = np.array([[1.0, 2.0]])
    z1 = np.array([0.1 + 0.4 + 0.1, 0.3 + 0.8 + 0.1, 0.5 + 1.2 + 0.1])
    a1 = 1 / (1 + np.exp(-z1))
    y_hat = 1 / (1 + np.exp(-(0.7 * a1[0] + 0.8 * a1[1] + 0.9 * a1[2] + 0.1)))
    loss, grads = net.loss(x, [1])
    assert loss == pytest.approx(-np.log(y_hat))
    np.testing.assert_allclose(grads["b2"], [y_hat - 1])
    np.testing.assert_allclose(grads["W2"][:, 0], (y_hat - 1) * a1)


def test_two_layer_tanh_net_learns_xor():
    X, y = make_xor()
    net = TwoLayerNet(2, 4, 1, activation="tanh", output="sigmoid", init="xavier", seed=1)
    history = net.train(X, y, lr=0.5, epochs=1500)
    assert history["accuracy"][-1] == 1.0
    assert history["loss"][-1] < 0.05
    assert net.hidden_representation(X).shape == (4, 4)


def test_minibatch_training_is_deterministic():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), rng.integers(0, 3, size=30)
    runs = []
    for _ in range(2):
        net = TwoLayerNet(2, 8, 3, seed=5)
        runs.append(net.train(X, y, lr=0.1, epochs=3, batch_size=8, seed=2)["loss"])
    assert runs[0] == runs[1]


@pytest.mark.parametrize("call, message", [
    (lambda: MultiLayerNet([3]), "MultiLayerNet: layer_sizes must list at least"),
    (lambda: MultiLayerNet([3, 2], activation="swish"), "MultiLayerNet: activation must be one of"),
    (lambda: MultiLayerNet([3, 2], output="sigmoid"), "MultiLayerNet: a sigmoid output needs 1"),
    (lambda: TwoLayerNet(3, 4, 2).forward(np.ones((5, 2))),
     "TwoLayerNet.forward: X has 2 features per row but the network expects 3"),
    (lambda: TwoLayerNet(3, 4, 2).loss(np.ones((5, 3)), [0, 1]),
     "softmax_cross_entropy: y must have shape (5,)"),
    (lambda: TwoLayerNet(3, 4, 1, output="sigmoid").loss(np.ones((2, 3)), [0, 2]),
     "TwoLayerNet.loss: y must lie in 0..1"),
    (lambda: TwoLayerNet(3, 4, 2).train(np.ones((2, 3)), [0, 1], lr=-1),
     "TwoLayerNet.train: lr must be positive"),
    (lambda: MultiLayerNet([3, 2]).describe_backward(), "describe_backward: call loss(X, y) first"),
])
def test_net_errors(call, message):
    with pytest.raises((TypeError, ValueError, RuntimeError)) as info:
        call()
    assert message in str(info.value)
