"""WhisperTranscription: a g4f provider that transcribes offline with faster-whisper (tiny.en)."""

from __future__ import annotations

import asyncio
import os
from functools import partial
from typing import Any

from g4f.image import is_data_an_audio
from g4f.providers.base_provider import AsyncGeneratorProvider, ProviderModelMixin
from g4f.tools.media import merge_media
from g4f.typing import AsyncResult, MediaListType, Messages

from . import models, sound

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # faster-whisper imports huggingface_hub: never let it reach out


def first_audio(media: MediaListType, messages: Messages) -> Any:
    """The first media item g4f recognises as audio (by name or data: URI), else the first item."""
    items = list(merge_media(media, messages or []))
    if not items:
        raise ValueError("No audio given: pass media=[[file, 'audio.wav']] (a file, bytes or a path).")
    return next((data for data, name in items if is_data_an_audio(data, name)), items[0][0])


class WhisperTranscription(AsyncGeneratorProvider, ProviderModelMixin):
    """Speech to text on this machine, CPU, int8; deterministic (temperature 0)."""

    label = "faster-whisper (offline)"
    working = True
    default_model = "faster-whisper-tiny.en"
    models = [default_model, "openai-audio", "whisper-1"]
    # Chosen by measurement (bench/run.py prints the beam x VAD table): beam 2 hears what beam 5 hears on the
    # real clips and the notebooks' sentences at close to greedy speed; greedy (1) mishears Piper's MP3s
    # ("Rises often served", "Warning speech tools are fun"). VAD costs time and gains nothing on short clips.
    beam_size = 2
    vad_filter = False

    @classmethod
    def model(cls, directory: str | None = None) -> Any:
        """Load (once) and return the whisper model. Blocking."""
        from faster_whisper import WhisperModel

        path = str(models.whisper_model(directory))
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        # cpu_threads: CTranslate2's default of 4 threads oversubscribes small machines
        load = partial(
            WhisperModel, path, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
        )
        return models.load_once(path, load)

    @classmethod
    def transcribe(cls, data: bytes, directory: str | None = None) -> str:
        """Audio file bytes -> text. Blocking."""
        audio = sound.decode(data, 16000)
        if audio.size == 0:
            return ""
        segments, _info = cls.model(directory).transcribe(
            audio, beam_size=cls.beam_size, vad_filter=cls.vad_filter, language="en", temperature=0.0
        )
        return " ".join(segment.text.strip() for segment in segments).strip()

    @classmethod
    async def create_async_generator(
        cls, model: str, messages: Messages, media: MediaListType = None, model_dir: str | None = None, **kwargs: Any
    ) -> AsyncResult:
        data = sound.media_bytes(first_audio(media, messages))
        yield await asyncio.to_thread(cls.transcribe, data, model_dir)
