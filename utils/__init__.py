"""Shared code for the backpropagation course.

Import the submodule you need, e.g. ``from utils.autodiff import Value`` or
``from utils import layers``. This file imports nothing heavy on purpose, so
``import utils`` stays fast; matplotlib and ipywidgets are imported only by
``utils.plotting`` and ``utils.widgets``.
"""

__version__ = "1.0.0"
