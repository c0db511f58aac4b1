"""JupyterHub configuration for the course on one machine (`make hub`).

Run as root (it authenticates with PAM and starts each server as its unix user):

    jupyterhub -f hub/jupyterhub_config.py       (make hub does this, after make hub-setup)

Settings come from HUB_* environment variables (hub/settings.py; the Makefile passes
them on). Accounts are unix users in the students' or instructors' group (make
hub-user). For a real class behind a university login, put an OAuth or LTI
authenticator in <state>/jupyterhub_config_local.py, which this file loads last (the
README's "Running a class" shows one).
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hub.settings import Settings  # noqa: E402
from hub.spawner import CourseSpawner  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets)
s = Settings()

# --- network: the proxy serves the hub and every server on one port ------------
c.JupyterHub.ip = s.ip
c.JupyterHub.port = s.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s.api_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [str(s.proxy)]
c.ConfigurableHTTPProxy.pid_file = str(s.hub_dir / "proxy.pid")
if os.environ.get("HUB_SSL_CERT"):  # a real class: serve HTTPS
    c.JupyterHub.ssl_cert = os.environ["HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["HUB_SSL_KEY"]

# --- the hub's own state ----------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{s.hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(s.hub_dir / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every server

# --- accounts: unix users, checked with PAM ------------------------------------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {s.student_group, s.instructor_group}
c.PAMAuthenticator.open_sessions = False  # no login session (pam_systemd etc.) per server
admins = {name for name in os.environ.get("HUB_ADMINS", "").split(",") if name}
if admins:
    c.Authenticator.admin_users = admins

# --- servers --------------------------------------------------------------------
c.JupyterHub.spawner_class = CourseSpawner
c.CourseSpawner.state_dir = str(s.state)
c.CourseSpawner.venv = str(s.venv)
c.CourseSpawner.cmd = [str(s.venv / "bin" / "jupyterhub-singleuser")]
c.CourseSpawner.instructor_group = s.instructor_group
c.CourseSpawner.mem_limit = s.student_mem
c.CourseSpawner.cpu_limit = s.student_cpu
c.CourseSpawner.instructor_mem_limit = s.instructor_mem
c.CourseSpawner.instructor_cpu_limit = s.instructor_cpu
c.CourseSpawner.pids_limit = s.pids
c.CourseSpawner.idle_timeout = s.idle_timeout
# a busy two-core machine starts JupyterLab slowly
c.CourseSpawner.start_timeout = 180
c.CourseSpawner.http_timeout = 180
c.JupyterHub.concurrent_spawn_limit = int(os.environ.get("HUB_CONCURRENT_SPAWNS", "10"))

# --- an administrator's own additions (authenticator, TLS, limits) ------------------
local = s.state / "jupyterhub_config_local.py"
if local.is_file():
    load_subconfig(str(local))  # noqa: F821 (provided by traitlets)
