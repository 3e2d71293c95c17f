"""What the tests share: paths, the documented calls, a fresh interpreter."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import calls
from helpers.constants import DOCUMENTED_PROMPT

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "notebooks" / "audio.wav"
sys.path.insert(0, str(ROOT / "tools"))  # scenario_calls: the documented calls on a file, shared with the tools
from scenario_calls import transcribe_file  # noqa: E402


def run(coroutine):
    return asyncio.run(coroutine)


async def speak(voice="alloy", fmt="mp3", prompt=DOCUMENTED_PROMPT):
    """The documented speech call (helpers.calls), with a voice and format to vary."""
    return await calls.speech(text=prompt, voice=voice, audio_format=fmt)


transcribe = transcribe_file
"""The documented transcription call on a file (``via_chat=True``: no ``provider=``)."""


def python(code: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter (g4f keeps per-process caches)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def runnable(notebook_name: str) -> bool:
    """False for a notebook that needs the offline extra when the extra is missing."""
    from helpers import offline

    return notebook_name not in offline.NOTEBOOKS or offline.installed()


def tutorial_notebooks() -> list[Path]:
    """The top-level notebooks this environment can run (08 needs the offline extra)."""
    return [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if runnable(p.name)]


def nbval_command(paths: list[Path]) -> list[str]:
    """pytest under nbval, as make test runs it, over the given notebooks."""
    sanitize = str(ROOT / "tests" / "nbval_config" / "sanitize.cfg")
    return [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        sanitize,
        *map(str, paths),
    ]


def says(heard: str, expected: str) -> bool:
    """``expected``'s words appear in ``heard``, in order (numbers spelled out, case and punctuation ignored).

    True for the stand-ins' word-for-word transcripts and for a live model that answers around the words
    ("The audio says: go forward 10 meters."), so tests hold after a real re-recording too.
    """
    from helpers.wer import words

    remaining = iter(words(heard))
    return all(word in remaining for word in words(expected))


def labelled_honestly(found) -> bool:
    """Every recording says where it came from: built offline as a stand-in, or recorded live."""
    return bool(found) and all(
        "stand-in built offline" in r.provenance or r.provenance.startswith("recorded live") for r in found
    )


def copy_checkout(target: Path) -> Path:
    """The working tree's files (tracked, plus new ones not ignored; no .venv), as a fresh clone with the working
    changes would hold them, into ``target``; returns it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target
