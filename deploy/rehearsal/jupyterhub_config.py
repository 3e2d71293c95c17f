# JupyterHub configuration for `make rehearsal`: a real hub on 127.0.0.1 for a simulated class.
# rehearsal.py starts the hub with this file and fills in the REHEARSAL_* variables; nothing here is secret
# beyond one run. Not for production: SimpleLocalProcessSpawner runs every learner as the hub's own user.
import os
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)

env = os.environ
scratch = Path(env["REHEARSAL_DIR"])
homes = scratch / "home"
venv_bin = Path(env["REHEARSAL_VENV_BIN"])

c.JupyterHub.bind_url = f"http://127.0.0.1:{env['REHEARSAL_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["REHEARSAL_HUB_PORT"])
c.JupyterHub.db_url = f"sqlite:///{scratch / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(scratch / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(scratch / "hub" / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.concurrent_spawn_limit = 0  # the rehearsal measures what the machine does, not a queue

c.ConfigurableHTTPProxy.command = [env["REHEARSAL_PROXY"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['REHEARSAL_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = str(scratch / "hub" / "proxy.pid")

# The workshop authenticator: one password for the room, anyone may pick a name.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = env["REHEARSAL_PASSWORD"]
c.Authenticator.allow_all = True

# The rehearsal's driver (and an instructor's warm-up script) is a service with just these scopes.
c.JupyterHub.services = [{"name": "rehearsal", "api_token": env["REHEARSAL_TOKEN"]}]
c.JupyterHub.load_roles = [
    {
        "name": "rehearsal",
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "access:servers"],
        "services": ["rehearsal"],
    }
]

# Every learner: one shared environment (this repository's .venv), an own home under the scratch dir.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
# 40 learners starting at once on 2 cores take about a minute; the default 60 s would fail the slowest.
c.Spawner.start_timeout = 600
c.Spawner.http_timeout = 600


def _runtime_dir(spawner):
    # Kernels talk over Unix sockets named <runtime dir>/kernel-<uuid>-ipc-<n>, capped at 107 characters.
    return str(homes / spawner.user.name / ".rt")


c.Spawner.environment = {
    "G4F_TUTORIAL_MODE": "replay",
    "JUPYTER_RUNTIME_DIR": _runtime_dir,
    "REHEARSAL_RUN": env["REHEARSAL_RUN"],  # lets the driver find (and account for) every process it caused
}

# What each learner's server reads from ~/.jupyter: the very file the TLJH guide installs system-wide
# (deploy/tljh/jupyter_server_config.json): IPC kernels (TCP ports race when 40 kernels start at once on one
# host), idle kernels culled, and no language-server probe (jupyter_lsp runs `npm prefix -g` at every start).
# The transport is honoured only in jupyter_server_config.json, not in jupyter_server_config.d/.
LEARNER_SERVER_CONFIG = Path(env["REHEARSAL_SERVER_CONFIG"]).read_text()


def _prepare_home(spawner):
    home = homes / spawner.user.name
    (home / ".jupyter").mkdir(parents=True, exist_ok=True)
    (home / ".rt").mkdir(mode=0o700, exist_ok=True)
    (home / ".jupyter" / "jupyter_server_config.json").write_text(LEARNER_SERVER_CONFIG)


c.Spawner.pre_spawn_hook = _prepare_home
