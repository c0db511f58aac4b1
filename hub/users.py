"""Accounts of the course hub: unix users in the students' or the instructors' group.

    python -m hub.users add NAME [--instructor] [--password PW] [--existing]
    python -m hub.users remove NAME [--keep-home]
    python -m hub.users list

``add`` creates the user with its home in <state>/home/NAME (mode 0700) and prints a
random password (or sets --password); the hub checks it with PAM. --existing puts an
account the machine already has (e.g. from LDAP) into the group instead. ``remove``
deletes the account and, unless --keep-home, its home. Run as root (make hub-user).
"""

import argparse
import grp
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys

from hub.prepare import ensure_group
from hub.settings import Settings

COMMENT = "backprop course hub"


def add(s, name, instructor=False, password=None, existing=False, comment=COMMENT):
    group = s.instructor_group if instructor else s.student_group
    ensure_group(group)
    if existing:
        pwd.getpwnam(name)  # KeyError if there is no such account
        subprocess.run(["usermod", "-a", "-G", group, name], check=True)
        return None
    try:
        pwd.getpwnam(name)
    except KeyError:
        pass
    else:
        raise SystemExit(f"hub.users: {name} already has an account on this machine; "
                         "make hub-user NAME=... EXISTING=1 puts it into the course")
    s.homes.mkdir(parents=True, exist_ok=True)
    home = s.homes / name
    subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell",
                    "/bin/bash", "--gid", group, "--comment", comment, name], check=True)
    home.chmod(0o700)
    password = password or secrets.token_urlsafe(12)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return password


def remove(s, name, keep_home=False):
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return False
    home = entry.pw_dir
    for pid in processes_of(entry.pw_uid):  # userdel refuses while the user runs anything
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    subprocess.run(["userdel", name], check=True)
    if not keep_home and home.startswith(str(s.homes) + "/"):
        shutil.rmtree(home, ignore_errors=True)
    return True


def processes_of(uid):
    """Ids of the processes running as ``uid``."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def members(group):
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return []
    found = set(entry.gr_mem)
    found.update(u.pw_name for u in pwd.getpwall() if u.pw_gid == entry.gr_gid)
    return sorted(found)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add")
    p_add.add_argument("name")
    p_add.add_argument("--instructor", action="store_true")
    p_add.add_argument("--password")
    p_add.add_argument("--existing", action="store_true")
    p_add.add_argument("--comment", default=COMMENT, help="the account's GECOS comment")
    p_rm = sub.add_parser("remove")
    p_rm.add_argument("name")
    p_rm.add_argument("--keep-home", action="store_true")
    sub.add_parser("list")
    args = parser.parse_args(argv)
    s = Settings()
    if args.command == "add":
        password = add(s, args.name, args.instructor, args.password, args.existing,
                       args.comment)
        role = "instructor" if args.instructor else "student"
        if password is None:
            print(f"{args.name} is now a {role} of the hub (their own password)")
        else:
            print(f"{args.name} ({role}) password: {password}")
    elif args.command == "remove":
        print(f"removed {args.name}" if remove(s, args.name, args.keep_home)
              else f"no user {args.name}")
    else:
        for group, role in ((s.instructor_group, "instructor"), (s.student_group, "student")):
            for name in members(group):
                print(f"{name}\t{role}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
