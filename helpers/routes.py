"""Live mode's routes: the documented Pollinations call first, then g4f's keyless providers, in an order you set.

``helpers.speak``/``transcribe`` and the studio try :data:`SPEECH`/:data:`TRANSCRIPTION` in order, one line per
failure (a 402 is never retried); e.g. ``helpers.routes.SPEECH = ["EdgeTTS", "gTTS"]``. Other modes: the
documented route only. Workarounds for g4f 8.8.6 bugs are marked ``g4f bug``.
"""

from __future__ import annotations

import io
import re
from typing import Any

import soundfile as sf

from . import calls
from .calls import speech_bytes, transcript_of
from .constants import SPEECH_MODEL, Mode
from .errors import NoAudioError, ServiceError
from .retries import with_retries
from .state import current_mode

SPEECH = ["PollinationsAI", "EdgeTTS", "gTTS", "OpenAIFM"]  # only PollinationsAI needs a key (or the proxy paying)
TRANSCRIPTION = ["PollinationsAudio", "MarkItDown"]  # MarkItDown needs the offline extra (make offline)
EDGE_VOICES = {"en": "en-US-AriaNeural", "ru": "ru-RU-SvetlanaNeural"}  # else g4f picks one at random
NEEDS_KEY = {"PollinationsAI", "PollinationsAudio"}


def speech_options(name: str, text: str, voice: str, audio_format: str) -> dict[str, Any]:
    """The ``create()`` arguments for ``name``; Pollinations gets the documented call unchanged."""
    import g4f

    provider = getattr(g4f.Provider, name)
    if name in NEEDS_KEY:  # g4f bug: PollinationsAudio.py line 137 calls AuthManager, no longer imported
        return {"model": SPEECH_MODEL, "audio": {"voice": voice, "format": audio_format}, **calls.key_for(provider)}
    language = "ru" if any("\u0400" <= character <= "\u04ff" for character in text) else "en"
    if name == "EdgeTTS":
        return {"audio": {"voice": EDGE_VOICES.get(language, EDGE_VOICES["en"])}}
    if name == "gTTS":  # g4f bug: gTTS.py line 51, default_model "en-US" is not a key of its models: say the language
        return {"audio": {"language": language}}
    if name == "OpenAIFM":
        return {"audio": {"voice": voice if voice in provider.voices else "coral"}}
    return {"audio": {"voice": voice, "format": audio_format}}


def converted(data: bytes, audio_format: str) -> bytes:
    """MP3 from a keyless provider, in the format asked for (they all answer MP3)."""
    if audio_format == "mp3":
        return data
    samples, rate = sf.read(io.BytesIO(data), dtype="int16")
    if audio_format == "pcm16":
        return samples.tobytes()
    out = io.BytesIO()
    kind = {"wav": ("WAV", "PCM_16"), "flac": ("FLAC", "PCM_16"), "opus": ("OGG", "OPUS")}[audio_format]
    sf.write(out, samples, rate, format=kind[0], subtype=kind[1])
    return out.getvalue()


KINDS = {"quota": "no budget (402)", "auth": "refused", "rate-limit": "rate-limited", "timeout": "timed out"}


def _failed(name: str, error: BaseException, following: list[str]) -> str:
    words = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    words = re.sub(r"^(?:[a-z-]+: )?(?:(?:Error|Response) \d{3}: )?(?:Error [A-Z_]+: )?", "", words)
    words = words.split(". ")[0][:100]
    kind, status = getattr(error, "kind", None), getattr(error, "status", None)
    label = KINDS.get(kind, kind) or type(error).__name__
    label += f" ({status})" if status and str(status) not in label else ""
    then = f"; trying {following[0]}" if following else ""
    print(f"{name} did not answer ({label}: {words}){then}.")
    return f"{name}: {label}: {str(error).strip()[:300]}"


async def _try(names: list[str], attempt: Any, retry: dict) -> tuple[str, Any]:
    """(name, answer) of the first provider in ``names`` whose ``attempt(name)`` works; one line per failure.

    When none works, the error says why each failed and keeps the first's kind and status (the documented route).
    """
    failures: list[tuple[BaseException, str]] = []
    for index, name in enumerate(names):
        try:
            answer = await with_retries(lambda name=name: attempt(name), **retry)
        except (ServiceError, NoAudioError, ImportError) as error:
            if getattr(error, "kind", None) == "no-internet":
                raise  # every provider here needs the internet: say that once, not once a provider
            failures.append((error, _failed(name, error, names[index + 1 :])))
            continue
        print(f"Answered by {name}{'' if name in NEEDS_KEY else ' (no key needed)'}.")
        return name, answer
    first = failures[0][0] if failures else None
    lines = "".join(f"\n  {line}" for _, line in failures)
    raise ServiceError(
        f"No provider answered ({', '.join(names) or 'the list is empty'}):{lines}\nTry again later, change the "
        "order in helpers.routes, or use replay mode: helpers.start('replay').",
        kind=getattr(first, "kind", "other"),
        status=getattr(first, "status", None),
    ) from first


async def speech(text: str, voice: str, audio_format: str, client: Any = None, **retry: Any) -> tuple[bytes, Any]:
    """The checked text spoken: (audio bytes, transcript or None). Live mode walks :data:`SPEECH`."""
    if current_mode() is not Mode.LIVE or client is not None:
        response = await with_retries(
            lambda: calls.speech(client, text, voice=voice, audio_format=audio_format), **retry
        )
        return speech_bytes(response), transcript_of(response)

    async def attempt(name: str) -> tuple[bytes, Any]:
        import g4f

        options = speech_options(name, text, voice, audio_format)
        on = calls.client(getattr(g4f.Provider, name))
        response = await on.chat.completions.create(messages=[{"role": "user", "content": text}], **options)
        data = speech_bytes(response)
        if not data:  # gTTS writes an empty file when its answer holds no audio
            raise NoAudioError(f"{name} answered, but with no audio")
        return (data if name in NEEDS_KEY else converted(data, audio_format)), transcript_of(response)

    return (await _try(list(SPEECH), attempt, retry))[1]


async def transcription(data: bytes, filename: str, provider: Any = None, client: Any = None, **retry: Any) -> Any:
    """The transcription answer for a clip. Live mode (no provider or client given) walks :data:`TRANSCRIPTION`."""

    def media() -> list:  # a new file object each attempt
        return [[io.BytesIO(data), filename]]  # g4f bug: MarkItDown.py line 47 cannot copy bytes to a temp file

    if current_mode() is not Mode.LIVE or provider is not None or client is not None:
        import g4f

        provider = provider or g4f.Provider.PollinationsAudio  # today's stand-in for Microsoft_Phi_4
        on, key = client or calls.client(), calls.key_for(provider)
        return await with_retries(lambda: calls.transcription(on, media(), provider=provider, **key), **retry)

    async def attempt(name: str) -> Any:
        import g4f

        provider = getattr(g4f.Provider, name)
        if not getattr(provider, "working", True):
            raise ImportError(
                f"{name} needs the offline extra (make offline, or pip install -r requirements-offline.txt)"
            )
        return await calls.transcription(calls.client(provider), media(), **calls.key_for(provider))

    return (await _try(list(TRANSCRIPTION), attempt, retry))[1]
