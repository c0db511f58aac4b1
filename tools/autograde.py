"""Autograde every submission of one assignment and say who could not be graded.

Usage (from the course root, normally through `make autograde ASSIGNMENT=...`):

    python tools/autograde.py ps1_chain_rule

1. Students are the folders submitted/<student>/<assignment>/.
2. Each submitted notebook is read first; a file that is not a valid notebook
   is reported by student and file (nbgrader then grades that student 0).
3. `nbgrader autograde <assignment> --force` grades everyone again from
   submitted/ (students missing from the gradebook are created), so running it
   twice gives the same grades.
4. A table of scores follows; the exit status is 1 if any student could not
   be graded, after everyone else was.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
COURSE_ID = "backprop"


def problems(root, assignment, student):
    """Sentences describing submitted notebooks that nbgrader cannot read."""
    expected = sorted(p.name for p in (root / "source" / assignment).glob("*.ipynb"))
    folder = root / "submitted" / student / assignment
    found = []
    for name in expected:
        path = folder / name
        if not path.is_file():
            found.append(f"{path.relative_to(root)}: missing (scored 0)")
            continue
        try:
            nbformat.validate(nbformat.read(str(path), as_version=4))
        except (json.JSONDecodeError, nbformat.reader.NotJSONError) as err:
            found.append(f"{path.relative_to(root)}: not valid JSON ({err})")
        except Exception as err:  # any other unreadable or invalid notebook
            found.append(f"{path.relative_to(root)}: not a valid notebook "
                         f"({type(err).__name__}: {str(err).splitlines()[0][:200]})")
    return found


def run_nbgrader(root, *args, timeout):
    """Run nbgrader in the course root; its log goes to our stderr."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args,
                           f"--CourseDirectory.root={root}"],
                          cwd=root, timeout=timeout).returncode


def gradebook(root):
    from nbgrader.api import Gradebook
    url = os.environ.get("NBGRADER_DB_URL", f"sqlite:///{root / 'gradebook.db'}")
    return Gradebook(url, COURSE_ID)


def gradebook_scores(root, assignment):
    """{student: (score, max_score)} of ``assignment`` in the gradebook."""
    with gradebook(root) as gb:
        return {s.student.id: (s.score, s.max_score)
                for s in gb.assignment_submissions(assignment)}


def known_assignment(root, assignment):
    """True if generate_assignment has recorded the assignment's notebooks."""
    from nbgrader.api import MissingEntry
    with gradebook(root) as gb:
        try:
            return len(gb.find_assignment(assignment).notebooks) > 0
        except MissingEntry:
            return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds for the whole nbgrader run")
    args = parser.parse_args(argv)
    root, assignment = args.root.resolve(), args.assignment
    # nbgrader runs `alembic` from PATH: put this interpreter's bin/ first.
    os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable),
                                          os.environ.get("PATH", "")])
    if not (root / "source" / assignment).is_dir():
        parser.error(f"no assignment source/{assignment}")
    students = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}")
                      if p.is_dir())
    if not students:
        print(f"no submissions in submitted/*/{assignment}")
        return 1
    if not known_assignment(root, assignment):
        # The gradebook learns the test cells from generate_assignment.
        run_nbgrader(root, "generate_assignment", assignment, "--force", timeout=600)
    unreadable = {s: problems(root, assignment, s) for s in students}
    run_nbgrader(root, "autograde", assignment, "--force", timeout=args.timeout)
    failed = report(root, assignment, students, unreadable)
    if failed:
        print(f"\n{len(failed)} of {len(students)} students could not be graded: "
              f"{', '.join(failed)} (they score 0; see the log above)", file=sys.stderr)
        return 1
    print(f"\nall {len(students)} students graded")
    return 0


def report(root, assignment, students, unreadable):
    """Print each student's score and problems; return the students not graded."""
    scores = gradebook_scores(root, assignment)
    failed = []
    print(f"\n{'student':<24} {'score':>14}  status")
    for student in students:
        graded = (root / "autograded" / student / assignment).is_dir()
        score, max_score = scores.get(student, (0.0, float("nan")))
        print(f"{student:<24} {score:>6.2f} / {max_score:<6.2f}  "
              f"{'graded' if graded else 'NOT GRADED'}")
        for line in unreadable[student]:
            print(f"{'':<24} {'':>14}  {line}")
        if not graded:
            failed.append(student)
    return failed


if __name__ == "__main__":
    sys.exit(main())
