"""The tutorial's two calls made safe: ``speak`` and ``transcribe``.

They make the documented g4f calls after checking the input (text, voice, format, files), retry what is worth
retrying, and write a file only once the whole answer is in. Live mode takes the first :mod:`helpers.routes` that
answers.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from . import routes
from .audio import check_target, describe_audio, save_bytes
from .constants import FORMATS, MAX_TEXT, VOICES
from .errors import SpeechRequestError


def _suggest(value: object, choices: tuple[str, ...]) -> str:
    if value == "ogg":
        return " For an .ogg file use audio_format='opus'."
    close = difflib.get_close_matches(str(value).lower(), choices, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_speech_request(text: Any, voice: str, audio_format: str) -> str:
    """Return the text to send, or raise :class:`SpeechRequestError`."""
    if isinstance(text, (bytes, bytearray)):
        raise SpeechRequestError(
            f"The text is bytes ({bytes(text[:30])!r}), not a str. Decode it first, e.g. text.decode('utf-8')."
        )
    if text is not None and not isinstance(text, str):
        raise SpeechRequestError(f"The text to speak must be a str, not {type(text).__name__}.")
    if not isinstance(text, str) or not text.strip():
        raise SpeechRequestError("There is no text to speak. Type a sentence, e.g. 'Say good day to the world'.")
    if len(text) > MAX_TEXT:
        raise SpeechRequestError(
            f"The text is {len(text)} characters; the service takes at most {MAX_TEXT}. "
            "Split it into shorter pieces and speak them one by one."
        )
    if not isinstance(voice, str) or voice not in VOICES:
        raise SpeechRequestError(f"Unknown voice {voice!r}.{_suggest(voice, VOICES)} Voices: {', '.join(VOICES)}.")
    if audio_format not in FORMATS:
        raise SpeechRequestError(
            f"Unsupported format {audio_format!r}.{_suggest(audio_format, FORMATS)} Formats: {', '.join(FORMATS)}."
        )
    return text.strip()


EXTENSION_FORMATS = {"mp3": "mp3", "wav": "wav", "flac": "flac", "opus": "opus", "ogg": "opus"}
"""File extensions that say which format the file holds (others, e.g. .pcm or none, say nothing)."""


def format_for(path: Path, audio_format: Any = None) -> Any:
    """The format to ask for: the one given, else the extension's; a contradiction is refused, naming both."""
    extension = path.suffix.lstrip(".").lower()
    if audio_format is None:
        return extension or "mp3"
    implied = EXTENSION_FORMATS.get(extension)
    if isinstance(audio_format, str) and audio_format in FORMATS and implied and implied != audio_format:
        raise SpeechRequestError(
            f"audio_format={audio_format!r} contradicts the file name {path.name!r}, whose .{extension} extension "
            f"means {implied!r}; nothing was sent. Leave audio_format out (the extension decides), or name the "
            f"file '{path.stem}.{audio_format}'."
        )
    return audio_format


async def speak(
    text: str,
    path: str | os.PathLike,
    *,
    voice: str = "alloy",
    audio_format: str | None = None,
    overwrite: bool = False,
    client: Any = None,
    **retry: Any,
) -> Path:
    """Ask for speech and save it to ``path``; returns the path.

    The format defaults to the file's extension. The text, voice, format and target are checked before the
    request; an existing file is replaced only with ``overwrite=True``. ``retry`` goes to :func:`with_retries`.
    """
    path = check_target(path, overwrite=overwrite)  # before the request: a mistake costs nothing
    audio_format = format_for(path, audio_format)
    text = check_speech_request(text, voice, audio_format)
    audio, _transcript = await routes.speech(text, voice, audio_format, client, **retry)
    return save_bytes(audio, path, overwrite=overwrite)


async def transcribe(path: str | os.PathLike, *, client: Any = None, provider: Any = None, **retry: Any) -> str:
    """Transcribe a checked audio file with the documented call shape; returns the text.

    The provider defaults to ``PollinationsAudio``; live mode without one walks :data:`helpers.routes.TRANSCRIPTION`.
    """
    info = describe_audio(path)
    response = await routes.transcription(info.path.read_bytes(), info.path.name, provider, client, **retry)
    text = response.choices[0].message.content
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"The service heard no words in {info.path.name}. Is there speech in it?")
    return text.strip()
