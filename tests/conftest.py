"""Shared pytest set-up: a non-interactive matplotlib backend for tests in this process.

``matplotlib.use`` rather than the MPLBACKEND variable, so kernels that nbval and
the browser test start keep their own (inline) backend.
"""

import matplotlib

matplotlib.use("Agg")

import sys
from pathlib import Path

# The trusted grader package (grader/) is not pip-installed: it sits beside utils/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
