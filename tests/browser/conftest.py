"""Fixtures for the browser tests: one JupyterLab server, one Chromium and one JupyterLab tab per session
(per xdist worker); each notebook is opened in that tab, as a learner opens them one after another."""

from __future__ import annotations

import contextlib
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


def launch_chromium(playwright, profile, extra_args=()):
    """Chromium with a fresh profile and the shared arguments (plus ``extra_args``), as a Playwright context."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, *extra_args],
        viewport={"width": 1280, "height": 900},
        accept_downloads=False,
    )


@pytest.fixture(scope="session")
def browser(playwright_instance, tmp_path_factory):
    """One Chromium per session (per xdist worker): a fresh profile, closed at the end."""
    ctx = launch_chromium(playwright_instance, tmp_path_factory.mktemp("chromium-profile"))
    yield ctx
    ctx.close()


def _open_lab(pg, lab):
    """Load JupyterLab in the tab, in an empty workspace of its own, and wait until it can open files."""
    pg.goto(lab.url(f"/lab/workspaces/bt-{os.getpid()}?reset&token={lab.token}"))
    pg.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open')")
    pg.evaluate("async () => { await window.jupyterapp.restored; }")  # the (empty) layout is in place


@pytest.fixture(scope="session")
def lab_tab(browser, lab):
    """One JupyterLab tab, kept open as a learner keeps it, going from notebook to notebook; every
    non-loopback request it makes is aborted and recorded."""
    pg = open_lab_tab(browser, lab)
    yield pg
    pg.close()


def open_lab_tab(browser, lab):
    """A new tab in ``browser`` showing JupyterLab, with the request guard and the error log of ``lab_tab``."""
    outside = []

    def guard(route):
        url = route.request.url
        if url.startswith((f"http://127.0.0.1:{lab.port}/", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    pg = browser.new_page()
    pg.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on a reload after a failed test
    pg.route("**/*", guard)
    pg.outside_requests = outside
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    _open_lab(pg, lab)
    return pg


@pytest.fixture
def chromium_tab(playwright_instance, lab, tmp_path):
    """A factory: ``chromium_tab(*args)`` is a JupyterLab tab in a Chromium of its own started with ``args``
    (e.g. a fake microphone); afterwards the browser is closed and every kernel shut down."""
    contexts = []

    def make(*extra_args):
        contexts.append(launch_chromium(playwright_instance, tmp_path / f"profile-{len(contexts)}", extra_args))
        return open_lab_tab(contexts[-1], lab)

    yield make
    for ctx in contexts:
        ctx.close()
    lab.shutdown_sessions()


@pytest.fixture
def page(lab_tab, lab):
    """The JupyterLab tab with nothing open; afterwards every tab in it is closed and every kernel shut
    down, and JupyterLab is loaded afresh if that leaves a dialog or a notebook open (a failed test)."""
    lab_tab.outside_requests.clear()
    lab_tab.console_errors.clear()
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    yield lab_tab
    closed = False
    if not lab_tab.locator(".jp-Dialog").count():
        lab_tab.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
        with contextlib.suppress(PlaywrightTimeoutError):  # unsaved changes ask first: then reload, below
            lab_tab.wait_for_function("() => !document.querySelector('.jp-NotebookPanel')", timeout=10_000)
            closed = not lab_tab.locator(".jp-Dialog").count()
    if not closed:
        _open_lab(lab_tab, lab)
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
