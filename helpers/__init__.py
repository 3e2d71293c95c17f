"""Helpers for the g4f audio notebooks: one mode switch, the two calls made safe, and a few audio tools.

Everything a notebook calls is listed in ``__all__``; the errors are in
:mod:`helpers.errors`. The machinery behind replay and record mode lives in
``helpers._replay`` and is not part of the lesson.
"""

from . import errors
from .audio import describe_audio, play
from .calls import save_speech, transcript_of
from .environment import environment_report
from .faults import available_faults, simulated
from .modes import current_mode, start, stop
from .retries import with_retries
from .speech import speak, transcribe
from .wer import wer as word_error_rate

__all__ = [
    "available_faults",
    "current_mode",
    "describe_audio",
    "environment_report",
    "errors",
    "offline",
    "play",
    "recorder",
    "routes",
    "save_speech",
    "simulated",
    "speak",
    "start",
    "stop",
    "studio",
    "transcribe",
    "transcript_of",
    "with_retries",
    "word_error_rate",
]


def __getattr__(name: str):  # public submodules, imported by the notebooks that use them (the studio: ipywidgets)
    if name in ("offline", "recorder", "routes", "studio"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
