"""Lay out the hub's state folder and lock the checkout (run as root by make hub-setup).

    python -m hub.prepare            # idempotent; make hub runs it before every start
    python -m hub.prepare --unlock   # give the checkout its earlier permissions back

What it does (hub/settings.py lists the folders):
1. the students' and instructors' unix groups exist;
2. <state>/jupyter holds the student and instructor Jupyter configuration (hub/jupyter);
3. <state>/edition is the student edition, written afresh (python -m grader.student_edition);
4. <state>/course is the instructors' course root, 2770 root:<instructors>: the grading
   machinery (nbgrader_config.py, grader/, utils/, Makefile) is refreshed from the
   checkout each time; an assignment's source/ and release/ folders are copied only
   when the course does not have them yet, so the instructors' edits stay; a .venv link
   lets `make autograde ...` run in an instructor's terminal;
5. <state>/exchange is 1777 (like /tmp) and its course folder belongs to the instructors'
   group: outbound 2775, inbound 2773 (students may write, not list), feedback 2771
   (students may open their own feedback by its secret name, not list the folder) -
   the modes nbgrader gives them in its groupshared mode;
6. the checkout is locked: every server runs as an unprivileged user and can read the
   virtual environment, but no solution (source/, grader/, tests/, .git), gradebook or
   submission of the checkout. The earlier modes are kept in <state>/hub/checkout-modes.json;
7. it checks, as the unprivileged user `nobody`, that the virtual environment runs and
   that the solutions cannot be read.
"""

import argparse
import grp
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from hub.settings import COURSE_ID, REPO, Settings

MACHINERY = ["nbgrader_config.py", "grader", "utils", "Makefile", "pyproject.toml"]
CONTENT = ["source", "release"]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
SECRET_PROBE = "source"  # a path of the checkout a student must not be able to open


def ensure_group(name):
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        subprocess.run(["groupadd", name], check=True)
        return grp.getgrnam(name).gr_gid


def make_dir(path, mode, gid=0):
    """Create ``path`` (root's, group ``gid``, ``mode``). The owner and mode are set through
    a descriptor opened without following a symlink, so a symlink someone put in the
    way makes this fail rather than change the file it points to."""
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        os.fchown(fd, 0, gid)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def _own_tree(top, gid):
    """root:gid, dirs 2770, files 0660, bottom-up, never following a symlink. Used on a
    tree only root can reach yet (the staging folder), so nobody can swap a part."""
    for root, dirs, files in os.walk(top, topdown=False):
        for name in files:
            path = os.path.join(root, name)
            os.lchown(path, 0, gid)
            if not os.path.islink(path):
                os.chmod(path, 0o660)
        os.lchown(root, 0, gid)
        os.chmod(root, 0o2770)


def _install(staged, dest):
    """Move a staged file or tree to ``dest`` in the course, replacing the earlier one.
    (The course folder is the instructors' to write: rmtree does not follow symlinks,
    and rename fails rather than merge if someone put something new in the way.)"""
    if dest.is_symlink() or dest.is_file():
        dest.unlink()
    elif dest.is_dir():
        shutil.rmtree(dest)
    os.rename(staged, dest)


def sync_course(s, gid):
    course = s.course
    make_dir(course, 0o2770, gid)
    staging = s.state / ".staging"  # root's alone, on the course's file system
    if staging.exists():
        shutil.rmtree(staging)
    make_dir(staging, 0o700)
    try:
        for name in MACHINERY:
            src, staged = REPO / name, staging / name
            if src.is_dir():
                shutil.copytree(src, staged, ignore=IGNORE)
                _own_tree(staged, gid)
            else:
                shutil.copy2(src, staged)
                os.lchown(staged, 0, gid)
                os.chmod(staged, 0o660)
            _install(staged, course / name)
        copied = []
        for folder in CONTENT:
            if (course / folder).is_symlink():
                raise SystemExit(f"hub.prepare: {course / folder} is a symlink; make it a "
                                 "folder (or remove it) and run again")
            if not (course / folder).exists():
                make_dir(course / folder, 0o2770, gid)
            for assignment in sorted((REPO / folder).glob("ps*")):
                dest = course / folder / assignment.name
                if not os.path.lexists(dest):
                    staged = staging / f"{folder}-{assignment.name}"
                    shutil.copytree(assignment, staged, ignore=IGNORE)
                    _own_tree(staged, gid)
                    os.rename(staged, dest)
                    copied.append(f"{folder}/{assignment.name}")
        link = staging / ".venv"
        link.symlink_to(s.venv)
        os.lchown(link, 0, gid)
        _install(link, course / ".venv")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # SQLite creates a database 0644 whatever the umask: an empty file made here, 0660 and
    # the group's, is a database every instructor can write (its journals copy the mode)
    if not os.environ.get("NBGRADER_DB_URL"):
        fd = os.open(course / "gradebook.db", os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o660)
        try:
            os.fchown(fd, os.fstat(fd).st_uid, gid)
            os.fchmod(fd, 0o660)
        finally:
            os.close(fd)
    return copied


def make_exchange(s, gid):
    make_dir(s.exchange, 0o1777)
    course = s.exchange / COURSE_ID
    make_dir(course, 0o2775, gid)
    make_dir(course / "outbound", 0o2775, gid)
    make_dir(course / "inbound", 0o2773, gid)
    make_dir(course / "feedback", 0o2771, gid)


def _keeps(entry, s):
    """Entries of the checkout that stay readable: the venv and the state folder."""
    entry = entry.resolve()
    for needed in (s.venv.resolve(), s.state.resolve()):
        if needed == entry or entry in needed.parents:
            return True
    return False


def lock_checkout(s):
    """Make the checkout unreadable for everyone but root, except the venv (and the
    state folder if it lives inside). Returns the modes it changed."""
    changed = {}
    for entry in sorted(REPO.iterdir()):
        if _keeps(entry, s) or entry.is_symlink():
            continue
        mode = stat.S_IMODE(entry.lstat().st_mode)
        if mode & 0o077:
            changed[entry.name] = mode
            os.chmod(entry, mode & ~0o077)
    mode = stat.S_IMODE(REPO.stat().st_mode)
    if mode & 0o066:  # others may pass through to the venv, not list or write
        changed["."] = mode
        os.chmod(REPO, mode & ~0o066)
    record = s.hub_dir / "checkout-modes.json"
    earlier = json.loads(record.read_text()) if record.is_file() else {}
    earlier = {k: v for k, v in earlier.items() if (REPO / k).exists()}
    record.write_text(json.dumps({**changed, **earlier}, indent=1))
    return changed


def unlock_checkout(s):
    record = s.hub_dir / "checkout-modes.json"
    if not record.is_file():
        return {}
    modes = json.loads(record.read_text())
    for name, mode in modes.items():
        path = REPO / name
        if path.exists():
            os.chmod(path, mode)
    record.unlink()
    return modes


def unreachable_ancestors(venv):
    """Folders that others cannot pass through (no o+x) on the way to the venv or to the
    Python interpreter it was made from (a pyenv build under /root, for example)."""
    venv = Path(venv)
    targets = [venv.resolve(), (venv / "bin" / "python").resolve()]
    blocked = []
    for target in targets:
        for folder in target.parents:
            if not stat.S_IMODE(folder.stat().st_mode) & stat.S_IXOTH:
                blocked.append(str(folder))
    return sorted(set(blocked))


def check_as_nobody(s):
    """Problems seen by an unprivileged user: the venv must run, secrets must not open."""
    code = ("import sys, os\n"
            "import jupyterhub, nbgrader, utils\n"
            f"assert utils.__file__.startswith({str(s.edition)!r}), utils.__file__\n"
            "leaks = [p for p in sys.argv[1:] if os.access(p, os.R_OK)]\n"
            "print(' '.join(leaks))\n")
    secrets = [str(REPO / name) for name in (SECRET_PROBE, "grader", ".git", "tests")
               if (REPO / name).exists()] + [str(s.course), str(s.hub_dir)]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(s.edition), "HOME": "/"}
    runuser = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
    run = subprocess.run([runuser, "-u", "nobody", "--", str(s.venv / "bin" / "python"),
                          "-c", code, *secrets], env=env, capture_output=True, text=True,
                         cwd="/", timeout=120)
    problems = []
    if run.returncode != 0:
        problems.append(f"an unprivileged user cannot run {s.venv}/bin/python with the "
                        f"course packages: {run.stderr.strip()[-500:]}")
    elif run.stdout.strip():
        problems.append(f"an unprivileged user can read {run.stdout.strip()}")
    return problems


def prepare(s):
    if os.geteuid() != 0:
        raise SystemExit("hub.prepare: run as root (make hub-setup): the hub creates unix "
                         "groups and folders owned by them")
    if not s.proxy.exists():
        raise SystemExit(f"hub.prepare: {s.proxy} is missing; make hub-setup installs it "
                         "with npm")
    blocked = unreachable_ancestors(s.venv)
    if blocked:
        raise SystemExit(f"hub.prepare: every server runs {s.venv} as its user, but "
                         f"{', '.join(blocked)} cannot be entered by other users: make the "
                         "venv from a Python every user can run in a checkout they can "
                         "reach (e.g. /srv/backprop, make PYTHON=/usr/bin/python3 setup), "
                         "or chmod o+x those folders")
    student_gid = ensure_group(s.student_group)
    instructor_gid = ensure_group(s.instructor_group)
    del student_gid
    make_dir(s.state, 0o755)
    make_dir(s.hub_dir, 0o700)
    make_dir(s.homes, 0o755)
    if s.jupyter_dir.exists():
        shutil.rmtree(s.jupyter_dir)
    shutil.copytree(REPO / "hub" / "jupyter", s.jupyter_dir, ignore=IGNORE)
    for root, dirs, files in os.walk(s.jupyter_dir):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    from grader.student_edition import write_edition
    if s.edition.exists() and not (s.edition / ".student-edition").is_file():
        shutil.rmtree(s.edition)
    write_edition(s.edition)
    for root, dirs, files in os.walk(s.edition):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    copied = sync_course(s, instructor_gid)
    make_exchange(s, instructor_gid)
    locked = lock_checkout(s)
    problems = check_as_nobody(s)
    print(f"hub state folder: {s.state}")
    print(f"  course root {s.course} (group {s.instructor_group})"
          + (f"; copied {', '.join(copied)}" if copied else ""))
    print(f"  exchange {s.exchange}, student edition {s.edition}, homes {s.homes}")
    print(f"  checkout {REPO} locked ({len(locked)} modes changed; "
          "python -m hub.prepare --unlock restores them)")
    if problems:
        raise SystemExit("hub.prepare: " + "; ".join(problems))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unlock", action="store_true",
                        help="restore the checkout's modes from before the lock")
    args = parser.parse_args(argv)
    s = Settings()
    if args.unlock:
        print(f"restored {len(unlock_checkout(s))} modes of {REPO}")
        return 0
    prepare(s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
