"""Mistakes students make in ps5_vanishing_exploding; each must make the listed test cell fail.

Each entry replaces the exact substring ``find`` of the solution cell ``cell`` (a grade_id of
source/ps5_vanishing_exploding/ps5_vanishing_exploding.ipynb) with ``replace``; executing the
mutated notebook must raise in every test cell named in ``rejected_by``.
"""

MISTAKES = [
    dict(name="per-layer norms returned last layer first",
         cell="ps5_layer_norms",
         find="return np.array(norms[::-1])",
         replace="return np.array(norms)",
         rejected_by=["ps5_test_layer_norms"]),
    dict(name="Xavier standard deviation 2 / (fan_in + fan_out): the variance, no square root",
         cell="ps5_xavier",
         find="std = np.sqrt(2.0 / (fan_in + fan_out))",
         replace="std = 2.0 / (fan_in + fan_out)",
         rejected_by=["ps5_test_xavier"]),
    dict(name="He variance 1 / fan_in instead of 2 / fan_in",
         cell="ps5_he",
         find="std = np.sqrt(2.0 / fan_in)",
         replace="std = np.sqrt(1.0 / fan_in)",
         rejected_by=["ps5_test_he"]),
    dict(name="He variance 2 / fan_out instead of 2 / fan_in",
         cell="ps5_he",
         find="std = np.sqrt(2.0 / fan_in)",
         replace="std = np.sqrt(2.0 / fan_out)",
         rejected_by=["ps5_test_he"]),
    dict(name="clipping each gradient array by its own norm instead of the global norm",
         cell="ps5_clip",
         find="return {name: g * factor for name, g in grads.items()}, norm",
         replace=("return {name: g * min(1.0, max_norm / max(np.linalg.norm(g), 1e-300))\n"
                  "            for name, g in grads.items()}, norm"),
         rejected_by=["ps5_test_clip"]),
    dict(name="clipping always: scaling a small gradient up to max_norm",
         cell="ps5_clip",
         find="factor = min(1.0, max_norm / norm) if norm > 0 else 1.0",
         replace="factor = max_norm / norm if norm > 0 else 1.0",
         rejected_by=["ps5_test_clip"]),
    dict(name="BPTT through W_hh instead of its transpose",
         cell="ps5_bptt",
         find="grad = grad @ W_hh.T",
         replace="grad = grad @ W_hh",
         rejected_by=["ps5_test_bptt"]),
    dict(name="dead fraction counts zero entries instead of units dead for the whole batch",
         cell="ps5_dead",
         find="return float(np.mean(np.all(Z <= 0, axis=0)))",
         replace="return float(np.mean(Z <= 0))",
         rejected_by=["ps5_test_dead"]),
]
