"""Write the student edition of the course: what students get, without answers.

Usage: ``python -m grader.student_edition DEST`` (``make student-edition DEST=...``).

The edition holds the lectures (course/), the released assignments (release/), the
package (utils/, whose utils/checks holds only the visible checks), the student
JupyterLab configuration (jupyter/), the README and the set-up files. It holds no
source/ (solutions), no grader/ (hidden checks), no tests and no gradebook. DEST must
not exist yet or be an earlier edition (it is replaced).
"""

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["course", "release", "utils", "jupyter"]
FILES = ["README.md", "Makefile", "pyproject.toml", "environment.yml", ".gitignore"]
MARKER = ".student-edition"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


def write_edition(dest, root=ROOT):
    """Copy the student edition of the course at ``root`` to ``dest``; return dest."""
    dest = Path(dest).resolve()
    if dest.exists():
        if not (dest / MARKER).is_file():
            raise SystemExit(f"student_edition: {dest} exists and is not a student edition; "
                             "choose a new DEST")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for folder in FOLDERS:
        shutil.copytree(root / folder, dest / folder, ignore=IGNORE)
    for name in FILES:
        shutil.copy2(root / name, dest / name)
    (dest / MARKER).write_text("Written by `make student-edition`; no solutions inside.\n")
    return dest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    print(f"student edition written to {write_edition(args.dest)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
