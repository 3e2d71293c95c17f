"""LocalAudio: one offline provider for both documented calls, as PollinationsAudio is online.

Audio among the media means transcription (faster-whisper); otherwise speech
(Piper). ``helpers.start("local")`` puts it behind the names the documented
code uses, ``g4f.Provider.PollinationsAI`` and ``g4f.Provider.PollinationsAudio``.
"""

from __future__ import annotations

from typing import Any

from g4f.image import is_data_an_audio
from g4f.providers.base_provider import AsyncGeneratorProvider, ProviderModelMixin
from g4f.tools.media import merge_media
from g4f.typing import AsyncResult, MediaListType, Messages

from .piper import PiperSpeech
from .whisper import WhisperTranscription


class LocalAudio(AsyncGeneratorProvider, ProviderModelMixin):
    """Speech and transcription on this machine (Piper, faster-whisper)."""

    label = "Local audio (Piper + faster-whisper, offline)"
    working = True
    default_model = "openai-audio"
    models = ["openai-audio", *PiperSpeech.models, *WhisperTranscription.models]
    public_key = None  # the documented PollinationsAudio call passes api_key=...public_key

    @classmethod
    async def create_async_generator(
        cls, model: str, messages: Messages, media: MediaListType = None, **kwargs: Any
    ) -> AsyncResult:
        hears_audio = media and any(is_data_an_audio(data, name) for data, name in merge_media(media, messages or []))
        engine = WhisperTranscription if hears_audio else PiperSpeech
        async for chunk in engine.create_async_generator(model, messages, media=media, **kwargs):
            yield chunk
