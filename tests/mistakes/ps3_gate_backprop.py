"""Mistakes students make in ps3_gate_backprop; each must make the listed test cell fail.

Each entry replaces the exact substring ``find`` of the solution cell ``cell`` (a grade_id
of source/ps3_gate_backprop/ps3_gate_backprop.ipynb) with ``replace``; executing the
mutated notebook must raise in every test cell named in ``rejected_by``.
"""

MISTAKES = [
    dict(name="multiply gate does not swap: returns (x * dout, y * dout)",
         cell="ps3_multiply",
         find="return y * dout, x * dout",
         replace="return x * dout, y * dout",
         rejected_by=["ps3_test_multiply"]),
    dict(name="multiply gate forgets the upstream gradient dout",
         cell="ps3_multiply",
         find="return y * dout, x * dout",
         replace="return y, x",
         rejected_by=["ps3_test_multiply"]),
    dict(name="max gate routes the gradient to the smaller input",
         cell="ps3_max",
         find="dx = (x >= y) * dout\n    dy = (x < y) * dout",
         replace="dx = (x < y) * dout\n    dy = (x >= y) * dout",
         rejected_by=["ps3_test_max"]),
    dict(name="max gate gives the gradient to both inputs at a tie",
         cell="ps3_max",
         find="dy = (x < y) * dout",
         replace="dy = (x <= y) * dout",
         rejected_by=["ps3_test_max"]),
    dict(name="sigmoid derivative computed from the input z: z * (1 - z)",
         cell="ps3_sigmoid",
         find="s = sigmoid(z)\n    return s * (1.0 - s) * dout",
         replace="return z * (1.0 - z) * dout",
         rejected_by=["ps3_test_sigmoid"]),
    dict(name="sigmoid neuron: dx uses the inputs x instead of the weights",
         cell="ps3_neuron",
         find="dx = w[:-1] * dz",
         replace="dx = x * dz",
         rejected_by=["ps3_test_neuron"]),
    dict(name="missing transpose in dW: X @ dout instead of X.T @ dout",
         cell="ps3_matmul",
         find="dW = X.T @ dout",
         replace="dW = X @ dout",
         rejected_by=["ps3_test_matmul_dW"]),
    dict(name="missing transpose in dX: dout @ W instead of dout @ W.T",
         cell="ps3_matmul",
         find="dX = dout @ W.T",
         replace="dX = dout @ W",
         rejected_by=["ps3_test_matmul_dX"]),
]
