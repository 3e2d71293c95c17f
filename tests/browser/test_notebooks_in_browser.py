"""Open every notebook in JupyterLab in headless Chromium and do what a person does: Run > Run All Cells.

Then check what the person sees: no error output, every ipywidget is a live control, every <audio>
player loads and knows its duration, the kernel is alive. A JSON report per notebook goes to
$BROWSERTEST_ARTIFACTS, and a full-page screenshot for a notebook with a problem (for every notebook with
BROWSERTEST_SCREENSHOTS=1).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from labserver import ARTIFACTS, NOTEBOOKS, extra_notebooks, server_knows
from nbval_config.rules import RUSSIAN_SAMPLE

from helpers import offline

RUN_TIMEOUT_S = float(os.environ.get("BROWSERTEST_RUN_TIMEOUT", "120"))
STUCK_S = float(os.environ.get("BROWSERTEST_STUCK_S", "20"))
SCREENSHOTS = os.environ.get("BROWSERTEST_SCREENSHOTS") == "1"
STUDIO = "05_voice_studio.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# The notebook panel a person is looking at (the current tab).
NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# File > Open, by its command; the notebook becomes the current tab (the status bar follows the current tab).
OPEN_JS = """async (path) => {
  const app = window.jupyterapp;
  const widget = await app.commands.execute('docmanager:open', {path});
  app.shell.activateById(widget.id);
}"""

# Installed before Run All: remembers every code cell whose prompt showed [*] (queued/running).
WATCH_JS = """(NB) => {
  const panel = document.querySelector(NB);
  const queued = new WeakSet();
  const scan = () => panel.querySelectorAll('.jp-CodeCell').forEach(c => {
    const p = c.querySelector('.jp-InputPrompt');
    if (p && p.textContent.includes('[*]')) queued.add(c);
  });
  window.__bt = {queued, busySeen: false, scan};
  const obs = new MutationObserver(() => {
    scan();
    const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    if (ind && ind.dataset.status === 'busy') window.__bt.busySeen = true;
  });
  obs.observe(panel, {subtree: true, childList: true, characterData: true, attributes: true,
                      attributeFilter: ['data-status']});
}"""

# Kernel state as a person reads it: the status bar item "Python 3 (ipykernel) | Idle".
# (The toolbar's .jp-Notebook-ExecutionIndicator says data-status="idle" even while the status bar
#  still says "No Kernel | Initializing", so it alone cannot tell that the kernel is ready.)
KERNEL_JS = """(NB) => {
  const panel = document.querySelector(NB);
  const sb = document.querySelector('.jp-StatusBar-TextItem[title^="Change kernel"]')?.textContent.trim() || '';
  const name = panel.querySelector('[data-jp-item-name="kernelName"]')?.textContent.trim() || '';
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status || '';
  return {sb, name, indicator, ready: name !== 'No Kernel' && / \\| Idle$/.test(sb) && indicator === 'idle'};
}"""

# Finished = every non-empty code cell was seen queued ([*]) since Run All, none shows [*] now, kernel idle.
DONE_JS = (
    """(NB) => {
  const panel = document.querySelector(NB);
  window.__bt.scan();
  const cells = [...panel.querySelectorAll('.jp-CodeCell')];
  const code = c => (c.querySelector('.cm-content')?.textContent || '').trim();
  const notSeen = cells.filter(c => code(c) && !window.__bt.queued.has(c)).length;
  const running = cells.filter(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').includes('[*]')).length;
  const kernel = ("""
    + KERNEL_JS
    + """)(NB);
  return {done: notSeen === 0 && running === 0 && kernel.ready, notSeen, running, kernel};
}"""
)

# What the page shows, per cell, after the run.
STATE_JS = """(NB) => {
  const panel = document.querySelector(NB);
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  return {
    kernelStatus: panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status,
    kernelName: document.querySelector('[data-jp-item-name="kernelName"]')?.textContent.trim(),
    dialogs: [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.slice(0, 300)),
    toasts: [...document.querySelectorAll('.Toastify__toast')].map(t => t.innerText.slice(0, 300)),
    loadingWidget: [...panel.querySelectorAll('.jp-OutputArea-output')]
        .filter(o => /Loading widget|Error displaying widget|model not found/i.test(o.innerText))
        .map(o => o.innerText.slice(0, 200)),
    cells: cells.map(c => ({
      type: c.classList.contains('jp-CodeCell') ? 'code' : (c.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw'),
      prompt: (c.querySelector('.jp-InputPrompt')?.textContent || '').trim(),
      outputs: [...c.querySelectorAll('.jp-OutputArea-output')].map(o => ({
        mime: o.dataset.mimeType || '',
        text: o.innerText.slice(0, 400),
        liveWidget: !!o.querySelector('.jupyter-widgets, [class*="widget-"]'),
        controls: [...o.querySelectorAll('.jupyter-widgets')].map(w => [...w.classList].filter(k => k.startsWith('widget-')).join(' ')).filter(Boolean),
      })),
    })),
  };
}"""

AUDIO_JS = """async ([NB, timeoutMs]) => {
  const audios = [...document.querySelectorAll(NB + ' .jp-OutputArea audio')];
  return Promise.all(audios.map(a => new Promise(resolve => {
    let settled = false;
    const done = why => { if (settled) return; settled = true; resolve({
      why, src: a.currentSrc || a.src, rawSrc: a.getAttribute('src'), duration: a.duration,
      readyState: a.readyState, networkState: a.networkState,
      error: a.error ? {code: a.error.code, message: a.error.message} : null}); };
    if (a.readyState >= 1) return done('already');
    a.addEventListener('loadedmetadata', () => done('loadedmetadata'), {once: true});
    a.addEventListener('error', () => done('error'), {once: true});
    setTimeout(() => done('timeout'), timeoutMs);
    if (a.error) return done('error');
    if (a.preload === 'none' || a.networkState === 0) { a.preload = 'metadata'; a.load(); }
  })));
}"""


def notebook_ids():
    """The tutorials (but the voice studio's), and the documented notebook when its kernel (make documented) is
    installed where JupyterLab runs; with BROWSERTEST_ALL=1 every notebook of the collection, none skipped."""
    if os.environ.get("BROWSERTEST_ALL") == "1":
        names = [p.relative_to(NOTEBOOKS).as_posix() for p in sorted(NOTEBOOKS.glob("**/*.ipynb"))]
        return [n for n in names if n != STUDIO and ".ipynb_checkpoints" not in n and "output/" not in n]
    offline_ok = server_knows("from helpers import offline; print(offline.installed())") == "True"
    names = [p.name for p in sorted(NOTEBOOKS.glob("*.ipynb")) if offline_ok or p.name not in offline.NOTEBOOKS]
    names = [name for name in names if name != STUDIO]  # its own test runs it, then clicks its buttons
    documented = NOTEBOOKS / "documented" / "as_documented.ipynb"
    kernel = Path(server_knows("import sys; print(sys.prefix)")) / "share" / "jupyter" / "kernels" / "g4f-0.5.2.2"
    if documented.exists() and kernel.exists():
        names.append("documented/as_documented.ipynb")
    # the Russian edition's sample, as nbval runs it in make test (its code is the English code)
    names += [f"ru/{name}" for name in sorted(RUSSIAN_SAMPLE) if (NOTEBOOKS / "ru" / name).exists()]
    return names


def open_notebook(page, lab, name, timeout_s=60):
    """Open the notebook in the JupyterLab tab (nothing else is open there: see conftest.page), as File >
    Open does, then wait until its kernel is really up. Returns the text of any dialog we had to answer."""
    page.evaluate(OPEN_JS, name)
    page.wait_for_selector(f"{NB} .jp-Notebook .jp-Cell", timeout=timeout_s * 1000)
    seen, deadline = [], time.monotonic() + timeout_s
    while not page.evaluate(KERNEL_JS, NB)["ready"]:
        seen += handle_dialogs(page)  # "Select Kernel" shows up ~1 s after the cells, not at once
        if time.monotonic() > deadline:
            raise AssertionError(f"kernel not ready after {timeout_s}s: {page.evaluate(KERNEL_JS, NB)}")
        page.wait_for_timeout(250)
    return seen


def handle_dialogs(page):
    """Answer modal dialogs the way a person would; return their text."""
    seen = []
    for d in page.locator(".jp-Dialog").all():
        text = d.inner_text()
        seen.append(text)
        if "Select Kernel" in text:  # unknown kernelspec: take the kernel JupyterLab proposes
            d.locator(".jp-Dialog-button.jp-mod-accept").click()
        else:
            raise AssertionError(f"unexpected dialog: {text[:300]}")
    return seen


def run_all_cells(page):
    """Run > Run All Cells, through the menu bar."""
    page.locator(f"{NB} .jp-Notebook").click(position={"x": 5, "y": 5})  # focus the notebook
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    # the item is <li role="menuitem" data-command="runmenu:run-all">Run All Cells</li>
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def save_notebook(page):
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "NB => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", arg=NB, timeout=30_000
    )


def full_page_screenshot(page, path):
    """JupyterLab scrolls inside the notebook panel, so a plain full_page screenshot shows one screen.
    Scroll the panel to the top and grow the viewport until the whole notebook fits (max 16000 px)."""
    measure = """NB => {
      const s = document.querySelector(NB + ' .jp-WindowedPanel-outer');
      if (!s) return window.innerHeight;
      s.scrollTop = 0;
      const r = s.getBoundingClientRect();
      const cells = s.querySelectorAll('.jp-Cell');
      const last = cells[cells.length - 1];
      // content bottom (not scrollHeight: "scroll past end" padding grows with the viewport)
      const bottom = last ? last.getBoundingClientRect().bottom - r.top + 60 : s.scrollHeight;
      return Math.ceil(r.top + bottom + (window.innerHeight - r.bottom)); }"""
    height = 0
    for _ in range(3):  # heights of off-screen cells are estimates until they are laid out
        h = int(min(max(page.evaluate(measure, NB), 900), 16000))
        if h == height:
            break
        height = h
        page.set_viewport_size({"width": 1280, "height": height})
        page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def check_notebook(page, lab, name):
    """Open, Run All, wait, inspect. Returns a report dict; the caller asserts on report['problems']."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = {"notebook": name, "problems": [], "warnings": []}
    audio_responses = []

    def file_response(r):
        if "/files/" in r.url:
            audio_responses.append((r.url, r.status, r.headers.get("content-type")))

    page.on("response", file_response)

    t0 = time.monotonic()
    for text in open_notebook(page, lab, name):
        # a learner would be asked to pick a kernel: the notebook's kernelspec is not installed
        report["problems"].append(f"dialog on open (answered with the default): {text!r}")
    report["open_s"] = round(time.monotonic() - t0, 2)

    page.evaluate(WATCH_JS, NB)
    t1 = time.monotonic()
    run_all_cells(page)
    # Poll (Playwright calls also keep the request guard responsive; never time.sleep here).
    deadline, stable, idle_but_queued_since = t1 + RUN_TIMEOUT_S, 0, None
    while True:
        st = page.evaluate(f"NB => ({DONE_JS})(NB)", NB)
        stable = stable + 1 if st["done"] else 0
        if stable >= 3:  # done on three polls ~0.75 s apart: no late [*] / busy
            break
        # Kernel says Idle yet cells still show [*]: their execute requests were lost; it never ends.
        if st["running"] and re.search(r"\| Idle$", st["kernel"]["sb"]):
            idle_but_queued_since = idle_but_queued_since or time.monotonic()
            if time.monotonic() - idle_but_queued_since > STUCK_S:
                report["problems"].append(
                    f"stuck: kernel Idle for {STUCK_S:.0f}s while {st['running']} cell(s) "
                    f"still show [*]; they will never finish (execute requests lost, or dropped by the kernel): {st}"
                )
                break
        else:
            idle_but_queued_since = None
        if time.monotonic() > deadline:
            report["problems"].append(f"Run All did not finish in {RUN_TIMEOUT_S:.0f}s: {st}")
            break
        page.wait_for_timeout(250)
    report["run_s"] = round(time.monotonic() - t1, 2)

    for d in page.locator(".jp-Dialog").all():
        text = d.inner_text()
        what = "kernel died during Run All" if "appears to have died" in text else "dialog open after run"
        report["problems"].append(f"{what}: {text!r}")
        d.locator(".jp-Dialog-button.jp-mod-accept").click()  # dismiss it so the notebook can be saved
    save_notebook(page)
    saved = json.loads((lab.notebooks / name).read_text())
    state = page.evaluate(STATE_JS, NB)

    # --- kernel alive
    kernel = page.evaluate(KERNEL_JS, NB)
    if not kernel["ready"]:
        report["problems"].append(f"kernel not idle after run: {kernel}")
    kernels = lab.api("/api/kernels")
    if any(k["execution_state"] == "dead" for k in kernels):
        report["problems"].append(f"kernel dead (server says): {kernels}")

    # --- every cell ran, no error outputs (from the saved notebook = what the browser received)
    code_cells = [c for c in saved["cells"] if c["cell_type"] == "code"]
    dom_code = [c for c in state["cells"] if c["type"] == "code"]
    if len(dom_code) != len(code_cells):
        report["problems"].append(f"DOM shows {len(dom_code)} code cells, notebook has {len(code_cells)}")

    def label(i):
        first = "".join(code_cells[i]["source"]).strip().splitlines()[:1]
        return f"code cell {i} ({first[0][:50] if first else 'empty'!s})"

    for i, cell in enumerate(code_cells):
        src = "".join(cell["source"]).strip()
        if src and cell.get("execution_count") is None:
            report["problems"].append(
                f"{label(i)} did not run (prompt {dom_code[i]['prompt'] if i < len(dom_code) else '?'})"
            )
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                report["problems"].append(f"{label(i)}: {out['ename']}: {out['evalue']}")
            elif "error" in out.get("metadata", {}).get("helpers", {}):  # an error helpers.explain showed as a block
                report["problems"].append(f"{label(i)}: {out['data']['text/plain'][:600]}")
            elif out["output_type"] == "stream" and out["name"] == "stderr":
                text = "".join(out["text"])
                (report["problems"] if "Traceback (most recent call last)" in text else report["warnings"]).append(
                    f"{label(i)} stderr: {text.strip()[:600]}"
                )

    # --- widgets: every widget view the kernel sent must be a live control, not its text fallback
    report["widgets"] = []
    for i, cell in enumerate(code_cells):
        wanted = [o for o in cell.get("outputs", []) if WIDGET_MIME in o.get("data", {})]
        if not wanted:
            continue
        outs = dom_code[i]["outputs"] if i < len(dom_code) else []
        # a live view has no data-mime-type; the text/plain fallback ("IntSlider(value=3)") has no widget DOM
        live = [o for o in outs if o["liveWidget"]]
        report["widgets"].append(
            {
                "cell": i,
                "expected": len(wanted),
                "live": len(live),
                "controls": [c for o in live for c in o["controls"]],
            }
        )
        if len(live) < len(wanted):
            shown = [f"{o['mime']}: {o['text'][:120]!r}" for o in outs]
            report["problems"].append(
                f"{label(i)}: {len(wanted)} widget(s) sent, {len(live)} rendered live; page shows {shown}"
            )
    if state["loadingWidget"]:
        report["problems"].append(f"widget placeholders left: {state['loadingWidget']}")

    # --- audio players: src served by the server, metadata loads, finite duration > 0
    report["audio"] = page.evaluate(AUDIO_JS, [NB, 15_000])
    page.remove_listener("response", file_response)
    report["file_responses"] = sorted(set(audio_responses))
    status = {u: code for u, code, _ in report["file_responses"]}
    for a in report["audio"]:
        d = a["duration"]
        if not (isinstance(d, (int, float)) and d == d and d != float("inf") and d > 0):
            path = re.sub(r"^https?://[^/]+|[?].*$", "", a["src"] or "")
            report["problems"].append(
                f"audio {path} (HTTP {status.get(a['src'], '?')}): no duration ({a['why']}, error={a['error']})"
            )
    if page.outside_requests:
        report["problems"].append(f"requests to other hosts (aborted): {page.outside_requests}")
    report["toasts"] = state["toasts"]
    report["busy_seen"] = page.evaluate("() => window.__bt.busySeen")
    report["console_errors"] = page.console_errors[:20]

    if report["problems"] or SCREENSHOTS:
        full_page_screenshot(page, ARTIFACTS / f"{name.replace('/', '__')}.png")
    report["total_s"] = round(time.monotonic() - t0, 2)
    (ARTIFACTS / f"{name.replace('/', '__')}.json").write_text(json.dumps(report, indent=2, default=str))
    print(
        f"\n{name}: open {report['open_s']}s, run-all {report['run_s']}s, total {report['total_s']}s, "
        f"audio {[(a['rawSrc'], round(a['duration'], 2) if a['duration'] == a['duration'] else a['duration']) for a in report['audio']]}, "
        f"widgets {report['widgets']}"
    )
    return report


@pytest.mark.parametrize("name", notebook_ids())
def test_notebook_runs_in_jupyterlab(page, lab, name):
    report = check_notebook(page, lab, name)
    assert not report["problems"], "\n".join(report["problems"])


@pytest.mark.parametrize("name", [p.name for p in extra_notebooks()])
def test_widget_demo_is_live(page, lab, name):
    """The extra notebook's widgets render as controls and talk to the kernel (button -> label)."""
    report = check_notebook(page, lab, name)
    assert not report["problems"], "\n".join(report["problems"])
    assert report["widgets"], "the demo notebook should show widgets"
    button = page.locator(f"{NB} button.jupyter-button", has_text="Click me")
    label = page.locator(f"{NB} .widget-hbox .widget-label")  # the Label beside the button
    assert label.inner_text() == "clicks: 0"
    button.click()
    button.click()
    page.wait_for_function("el => el.textContent === 'clicks: 2'", arg=label.element_handle(), timeout=10_000)
    # keyboard on the slider: the readout follows
    page.locator(f"{NB} .widget-slider .noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    readout = page.locator(f"{NB} .widget-slider .widget-readout").first
    page.wait_for_function("el => el.textContent.trim() === '4'", arg=readout.element_handle(), timeout=10_000)


def test_voice_studio_buttons_work_when_clicked(page, lab):
    """Notebook 05 as a learner uses it: Run All (checked like every notebook), then type a sentence, click
    Generate, hear it; click Transcribe, read it."""
    report = check_notebook(page, lab, STUDIO)
    assert not report["problems"], "\n".join(report["problems"])
    studio = page.locator(f"{NB} .jp-OutputArea-output .widget-vbox").filter(has=page.locator("text=Speak")).first
    studio.locator(".widget-text input").first.fill("Say good night")
    studio.locator("button", has_text="Generate").click()
    player = studio.locator("audio[src*='alloy-say-good-night.mp3']")
    player.wait_for(timeout=20_000)
    duration = player.evaluate(
        "a => new Promise(r => a.readyState >= 1 ? r(a.duration) : a.addEventListener('loadedmetadata', () => r(a.duration)))"
    )
    assert duration > 0.3
    studio.locator("select").filter(has=page.locator("option", has_text="the shipped clip")).select_option(
        label="audio.wav (the shipped clip)"
    )
    studio.locator("button", has_text="Transcribe").click()
    studio.locator("blockquote", has_text="Go forward ten meters.").wait_for(timeout=20_000)
    if SCREENSHOTS:
        page.screenshot(path=str(ARTIFACTS / "05_voice_studio.clicked.png"))
