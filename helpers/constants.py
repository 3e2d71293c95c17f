"""The fixed facts the helpers check against: modes, voices, formats and limits.

This module imports nothing of the collection's own, so any module may use it.
"""

from __future__ import annotations

from enum import StrEnum

MODE_VARIABLE = "G4F_TUTORIAL_MODE"
"""The environment variable ``helpers.start()`` reads when no mode is given."""


class Mode(StrEnum):
    """Where answers come from."""

    REPLAY = "replay"  # the recordings; nothing goes online
    LIVE = "live"  # the real services
    RECORD = "record"  # the real services, and their answers saved
    LOCAL = "local"  # Piper and faster-whisper on this machine (the offline extra)
    AUTO = "auto"  # replay where recorded, local engines otherwise


OFFLINE_MODES = (Mode.REPLAY, Mode.LOCAL, Mode.AUTO)

VOICES = (
    "alloy",
    "amuch",
    "ash",
    "ballad",
    "coral",
    "dan",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
)
"""openai-audio's voices as Pollinations' model registry lists them (2026: ``amuch`` and ``dan`` added;
``nova`` is still in the registry, though one copy of the API docs leaves it out)."""
FORMATS = ("mp3", "wav", "flac", "opus", "pcm16")
"""The documented output formats (wav/mp3/flac/opus/pcm16; ``aac`` is not documented)."""
MAX_TEXT = 4096
"""Characters the speech endpoints accept in one request."""
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
"""The usual upload limit of speech-to-text services (OpenAI's and Pollinations')."""

SPEECH_MODEL = "openai-audio"
DOCUMENTED_PROMPT = "Say good day to the world"
TRANSCRIBE_PROMPT = "Transcribe this audio"
