"""A small voice studio for notebooks: type, pick a voice, hear it; record or upload a clip, read it.

Work runs as an asyncio task on the kernel's event loop, so the notebook never
freezes; every result and every error is shown inside the app.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import ipywidgets as widgets

from . import routes
from ._replay.cassettes import recorded_speech
from .audio import play, save_bytes
from .constants import FORMATS, VOICES, Mode
from .errors import ServiceError
from .recorder import Recorder
from .speech import check_speech_request, transcribe
from .state import current_mode

SAMPLE = "audio.wav (the shipped clip)"
LAST = "the last generated clip"
UPLOADED = "the uploaded file"
RECORDED = "your recording"
PLAYABLE_FORMATS = [f for f in FORMATS if f in ("mp3", "wav", "flac")]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "clip"


class VoiceStudio(widgets.VBox):
    """Generate speech and transcribe clips with buttons. ``task`` is the work under way."""

    def __init__(self, folder: str | Path = "output/studio", sample: str | Path = "audio.wav") -> None:
        self.folder, self.sample = Path(folder), Path(sample)
        self.last_clip: Path | None = None
        self.task: asyncio.Task | None = None
        self.status_text = ""  # the status line as plain text (for code and tests)
        recorded = recorded_speech() if current_mode() in (Mode.REPLAY, Mode.AUTO) else []
        sentences = sorted({r["text"] for r in recorded}) or ["Say good day to the world"]

        self.text = widgets.Combobox(
            value="Say good day to the world",
            options=sentences,
            description="Text",
            ensure_option=False,
            layout=widgets.Layout(width="32em"),
        )
        self.voice = widgets.Dropdown(options=VOICES, value="alloy", description="Voice")
        self.audio_format = widgets.Dropdown(options=PLAYABLE_FORMATS, value="mp3", description="Format")
        self.generate = widgets.Button(description="Generate", button_style="primary", icon="play")
        self.source = widgets.Dropdown(options=[SAMPLE, LAST, UPLOADED, RECORDED], value=SAMPLE, description="Clip")
        self.recorder = Recorder(self.folder)
        self.upload = widgets.FileUpload(accept=".wav,.mp3,.flac,.ogg", multiple=False, description="Upload")
        self.transcribe = widgets.Button(description="Transcribe", button_style="info", icon="file-text")
        self.player = widgets.Output()
        self.transcript = widgets.HTML()
        self.status = widgets.HTML()
        self.hint = widgets.HTML(self._hint(recorded))

        self.generate.on_click(lambda _: self._run(self._generate))
        self.transcribe.on_click(lambda _: self._run(self._transcribe))
        self.upload.observe(lambda _: setattr(self.source, "value", UPLOADED), names="value")
        self.recorder.observe(lambda _: setattr(self.source, "value", RECORDED), names="path")
        super().__init__(
            [
                widgets.HTML("<b>Speak</b>"),
                self.text,
                widgets.HBox([self.voice, self.audio_format, self.generate]),
                self.player,
                widgets.HTML("<b>Transcribe</b>"),
                self.recorder,
                widgets.HBox([self.source, self.upload, self.transcribe]),
                self.transcript,
                self.status,
                self.hint,
            ]
        )

    def __repr__(self) -> str:
        mode = current_mode()
        return f"VoiceStudio(mode={mode.value if mode else None}, voices={len(VOICES)}, folder={str(self.folder)!r})"

    @staticmethod
    def _hint(recorded: list[dict[str, str]]) -> str:
        mode = current_mode()
        if mode is Mode.LOCAL:
            return "<small>Local: Piper and faster-whisper on this machine answer anything, offline.</small>"
        if mode is Mode.AUTO:
            return "<small>Auto: recorded answers where they exist, Piper and faster-whisper otherwise.</small>"
        if mode is not Mode.REPLAY:
            return "<small>Live: any sentence, voice and format goes to the real service.</small>"
        variants = [r for r in recorded if (r["voice"], r["format"]) != ("alloy", "mp3")]
        others = ", ".join(sorted({f"{r['voice']}/{r['format']}" for r in variants}))
        extra = f" “{html.escape(variants[0]['text'])}” is also recorded as {others}." if variants else ""
        return (
            "<small>Replay mode answers only what was recorded: the sentences in the Text list, in alloy/mp3."
            f"{extra} Anything else explains itself; <code>helpers.start('live')</code> or "
            "<code>helpers.start('auto')</code> (with the offline extra) lift the limit.</small>"
        )

    def _say(self, message: str, error: bool = False) -> None:
        self.status_text = message
        colour = "#b00020" if error else "#1b5e20"
        self.status.value = f'<pre style="white-space:pre-wrap;color:{colour}">{html.escape(message)}</pre>'

    def _run(self, work: Callable[[], Awaitable[None]]) -> None:
        if self.task is not None and not self.task.done():
            self._say("Still working on the last request; one moment.")
            return
        self.task = asyncio.create_task(self._guarded(work))

    async def _guarded(self, work: Callable[[], Awaitable[None]]) -> None:
        self.generate.disabled = self.transcribe.disabled = True
        self._say("Working…")
        try:
            await work()
        except ServiceError as error:
            headline = "Not recorded" if error.kind == "unrecorded" else f"The service failed ({error.kind})"
            self._say(f"{headline}:\n{error}", error=True)
        except (ValueError, OSError) as error:  # bad input: the message says what to change
            self._say(str(error), error=True)
        except Exception as error:  # anything else still shows here, never as a lost task
            self._say(f"Unexpected {type(error).__name__}: {error}", error=True)
        finally:
            self.generate.disabled = self.transcribe.disabled = False

    async def _generate(self) -> None:
        text, voice, fmt = self.text.value, self.voice.value, self.audio_format.value
        audio, transcript = await routes.speech(check_speech_request(text, voice, fmt), voice, fmt)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = save_bytes(audio, self.folder / f"{voice}-{_slug(text)}.{fmt}", overwrite=True)
        self.last_clip = path
        # Set the Output widget's content directly (no display() inside "with"): it then shows the
        # same in JupyterLab, under nbval and under nbconvert, whichever cell clicked.
        self.player.outputs = ()
        self.player.append_display_data(play(path, caption=transcript))
        self._say(f"Saved {path.as_posix()}: {voice}, {fmt}.")

    async def _transcribe(self) -> None:
        if self.source.value == LAST:
            if self.last_clip is None:
                raise ValueError("Generate a clip first, then transcribe it.")
            path = self.last_clip
        elif self.source.value == UPLOADED:
            if not self.upload.value:
                raise ValueError("Choose a file with Upload first (WAV, MP3, FLAC or OGG).")
            item = self.upload.value[0]
            self.folder.mkdir(parents=True, exist_ok=True)
            path = save_bytes(bytes(item["content"]), self.folder / f"upload-{Path(item['name']).name}", overwrite=True)
        elif self.source.value == RECORDED:
            if not self.recorder.path:
                raise ValueError("Record a clip first: press Record, say a sentence, press Stop.")
            path = Path(self.recorder.path)
        else:
            path = self.sample
        text = await transcribe(path)
        self.transcript.value = f"<blockquote>“{html.escape(text)}”</blockquote>"
        self._say(f"Transcribed {path.as_posix()}.")
