"""nbgrader configuration for the backpropagation course (course id "backprop").

Every nbgrader command run from this directory reads this file. The course root
is this file's directory, so a copy of the repository (or of this file with
source/, utils/ and tools/ beside it) is a complete, separate course.

Environment variables:
  NBGRADER_DB_URL    gradebook database URL (default: sqlite:///<root>/gradebook.db)
  NBGRADER_EXCHANGE  exchange directory for release_assignment / submit / collect
                     on one machine (default: <root>/exchange)
  NBGRADER_CELL_TIMEOUT  seconds a cell may run when autograding (default: 30)
"""

import importlib.util
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, GetGrades, IgnorePattern, LimitOutput,
                                    OverwriteKernelspec, SaveAutoGrades)

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

ROOT = os.path.dirname(os.path.abspath(__file__))


def _load_plugins():
    """Import tools/nbgrader_plugins.py by path (tools/ is not a package)."""
    path = os.path.join(ROOT, "tools", "nbgrader_plugins.py")
    spec = importlib.util.spec_from_file_location("backprop_nbgrader_plugins", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plugins = _load_plugins()

# --- course and folders --------------------------------------------------------
c.CourseDirectory.course_id = "backprop"
c.CourseDirectory.root = ROOT
c.CourseDirectory.db_url = os.environ.get(
    "NBGRADER_DB_URL", "sqlite:///" + os.path.join(ROOT, "gradebook.db"))
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", os.path.join(ROOT, "exchange"))

# Assignments ship notebooks only (helpers live in utils/). Python files a
# student submits are never copied next to the graded notebook, where they
# could shadow `numpy` (the kernel's working directory comes before
# site-packages on sys.path; `utils` is safe, see PYTHONPATH below).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "__pycache__", "feedback",
                            "*.py", "*.pyc", "*.pyd", "*.so", "*.pth"]

# The kernels nbgrader starts (autograde, validate) import the course's own
# utils package, whatever the working directory and whether or not the
# package is pip-installed.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in [ROOT, os.environ.get("PYTHONPATH", "")] if p)
# Quiet the debugger warning ipykernel prints on Python 3.11 at every start.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

# --- autograding ----------------------------------------------------------------
# Per cell: 30 s, then the kernel is interrupted; the cell gets a
# CellTimeoutError output (scores 0) and the next cells still run.
c.Execute.timeout = int(os.environ.get("NBGRADER_CELL_TIMEOUT", "30"))
c.Execute.interrupt_on_timeout = True
c.Execute.raise_on_iopub_timeout = True
# No command history file; the kernel's own start-up warnings are not shown.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:",
                             "--IPKernelApp.log_level=ERROR"]
c.RobustExecute.notebook_timeout = 300
# Deleted test cells come back from the gradebook, so they score 0 rather
# than stopping the student's whole notebook from being graded.
c.OverwriteCells.add_missing_cells = True
c.Autograde.create_student = True
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    plugins.RestoreCells,  # instead of nbgrader's OverwriteCells
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    plugins.RobustExecute,  # instead of nbgrader's Execute
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# --- feedback -------------------------------------------------------------------
# Feedback shows each test cell's score and error message, not its code.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    plugins.HideTestCode,
    CSSHTMLHeaderPreprocessor,
]

# --- zip_collect ----------------------------------------------------------------
# Files inside an LMS zip are named  <student_id>_[anything_]<notebook>.ipynb,
# e.g. alice_ps1_chain_rule.ipynb or alice_48213_ps1_chain_rule.ipynb; the
# student id is everything before the first "_" (so it contains no "_").
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>ps\d+_[a-z0-9_]+\.ipynb)$")

# --- logging --------------------------------------------------------------------
# Errors only: nbgrader warns for every test cell with hidden tests (its checksum
# differs from the released one by design). tools/autograde.py prints a summary.
c.Application.log_level = "ERROR"
