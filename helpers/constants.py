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

VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse")
FORMATS = ("mp3", "wav", "flac", "opus", "aac", "pcm16")
MAX_TEXT = 4096
"""Characters the speech endpoints accept in one request."""
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
"""The usual upload limit of speech-to-text services (OpenAI's and Pollinations')."""

SPEECH_MODEL = "openai-audio"
DOCUMENTED_PROMPT = "Say good day to the world"
TRANSCRIBE_PROMPT = "Transcribe this audio"
