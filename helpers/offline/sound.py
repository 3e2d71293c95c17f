"""Decode, resample and encode audio with soundfile and numpy."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf


def resample(audio: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """Band-limited resampling of a mono signal (FFT; no scipy needed)."""
    if rate == new_rate or audio.size == 0:
        return audio.astype(np.float32, copy=False)
    length = int(round(audio.size * new_rate / rate))
    spectrum = np.fft.rfft(audio.astype(np.float64))  # irfft crops it, or pads it with zeros, to the new length
    return (np.fft.irfft(spectrum, length) * (length / audio.size)).astype(np.float32)


def media_bytes(data: Any) -> bytes:
    """bytes, an open file, a path or a data: URI -> bytes. URLs are refused: this is offline."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str) and data.startswith("data:"):
        return base64.b64decode(data.partition(",")[2])
    if isinstance(data, str) and data.startswith(("http://", "https://")):
        raise ValueError("Offline transcription takes a file, bytes or a local path, not a URL.")
    if isinstance(data, (str, os.PathLike)):
        return Path(data).read_bytes()
    if hasattr(data, "read"):
        if hasattr(data, "seek"):
            data.seek(0)
        return data.read()
    raise TypeError(f"Cannot read audio from a {type(data).__name__}.")


def decode(data: bytes, rate: int = 16000) -> np.ndarray:
    """Any file soundfile reads -> mono float32 at ``rate``."""
    try:
        audio, original = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except sf.LibsndfileError as error:
        raise ValueError(f"Could not decode the audio ({error.error_string}). Use WAV, MP3, FLAC or OGG.") from None
    mono = audio[:, 0] if audio.shape[1] == 1 else audio.mean(axis=1)  # mono files: no averaging pass
    return resample(mono, original, rate)


FORMATS = {  # name -> (soundfile format, subtype, sample rate it needs or None)
    "mp3": ("MP3", "MPEG_LAYER_III", None),
    "wav": ("WAV", "PCM_16", None),
    "flac": ("FLAC", "PCM_16", None),
    "opus": ("OGG", "OPUS", 24000),  # Opus takes 8/12/16/24/48 kHz only
}


def encode(audio: np.ndarray, rate: int, fmt: str) -> bytes:
    """Mono float32 -> a file in format ``fmt``."""
    kind, subtype, needed = FORMATS[fmt]
    if needed and needed != rate:
        audio, rate = resample(audio, rate, needed), needed
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(audio, -1.0, 1.0), rate, format=kind, subtype=subtype)
    return buffer.getvalue()
