"""The documentation's two g4f calls, written once for helpers, tests and tools, and what their answers hold.

The notebooks spell the calls out in full instead, because that is the lesson.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from .audio import save_bytes
from .constants import DOCUMENTED_PROMPT, SPEECH_MODEL, TRANSCRIBE_PROMPT
from .errors import NoAudioError


def client(provider: Any = None) -> Any:
    """``AsyncClient(provider=g4f.Provider.PollinationsAI)``, or another provider."""
    import g4f
    from g4f.client import AsyncClient

    return AsyncClient(provider=provider or g4f.Provider.PollinationsAI)


async def speech(
    on: Any = None, text: str = DOCUMENTED_PROMPT, *, voice: str = "alloy", audio_format: str = "mp3", **extra: Any
) -> Any:
    """The documented speech call: ``model="openai-audio"``, one user message, ``audio={voice, format}``."""
    return await (on or client()).chat.completions.create(
        model=SPEECH_MODEL,
        messages=[{"role": "user", "content": text}],
        audio={"voice": voice, "format": audio_format},
        **extra,
    )


async def transcription(on: Any, media: list, **extra: Any) -> Any:
    """The documented transcription call: ``messages="Transcribe this audio"``, ``media``, text only."""
    return await on.chat.completions.create(messages=TRANSCRIBE_PROMPT, media=media, modalities=["text"], **extra)


KEY_VARIABLE = "POLLINATIONS_API_KEY"
"""The instructor's own Pollinations key (``sk_...``), read from the environment, never from a notebook."""


def own_key() -> str | None:
    """The key in ``POLLINATIONS_API_KEY``, or None. Replay, local and auto mode hide it from this process."""
    return os.environ.get(KEY_VARIABLE, "").strip() or None


def key_for(provider: Any) -> dict[str, Any]:
    """The ``api_key`` argument for a Pollinations provider: your own key if set, else g4f's public ``pk_`` key.

    g4f 8.8.6's ``PollinationsAI`` reads ``POLLINATIONS_API_KEY`` by itself; ``PollinationsAudio`` does not
    (it raises ``NameError: AuthManager`` without ``api_key``), so its calls have to pass it. Providers without
    a public key (another provider, the offline engines) get no ``api_key`` at all.
    """
    public = getattr(provider, "public_key", None)
    return {"api_key": own_key() or public} if public else {}


def _message(response: Any) -> Any:
    try:
        return response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        raise NoAudioError(f"Expected a chat-completion answer, got {type(response).__name__}.") from None


def speech_bytes(response: Any) -> bytes:
    """The audio bytes of a speech answer (however this g4f version stores them)."""
    message = _message(response)
    audio = getattr(message, "audio", None)
    if audio is not None and getattr(audio, "data", None):
        return base64.b64decode(audio.data)
    content = message.content
    data = getattr(content, "data", None)
    if isinstance(data, str) and data.startswith("/media/"):  # g4f saved it to its media folder
        from g4f.image.copy_images import get_media_dir

        saved = Path(get_media_dir(), data.removeprefix("/media/"))
        if not saved.exists():
            raise NoAudioError(
                "This answer's audio was already moved away by message.save(); "
                "use the file you saved it to (or ask again for a fresh answer)."
            )
        return saved.read_bytes()
    if isinstance(data, str) and data.startswith("data:"):
        return base64.b64decode(data.split(",", 1)[1])
    said = str(content)[:120]
    raise NoAudioError(
        f"The answer holds no audio; it says: {said!r}. Ask for speech with "
        "model='openai-audio' and audio={'voice': ..., 'format': ...}."
    )


def transcript_of(response: Any) -> str | None:
    """The text the speech says, when the service sent it along."""
    message = _message(response)
    audio = getattr(message, "audio", None)
    return getattr(audio, "transcript", None) or getattr(message.content, "transcript", None)


def save_speech(response: Any, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Save the audio of a speech answer; an existing file is kept unless ``overwrite=True``."""
    return save_bytes(speech_bytes(response), path, overwrite=overwrite)
