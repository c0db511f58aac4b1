"""The hub's settings, read from HUB_* environment variables (the Makefile sets them).

One state folder holds everything the hub writes (HUB_STATE, default /srv/backprop-hub):

    hub/        0700 root   JupyterHub's database, cookie secret, proxy pid file
    node/       0755 root   configurable-http-proxy (npm install --prefix node)
    jupyter/    0755 root   the Jupyter configuration of student and instructor servers
    edition/    0755 root   the student edition (make student-edition): lectures, utils
    course/     2770 root:instructors   the instructors' course root: nbgrader_config.py,
                source/, release/, grader/, gradebook.db, submitted/, autograded/, feedback/
    exchange/   1777 root   the nbgrader exchange; exchange/backprop/{inbound,outbound,feedback}
                            belong to the instructors' group
    home/       0755 root   one 0700 home per account (make hub-user)
"""

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE_ID = "backprop"


def _env(name, default):
    value = os.environ.get(name, "").strip()
    return value if value else default


@dataclass(frozen=True)
class Settings:
    state: Path = field(default_factory=lambda: Path(_env("HUB_STATE", "/srv/backprop-hub")))
    ip: str = field(default_factory=lambda: _env("HUB_IP", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("HUB_PORT", "8000")))
    # the hub's internal API and the proxy's API (both on 127.0.0.1)
    api_port: int = field(default_factory=lambda: int(_env("HUB_API_PORT", "8081")))
    proxy_api_port: int = field(default_factory=lambda: int(_env("HUB_PROXY_API_PORT", "8001")))
    student_group: str = field(default_factory=lambda: _env("HUB_STUDENT_GROUP",
                                                            "backprop-students"))
    instructor_group: str = field(default_factory=lambda: _env("HUB_INSTRUCTOR_GROUP",
                                                               "backprop-instructors"))
    # per-server limits (memory in bytes with K/M/G suffix, CPU in cores)
    student_mem: str = field(default_factory=lambda: _env("HUB_STUDENT_MEM", "1G"))
    student_cpu: float = field(default_factory=lambda: float(_env("HUB_STUDENT_CPU", "1")))
    instructor_mem: str = field(default_factory=lambda: _env("HUB_INSTRUCTOR_MEM", "4G"))
    instructor_cpu: float = field(default_factory=lambda: float(_env("HUB_INSTRUCTOR_CPU", "2")))
    pids: int = field(default_factory=lambda: int(_env("HUB_PIDS", "512")))
    # a server with no activity for this long stops itself (seconds; 0 = never)
    idle_timeout: int = field(default_factory=lambda: int(_env("HUB_IDLE_TIMEOUT", "3600")))
    # the Python environment every server runs (the course's .venv)
    venv: Path = field(default_factory=lambda: Path(_env("HUB_VENV", sys.prefix)))

    @property
    def hub_dir(self):
        return self.state / "hub"

    @property
    def node_dir(self):
        return self.state / "node"

    @property
    def proxy(self):
        return self.node_dir / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def jupyter_dir(self):
        return self.state / "jupyter"

    @property
    def edition(self):
        return self.state / "edition"

    @property
    def course(self):
        return self.state / "course"

    @property
    def exchange(self):
        return self.state / "exchange"

    @property
    def homes(self):
        return self.state / "home"


def parse_bytes(text):
    """'512M' -> 536870912; '1G', '1.5G', '100K', '12345' (bytes) also work."""
    text = str(text).strip().upper().removesuffix("B")
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)
