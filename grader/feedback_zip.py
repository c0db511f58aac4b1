"""Feedback for students who came through an LMS zip: one zip to upload back to the LMS.

``python -m grader.feedback_zip ASSIGNMENT`` (run by `make release-feedback`) packs
feedback/<student>/<ASSIGNMENT>/<notebook>.html of every student into
feedback/<ASSIGNMENT>-feedback.zip as ``<student>_<notebook>.html``, the naming LMS bulk
uploads expect, and prints who is in it. Students who submitted through the exchange
fetch their own feedback in the Assignment List instead (nbgrader release_feedback).
"""

import os
import sys
import zipfile
from pathlib import Path


def feedback_zip(root, assignment):
    """Write the feedback zip of ``assignment``; return (path, [students])."""
    root = Path(root)
    pages = sorted(root.glob(f"feedback/*/{assignment}/*.html"))
    path = root / "feedback" / f"{assignment}-feedback.zip"
    students = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for page in pages:
            student = page.parent.parent.name
            archive.write(page, f"{student}_{page.name}")
            if student not in students:
                students.append(student)
    return path, students


if __name__ == "__main__":
    written, who = feedback_zip(os.getcwd(), sys.argv[1])
    print(f"{written}: feedback of {len(who)} students for an LMS upload: {', '.join(who)}")
