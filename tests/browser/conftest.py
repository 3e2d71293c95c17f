"""Fixtures for the browser tests: one JupyterLab server per session, a fresh Chromium per notebook."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from labserver import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LabServer, extra_notebooks


def pytest_configure(config):
    if not shutil.which(CHROMIUM):
        message = f"The browser test needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)."
        if os.environ.get("CI") == "true":
            raise pytest.UsageError(message + " It is mandatory under CI=true.")
        config.issue_config_time_warning(pytest.PytestWarning(message), stacklevel=2)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("lab"))
    server.prepare(extra_notebooks())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture
def page(playwright_instance, tmp_path, lab):
    """A fresh Chromium profile per notebook; every non-loopback request is aborted and recorded."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    ctx = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        accept_downloads=False,
    )
    outside = []

    def guard(route):
        url = route.request.url
        if url.startswith((f"http://127.0.0.1:{lab.port}/", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    ctx.route("**/*", guard)
    pg = ctx.pages[0] if ctx.pages else ctx.new_page()
    pg.outside_requests = outside
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    yield pg
    ctx.close()
    lab.shutdown_sessions()


def pytest_terminal_summary(terminalreporter):
    """One line per notebook: timings, audio, widgets, problems (from the JSON reports)."""
    rows = sorted(ARTIFACTS.glob("*.ipynb.json"), key=lambda f: f.name) if ARTIFACTS.is_dir() else []
    if not rows:
        return
    tr = terminalreporter
    tr.section("notebooks in the browser")
    tr.write_line(f"{'notebook':34} {'open s':>7} {'run s':>7} {'total s':>8} {'audio ok':>9} {'widgets':>8}  problems")
    for f in rows:
        r = json.loads(f.read_text())
        ok = sum(1 for a in r.get("audio", []) if isinstance(a["duration"], (int, float)) and a["duration"] > 0)
        w = sum(x["live"] for x in r.get("widgets", []))
        tr.write_line(
            f"{r['notebook']:34} {r.get('open_s', 0):7.1f} {r.get('run_s', 0):7.1f} "
            f"{r.get('total_s', 0):8.1f} {ok:>4}/{len(r.get('audio', [])):<4} {w:>8}  {len(r['problems'])}"
        )
    tr.write_line(f"screenshots and reports: {ARTIFACTS}")
