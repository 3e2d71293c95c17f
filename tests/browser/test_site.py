"""The website (make site) as a reader uses it, in headless Chromium over HTTP on 127.0.0.1.

Every page: no console error, no failed request, nothing fetched from off the machine; every <audio> player
loads its clip and knows a duration (matching the caption helpers.play writes); the language switch leads to the
same page in the other language and back; the Binder and JupyterHub buttons open the file the page shows; the
notebook-file link serves the repository's file byte for byte; the page weighs less than WEIGHT_LIMIT.
Search answers offline. A JSON summary goes to artifacts/site/site.json, a screenshot of a lesson to
artifacts/site/lesson.png.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "site" / "_build" / "html"
ARTIFACTS = ROOT / "artifacts" / "site"
HUB = "https://hub.example.org"
REPO = "https://github.com/g4f-audio-notebooks/g4f-audio-notebooks"
WEIGHT_LIMIT = 3 * 1024 * 1024  # bytes a page loads, everything included
LESSON = "notebooks/02_generating_speech.html"

AUDIO_JS = """async () => Promise.all([...document.querySelectorAll('article audio')].map(a => new Promise(resolve => {
  const done = why => resolve({why, src: a.currentSrc, duration: a.duration, error: a.error && a.error.code,
    caption: a.closest('.g4f-audio')?.innerText || ''});
  if (a.readyState >= 1) return done('ready');
  a.addEventListener('loadedmetadata', () => done('loadedmetadata'), {once: true});
  a.addEventListener('error', () => done('error'), {once: true});
  setTimeout(() => done('timeout'), 15000);
  a.preload = 'metadata'; a.load();
})))"""

BAR_JS = """() => Object.fromEntries([...document.querySelectorAll('nav.g4f-bar a')]
  .map(a => [a.className, {href: a.href, text: a.textContent.trim()}]))"""

WEIGHT_JS = """() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
  .map(e => ({name: e.name, bytes: e.encodedBodySize || 0}))"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    """Build the site (incremental after make site), serve it on 127.0.0.1."""
    if importlib.util.find_spec("sphinx") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the site needs Sphinx: make site (requirements-site.txt)")
        pytest.skip("the site needs Sphinx: make site (requirements-site.txt)")
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_site.py"), "--hub", HUB], check=True, cwd=ROOT)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(BUILT)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def tab(browser, site):
    page = browser.new_page()
    page.seen = {"console": [], "failed": [], "outside": []}

    def guard(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            return route.continue_()
        page.seen["outside"].append(route.request.url)
        return route.abort()

    page.route("**/*", guard)
    page.on("console", lambda m: m.type == "error" and page.seen["console"].append(f"{m.text} @ {m.location}"))
    page.on("pageerror", lambda e: page.seen["console"].append(str(e)))
    # a player that has read its clip's metadata may cancel the rest of a long clip: that is not a failure
    page.on(
        "requestfailed",
        lambda r: r.resource_type == "media" and r.failure == "net::ERR_ABORTED" or page.seen["failed"].append(r.url),
    )
    page.on("response", lambda r: r.status >= 400 and page.seen["failed"].append(f"{r.status} {r.url}"))
    yield page
    page.close()


def pages() -> list[str]:
    return sorted(
        p.relative_to(BUILT).as_posix() for p in BUILT.rglob("*.html") if p.relative_to(BUILT).parts[0] != "_static"
    )


def repo_file(name: str) -> str:
    """The repository file a page shows; a home page launches the start notebook of its language."""
    homes = {"index.html": "notebooks/00_start_here.ipynb", "index.ru.html": "notebooks/ru/00_start_here.ipynb"}
    if name in homes:
        return homes[name]
    stem = name.removesuffix(".html")
    return stem + (".ipynb" if stem.startswith("notebooks/") else ".md")


def translation(name: str) -> str:
    """The page the language switch should lead to."""
    pairs = {"index.html": "index.ru.html", "INSTRUCTORS.html": "INSTRUCTORS.ru.html"}
    pairs |= {ru: en for en, ru in pairs.items()} | {"GLOSSARY.ru.html": "index.html"}  # the glossary: Russian only
    if name in pairs:
        return pairs[name]
    if name.startswith("notebooks/ru/"):
        return "notebooks/" + name.removeprefix("notebooks/ru/")
    return "notebooks/ru/" + name.removeprefix("notebooks/")


def check_launchers(bar: dict, path: str) -> list[str]:
    problems = []
    binder = urlsplit(bar["g4f-binder"]["href"])
    if binder.netloc != "mybinder.org" or not binder.path.startswith("/v2/gh/g4f-audio-notebooks/g4f-audio-notebooks/"):
        problems.append(f"Binder button leads to {bar['g4f-binder']['href']}")
    if parse_qs(binder.query).get("labpath") != [path]:
        problems.append(f"Binder opens {parse_qs(binder.query).get('labpath')}, not {path}")
    hub = urlsplit(bar["g4f-hub"]["href"])
    query = parse_qs(hub.query)
    if f"{hub.scheme}://{hub.netloc}" != HUB or hub.path != "/hub/user-redirect/git-pull":
        problems.append(f"JupyterHub button leads to {bar['g4f-hub']['href']}")
    if query.get("repo") != [REPO] or query.get("urlpath") != [f"lab/tree/{query['targetpath'][0]}/{path}"]:
        problems.append(f"JupyterHub pulls {query.get('repo')} and opens {query.get('urlpath')}, not {path}")
    if not (ROOT / path).is_file():
        problems.append(f"the buttons open {path}, which is not in the repository")
    source = bar["g4f-source"]["href"]
    if unquote(source) != f"{REPO}/blob/main/{path}":
        problems.append(f"source link {source}")
    return problems


def _note(problems: list[str], name: str, text: str) -> None:
    problems.append(f"{name}: {text}")


def read_page(tab, site: str, name: str) -> dict:
    for key in tab.seen:
        tab.seen[key].clear()
    tab.goto(urljoin(site, name), wait_until="load")
    audio = tab.evaluate(AUDIO_JS)
    tab.wait_for_load_state("networkidle")
    weight = tab.evaluate(WEIGHT_JS)
    return {
        "lang": tab.evaluate("document.documentElement.lang"),
        "bar": tab.evaluate(BAR_JS),
        "audio": audio,
        "bytes": sum(e["bytes"] for e in weight),
        "heaviest": sorted(weight, key=lambda e: -e["bytes"])[:3],
        **{key: list(value) for key, value in tab.seen.items()},
    }


def test_every_page_reads_plays_and_launches(tab, site):
    names = pages()
    assert "index.html" in names and LESSON in names and len(names) >= 40, names
    report, problems = {}, []
    for name in names:
        info = report[name] = read_page(tab, site, name)
        say = functools.partial(_note, problems, name)
        for key in ("console", "failed", "outside"):
            if info[key]:
                say(f"{key}: {info[key][:3]}")
        if info["bytes"] > WEIGHT_LIMIT:
            say(f"weighs {info['bytes']} bytes: {info['heaviest']}")
        for player in info["audio"]:
            duration = player["duration"] or 0
            if player["why"] not in ("ready", "loadedmetadata") or not 0 < duration < 600:
                say(f"player does not load: {player}")
            stated = re.search(r": (\d+\.\d) s, ", player["caption"])
            if stated and abs(float(stated.group(1)) - duration) > 0.15:
                say(f"player plays {duration:.2f} s, its caption says {stated.group(1)} s ({player['src']})")
        if name == "search.html":
            continue
        bar = info["bar"]
        missing = {"g4f-lang", "g4f-binder", "g4f-hub", "g4f-source"} - set(bar)
        if missing:
            say(f"the bar lacks {sorted(missing)}")
            continue
        problems += [f"{name}: {p}" for p in check_launchers(bar, repo_file(name))]
        other = bar["g4f-lang"]["href"].removeprefix(site)
        if "g4f-file" in bar:
            served = tab.request.get(bar["g4f-file"]["href"]).body()
            if served != (ROOT / repo_file(name)).read_bytes():
                say("the notebook-file link does not serve the repository's notebook")
        report[name]["switch"] = other
        if other != translation(name):
            say(f"language switch leads to {other}, not to {translation(name)}")
    for name, info in report.items():  # the switch leads back, to a page in the other language
        other = info.get("switch")
        back = other in report and report[other]["lang"] != info["lang"] and report[other].get("switch") == name
        if name not in ("GLOSSARY.ru.html", "search.html") and not back:
            problems.append(f"{name}: the switch to {other} does not lead back")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "site.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    assert not problems, "\n".join(problems)
    players = sum(len(info["audio"]) for info in report.values())
    assert players >= 20, f"only {players} players on the site"


def test_a_lesson_page_shows_its_player(tab, site):
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.goto(urljoin(site, LESSON), wait_until="networkidle")
    player = tab.locator("article audio").first
    assert tab.evaluate(AUDIO_JS)[0]["duration"] > 0
    box = tab.evaluate(
        "() => { const r = document.querySelector('article audio').getBoundingClientRect();"
        " return r.bottom + window.scrollY; }"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the page from its bar to its first player
    tab.screenshot(
        path=str(ARTIFACTS / "lesson.png"), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": box + 80}
    )
    assert player.is_visible()


def test_search_answers_offline(tab, site):
    for seen in tab.seen.values():
        seen.clear()
    tab.goto(urljoin(site, "search.html?q=transcription"), wait_until="load")
    tab.wait_for_selector("#search-results li a", timeout=20_000)
    found = tab.eval_on_selector_all("#search-results li a", "links => links.map(a => a.href)")
    assert any("03_transcribing_audio" in url for url in found), found
    assert not tab.seen["outside"] and not tab.seen["console"], tab.seen
