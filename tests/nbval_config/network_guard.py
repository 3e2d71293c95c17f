"""Every process a test run starts is guarded: nothing may leave loopback, and git must stay clean.

A pytest plugin (``-p nbval_config.network_guard``, on for every run by pyproject.toml). At the start it puts
tests/netguard_site on PYTHONPATH with a fresh $NETWORK_ATTEMPTS_LOG, so every child Python process (the
kernels nbval starts, pytest-xdist's workers, the subprocesses tests run) refuses and logs any connection
off the machine. The guard is independent of helpers, so it also proves that helpers' own guard holds.
At the end the run fails, with a summary, if anything was logged or if ``git status`` changed.

A run started inside a guarded run (a test running pytest) leaves the outer run's guard in charge.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

GUARD = Path(__file__).resolve().parents[1] / "netguard_site"
STATE = pytest.StashKey[dict]()


def pytest_addoption(parser):
    parser.addoption(
        "--no-network-guard",
        action="store_true",
        help="do not guard the processes this run starts (the network and git-status checks are skipped)",
    )


def _git_status(root: Path) -> str | None:
    """``git status --porcelain`` of the work tree holding root, or None outside one."""
    result = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=root, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def pytest_configure(config):
    if hasattr(config, "workerinput") or config.getoption("no_network_guard"):
        return  # an xdist worker inherits the controller's guard
    if os.environ.get("NETWORK_ATTEMPTS_LOG"):
        return  # inside a guarded run: its log gets our attempts
    # compiled now, so that no guarded process writes its bytecode into the checkout (the hub rehearsal's
    # learners inherit PYTHONPATH, and it checks that they write nothing outside their homes)
    compileall.compile_dir(GUARD, quiet=1)
    handle, log = tempfile.mkstemp(prefix="network-attempts-", suffix=".log")
    os.close(handle)
    os.environ["NETWORK_ATTEMPTS_LOG"] = log
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD), os.environ.get("PYTHONPATH")]))
    config.stash[STATE] = {"log": Path(log), "git": _git_status(config.rootpath), "problems": []}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    state = session.config.stash.get(STATE, None)
    if state is None or state["log"] is None:
        return
    log, state["log"] = state["log"], None
    attempts = log.read_text().splitlines()
    log.unlink()
    if attempts:
        state["problems"].append(
            f"{len(attempts)} connection attempt(s) off this machine, refused (pid, target):\n  "
            + "\n  ".join(attempts[:20])
        )
    after = _git_status(session.config.rootpath)
    if state["git"] is not None and after != state["git"]:
        state["problems"].append(
            "git status changed during the run (a test or notebook wrote into the work tree):\n"
            f"before:\n{state['git'] or '  (clean)'}\nafter:\n{after}"
        )
    if state["problems"] and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    state = config.stash.get(STATE, None)
    if state and state["problems"]:
        terminalreporter.section("network guard: FAILED", red=True)
        for problem in state["problems"]:
            terminalreporter.write_line(problem)
