"""The documentation's two g4f calls, written once.

:func:`speech` and :func:`transcription` are the calls of g4f's ``audio.py``
example as they work on today's g4f; ``helpers.speak``/``transcribe``, the
tests, the tools that build recordings and the benchmark all make them through
here. The notebooks spell them out in full instead, because that is the lesson.
"""

from __future__ import annotations

from typing import Any

from .constants import DOCUMENTED_PROMPT, SPEECH_MODEL, TRANSCRIBE_PROMPT


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


def transcription_provider(provider: Any = None) -> tuple[Any, dict[str, Any]]:
    """The transcription provider and the ``api_key`` argument it needs.

    By default today's stand-in for ``Microsoft_Phi_4``, ``PollinationsAudio``:
    g4f 8.8.6 raises ``NameError: AuthManager`` when it gets no ``api_key``.
    """
    import g4f

    provider = provider or g4f.Provider.PollinationsAudio
    key = getattr(provider, "public_key", None)
    return provider, ({"api_key": key} if key else {})


async def transcribe_file(filename: str = "audio.wav", *, via_chat: bool = False) -> str:
    """Open ``filename`` and transcribe it as the documentation does; returns the text.

    ``via_chat=True`` sends it to PollinationsAI as chat (no ``provider=``).
    """
    provider, key = transcription_provider()
    extra = {} if via_chat else {"provider": provider, **key}
    with open(filename, "rb") as audio_file:
        response = await transcription(client(), [[audio_file, filename]], **extra)
    return response.choices[0].message.content
