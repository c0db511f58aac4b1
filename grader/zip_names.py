"""Submissions downloaded from an LMS: which file of which student each zip file is.

Files in the zips are named ``<student>_[anything_]<notebook>[-N].ipynb``, e.g.
``alice_ps1_chain_rule.ipynb``, ``s7_99_ps1_chain_rule-1.ipynb`` (an LMS's second
attempt). For each student and notebook the latest file wins: a higher attempt number
``-N``, then the later zip (zips are ranked by the time they were put in the archive
folder). ``LmsFileNames`` is the nbgrader zip_collect plugin (nbgrader_config.py installs
it); ``python -m grader.zip_names ASSIGNMENT`` lists every file it took and every file it
skipped, with the reason.
"""

import os
import re
import sys
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin

NAME = re.compile(r"(?P<student>[^/_]+)_(?:.*_)?(?P<notebook>ps\d+_[a-z0-9_]+?)"
                  r"(?:-(?P<attempt>\d+))?\.ipynb")


def _zip_rank(path, extracted):
    """When the zip that ``path`` came from was put in the archive folder (0 if unknown)."""
    relative = Path(path).relative_to(extracted)
    archive = extracted.parent / "archive"
    for candidate in archive.glob(f"{relative.parts[0]}.*"):
        return candidate.stat().st_mtime
    return 0.0


def decide(extracted):
    """{file: (student, notebook file) or None, reason} for every file under ``extracted``."""
    extracted = Path(extracted)
    files = sorted(p for p in extracted.rglob("*") if p.is_file())
    decisions, best = {}, {}
    for path in files:
        match = NAME.fullmatch(path.name)
        if not match:
            decisions[path] = (None, "not named <student>_<notebook>.ipynb")
            continue
        key = (match["student"], f"{match['notebook']}.ipynb")
        rank = (int(match["attempt"] or 0), _zip_rank(path, extracted), str(path))
        if key not in best or rank > best[key][0]:
            best[key] = (rank, path)
        decisions[path] = (key, None)
    for path, (key, reason) in list(decisions.items()):
        if key is not None and best[key][1] != path:
            later = best[key][1].relative_to(extracted)
            decisions[path] = (None, f"an earlier attempt; took {later} instead")
    return decisions


def _extracted_root(path):
    path = Path(path).resolve()
    for parent in path.parents:
        if parent.name == "extracted":
            return parent
    return path.parent


class LmsFileNames(FileNameCollectorPlugin):
    """zip_collect plugin: student and notebook from an LMS file name; latest attempt wins."""

    def collect(self, submitted_file):
        key, _ = decide(_extracted_root(submitted_file)).get(Path(submitted_file).resolve(),
                                                             (None, None))
        if key is None:
            return None
        return {"student_id": key[0], "file_id": key[1]}


def report(root, assignment):
    """Print every downloaded file of ``assignment``: taken (as whose notebook) or skipped."""
    extracted = Path(root) / "downloaded" / assignment / "extracted"
    decisions = decide(extracted) if extracted.is_dir() else {}
    taken = sum(1 for key, _ in decisions.values() if key)
    print(f"zip-collect {assignment}: took {taken} files, skipped {len(decisions) - taken}")
    for path, (key, reason) in sorted(decisions.items()):
        shown = path.relative_to(extracted)
        if key:
            print(f"  took     {shown} -> submitted/{key[0]}/{assignment}/{key[1]}")
        else:
            print(f"  skipped  {shown}: {reason}")


if __name__ == "__main__":
    report(os.getcwd(), sys.argv[1])
