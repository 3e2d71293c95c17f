"""The documentation's calls on a file, for the tools (stand-in builders, preflight) and the tests, not the lessons.

The lessons spell these calls out; ``helpers.calls`` holds the two calls themselves.
"""

from __future__ import annotations

from typing import Any

from helpers import calls
from helpers.constants import DOCUMENTED_PROMPT

RUSSIAN_PROMPT = "Скажи: добрый день, мир"
"""Notebook 03's Russian example: the documented speech call in Russian, then transcribed with ``language="ru"``."""


async def fallback_speech(text: str = DOCUMENTED_PROMPT, *, voice: str = "alloy", audio_format: str = "mp3") -> Any:
    """Notebook 06's fallback: the documented speech call sent to ``PollinationsAudio`` (it picks ``elevenlabs``)."""
    import g4f

    provider = g4f.Provider.PollinationsAudio
    return await calls.speech(
        calls.client(provider), text, voice=voice, audio_format=audio_format, **calls.key_for(provider)
    )


async def transcribe_file(filename: str = "audio.wav", *, via_chat: bool = False, language: str | None = None) -> str:
    """Open ``filename`` and transcribe it as the documentation does; returns the text.

    ``via_chat=True`` sends it to PollinationsAI as chat (no ``provider=``). ``language="ru"`` tells
    PollinationsAudio's speech-to-text endpoint which language it hears (g4f 8.8.6 puts it in the upload form).
    """
    import g4f

    provider = g4f.Provider.PollinationsAudio
    key = calls.key_for(provider)
    extra = {} if via_chat else {"provider": provider, **key}
    if language is not None:
        extra["language"] = language
    with open(filename, "rb") as audio_file:
        response = await calls.transcription(calls.client(), [[audio_file, filename]], **extra)
    return response.choices[0].message.content
