"""Run a student's notebook code in a bubblewrap sandbox and collect plain data from it.

What the sandbox sees: the Python interpreter and the course's virtual environment
(read-only), a copy of ``utils`` (at /course/utils) in which the modules the assignment masks are stubs
that raise ImportError (and torch and autograd are stubs too), and an empty,
size-capped scratch folder as its working directory. Nothing else of the course: not
``source/``, the gradebook, the exchange, submissions, ``.git`` or other students'
files. It has no network (not even the host's loopback), its own process and IPC
namespaces, memory, process, file-size and CPU limits, and when the grader is done
with it every process it started is killed (closing the pid namespace kills them all).
"""

import importlib.util
import json
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
ALWAYS_MASKED = {
    "torch": "PyTorch is not available while assignments are graded: compute the "
             "gradients with your own code",
    "autograd": "HIPS autograd is not available while assignments are graded: compute "
                "the gradients with your own code",
}
# The runner starts from the sandbox's own copy of utils, at /course/utils.
RUNNER = "import sys; sys.path.insert(0, '/course'); from utils.checks.runner import main; main()"
MAX_LINE = 64 * 1024 * 1024  # bytes of one protocol line we are willing to read


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


def _env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed notebook (environment variables override)."""
    memory_mb: int = _env_int("GRADER_MEMORY_MB", 2048)
    seconds: int = _env_int("GRADER_TIMEOUT", 300)
    processes: int = _env_int("GRADER_PROCESSES", 64)
    file_mb: int = _env_int("GRADER_FILE_MB", 64)
    scratch_mb: int = _env_int("GRADER_SCRATCH_MB", 64)


def check_available():
    """Raise SandboxUnavailable with a sentence naming the fix if bubblewrap cannot run."""
    if not os.path.exists(BWRAP):
        raise SandboxUnavailable(
            "autograde needs bubblewrap to sandbox student code: install it "
            "(Debian/Ubuntu: apt-get install bubblewrap), or set GRADER_UNSANDBOXED=1 to "
            "grade without a sandbox (only for trusted submissions)")
    probe = subprocess.run([BWRAP, "--ro-bind", "/", "/", *_namespaces(), "--", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(
            "bubblewrap cannot create a sandbox here "
            f"({probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else 'no error text'}): "
            "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 "
            "or user.max_user_namespaces > 0), or set GRADER_UNSANDBOXED=1 to grade "
            "without a sandbox (only for trusted submissions)")


def _sandbox_uid():
    """The unprivileged uid the sandbox runs as when the grader is root: one per grading
    process, from GRADER_UID_BASE (default 200000) up to 50,000 above it."""
    return _env_int("GRADER_UID_BASE", 200000) + os.getpid() % 50000


def _own_process_count():
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def _namespaces():
    """bwrap's namespace options: as root, everything but the user namespace (the sandbox
    then drops to an unprivileged uid with setpriv); otherwise all of them."""
    if os.getuid() == 0:
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"]
    return ["--unshare-all", "--cap-drop", "ALL"]


def _drop_privileges():
    """As root: the command prefix that runs the sandboxed process as an unprivileged uid."""
    if os.getuid() != 0:
        return []
    uid = str(_sandbox_uid())
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            "--bounding-set=-all", "--inh-caps=-all", "--"]


def _set_limits(limits):
    """preexec_fn: resource limits for the sandbox and everything it starts."""
    mb = 1024 * 1024
    # Root is exempt from RLIMIT_NPROC; the sandboxed process runs as its own uid then.
    processes = limits.processes if os.getuid() == 0 else _own_process_count() + limits.processes
    for what, value in [(resource.RLIMIT_AS, limits.memory_mb * mb),
                        (resource.RLIMIT_NPROC, processes),
                        (resource.RLIMIT_FSIZE, limits.file_mb * mb),
                        (resource.RLIMIT_CPU, limits.seconds),
                        (resource.RLIMIT_CORE, 0)]:
        resource.setrlimit(what, (value, value))


def _package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(spec.origin)


def _build_font_cache(folder):
    """matplotlib's font list, built once here instead of in every sandbox (about 1 s each)."""
    folder.mkdir()
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=False,
                   env={**os.environ, "MPLCONFIGDIR": str(folder), "MPLBACKEND": "Agg"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)


def _stub_source(sentence):
    return f"raise ImportError({sentence!r})\n"


class Sandbox:
    """A reusable sandbox description for one assignment: what is mounted and masked.

    masked: {dotted module name: sentence}; utils modules become stubs in a private
    copy of utils, other top-level packages are replaced by stub packages.
    """

    def __init__(self, masked=None, limits=None):
        import utils
        self.limits = limits or Limits()
        self.utils_dir = Path(utils.__file__).resolve().parent
        masked = {**ALWAYS_MASKED, **(masked or {})}
        self._tmp = tempfile.TemporaryDirectory(prefix="grader-")
        tmp = Path(self._tmp.name)
        os.chmod(tmp, 0o755)
        self.utils_copy = tmp / "utils"
        shutil.copytree(self.utils_dir, self.utils_copy,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.package_stubs = []
        for name, sentence in masked.items():
            if name == "utils" or name.startswith("utils."):
                self._mask_utils_module(name, sentence)
            else:
                self._mask_package(tmp, name, sentence)
        self.font_cache = tmp / "matplotlib"
        _build_font_cache(self.font_cache)
        for path in [tmp, *tmp.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)

    def _mask_utils_module(self, name, sentence):
        parts = name.split(".")[1:]
        target = self.utils_copy.joinpath(*parts)
        if target.is_dir():
            shutil.rmtree(target)
            target.mkdir()
            (target / "__init__.py").write_text(_stub_source(sentence))
        else:
            target.with_suffix(".py").write_text(_stub_source(sentence))

    def _mask_package(self, tmp, name, sentence):
        location = _package_dir(name)
        if location is None:
            return  # not installed: nothing to hide
        stub = tmp / "stubs" / name
        if location.is_dir():
            stub.mkdir(parents=True)
            (stub / "__init__.py").write_text(_stub_source(sentence))
        else:
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text(_stub_source(sentence))
        self.package_stubs.append((stub, location))

    def command(self):
        """The bwrap command line that starts the runner inside the sandbox."""
        base, prefix = Path(sys.base_prefix).resolve(), Path(sys.prefix)
        binds = [(p, p) for p in ["/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/ld.so.cache",
                                  "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
                                  "/etc/localtime", str(base), str(prefix)]
                 if os.path.exists(p)]
        binds += [(str(stub), str(location)) for stub, location in self.package_stubs]
        binds.append((str(self.utils_copy), "/course/utils"))
        binds.append((str(self.font_cache), "/course/matplotlib"))
        scratch = str(self.limits.scratch_mb * 1024 * 1024)
        # The size-capped /tmp and /scratch come first, so that a checkout under /tmp
        # (a CI clone, a test's copy) is bound on top of them rather than hidden by them.
        mounts = ["--proc", "/proc", "--dev", "/dev",
                  "--size", scratch, "--perms", "1777", "--tmpfs", "/tmp",
                  "--size", scratch, "--perms", "1777", "--tmpfs", "/scratch"]
        made = {"/", "/tmp", "/scratch"}
        for source, dest in binds:
            for parent in reversed(Path(dest).parents):
                if str(parent) not in made:  # readable by the sandbox's unprivileged uid
                    mounts += ["--perms", "0755", "--dir", str(parent)]
                    made.add(str(parent))
            mounts += ["--ro-bind", source, dest]
        return [BWRAP, *mounts, "--chdir", "/scratch",
                *_namespaces(), "--die-with-parent", "--new-session", "--hostname", "sandbox",
                "--clearenv",
                "--setenv", "PATH", f"{prefix}/bin:/usr/bin:/bin",
                "--setenv", "HOME", "/tmp", "--setenv", "MPLBACKEND", "Agg",
                "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--setenv", "LANG", "C.UTF-8",
                "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
                "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "PYTHONHASHSEED", "0",
                "--", *_drop_privileges(), f"{prefix}/bin/python", "-I", "-c", RUNNER]

    def run(self, cells, probes):
        """Run ``cells`` (code strings), then ``probes`` (requests); see utils.checks.runner.

        Returns (cell_errors, outcomes, problem): cell_errors {index: line}, outcomes a
        list (one per probe; None when the sandbox gave none) and problem a sentence
        when the notebook could not be run to the end (time, memory, a crash).
        """
        return _session(self.command(), cells, probes, self.limits, unsandboxed=False)

    def close(self):
        self._tmp.cleanup()


def unsandboxed_command():
    """The runner without bubblewrap (GRADER_UNSANDBOXED=1): trusted submissions only."""
    return [sys.executable, "-I", "-m", "utils.checks.runner"]


def _reader(stream, lines):
    try:
        while True:
            line = stream.readline(MAX_LINE)
            if not line:
                break
            lines.put(line)
    except (OSError, ValueError):
        pass
    lines.put(None)


def _next_phase(lines, phase, deadline):
    """The first JSON line of ``phase`` before ``deadline``, or None."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            return None
        if line is None:
            return None
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(message, dict) and message.get("phase") == phase:
            return message


def _session(command, cells, probes, limits, unsandboxed):
    env = None
    if unsandboxed:
        env = {"PATH": os.environ.get("PATH", ""), "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1", "HOME": tempfile.gettempdir()}
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True, env=env,
                            preexec_fn=lambda: _set_limits(limits))
    lines = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + limits.seconds
    problem, errors, outcomes = None, {}, [None] * len(probes)
    try:
        proc.stdin.write(json.dumps({"cells": cells}).encode() + b"\n")
        proc.stdin.flush()
        first = _next_phase(lines, "cells", deadline)
        if first is None:
            problem = _why_stopped(proc, deadline)
        else:
            errors = first.get("errors") if isinstance(first.get("errors"), dict) else {}
            proc.stdin.write(json.dumps({"probes": probes}).encode() + b"\n")
            proc.stdin.flush()
            second = _next_phase(lines, "probes", deadline)
            got = second.get("outcomes") if second else None
            if isinstance(got, list) and len(got) == len(probes):
                outcomes = [o if isinstance(o, dict) else None for o in got]
            else:
                problem = _why_stopped(proc, deadline)
    except (BrokenPipeError, OSError):
        problem = _why_stopped(proc, deadline)
    finally:
        _kill(proc)
    return errors, outcomes, problem


def _why_stopped(proc, deadline):
    if time.monotonic() >= deadline:
        return "the notebook did not finish within the time limit"
    try:
        code = proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        return "the notebook stopped answering"
    if code < 0:
        name = signal.Signals(-code).name
        return f"the notebook was stopped by {name} (a crash, or a memory or CPU limit)"
    return "the notebook's process ended before it was graded (os._exit, a crash or a limit)"


def _kill(proc):
    """Kill the sandbox and, with it, every process inside it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        try:
            stream.close()
        except OSError:
            pass


class Unsandboxed(Sandbox):
    """GRADER_UNSANDBOXED=1: the same protocol without bubblewrap (trusted code only)."""

    def __init__(self, masked=None, limits=None):
        self.limits = limits or Limits()

    def run(self, cells, probes):
        return _session(unsandboxed_command(), cells, probes, self.limits, unsandboxed=True)

    def close(self):
        pass
