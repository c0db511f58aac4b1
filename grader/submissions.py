"""List the submissions of an assignment: which students, submitted when.

``python -m grader.submissions ASSIGNMENT`` (run by `make collect`) prints one line per
student folder in submitted/ holding the assignment, with nbgrader's timestamp.
"""

import os
import sys
from pathlib import Path


def students(root, assignment):
    """[(student, timestamp text or "no timestamp")] of submitted/<student>/<assignment>/."""
    found = []
    for folder in sorted(Path(root, "submitted").glob(f"*/{assignment}")):
        stamp = folder / "timestamp.txt"
        found.append((folder.parent.name,
                      stamp.read_text().strip() if stamp.is_file() else "no timestamp"))
    return found


def report(root, assignment):
    rows = students(root, assignment)
    print(f"{assignment}: {len(rows)} students have a submission in submitted/")
    for student, stamp in rows:
        print(f"  {student:<24} {stamp}")


if __name__ == "__main__":
    report(os.getcwd(), sys.argv[1])
