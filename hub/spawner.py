"""CourseSpawner: JupyterHub's LocalProcessSpawner for the course's two roles.

Every account is a unix user (make hub-user) in the students' or the instructors' group.
A server runs as that user, from the course's virtual environment, with:

* students: JupyterLab in their home (0700), the lectures copied into ~/course on the
  first start (as the student), ``utils`` from the student edition (PYTHONPATH), nbgrader's Assignment
  List and Validate button, no formgrader; umask 022.
* instructors: JupyterLab in the shared course root (<state>/course), opening on the
  formgrader; nbgrader in ``groupshared`` mode so every instructor can collect, grade
  and release; umask 002 (the course folder itself is 2770, so nothing leaks).
* both: NBGRADER_EXCHANGE = <state>/exchange, memory/CPU/process limits enforced by
  cgroups (hub.limits), and a server that stops itself after HUB_IDLE_TIMEOUT seconds
  without activity.
"""

import grp
import os
import pwd

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Float, Integer, Unicode

from hub.limits import Limits
from hub.settings import parse_bytes


def is_member(username, group):
    """True if unix user ``username`` belongs to ``group`` (primary or supplementary)."""
    try:
        entry = grp.getgrnam(group)
        user = pwd.getpwnam(username)
    except KeyError:
        return False
    return user.pw_gid == entry.gr_gid or username in entry.gr_mem


class CourseSpawner(LocalProcessSpawner):
    state_dir = Unicode(help="The hub's state folder (hub.settings).").tag(config=True)
    venv = Unicode(help="The Python environment servers run from.").tag(config=True)
    instructor_group = Unicode("backprop-instructors").tag(config=True)
    instructor_mem_limit = Unicode("4G").tag(config=True)
    instructor_cpu_limit = Float(2.0).tag(config=True)
    pids_limit = Integer(512).tag(config=True)
    idle_timeout = Integer(3600).tag(config=True)

    @property
    def instructor(self):
        return is_member(self.user.name, self.instructor_group)

    def _path(self, *parts):
        return os.path.join(self.state_dir, *parts)

    def _close_home(self):
        """A home only its owner may enter (also for accounts an OAuth login created)."""
        os.chmod(pwd.getpwnam(self.user.name).pw_dir, 0o700)

    def _student_cmd(self):
        """The server command, preceded by copying the lectures into ~/course on the first
        start. The copy runs as the student (never as root in a folder the student
        controls); later starts keep the student's own copy."""
        copy = ('test -e "$HOME/course" || cp -r "$BACKPROP_EDITION/course" "$HOME/course"; '
                'exec "$0" "$@"')
        if not hasattr(self, "_server_cmd"):  # the configured command, before any wrapping
            self._server_cmd = list(self.cmd)
        return ["/bin/sh", "-c", copy, *self._server_cmd]

    def get_env(self):
        env = super().get_env()
        role = "instructor" if self.instructor else "student"
        env.update({
            "PATH": os.pathsep.join([os.path.join(self.venv, "bin"),
                                     "/usr/local/bin", "/usr/bin", "/bin"]),
            "JUPYTER_CONFIG_PATH": self._path("jupyter", role),
            "NBGRADER_EXCHANGE": self._path("exchange"),
            "OPENBLAS_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        })
        if self.instructor:
            env["BACKPROP_COURSE_ROOT"] = self._path("course")
            if os.environ.get("NBGRADER_DB_URL"):
                env["NBGRADER_DB_URL"] = os.environ["NBGRADER_DB_URL"]
        else:
            env["PYTHONPATH"] = self._path("edition")
            env["BACKPROP_EDITION"] = self._path("edition")
        return env

    def get_args(self):
        args = super().get_args()
        if self.idle_timeout:
            # the server stops itself when idle; idle kernels go first
            args += [f"--ServerApp.shutdown_no_activity_timeout={self.idle_timeout}",
                     f"--MappingKernelManager.cull_idle_timeout={self.idle_timeout}",
                     "--MappingKernelManager.cull_interval=300"]
        return args

    async def start(self):
        if self.instructor:
            self.notebook_dir = self._path("course")
            self.default_url = "/formgrader"
            mem, cpu = parse_bytes(self.instructor_mem_limit), self.instructor_cpu_limit
        else:
            self._close_home()
            self.cmd = self._student_cmd()
            self.notebook_dir = pwd.getpwnam(self.user.name).pw_dir
            self.default_url = "/lab/tree/course"
            mem, cpu = int(self.mem_limit or 0), float(self.cpu_limit or 0)
        self._limits = Limits(self.user.name, mem_bytes=mem, cpu=cpu, pids=self.pids_limit)
        self.log.info("limits for %s", self._limits.prepare())
        return await super().start()

    def make_preexec_fn(self, name):
        drop_root = super().make_preexec_fn(name)
        limits = self._limits
        umask = 0o002 if self.instructor else 0o022
        # an instructor's server (and so its terminals) works in the course root
        workdir = self._path("course") if self.instructor else None

        def preexec():
            limits.apply()  # still root here
            os.umask(umask)
            drop_root()
            if workdir:
                os.chdir(workdir)

        return preexec

    async def stop(self, now=False):
        await super().stop(now=now)
        limits = getattr(self, "_limits", None)
        if limits is not None:
            limits.release()
