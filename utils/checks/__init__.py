"""Answer checks for the assignments: ``run_checks(grade_id, globals())`` in a test cell.

Each assignment ``psK_name`` has a module ``utils.checks.psK_name`` with its visible
checks (``CHECKS``: test-cell grade_id -> list of ``core.Check``) and the modules that
cannot be imported while it is graded (``MASKED``). In the notebook, a test cell runs its
visible checks in the kernel; a failure raises ``CheckFailed`` whose message is one
sentence. When the assignment is graded, the same checks and hidden ones run through
the sandboxed grader (package ``grader``), which alone decides the score.
"""

import importlib
import json
import pkgutil

from utils.checks.core import CheckFailed, run_probe, sentence

__all__ = ["run_checks", "assignment_module", "CheckFailed"]


def assignment_module(grade_id):
    """The public checks module of the assignment a grade_id belongs to ("ps2_test_x" -> ps2_*)."""
    prefix = grade_id.split("_", 1)[0] + "_"
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith(prefix)]
    if len(names) != 1:
        raise ValueError(f"assignment_module: no single checks module for {grade_id!r} "
                         f"(found {names})")
    return importlib.import_module(f"{__name__}.{names[0]}")


def run_checks(grade_id, namespace):
    """Run the visible checks of test cell ``grade_id`` on the notebook's ``namespace``.

    namespace: the notebook's globals(). Prints one line when every check passes;
    raises CheckFailed with one sentence at the first failure.
    """
    if not isinstance(namespace, dict):
        raise TypeError(f"run_checks: namespace must be the notebook's globals() dict, "
                        f"got {type(namespace).__name__}")
    checks = assignment_module(grade_id).CHECKS.get(grade_id)
    if not checks:
        raise ValueError(f"run_checks: no visible checks are defined for {grade_id!r}")
    for check in checks:
        request = json.loads(json.dumps(check.request()))
        outcome = json.loads(json.dumps(run_probe(request["probe"], request["args"],
                                                  request["kwargs"], namespace)))
        message = check.verdict(outcome, check.expected(), hidden=False)
        if message:
            raise CheckFailed(sentence(message)) from None
    print(f"Passed {len(checks)} visible check{'s' * (len(checks) > 1)}; "
          "hidden checks at other inputs run when the assignment is graded.")
