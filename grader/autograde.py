"""Autograde every submission of one assignment, in parallel, resumably, in the sandbox.

Usage (from the course root, normally through `make autograde ASSIGNMENT=... JOBS=n`):

    python -m grader.autograde ps1_chain_rule [--jobs N]

1. Students are the folders submitted/<student>/<assignment>/. A notebook that is not
   valid JSON is reported by student and file (nbgrader grades that student 0).
2. The students are split into N groups and N `nbgrader autograde` processes grade them
   at once (N = the number of cores by default). Each notebook runs in a bubblewrap
   sandbox (grader.sandbox); the trusted grader decides every score (grader.grade).
3. Resumable: a run writes autograded/.<assignment>.run.json first, and a line to
   autograded/.<assignment>.done for each notebook whose grades are saved. If a run is
   killed, the next one grades only the students it had not finished (or whose
   submission changed since), and the table says which grades come from the
   interrupted run. A run that finishes removes both files, so the next run grades
   everyone again.
4. Cells already graded by hand keep their hand grade and stay graded.
5. A table of scores follows (late penalties included); exit status 1 if any student
   could not be graded, after everyone else was.

Without bubblewrap it refuses with a sentence naming the fix; GRADER_UNSANDBOXED=1
grades without a sandbox and marks the table with a warning.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
COURSE_ID = "backprop"


def problems(root, assignment, student):
    """Sentences describing submitted notebooks that cannot be read."""
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
        except Exception as err:  # not JSON, not a notebook, invalid schema
            found.append(f"{path.relative_to(root)}: not a valid notebook "
                         f"({type(err).__name__}: {str(err).splitlines()[0][:200]})")
    return found


def digest(folder):
    """sha256 over every file of a submission folder (names and contents)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def gradebook(root):
    from nbgrader.api import Gradebook
    url = os.environ.get("NBGRADER_DB_URL", f"sqlite:///{root / 'gradebook.db'}")
    return Gradebook(url, COURSE_ID)


def known_assignment(root, assignment):
    """True if generate_assignment has recorded the assignment's notebooks."""
    from nbgrader.api import MissingEntry
    with gradebook(root) as gb:
        try:
            return len(gb.find_assignment(assignment).notebooks) > 0
        except MissingEntry:
            return False


def nbgrader(root, *args):
    """The command line of one nbgrader call in the course root."""
    return [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"]


class Run:
    """The progress of one autograde run: which students it set out to grade, which are done.

    ``autograded/.<assignment>.run.json`` holds when the run started and a digest of each
    submission; ``autograded/.<assignment>.done`` gets one line per graded notebook,
    appended by the RecordProgress preprocessor once its grades are in the gradebook.
    """

    def __init__(self, root, assignment):
        self.path = root / "autograded" / f".{assignment}.run.json"
        self.done_path = done_file(root, assignment)
        self.notebooks = sorted(p.stem for p in (root / "source" / assignment).glob("*.ipynb"))

    def start(self, digests):
        """Begin (or resume) a run; return (started, {student: finished time} resumed)."""
        try:
            previous = json.loads(self.path.read_text())
        except (OSError, ValueError):
            previous = None
        if previous and previous.get("digests"):
            started = previous["started"]
            resumed = {s: t for s in digests
                       if previous["digests"].get(s) == digests[s]
                       and (t := self.finished(s)) is not None}
        else:
            started, resumed = time.time(), {}
            self.done_path.unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"started": started, "digests": digests}))
        return started, resumed

    def finished(self, student):
        """When every notebook of ``student`` was graded in this run (None if not yet)."""
        try:
            lines = self.done_path.read_text().splitlines()
        except OSError:
            return None
        times = {}
        for line in lines:
            parts = line.split("\t")
            if len(parts) == 3 and parts[0] == student:
                times[parts[1]] = float(parts[2])
        if any(nb not in times for nb in self.notebooks):
            return None
        return max(times.values())

    def finish(self):
        self.path.unlink(missing_ok=True)
        self.done_path.unlink(missing_ok=True)


def done_file(root, assignment):
    """The file RecordProgress appends "student<TAB>notebook<TAB>time" lines to."""
    return Path(root) / "autograded" / f".{assignment}.done"


def grade(root, assignment, students, jobs, everyone):
    """Run ``jobs`` nbgrader processes over ``students``; wait for all of them."""
    groups = [students[i::jobs] for i in range(jobs) if students[i::jobs]]
    procs = []
    for group in groups:
        others = sorted(set(everyone) - set(group))
        args = ["autograde", assignment, "--force"]
        if len(group) == 1:
            args.append(f"--student={group[0]}")
        elif others:
            args.append(f"--CourseDirectory.student_id_exclude={','.join(others)}")
        procs.append(subprocess.Popen(nbgrader(root, *args), cwd=root))
    return [p.wait() for p in procs]


def keep_hand_grades(root, assignment):
    """Cells graded by hand stay graded: nbgrader's autograde marks every answered written
    cell as needing a hand grade again, even when the instructor already gave one."""
    with gradebook(root) as gb:
        for submission in gb.assignment_submissions(assignment):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.manual_score is not None and grade.needs_manual_grade:
                        grade.needs_manual_grade = False
        gb.db.commit()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS") or 0)
                        or os.cpu_count() or 1, help="submissions graded at once")
    args = parser.parse_args(argv)
    root, assignment = args.root.resolve(), args.assignment
    # nbgrader runs `alembic` from PATH: put this interpreter's bin/ first.
    os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable),
                                          os.environ.get("PATH", "")])
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if not (root / "source" / assignment).is_dir():
        parser.error(f"no assignment source/{assignment}")
    unsandboxed = os.environ.get("GRADER_UNSANDBOXED", "") == "1"
    if not unsandboxed:
        from grader.sandbox import SandboxUnavailable, check_available
        try:
            check_available()
        except SandboxUnavailable as err:
            print(f"autograde: {err}.", file=sys.stderr)
            return 2
    students = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}")
                      if p.is_dir())
    if not students:
        print(f"no submissions in submitted/*/{assignment}")
        return 1
    if not known_assignment(root, assignment):
        # The gradebook learns the test cells from generate_assignment.
        subprocess.run(nbgrader(root, "generate_assignment", assignment, "--force"),
                       cwd=root, check=True)
    digests = {s: digest(root / "submitted" / s / assignment) for s in students}
    run = Run(root, assignment)
    started, resumed = run.start(digests)
    todo = [s for s in students if s not in resumed]
    if resumed:
        print(f"resuming the run started {_clock(started)}: {len(resumed)} students were "
              f"already graded, {len(todo)} to go")
    if todo:
        grade(root, assignment, todo, min(args.jobs, len(todo)), students)
        keep_hand_grades(root, assignment)
    unreadable = {s: problems(root, assignment, s) for s in students}
    failed = report(root, assignment, students, unreadable, resumed, run, started)
    if unsandboxed:
        print("\nWARNING: graded WITHOUT a sandbox (GRADER_UNSANDBOXED=1): student code ran "
              "with your rights; use only for trusted submissions.")
    if failed:
        print(f"\n{len(failed)} of {len(students)} students could not be graded: "
              f"{', '.join(failed)} (they score 0; see the log above)", file=sys.stderr)
        return 1
    run.finish()
    print(f"\nall {len(students)} students graded")
    return 0


def _clock(seconds):
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


def report(root, assignment, students, unreadable, resumed, run, started):
    """Print each student's score, late penalty and status; return the students not graded."""
    with gradebook(root) as gb:
        rows = {s.student.id: s for s in gb.assignment_submissions(assignment)}
        data = {sid: (s.score, s.max_score, s.late_submission_penalty, s.total_seconds_late,
                      s.needs_manual_grade) for sid, s in rows.items()}
    failed = []
    print(f"\n{'student':<20} {'score':>15} {'late':>14}  status")
    for student in students:
        score, max_score, penalty, late, manual = data.get(
            student, (0.0, float("nan"), 0.0, 0.0, False))
        if student in resumed:
            status = f"graded {_clock(resumed[student])} by the interrupted run"
        elif run.finished(student) is not None:
            status = "graded now"
        else:
            status = "NOT GRADED"
            failed.append(student)
        if manual:
            status += "; written answers wait for hand grading"
        late_text = f"{late / 3600:.1f} h, -{penalty:g}" if late and late > 0 else "on time"
        print(f"{student:<20} {score:>6.2f} / {max_score:<6.2f} {late_text:>14}  {status}")
        for line in unreadable[student]:
            print(f"{'':<20} {'':>15} {'':>14}  {line}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
