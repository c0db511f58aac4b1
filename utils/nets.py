"""Fully connected networks trained with the course's own backprop.

``MultiLayerNet(layer_sizes, ...)`` is the general network: affine layers
with one activation between them, and a sigmoid (binary) or softmax
(multi-class) output with its cross-entropy loss. It records what the
vanishing/exploding lesson plots: every layer's pre-activations,
activations, upstream gradients and weight-gradient norms.
``TwoLayerNet`` is the two-layer case with parameters W1, b1, W2, b2.

Weights are stored (fan_in, fan_out) and rows of X are examples, so a layer
computes z = a @ W + b.
"""

import numpy as np

from utils import layers, optim
from utils.init import init_weights
from utils.validation import (as_generator, check_array, check_choice, check_int,
                              check_labels, check_positive)


class MultiLayerNet:
    """A fully connected network with one hidden activation and a classifier output.

    layer_sizes: [input dim, hidden sizes..., output dim]; output "sigmoid"
    needs output dim 1 and labels in {0, 1}, "softmax" labels in 0..C-1.
    init: a scheme of ``utils.init`` ("he", "xavier", "normal", ...);
    weight_scale: the std for "normal", or a factor applied after any scheme
    when ``scale_after_init`` is set (how the lesson scales Xavier by 0.5..2).
    Biases start at zero. Deterministic given ``seed``.
    """

    def __init__(self, layer_sizes, activation="relu", init="he", output="softmax",
                 weight_scale=0.01, seed=0, scale_after_init=False):
        func = type(self).__name__
        if not isinstance(layer_sizes, (list, tuple)) or len(layer_sizes) < 2:
            raise ValueError(f"{func}: layer_sizes must list at least an input and an "
                             f"output size, got {layer_sizes!r}")
        self.layer_sizes = [check_int(func, "each layer size", s, minimum=1)
                            for s in layer_sizes]
        self.activation = check_choice(func, "activation", activation,
                                       set(layers.ACTIVATION_LAYERS))
        self.output = check_choice(func, "output", output, {"sigmoid", "softmax"})
        if output == "sigmoid" and self.layer_sizes[-1] != 1:
            raise ValueError(f"{func}: a sigmoid output needs 1 output unit, got "
                             f"{self.layer_sizes[-1]}; use output='softmax' for classes")
        rng = as_generator(func, seed)
        self.params = {}
        for i, (fan_in, fan_out) in enumerate(zip(self.layer_sizes, self.layer_sizes[1:]), 1):
            w = init_weights(fan_in, fan_out, init, rng, scale=weight_scale)
            self.params[f"W{i}"] = w * weight_scale if scale_after_init else w
            self.params[f"b{i}"] = np.zeros(fan_out)
        self.pre_activations, self.activations = [], []
        self.upstream_grads, self.grad_norms = [], []

    @property
    def n_layers(self):
        """The number of affine layers (weight matrices)."""
        return len(self.layer_sizes) - 1

    def _check_inputs(self, func, X):
        X = check_array(func, "X", X, ndim=2)
        if X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"{func}: X has {X.shape[1]} features per row but the "
                             f"network expects {self.layer_sizes[0]}")
        return X

    def forward(self, X):
        """Scores (N, output dim) for inputs X (N, input dim); records every layer.

        After the call, ``pre_activations[l]`` is z of layer l + 1 and
        ``activations[l]`` the input to layer l + 1 (activations[0] is X).
        """
        a = self._check_inputs(f"{type(self).__name__}.forward", X)
        self.pre_activations, self.activations, self._caches = [], [a], []
        for i in range(1, self.n_layers + 1):
            z, affine_cache = layers.affine_forward(a, self.params[f"W{i}"],
                                                    self.params[f"b{i}"])
            self.pre_activations.append(z)
            act_cache = None
            if i < self.n_layers:
                a, act_cache = layers.ACTIVATION_LAYERS[self.activation][0](z)
                self.activations.append(a)
            self._caches.append((affine_cache, act_cache))
        return z

    def _loss_from_scores(self, scores, y):
        if self.output == "sigmoid":
            y = check_labels(f"{type(self).__name__}.loss", "y", y, scores.shape[0], 2)
            loss, dz = layers.bce_with_logits(scores[:, 0], y.astype(float))
            return loss, dz[:, None]
        return layers.softmax_cross_entropy(scores, y)

    def loss(self, X, y):
        """Mean cross-entropy loss on (X, y) and the gradient of every parameter.

        Returns (loss, grads) with grads[name] shaped like params[name]. Records
        ``upstream_grads`` (dL/dz per layer, first layer first) and
        ``grad_norms`` (||dL/dW|| per layer, first layer first).
        """
        scores = self.forward(X)
        loss, dz = self._loss_from_scores(scores, y)
        grads, upstream = {}, []
        for i in range(self.n_layers, 0, -1):
            affine_cache, act_cache = self._caches[i - 1]
            if i < self.n_layers:
                dz = layers.ACTIVATION_LAYERS[self.activation][1](da, act_cache)
            upstream.append(dz)
            da, grads[f"W{i}"], grads[f"b{i}"] = layers.affine_backward(dz, affine_cache)
        self.upstream_grads = upstream[::-1]
        self.grad_norms = [float(np.linalg.norm(grads[f"W{i}"]))
                           for i in range(1, self.n_layers + 1)]
        return loss, grads

    def predict(self, X):
        """Predicted class labels (N,) for inputs X (N, input dim)."""
        scores = self.forward(X)
        if self.output == "sigmoid":
            return (scores[:, 0] > 0).astype(np.int64)
        return scores.argmax(axis=1)

    def predict_proba(self, X):
        """P(y = 1) (N,) for a sigmoid output, or class probabilities (N, C) for softmax."""
        scores = self.forward(X)
        if self.output == "sigmoid":
            return layers.sigmoid_forward(scores[:, 0])[0]
        return layers.softmax(scores)

    def accuracy(self, X, y):
        """Fraction of rows of X whose predicted label equals y."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def hidden_representation(self, X, layer=1):
        """The activations (N, hidden size) of hidden layer ``layer`` (1-based) for X."""
        layer = check_int("hidden_representation", "layer", layer, minimum=1)
        if layer >= self.n_layers:
            raise ValueError(f"hidden_representation: the network has "
                             f"{self.n_layers - 1} hidden layer(s), got layer={layer}")
        self.forward(X)
        return self.activations[layer]

    def train(self, X, y, lr=0.1, epochs=100, batch_size=None, seed=0,
              clip_norm=None, callback=None):
        """Gradient descent on (X, y); minibatches of ``batch_size`` rows if given.

        Each epoch shuffles the rows with a generator seeded by ``seed``.
        ``clip_norm`` clips every step by global norm; ``callback(epoch,
        history)`` runs after each epoch (e.g. to update a progress bar).
        Returns history: {"loss": [...], "accuracy": [...]} per epoch, measured
        on the whole of (X, y).
        """
        func = f"{type(self).__name__}.train"
        X = self._check_inputs(func, X)
        lr = check_positive(func, "lr", lr)
        epochs = check_int(func, "epochs", epochs, minimum=1)
        n = X.shape[0]
        batch = n if batch_size is None else check_int(func, "batch_size", batch_size, 1)
        rng = as_generator(func, seed)
        history = {"loss": [], "accuracy": []}
        for epoch in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch):
                rows = order[start:start + batch]
                _, grads = self.loss(X[rows], np.asarray(y)[rows])
                if clip_norm is not None:
                    grads, _ = optim.clip_by_global_norm(grads, clip_norm)
                optim.sgd_step(self.params, grads, lr)
            loss, _ = self.loss(X, y)
            history["loss"].append(loss)
            history["accuracy"].append(self.accuracy(X, y))
            if callback is not None:
                callback(epoch, history)
        return history

    def describe_backward(self):
        """A line-by-line account of the last ``loss`` call's backward pass."""
        if not self.upstream_grads:
            raise RuntimeError("describe_backward: call loss(X, y) first")
        lines = []
        for i in range(self.n_layers, 0, -1):
            dz = self.upstream_grads[i - 1]
            rule = ("dL/dz = (prediction - target) / N" if i == self.n_layers else
                    f"dL/dz = (dL/dz{i + 1} @ W{i + 1}.T) * {self.activation}'(z{i})")
            lines.append(f"layer {i}: {rule} = {np.array2string(dz, precision=4)}")
            lines.append(f"layer {i}: dL/dW{i} = a{i - 1}.T @ dL/dz{i}, "
                         f"norm {self.grad_norms[i - 1]:.4g}")
        return "\n".join(lines)


class TwoLayerNet(MultiLayerNet):
    """input -> affine (W1, b1) -> activation -> affine (W2, b2) -> sigmoid or softmax.

    TwoLayerNet(input_dim, hidden_dim, output_dim, activation="relu",
    output="softmax", init="he", weight_scale=0.01, seed=0). For binary
    classification with a sigmoid output use output_dim=1, output="sigmoid".
    """

    def __init__(self, input_dim, hidden_dim, output_dim, activation="relu",
                 output="softmax", init="he", weight_scale=0.01, seed=0):
        super().__init__([input_dim, hidden_dim, output_dim], activation=activation,
                         init=init, output=output, weight_scale=weight_scale, seed=seed)
