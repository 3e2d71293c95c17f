"""The whole notebook suite, with a socket guard in every kernel: nothing leaves, and git stays clean.

make test's main pass runs every notebook under nbval already; this second, guarded pass is the other of
the two runs each notebook gets (their outputs match both times: the suite is deterministic).
"""

from __future__ import annotations

import os
import subprocess

import nbformat
import pytest
from support import ROOT, nbval_command, tutorial_notebooks

GUARD = ROOT / "tests" / "netguard_site"


def _nbval(paths, log, mode="replay"):
    env = {**os.environ, "PYTHONPATH": str(GUARD), "NETWORK_ATTEMPTS_LOG": str(log), "G4F_TUTORIAL_MODE": mode}
    return subprocess.run(
        nbval_command(paths),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _git_status():
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored=no"], cwd=ROOT, capture_output=True, text=True
    ).stdout


def test_the_guard_catches_a_connection_attempt(tmp_path):
    log = tmp_path / "attempts.log"
    canary = tmp_path / "canary.ipynb"
    cell = (
        "import socket\ntry:\n    socket.create_connection(('example.com', 80), timeout=1)\n"
        "except OSError as e:\n    print('refused')"
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), canary)
    result = _nbval([canary], log, mode="live")
    assert "example.com" in log.read_text(), result.stdout


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_notebooks_run_offline_under_an_independent_guard_and_leave_git_clean(tmp_path):
    before = _git_status()
    log = tmp_path / "attempts.log"
    log.touch()
    result = _nbval(tutorial_notebooks(), log)
    assert result.returncode == 0, result.stdout[-3000:]
    assert log.read_text() == "", f"the notebooks tried the network:\n{log.read_text()}"
    assert _git_status() == before
