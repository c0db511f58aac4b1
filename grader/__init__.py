"""The trusted grader: runs student notebooks in a sandbox and decides every score.

Student code never imports this package (it is not in the student edition). Modules:
``sandbox`` (bubblewrap), ``grade`` (run, probe, judge), ``hidden`` (the hidden checks
of each assignment), ``nbgrader_plugins`` (the preprocessors nbgrader_config.py
installs), ``autograde`` (the command behind ``make autograde``).
"""

from grader.grade import AssignmentGrader, Verdict, grade_notebook

__all__ = ["AssignmentGrader", "Verdict", "grade_notebook"]
