"""The tutorial's two calls, checked and made safe: ``speak`` and ``transcribe``.

They make exactly the documented g4f calls, but first check the input (text,
voice, format, files) so mistakes are caught before anything is sent, retry
what is worth retrying, and only write a file once the whole answer is in.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .audio import describe_audio
from .files import check_target, save_bytes
from .modes import Mode, current_mode
from .resilience import ServiceError, with_retries
from .responses import speech_bytes, transcript_of

VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse")
FORMATS = ("mp3", "wav", "flac", "opus", "aac", "pcm16")
MAX_TEXT = 4096
"""Characters the speech endpoints accept in one request."""


class SpeechRequestError(ValueError):
    """The text, voice or format cannot be sent; the message says what to change."""


def _suggest(value: object, choices: tuple[str, ...]) -> str:
    if value == "ogg":
        return " For an .ogg file use audio_format='opus'."
    close = difflib.get_close_matches(str(value).lower(), choices, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_speech_request(text: Any, voice: str, audio_format: str) -> str:
    """Return the text to send, or raise :class:`SpeechRequestError`."""
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


def _default_client(client: Any) -> Any:
    if client is not None:
        return client
    import g4f
    from g4f.client import AsyncClient

    return AsyncClient(provider=g4f.Provider.PollinationsAI)


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

    The format defaults to the file's extension. Everything is checked before
    the request: the text, the voice, the format, the folder, and that an
    existing file is not replaced unless ``overwrite=True``. ``retry`` goes to
    :func:`helpers.resilience.with_retries` (attempts, timeout, backoff).
    """
    path = Path(path)
    audio_format = audio_format or path.suffix.lstrip(".").lower() or "mp3"
    text = check_speech_request(text, voice, audio_format)
    check_target(path, overwrite=overwrite)  # before the request: a mistake costs nothing
    audio, _transcript = await synthesise(text, voice=voice, audio_format=audio_format, client=client, **retry)
    return save_bytes(audio, path, overwrite=overwrite)


async def synthesise(
    text: str, *, voice: str = "alloy", audio_format: str = "mp3", client: Any = None, **retry: Any
) -> tuple[bytes, str | None]:
    """The checked speech call without saving: returns (audio bytes, transcript)."""
    text = check_speech_request(text, voice, audio_format)

    def call(client: Any) -> Callable[[], Awaitable[Any]]:
        return lambda: client.chat.completions.create(
            model="openai-audio",
            messages=[{"role": "user", "content": text}],
            audio={"voice": voice, "format": audio_format},
        )

    response = await _recorded_else_local(
        call(_default_client(client)), lambda: call(_offline_client("PiperSpeech")), retry
    )
    return speech_bytes(response), transcript_of(response)


def _offline_client(engine: str) -> Any:
    from g4f.client import AsyncClient

    from . import offline

    offline.require()
    return AsyncClient(provider=getattr(offline, engine))


async def _recorded_else_local(
    call: Callable[[], Awaitable[Any]], offline_call: Callable[[], Callable[[], Awaitable[Any]]], retry: dict
) -> Any:
    """Make the call; in auto mode, a request nobody recorded goes to the offline engine instead."""
    try:
        return await with_retries(call, **retry)
    except ServiceError as error:
        if error.kind != "unrecorded" or current_mode() is not Mode.AUTO:
            raise
    return await with_retries(offline_call(), **retry)


async def transcribe(path: str | os.PathLike, *, client: Any = None, provider: Any = None, **retry: Any) -> str:
    """Transcribe an audio file with the documented call shape; returns the text.

    The file is checked first (missing, empty, too large, not audio). The
    provider defaults to ``PollinationsAudio`` with g4f's public key.
    """
    import g4f

    info = describe_audio(path)
    data = info.path.read_bytes()
    provider = provider or g4f.Provider.PollinationsAudio
    key = {"api_key": provider.public_key} if getattr(provider, "public_key", None) else {}
    media = [[data, info.path.name]]

    def call(client: Any, **extra: Any) -> Callable[[], Awaitable[Any]]:
        return lambda: client.chat.completions.create(
            messages="Transcribe this audio", media=media, modalities=["text"], **extra
        )

    response = await _recorded_else_local(
        call(_default_client(client), provider=provider, **key),
        lambda: call(_offline_client("WhisperTranscription")),
        retry,
    )
    text = response.choices[0].message.content
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"The service heard no words in {info.path.name}. Is there speech in it?")
    return text.strip()
