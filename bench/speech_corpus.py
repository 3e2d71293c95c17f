"""Real human speech with known transcripts, for the word error rate of the offline transcription.

notebooks/audio.wav ("go forward ten meters") always; beside it, when PyPI is reachable, CMU Sphinx test
recordings from the pocketsphinx source distribution (BSD licence, Carnegie Mellon University; the licence
text is kept beside the clips). Fetched once with pip and cached under artifacts/speech/ (gitignored).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import helpers.wer

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "artifacts" / "speech"
SDIST = "pocketsphinx==5.1.1"
FOREVER = {"forever/input_2_16k.wav": "feels like these days go on forever"}

wer = helpers.wer.wer
"""Word errors over reference words, pooled over all pairs (jiwer; the helpers' normalisation)."""


def _fetch() -> str | None:
    """Unpack the pocketsphinx test clips into CACHE once. None, or why not."""
    if (CACHE / "librivox" / "transcription").is_file():
        return None
    print(f"fetching real speech clips ({SDIST} source distribution, once; a few minutes) ...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", SDIST, "-d", tmp],
            capture_output=True,
            text=True,
        )
        archives = list(Path(tmp).glob("pocketsphinx-*.tar.gz"))
        if result.returncode or not archives:
            return f"pip download {SDIST} failed: {result.stderr.strip()[-300:]}"
        with tarfile.open(archives[0]) as tar:
            for member in tar.getmembers():
                parts = member.name.split("/", 1)
                name = parts[1] if len(parts) == 2 else ""
                wanted = (
                    name == "LICENSE" or name.startswith("test/data/librivox/") or name.startswith("test/data/forever/")
                )
                if wanted and member.isfile():
                    target = CACHE / name.removeprefix("test/data/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out)
    return None


def clips() -> tuple[list[tuple[str, bytes, str]], str]:
    """[(name, file bytes, transcript)] and a note on where they came from."""
    found = [("notebooks/audio.wav", (ROOT / "notebooks" / "audio.wav").read_bytes(), "go forward ten meters")]
    problem = _fetch()
    if problem:
        return found, f"audio.wav only ({problem})"
    for line in (CACHE / "librivox" / "transcription").read_text().splitlines():
        match = re.match(r"\s*<s>(.*)</s>\s*\((\S+)\)", line)
        if match:
            name = f"librivox/{match.group(2)}.wav"
            found.append((name, (CACHE / name).read_bytes(), match.group(1).strip()))
    for name, text in FOREVER.items():
        found.append((name, (CACHE / name).read_bytes(), text))
    return found, f"audio.wav + {len(found) - 1} CMU Sphinx test clips ({SDIST} sdist, BSD)"
