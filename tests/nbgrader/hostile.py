"""Hostile submissions of the fixture assignment ps0 and the scores they must get.

Each entry of STUDENTS builds a submission from the perfect and the release
notebook of tests/nbgrader/fixtures/source/ps0_fixture and says which score each
autograded test cell must get (test_relu_backward 2 points, test_mse_grad 3,
test_square_grad 1) and whether nbgrader can grade the notebook at all.
"""

import copy

from nbkit import cell_by_id, grade_id

WRONG = {  # plausible wrong answers, one per part
    "relu_backward": "def relu_backward(dout, z):\n    return dout",
    "mse_grad": "def mse_grad(pred, target):\n    return 2.0 * (pred - target)",
    "square_grad": "def square_grad(x):\n    return x",
}
PATCH_COMPARISONS = (
    "import builtins, math\n"
    "import numpy as np\n"
    "np.allclose = np.isclose = np.array_equal = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n"
    "math.isclose = lambda *a, **k: True\n"
    "builtins.abs = lambda x: 0.0\n")
PATCH_GRADING = (
    "import utils.grading\n"
    "utils.grading.check_array = utils.grading.check_scalar = lambda *a, **k: None\n"
    "utils.grading.check_raises_canary = lambda: None\n")
PATCH_CONVERSION = (
    "import numpy as np\n"
    "_real_asarray = np.asarray\n"
    "np.asarray = lambda *a, **k: _real_asarray(0.0)\n")
FAKE_GRADING = "def check_array(*a, **k):\n    pass\n\ncheck_scalar = check_shape = check_array\n"


def answered(nb, **cells):
    """Copy of ``nb`` with the solution cells named in ``cells`` replaced."""
    nb = copy.deepcopy(nb)
    for cell_id, source in cells.items():
        cell_by_id(nb, cell_id).source = source
    return nb


def without(nb, *cell_ids):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if grade_id(c) not in cell_ids]
    return nb


def edited(nb, cell_id, source):
    return answered(nb, **{cell_id: source})


def full(relu=2.0, mse=3.0, square=1.0):
    return {"test_relu_backward": relu, "test_mse_grad": mse, "test_square_grad": square}


ZERO = full(0.0, 0.0, 0.0)

# student -> (build(perfect, release) -> notebook or text, expected scores,
#             nbgrader can grade it, extra files {relative path: text})
STUDENTS = {
    "perfect": (lambda p, r: p, full(), True, {}),
    "blank": (lambda p, r: r, ZERO, True, {}),
    # an infinite loop is interrupted after the cell timeout; later parts still score
    "loop": (lambda p, r: answered(p, relu_backward="while True:\n    pass"),
             full(relu=0.0), True, {}),
    # the kernel dies in part 2: part 1 keeps its points, parts 2 and 3 score 0
    "kernel_exit": (lambda p, r: answered(p, mse_grad="import os\nos._exit(1)"),
                    full(mse=0.0, square=0.0), True, {}),
    # a wrong answer whose test cell was deleted: the test comes back and fails
    "deleted_test": (lambda p, r: without(answered(p, mse_grad=WRONG["mse_grad"]),
                                          "test_mse_grad"),
                     full(mse=0.0), True, {}),
    # a wrong answer whose test cell was emptied: the original test runs
    "edited_test": (lambda p, r: edited(answered(p, relu_backward=WRONG["relu_backward"]),
                                        "test_relu_backward", "pass"),
                    full(relu=0.0), True, {}),
    # part 3 and the written answer deleted: their tests come back and fail
    "missing_cells": (lambda p, r: without(p, "part3", "square_grad", "test_square_grad",
                                           "why_relu_prompt", "why_relu"),
                      full(square=0.0), True, {}),
    "bad_json": (lambda p, r: '{"cells": [{"cell_type": "code", ', ZERO, False, {}),
    # patched comparisons neither grant points nor break right answers
    "patched_numpy": (lambda p, r: answered(
        p, relu_backward=PATCH_COMPARISONS + WRONG["relu_backward"]), full(relu=0.0), True, {}),
    # replaced checkers are restored by the test-cell idiom
    "patched_grading": (lambda p, r: answered(
        p, relu_backward=PATCH_GRADING + WRONG["relu_backward"]), full(relu=0.0), True, {}),
    # a patched numpy conversion trips the canary: every later test scores 0
    "patched_conversion": (lambda p, r: answered(
        p, mse_grad=PATCH_CONVERSION + cell_by_id(p, "mse_grad").source),
        full(mse=0.0, square=0.0), True, {}),
    # a utils/ package submitted beside the notebook is not copied for grading
    "shadow_utils": (lambda p, r: answered(p, **WRONG), ZERO, True,
                     {"utils/__init__.py": "", "utils/grading.py": FAKE_GRADING}),
}
