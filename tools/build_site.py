"""Build the collection's website (make site) into site/_build/html, offline.

    python tools/build_site.py [--hub https://hub.example.org] [--repo URL] [--branch main] [--jobs 2]

1. Pages: the notebooks' stored outputs (what nbval compares with fresh replay runs), English and Russian, the
   exercise versions, the instructor guide; the map of 00_start_here is the home page.
2. Clips: every <audio> player on a page names its clip (output/x.mp3?v=<sha256[:8]>). The clips come from
   site/_build/clips (kept between builds), from the notebooks' own output/ folders, or from replay runs of the
   English notebooks in temporary copies (network-guarded, --jobs at a time). A stored player whose clip no replay
   run produces stops the build: the notebook is stale (make notebooks).
3. Sphinx (MyST-NB, sphinx-book-theme) with warnings as errors, then every internal link is checked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
BUILD = SITE / "_build"
SRC = BUILD / "src"
CLIPS = BUILD / "clips"  # <sha256[:8]>/<name>
RUNS = BUILD / "runs"  # <notebook stem>-<sha256[:8] of the notebook>/<path>: clips the players name without ?v=
sys.path.insert(0, str(SITE))
sys.dont_write_bytecode = True  # no site/__pycache__ in the checkout (the rehearsal watches it)

from checklinks import broken_links  # noqa: E402

from helpers import offline  # noqa: E402

NOTEBOOKS = ["notebooks/[0-9]*.ipynb", "notebooks/exercises/[0-9]*.ipynb", "notebooks/documented/*.ipynb"]
NOTEBOOKS += [pattern.replace("notebooks/", "notebooks/ru/") for pattern in NOTEBOOKS]
GUIDES = ["INSTRUCTORS.md", "INSTRUCTORS.ru.md", "GLOSSARY.ru.md"]
HOMES = {
    "index.md": ("home.md", "notebooks/00_start_here.ipynb"),
    "index.ru.md": ("home.ru.md", "notebooks/ru/00_start_here.ipynb"),
}
AUDIO = {".mp3", ".wav", ".ogg", ".flac", ".opus", ".m4a"}
AUDIO_SRC = re.compile(r'(<(?:audio|source)\b[^>]*?\bsrc=")([^"]+)(")')  # helpers.play, IPython's Audio(url)
MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def sha8(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def write_if_changed(path: Path, text: str) -> None:
    """Unchanged sources keep their mtime, so Sphinx rebuilds only what changed."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def page_files() -> list[str]:
    found = {p.relative_to(ROOT).as_posix() for pattern in NOTEBOOKS for p in ROOT.glob(pattern)}
    return sorted(found) + GUIDES


def runner(page: str) -> str:
    """The English notebook whose replay run makes a page's clips (the copies run the same code)."""
    return page.replace("notebooks/ru/", "notebooks/").replace("notebooks/exercises/", "notebooks/")


def players(notebook: dict) -> list[tuple[str, str | None]]:
    """(path, version or None) of each <audio> player in the stored outputs."""
    found = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            for _, src, _ in AUDIO_SRC.findall("".join(markup) if isinstance(markup, list) else markup):
                path, _, query = src.partition("?")
                found.append((path, query.removeprefix("v=") or None))
    return found


class Clips:
    """Finds (or makes, by replay runs) the clip each player names; keys are sha256[:8] of the clip."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.ran: list[str] = []

    def _store(self, path: Path) -> str:
        key = sha8(path)
        target = CLIPS / key / path.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        return key

    @staticmethod
    def _named(key: str, name: str) -> str:
        """The clip under the name this player gives it (one sound can be saved under two names)."""
        target = CLIPS / key / name
        if not target.exists():
            shutil.copy2(next(p for p in (CLIPS / key).iterdir() if p.is_file()), target)
        return key

    def _run_dir(self, notebook: str) -> Path:
        return RUNS / f"{Path(notebook).stem}-{sha8(ROOT / notebook)}"

    def key(self, page: str, path: str, version: str | None) -> str | None:
        if version and (CLIPS / version).is_dir():
            return self._named(version, posixpath.basename(path))
        local = ROOT / posixpath.dirname(page) / path
        if "output/" not in path and local.is_file() and (version is None or sha8(local) == version):
            return self._named(
                self._store(local), posixpath.basename(path)
            )  # a clip kept in git beside the notebook (audio.wav)
        made = self._run_dir(runner(page)) / path
        machine_made = Path(runner(page)).name in offline.NOTEBOOKS  # Piper's last bits differ from CPU to CPU
        if made.is_file() and (version is None or sha8(made) == version or machine_made):
            return self._named(self._store(made), posixpath.basename(path))
        return None

    def seed(self, wanted: set[str]) -> None:
        """Clips the notebooks' own runs left in their output/ folders (make test, make notebooks)."""
        for path in ROOT.glob("notebooks/**/output/**/*"):
            if path.suffix in AUDIO and path.is_file() and sha8(path) in wanted:
                self._store(path)

    def make(self, notebooks: list[str]) -> None:
        with ThreadPoolExecutor(self.jobs) as pool:
            for notebook in pool.map(self._replay, notebooks):
                self.ran.append(notebook)

    def _replay(self, notebook: str) -> str:
        with tempfile.TemporaryDirectory(prefix="site-replay-") as tmp:
            root = Path(tmp)
            shutil.copytree(ROOT / "recordings", root / "recordings")
            skip = shutil.ignore_patterns("output", "ru", "exercises", ".ipynb_checkpoints")
            shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=skip)
            guard_log = root / "network-attempts.log"
            env = dict(os.environ, G4F_TUTORIAL_MODE="replay", G4F_TUTORIAL_ROOT=str(root))
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests" / "netguard_site"), str(ROOT)])
            env["NETWORK_ATTEMPTS_LOG"] = str(guard_log)
            here = root / notebook
            command = [str(Path(sys.executable).parent / "jupyter-nbconvert"), "--to", "notebook", "--execute"]
            command += ["--inplace", "--ExecutePreprocessor.timeout=600", "--log-level=ERROR", here.name]
            done = subprocess.run(command, cwd=here.parent, env=env, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"replay run of {notebook} failed:\n{done.stderr[-3000:]}")
            if guard_log.exists() and guard_log.read_text().strip():
                raise SystemExit(f"replay run of {notebook} tried the network:\n{guard_log.read_text()[:2000]}")
            run_dir = self._run_dir(notebook)
            shutil.rmtree(run_dir, ignore_errors=True)
            for clip in here.parent.glob("output/**/*"):
                if clip.suffix in AUDIO and clip.is_file():
                    self._store(clip)
                    target = run_dir / clip.relative_to(here.parent)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(clip, target)
        return notebook

    def resolve(self, pages: dict[str, dict]) -> dict[tuple[str, str, str | None], str]:
        needed = {(page, path, version) for page, nb in pages.items() for path, version in players(nb)}
        self.seed({version for _, _, version in needed if version})
        keys = {need: self.key(*need) for need in needed}
        for documented in (False, True):  # the documented notebook's clip is usually one 02 makes too
            missing = sorted(
                {runner(p) for (p, _, _), key in keys.items() if key is None and ("/documented/" in p) == documented}
            )
            if missing:
                self.make(missing)
                keys = {need: self.key(*need) for need in needed}
        stale = sorted(f"{page}: {path}?v={version}" for (page, path, version), key in keys.items() if key is None)
        if stale:
            raise SystemExit("no replay run makes these players' clips (run make notebooks):\n  " + "\n  ".join(stale))
        return keys


def relink(text: str, source: str, here: str, staged: set[str], repo: str, branch: str) -> str:
    """Markdown links written for `source` (a repository path), moved to `here`: a staged page or a file stays a
    relative link; anything else in the repository becomes a link to it on GitHub."""

    def one(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
            return match.group(0)
        path, _, fragment = target.partition("#")
        full = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if full in staged:
            new = posixpath.relpath(full, posixpath.dirname(here) or ".")
        else:
            kind = "tree" if (ROOT / full).is_dir() else "blob"
            new = f"{repo}/{kind}/{branch}/{full}"
        return match.group(1) + new + (f"#{fragment}" if fragment else "") + match.group(3)

    return MD_LINK.sub(one, text)


def stage(pages: dict[str, dict], keys: dict, repo: str, branch: str) -> None:
    scripts = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("notebooks/**/audio_module.py")}
    staged = set(pages) | set(GUIDES) | scripts
    wanted = set()
    for page, notebook in pages.items():
        notebook = json.loads(json.dumps(notebook))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = relink("".join(cell["source"]), page, page, staged, repo, branch)
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "text/html" in data:
                    markup = "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
                    data["text/html"] = AUDIO_SRC.sub(lambda m, p=page: clip_src(m, p, keys), markup)
        write_if_changed(SRC / page, json.dumps(notebook, ensure_ascii=False, indent=1))
        wanted.add(page)
    for guide in GUIDES:
        write_if_changed(SRC / guide, relink((ROOT / guide).read_text("utf-8"), guide, guide, staged, repo, branch))
        wanted.add(guide)
    for script in staged - wanted:
        if script.endswith(".py"):
            write_if_changed(SRC / script, (ROOT / script).read_text("utf-8"))
            wanted.add(script)
    for home, (template, start) in HOMES.items():
        text = (
            (SITE / template)
            .read_text("utf-8")
            .replace("{map}", relink(the_map(pages[start]), start, home, staged, repo, branch))
        )
        write_if_changed(SRC / home, text)
        wanted.add(home)
    for path in SRC.rglob("*"):
        if path.is_file() and path.relative_to(SRC).as_posix() not in wanted:
            path.unlink()


def the_map(start: dict) -> str:
    """The map cell of 00_start_here: the markdown cell with a table of the lessons."""
    for cell in start["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and "](01_the_client.ipynb)" in text and "|---" in text:
            return text
    raise SystemExit("00_start_here has no map (a markdown table linking 01_the_client.ipynb)")


def clip_src(match: re.Match, page: str, keys: dict) -> str:
    path, _, query = match.group(2).partition("?")
    key = keys[(page, path, query.removeprefix("v=") or None)]
    url = posixpath.relpath(f"_clips/{key}/{posixpath.basename(path)}", posixpath.dirname(page) or ".")
    return match.group(1) + url + match.group(3)


def finish(out: Path, pages: dict[str, dict], keys: dict) -> None:
    """The clips and the notebook files beside the pages that link to them."""
    for key, name in {(k, posixpath.basename(path)) for (_, path, _), k in keys.items()}:
        target = out / "_clips" / key / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(CLIPS / key / name, target)
    for page in pages:
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / page, out / page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default=os.environ.get("G4F_SITE_HUB", "https://hub.example.org"))
    parser.add_argument("--repo", default=os.environ.get("G4F_SITE_REPO"))
    parser.add_argument("--branch", default=os.environ.get("G4F_SITE_BRANCH", "main"))
    parser.add_argument("--out", type=Path, default=BUILD / "html")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SITE / "_ext"))
    from g4f_site import links

    repo = args.repo or links.REPO
    started = time.monotonic()
    pages = {p: json.loads((ROOT / p).read_text("utf-8")) for p in page_files() if p.endswith(".ipynb")}
    clips = Clips(args.jobs)
    keys = clips.resolve(pages)
    made = time.monotonic()
    stage(pages, keys, repo, args.branch)
    env = dict(os.environ, G4F_SITE_HUB=args.hub, G4F_SITE_REPO=repo, G4F_SITE_BRANCH=args.branch)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-j", str(args.jobs)]
    subprocess.run(command + ["-c", str(SITE), str(SRC), str(args.out)], env=env, check=True)
    finish(args.out, pages, keys)
    built = time.monotonic()
    broken = broken_links(args.out)
    for line in broken:
        print(f"broken link: {line}", file=sys.stderr)
    count = len(list(args.out.rglob("*.html")))
    print(
        f"site: {count} HTML pages, {len(set(keys.values()))} clips in {args.out}; "
        f"clips {made - started:.1f} s (replayed: {', '.join(Path(n).stem for n in clips.ran) or 'none'}), "
        f"sphinx {built - made:.1f} s, total {time.monotonic() - started:.1f} s; broken internal links: {len(broken)}"
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
