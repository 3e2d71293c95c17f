"""Get the audio and its transcript out of a g4f chat-completion answer."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from .errors import NoAudioError
from .files import save_bytes


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
