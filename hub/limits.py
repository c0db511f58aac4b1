"""Memory, CPU and process limits for one single-user server, enforced by the kernel.

JupyterHub's LocalProcessSpawner only passes ``mem_limit``/``cpu_limit`` on as the
environment variables MEM_LIMIT/CPU_LIMIT; it enforces nothing, and systemd-run (what
SystemdSpawner uses) is not everywhere. This module enforces them itself:

* with cgroups (v2, or v1's memory, cpu and pids controllers) where the hub (root) can
  create them: one cgroup per user, ``<the hub's own cgroup>/backprop-hub/<user>``,
  holding the server and everything it starts (kernels, terminals). Memory is a hard
  limit for all of them together (the kernel OOM-kills inside the group), CPU is a
  quota (``cpu_limit`` cores), and the number of processes is capped.
* otherwise with rlimits (as ``prlimit`` would set them): RLIMIT_AS = mem_limit for each
  process and RLIMIT_NPROC for the user; CPU time cannot be shared out that way, which
  the hub's log says.

``Limits.prepare()`` runs in the hub before the spawn, ``Limits.apply()`` in the child
between fork and exec (still root), ``Limits.release()`` after the server stopped.
"""

import os
import resource
from dataclasses import dataclass, field
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PERIOD_US = 100_000
V1_CONTROLLERS = ("memory", "cpu", "pids")


def own_cgroups(proc_cgroup="/proc/self/cgroup"):
    """{controller: path} of this process ('' for the v2 unified hierarchy)."""
    found = {}
    for line in Path(proc_cgroup).read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            found[name] = path
    return found


def _write(path, value):
    Path(path).write_text(f"{value}\n")


@dataclass
class Limits:
    """The limits of one user's server. mem_bytes/cpu/pids of 0 mean no limit."""
    user: str
    mem_bytes: int = 0
    cpu: float = 0.0
    pids: int = 0
    cgroups: list = field(default_factory=list)  # cgroup folders the server joins
    how: str = "none"

    def prepare(self):
        """Create the user's cgroup(s) with the limits; fall back to rlimits. Returns a
        sentence for the log saying how the limits are enforced."""
        self.cgroups, self.how = [], "none"
        if not (self.mem_bytes or self.cpu or self.pids):
            return f"{self.user}: no limits configured"
        try:
            if (CGROUP_ROOT / "cgroup.controllers").is_file():
                self._prepare_v2()
            else:
                self._prepare_v1()
        except OSError as err:
            self.release()
            self.cgroups, self.how = [], "rlimit"
            return (f"{self.user}: cgroups not writable ({err}); memory as RLIMIT_AS "
                    f"{self.mem_bytes} per process, at most {self.pids} processes; "
                    "CPU not limited")
        return (f"{self.user}: {self.how} memory {self.mem_bytes} bytes, CPU {self.cpu}, "
                f"{self.pids} processes ({', '.join(map(str, self.cgroups))})")

    def _prepare_v2(self):
        parent = CGROUP_ROOT / "backprop-hub"
        parent.mkdir(exist_ok=True)
        _write(parent / "cgroup.subtree_control", "+memory +cpu +pids")
        group = parent / self.user
        group.mkdir(exist_ok=True)
        if self.mem_bytes:
            _write(group / "memory.max", self.mem_bytes)
            if (group / "memory.swap.max").exists():
                _write(group / "memory.swap.max", 0)
        if self.cpu:
            _write(group / "cpu.max", f"{int(self.cpu * PERIOD_US)} {PERIOD_US}")
        if self.pids:
            _write(group / "pids.max", self.pids)
        self.cgroups, self.how = [group], "cgroup v2"

    def _prepare_v1(self):
        own = own_cgroups()
        wanted = [name for name, value in (("memory", self.mem_bytes), ("cpu", self.cpu),
                                           ("pids", self.pids)) if value]
        groups = {}
        for name in wanted:
            mount = CGROUP_ROOT / name
            if name not in own or not (mount / "cgroup.procs").exists():
                raise OSError(f"no cgroup v1 {name} controller at {mount}")
            group = mount / own[name].lstrip("/") / "backprop-hub" / self.user
            group.mkdir(parents=True, exist_ok=True)
            groups[name] = group
        self.cgroups, self.how = list(groups.values()), "cgroup v1"
        if "memory" in groups:
            _write(groups["memory"] / "memory.limit_in_bytes", self.mem_bytes)
            swap = groups["memory"] / "memory.memsw.limit_in_bytes"
            if swap.exists():
                _write(swap, self.mem_bytes)
        if "cpu" in groups:
            _write(groups["cpu"] / "cpu.cfs_period_us", PERIOD_US)
            _write(groups["cpu"] / "cpu.cfs_quota_us", int(self.cpu * PERIOD_US))
        if "pids" in groups:
            _write(groups["pids"] / "pids.max", self.pids)

    def apply(self):
        """In the spawned child, before exec and before dropping root: join the cgroups,
        or set the rlimits."""
        if self.how == "rlimit":
            if self.mem_bytes:
                resource.setrlimit(resource.RLIMIT_AS, (self.mem_bytes, self.mem_bytes))
            if self.pids:
                resource.setrlimit(resource.RLIMIT_NPROC, (self.pids, self.pids))
            return
        for group in self.cgroups:
            _write(group / "cgroup.procs", os.getpid())

    def release(self):
        """Remove the user's cgroups once its processes are gone (a busy one stays)."""
        for group in self.cgroups:
            try:
                group.rmdir()
            except OSError:
                pass


def limits_of_pid(pid):
    """{'memory': bytes or None, 'cpu': cores or None, 'pids': n or None} that the cgroups
    of process ``pid`` impose (v1 or v2), plus 'rlimit_as' from /proc/<pid>/limits."""
    result = {"memory": None, "cpu": None, "pids": None, "rlimit_as": None}
    paths = own_cgroups(f"/proc/{pid}/cgroup")

    def read(path):
        try:
            return Path(path).read_text().split()
        except OSError:
            return None

    if "" in paths and (CGROUP_ROOT / "cgroup.controllers").is_file():
        group = CGROUP_ROOT / paths[""].lstrip("/")
        mem, cpu, pids = read(group / "memory.max"), read(group / "cpu.max"), read(group / "pids.max")
        result["memory"] = int(mem[0]) if mem and mem[0] != "max" else None
        result["cpu"] = int(cpu[0]) / int(cpu[1]) if cpu and cpu[0] != "max" else None
        result["pids"] = int(pids[0]) if pids and pids[0] != "max" else None
    else:
        if "memory" in paths:
            mem = read(CGROUP_ROOT / "memory" / paths["memory"].lstrip("/") / "memory.limit_in_bytes")
            result["memory"] = int(mem[0]) if mem and int(mem[0]) < 1 << 60 else None
        if "cpu" in paths:
            base = CGROUP_ROOT / "cpu" / paths["cpu"].lstrip("/")
            quota, period = read(base / "cpu.cfs_quota_us"), read(base / "cpu.cfs_period_us")
            if quota and period and int(quota[0]) > 0:
                result["cpu"] = int(quota[0]) / int(period[0])
        if "pids" in paths:
            pids = read(CGROUP_ROOT / "pids" / paths["pids"].lstrip("/") / "pids.max")
            result["pids"] = int(pids[0]) if pids and pids[0] != "max" else None
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            soft = line.split()[3]
            result["rlimit_as"] = None if soft == "unlimited" else int(soft)
    return result
