"""Shared pytest set-up: a non-interactive matplotlib backend for tests in this process.

``matplotlib.use`` rather than the MPLBACKEND variable, so kernels that nbval and
the browser test start keep their own (inline) backend.
"""

import matplotlib

matplotlib.use("Agg")
