"""Mistakes students make in ps4_two_layer_net; each must make the listed test cells fail.

Each entry replaces the exact substring ``find`` of the solution cell ``cell`` (a grade_id
of source/ps4_two_layer_net/ps4_two_layer_net.ipynb) with ``replace``; executing the
mutated notebook must raise in every test cell named in ``rejected_by``.
"""

MISTAKES = [
    dict(name="missing transpose: dW1 = dz1.T @ X instead of X.T @ dz1",
         cell="ps4_backward",
         find="dW1 = X.T @ dz1",
         replace="dW1 = dz1.T @ X",
         rejected_by=["ps4_test_backward_hidden"]),
    dict(name="dropped 1/N: dz2 = y_hat - y, the loss is a mean",
         cell="ps4_backward",
         find="dz2 = (y_hat - y) / n",
         replace="dz2 = y_hat - y",
         rejected_by=["ps4_test_backward_output", "ps4_test_backward_hidden"]),
    dict(name="bias gradient summed over the units (axis=1) instead of the rows",
         cell="ps4_backward",
         find="db1 = dz1.sum(axis=0)",
         replace="db1 = dz1.sum(axis=1)",
         rejected_by=["ps4_test_backward_hidden"]),
    dict(name="sign flipped: dz2 = y - y_hat",
         cell="ps4_backward",
         find="dz2 = (y_hat - y) / n",
         replace="dz2 = (y - y_hat) / n",
         rejected_by=["ps4_test_backward_output", "ps4_test_backward_hidden"]),
    dict(name="gradients returned in the wrong order (dW2, db2, dW1, db1)",
         cell="ps4_backward",
         find="return dW1, db1, dW2, db2",
         replace="return dW2, db2, dW1, db1",
         rejected_by=["ps4_test_backward_output", "ps4_test_backward_hidden"]),
    dict(name="tanh' computed from the input: 1 - z1**2 instead of 1 - tanh(z1)**2",
         cell="ps4_tanh",
         find="dz1 = da1 * (1.0 - a1 ** 2)",
         replace='dz1 = da1 * (1.0 - cache["z1"] ** 2)',
         rejected_by=["ps4_test_tanh_backward"]),
    dict(name="minibatch order drawn from the global np.random state, not the given rng",
         cell="ps4_minibatch",
         find="order = rng.permutation(X.shape[0])",
         replace="order = np.random.permutation(X.shape[0])",
         rejected_by=["ps4_test_minibatch"]),
    dict(name="last, smaller batch divided by batch_size instead of its own size",
         cell="ps4_minibatch",
         find="dscores /= m",
         replace="dscores /= batch_size",
         rejected_by=["ps4_test_minibatch"]),
]
