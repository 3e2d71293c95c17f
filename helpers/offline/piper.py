"""PiperSpeech: a g4f provider that speaks offline with Piper and the packaged en_US "joe" voice."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from g4f.image.copy_images import ensure_media_dir, get_filename, get_media_dir
from g4f.providers.base_provider import AsyncGeneratorProvider, ProviderModelMixin
from g4f.providers.helper import get_last_user_message
from g4f.providers.response import AudioResponse
from g4f.typing import AsyncResult, Messages

from ..constants import VOICES
from . import models, sound

SAY = re.compile(r"^\s*(?:please\s+)?(?:say|speak|read(?:\s+aloud)?|repeat)\s*[:,]?\s+(?P<text>.+?)\s*$", re.I | re.S)


def text_to_speak(prompt: str) -> str:
    """What a speaking chat model says back: X for "Say X" (as a sentence), else the text itself."""
    match = SAY.match(prompt or "")
    if not match:
        return (prompt or "").strip()
    text = match.group("text").strip().strip("\"'“”‘’")
    text = text[:1].upper() + text[1:]
    return text if not text or text[-1] in ".!?" else text + "."


class PiperSpeech(AsyncGeneratorProvider, ProviderModelMixin):
    """Text to speech on this machine. One voice: every OpenAI voice name maps to it."""

    label = "Piper (offline)"
    working = True
    default_model = "piper-en_US-joe-medium"
    models = [default_model, "openai-audio", "tts-1", "gpt-4o-mini-tts"]
    audio_models = {name: {"voice": "joe"} for name in models}

    @classmethod
    def voice(cls, model: str | None = None) -> Any:
        """Load (once) and return the Piper voice. Blocking."""
        from piper import PiperVoice

        onnx, config = models.piper_voice(model)
        return models.load_once((onnx, config), lambda: PiperVoice.load(onnx, config_path=config))

    @classmethod
    def synthesise(cls, text: str, fmt: str = "mp3", speed: float = 1.0, model: str | None = None) -> bytes:
        """Text -> encoded audio. Deterministic (no sampling noise). Blocking."""
        from piper import SynthesisConfig

        voice = cls.voice(model)
        config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=1.0 / float(speed or 1.0))
        chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, config)]  # float32, clipped
        if not chunks:
            raise ValueError(f"Piper produced no sound for {text!r}.")
        audio = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)  # one sentence: no copy
        return sound.encode(audio, voice.config.sample_rate, fmt)

    @classmethod
    async def create_async_generator(
        cls, model: str, messages: Messages, audio: dict | None = None, voice_model: str | None = None, **kwargs: Any
    ) -> AsyncResult:
        audio = dict(audio or {})
        text = text_to_speak(kwargs.get("prompt") or get_last_user_message(messages))
        if not text:
            raise ValueError("Nothing to speak: the last user message is empty.")
        fmt = (audio.get("format") or "mp3").lower()
        if fmt not in sound.FORMATS:
            raise ValueError(f"Unsupported format {fmt!r}; PiperSpeech writes {', '.join(sound.FORMATS)}.")
        voice = str(audio.get("voice") or "alloy").lower()
        if voice not in VOICES:  # every name the speech call accepts: Piper's one voice speaks them all
            raise ValueError(f"Unknown voice {voice!r}. Voices: {', '.join(VOICES)} (all spoken by Piper's joe).")
        data = await asyncio.to_thread(cls.synthesise, text, fmt, audio.get("speed", 1.0), voice_model)
        # g4f's message.save() moves "<media dir>/<file>" for an AudioResponse("/media/<file>"): write it there.
        name = get_filename(["piper", voice], text, f".{fmt}", uuid.uuid4().hex)  # unique, even for one text twice
        ensure_media_dir()
        await asyncio.to_thread(Path(get_media_dir(), name).write_bytes, data)
        yield AudioResponse(f"/media/{name}", transcript=text, voice=voice, format=fmt)
