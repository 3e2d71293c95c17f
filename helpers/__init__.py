"""Helpers for the g4f audio notebooks: one mode switch and a few audio tools."""

from .audio import AudioFileError, AudioInfo, describe_audio, play
from .environment import environment_report
from .faults import available_faults, simulated, simulated_latency
from .files import FileExistsNotOverwrittenError, save_bytes
from .modes import Mode, current_mode, start, stop
from .providers import ProviderNotFoundError, find_provider
from .recordings import UnrecordedRequestError
from .resilience import ServiceError, with_retries
from .responses import NoAudioError, save_speech, speech_bytes, transcript_of
from .speech import SpeechRequestError, speak, transcribe

__all__ = [
    "AudioFileError",
    "AudioInfo",
    "FileExistsNotOverwrittenError",
    "Mode",
    "NoAudioError",
    "ProviderNotFoundError",
    "UnrecordedRequestError",
    "current_mode",
    "describe_audio",
    "environment_report",
    "find_provider",
    "play",
    "save_bytes",
    "save_speech",
    "speech_bytes",
    "start",
    "stop",
    "transcript_of",
    "available_faults",
    "simulated",
    "simulated_latency",
    "ServiceError",
    "with_retries",
    "speak",
    "transcribe",
    "SpeechRequestError",
]
