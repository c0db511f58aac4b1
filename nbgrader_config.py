"""nbgrader configuration for the backpropagation course (course id "backprop").

Every nbgrader command run from this directory reads this file. The course root
is this file's directory, so a copy of the repository (or of this file with
source/, utils/ and tools/ beside it) is a complete, separate course.

Environment variables:
  NBGRADER_DB_URL    gradebook database URL (default: sqlite:///<root>/gradebook.db)
  NBGRADER_EXCHANGE  exchange directory for release_assignment / submit / collect
                     on one machine (default: <root>/exchange)
  GRADER_*           sandbox limits when autograding (grader/sandbox.py)
"""

import os
import sys
import warnings

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, GetGrades, IgnorePattern, LimitOutput,
                                    OverwriteKernelspec, SaveAutoGrades)

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:  # the grader package sits beside this file
    sys.path.insert(0, ROOT)

from grader import nbgrader_plugins as plugins  # noqa: E402

# nbgrader 0.9's gradebook adds submissions to a session while SQLAlchemy autoflushes,
# which makes SQLAlchemy warn on every autograde although nothing goes wrong.
warnings.filterwarnings("ignore", message=r"Object of type <Submitted\w+> not in session")

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
# Student code runs in a bubblewrap sandbox and only returns data; the trusted grader
# (grader/) judges it and writes each test cell's output (plugins.SandboxGrade, in
# place of nbgrader's Execute). Limits: GRADER_MEMORY_MB (2048), GRADER_TIMEOUT
# (300 s per notebook), GRADER_CELL_TIMEOUT (30 s per cell), GRADER_PROCESSES (64).
c.SandboxGrade.course_root = ROOT
c.RecordProgress.course_root = ROOT
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
    plugins.SandboxGrade,  # instead of nbgrader's Execute
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
    plugins.RecordProgress,  # last: this notebook's grades are saved
]

# --- feedback -------------------------------------------------------------------
# Feedback shows each test cell's score and error message, not its code.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    plugins.HideTestCode,
    CSSHTMLHeaderPreprocessor,
]

# --- zip_collect ----------------------------------------------------------------
# Files inside an LMS zip are named  <student_id>_[anything_]<notebook>[-N].ipynb,
# e.g. alice_ps1_chain_rule.ipynb or s7_99_ps1_chain_rule-1.ipynb (a second attempt);
# the student id is everything before the first "_" (so it contains no "_"), and the
# latest attempt wins (grader/zip_names.py).
from grader.zip_names import LmsFileNames  # noqa: E402

c.ZipCollectApp.collector_plugin = LmsFileNames

# --- grades export -------------------------------------------------------------
# grades.csv gains a status column: "not submitted" (empty score, not 0), "needs hand
# grading" (written answers not graded yet) or "graded" (grader/export.py).
from grader.export import StatusCsvExport  # noqa: E402

c.ExportApp.plugin_class = StatusCsvExport

# --- late submissions -------------------------------------------------------------
# A due date is set per assignment (make duedate ASSIGNMENT=... DUE="2026-12-10 17:00 UTC");
# a submission after it is late. NBGRADER_LATE_PENALTY chooses the penalty: "none"
# (default: late is shown, not penalised) or "zero" (a late submission scores 0).
c.LateSubmissionPlugin.penalty_method = os.environ.get("NBGRADER_LATE_PENALTY", "none")

# --- logging --------------------------------------------------------------------
# Errors only: nbgrader warns for every test cell with hidden tests (its checksum
# differs from the released one by design). tools/autograde.py prints a summary.
c.Application.log_level = "ERROR"
