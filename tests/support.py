"""What the tests share: paths, the documented calls, a fresh interpreter."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "notebooks" / "audio.wav"
DOCUMENTED_PROMPT = "Say good day to the world"


def run(coroutine):
    return asyncio.run(coroutine)


async def speak(voice="alloy", fmt="mp3", prompt=DOCUMENTED_PROMPT):
    import g4f
    from g4f.client import AsyncClient

    client = AsyncClient(provider=g4f.Provider.PollinationsAI)
    return await client.chat.completions.create(
        model="openai-audio",
        messages=[{"role": "user", "content": prompt}],
        audio={"voice": voice, "format": fmt},
    )


async def transcribe(filename="audio.wav", via_chat=False):
    import g4f
    from g4f.client import AsyncClient

    client = AsyncClient(provider=g4f.Provider.PollinationsAI)
    extra = (
        {}
        if via_chat
        else {
            "provider": g4f.Provider.PollinationsAudio,
            "api_key": g4f.Provider.PollinationsAudio.public_key,
        }
    )
    with open(filename, "rb") as audio_file:
        response = await client.chat.completions.create(
            messages="Transcribe this audio", media=[[audio_file, filename]], modalities=["text"], **extra
        )
    return response.choices[0].message.content


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


def tutorial_notebooks() -> list[Path]:
    """The top-level notebooks this environment can run (08 needs the offline extra)."""
    from helpers import offline

    return [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if offline.runnable(p.name)]


def nbval_command(paths: list[Path]) -> list[str]:
    """pytest under nbval, as make test runs it, over the given notebooks."""
    sanitize = str(ROOT / "notebooks" / "sanitize.cfg")
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
