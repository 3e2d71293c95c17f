"""A microphone recorder for JupyterLab: record in the browser, get a WAV file in ``output/``.

The browser side (``recorder.js``) records with Web Audio and encodes 16-bit PCM WAV itself, so nothing
(no ffmpeg, no JupyterLab build step) is needed beyond anywidget's prebuilt extension.
"""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from .audio import save_bytes

MIN_SECONDS = 0.2
SILENT_PEAK = 0.01
"""A clip whose loudest sample stays under this fraction of full scale is called silent."""


def check_wav(data: bytes) -> tuple[float, float]:
    """``(seconds, peak)`` of a mono or stereo 16-bit PCM WAV clip; ValueError saying what is wrong."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"The clip is not a WAV file (it starts with {bytes(data[:12])!r}).")
    try:
        with wave.open(io.BytesIO(data)) as clip:
            info, frames = clip.getparams(), clip.readframes(clip.getnframes())
        if not info.framerate:
            raise wave.Error("a sample rate of 0")
    except (wave.Error, EOFError) as error:
        raise ValueError(f"The WAV clip is damaged ({error}).") from None
    if info.sampwidth != 2:
        raise ValueError(f"The clip has {8 * info.sampwidth}-bit samples; the recorder sends 16-bit PCM.")
    held = len(frames) // (2 * info.nchannels)
    if held < info.nframes:
        raise ValueError(f"The clip is cut short: its header promises {info.nframes} samples, it holds {held}.")
    seconds = info.nframes / info.framerate
    if seconds < MIN_SECONDS:
        raise ValueError(f"The clip lasts {seconds:.2f} s, too short to hold a word.")
    peak = float(np.abs(np.frombuffer(frames, "<i2").astype(np.int32)).max(initial=0)) / 32768
    return seconds, peak


def next_name(folder: Path) -> Path:
    """``recording-N.wav`` in ``folder``, N one more than the highest there (from 1)."""
    names = (re.fullmatch(r"recording-(\d+)\.wav", p.name) for p in folder.glob("recording-*.wav"))
    numbers = [int(m[1]) for m in names if m]
    return folder / f"recording-{max(numbers, default=0) + 1}.wav"


class Recorder(anywidget.AnyWidget):
    """Record / Stop / play back with a level meter; each clip is saved as ``<folder>/recording-N.wav``.

    ``path`` is the last clip saved ("" before the first); ``message`` is the line the widget shows.
    """

    _esm = Path(__file__).with_name("recorder.js")
    _css = """
    .g4f-recorder .row { display: flex; gap: 0.5em; align-items: center; }
    .g4f-recorder meter { width: 12em; }
    .g4f-recorder audio { display: block; margin-top: 0.3em; height: 2.2em; }
    .g4f-recorder .message { font-size: 0.9em; margin-top: 0.2em; }
    """
    message = traitlets.Unicode("Press Record, say a sentence, press Stop.").tag(sync=True)
    path = traitlets.Unicode("").tag(sync=True)
    max_seconds = traitlets.Int(60).tag(sync=True)

    def __init__(self, folder: str | Path = "output", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(folder)
        self.on_msg(self._receive)

    def __repr__(self) -> str:
        return f"Recorder(folder={self.folder.as_posix()!r}, clip={self.path or None!r})"

    def _receive(self, _widget: Any, content: dict, buffers: list[bytes]) -> None:
        if content.get("kind") == "clip":
            self.save(bytes(buffers[0]) if buffers else b"")

    def save(self, data: bytes) -> Path | None:
        """Check a WAV clip and save it under the next free name; a bad clip is refused and nothing changes."""
        try:
            seconds, peak = check_wav(data)
        except ValueError as error:
            kept = f" {self.path} is still the last clip." if self.path else ""
            self.message = f"{error} Nothing was saved.{kept} Record again."
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = save_bytes(data, next_name(self.folder))
        except OSError as error:  # a read-only or full disk: say so in the widget, not in the kernel's log
            self.message = f"The clip could not be saved: {error}"
            return None
        self.path = path.as_posix()
        silent = " It is silent: does the level meter move when you speak?" if peak < SILENT_PEAK else ""
        self.message = f"Saved {self.path} ({seconds:.1f} s).{silent}"
        return path
