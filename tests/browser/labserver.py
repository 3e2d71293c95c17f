"""A throw-away JupyterLab server on 127.0.0.1 for the browser tests, and the settings they share.

Environment variables (all optional):
  BROWSERTEST_NOTEBOOKS  folder with the notebooks to test        (default: the project's notebooks/)
  BROWSERTEST_PROJECT    project root (helpers/, recordings/, requirements.txt), copied to a temp dir
                         (default: the parent of BROWSERTEST_NOTEBOOKS)
  BROWSERTEST_ARTIFACTS  where screenshots and per-notebook JSON reports go
                         (default: artifacts/browser/ in the project, gitignored)
  BROWSERTEST_CHROMIUM   browser executable                        (default /usr/bin/chromium)
  BROWSERTEST_RUN_TIMEOUT  seconds allowed for Run All per notebook (default 120)
  BROWSERTEST_SCREENSHOTS  1: a full-page screenshot of every notebook (default: only of those with a problem)
  BROWSERTEST_PYTHON     the Python of the environment that serves JupyterLab and runs the kernels, e.g. the
                         Binder-like one bash binder/venv.sh makes (default: the one running the tests)
  BROWSERTEST_ALL        1: every notebook of the collection (English, Russian, both exercise sets), none skipped
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = Path(os.environ.get("BROWSERTEST_NOTEBOOKS", HERE.parents[1] / "notebooks"))
PROJECT = Path(os.environ.get("BROWSERTEST_PROJECT", NOTEBOOKS.parent))
ARTIFACTS = Path(os.environ.get("BROWSERTEST_ARTIFACTS", HERE.parents[1] / "artifacts" / "browser"))
CHROMIUM = os.environ.get("BROWSERTEST_CHROMIUM", "/usr/bin/chromium")
SERVER_PYTHON = Path(os.environ.get("BROWSERTEST_PYTHON", sys.executable))  # not resolved: a venv's bin/ matters
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# JupyterLab user settings written into a fresh settings dir: no news/update toast, nothing fetched.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    def __init__(self, base: Path):
        self.base = base
        self.root = base / "project"  # G4F_TUTORIAL_ROOT: recordings + .scratch live here
        self.notebooks = self.root / "notebooks"  # JupyterLab root dir
        self.home = base / "jupyter"
        self.token = secrets.token_hex(16)
        self.port = None
        self.proc = None
        self.log_path = base / "jupyterlab.log"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(self.url(path), method=method, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
            return json.loads(body) if body else None

    def prepare(self, extra_notebooks=()):
        """Snapshot the project (helpers, notebooks, recordings) so nothing in the source tree changes."""
        shutil.copytree(
            PROJECT,
            self.root,
            ignore=shutil.ignore_patterns(
                ".venv*",
                ".git",
                ".scratch",
                "*.egg-info",
                "__pycache__",
                ".ipynb_checkpoints",
                "artifacts",
                ".pytest_cache",
            ),
        )
        if NOTEBOOKS.resolve() != (PROJECT / "notebooks").resolve():
            shutil.rmtree(self.notebooks, ignore_errors=True)
            shutil.copytree(NOTEBOOKS, self.notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for extra in extra_notebooks:
            shutil.copy(extra, self.notebooks / Path(extra).name)
        for sub in ("config", "data", "runtime", "settings", "workspaces"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        for rel, content in LAB_SETTINGS.items():
            f = self.home / "settings" / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(content))

    def start(self, timeout=60):
        env = dict(os.environ)
        env.update(
            {
                # isolate from ~/.jupyter and ~/.local/share/jupyter (kernelspecs, settings, workspaces)
                "JUPYTER_CONFIG_DIR": str(self.home / "config"),
                "JUPYTER_DATA_DIR": str(self.home / "data"),
                "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
                "JUPYTER_PLATFORM_DIRS": "1",
                "G4F_TUTORIAL_MODE": "replay",
                "G4F_TUTORIAL_ROOT": str(self.root),
                # the kernel (and `!python audio_module.py`) import helpers from the snapshot
                "PYTHONPATH": os.pathsep.join(filter(None, [str(self.root), os.environ.get("PYTHONPATH")])),
            }
        )
        jupyter = SERVER_PYTHON.parent / "jupyter"
        for _attempt in range(3):
            self.port = _free_port()
            cmd = [
                str(jupyter),
                "lab",
                "--no-browser",
                "--allow-root",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.notebooks}",
                f"--LabApp.user_settings_dir={self.home / 'settings'}",
                f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly",
                "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: the tests open notebooks with its commands
            ]
            log = open(self.log_path, "ab")  # noqa: SIM115 (the server keeps writing to it)
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.time() + timeout
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    self.api("/api/status")
                    return self
                except OSError:
                    time.sleep(0.3)
            self.stop()
        raise RuntimeError(f"JupyterLab did not start; see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group only
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def shutdown_sessions(self):
        for s in self.api("/api/sessions") or []:
            self.api(f"/api/sessions/{s['id']}", method="DELETE")


def server_knows(code: str) -> str:
    """What `code` prints in the server's environment (it may not be this one)."""
    done = subprocess.run([str(SERVER_PYTHON), "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip()


def extra_notebooks():
    return sorted((HERE / "extra").glob("*.ipynb"))
