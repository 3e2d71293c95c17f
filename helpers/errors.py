"""Every error the helpers raise, under one base class, each with a message that says what to do.

Catch :class:`TutorialError` for all of them. Each also subclasses the
built-in error it is a kind of, so ``except ValueError`` or
``except FileExistsError`` keeps working.
"""

from __future__ import annotations

from typing import Any


class TutorialError(Exception):
    """Base class of the helpers' errors."""


class AudioFileError(TutorialError, ValueError):
    """An audio file that cannot be used (missing, empty, too large, not audio, cut off)."""


class SpeechRequestError(TutorialError, ValueError):
    """The text, voice or format cannot be sent; the message says what to change."""


class NoAudioError(TutorialError, ValueError):
    """The answer holds no audio."""


class FileExistsNotOverwrittenError(TutorialError, FileExistsError):
    """The target exists and ``overwrite`` was not asked for."""


class ServiceError(TutorialError, RuntimeError):
    """A provider call failed. ``kind`` sorts it (rate-limit, auth, server, timeout…)."""

    def __init__(self, message: str, *, kind: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.kind, self.status, self.attempts = kind, status, attempts


class UnrecordedRequestError(TutorialError, LookupError):
    """Replay mode got a request that no recording answers; nothing was sent."""

    def __init__(self, message: str, *, request: Any = None) -> None:
        Exception.__init__(self, message)
        self.failed_request = request


class ModelFileError(TutorialError, FileNotFoundError):
    """A local model (offline extra) is missing, incomplete, or not the file that was pinned."""


class ArgumentError(TutorialError, TypeError, ValueError):
    """An argument of the wrong type or out of range (a TypeError and a ValueError); the message says what it takes."""


class FolderNotFoundError(TutorialError, FileNotFoundError):
    """The folder to save into does not exist (nothing is created behind the learner's back)."""


class SaveTargetError(TutorialError, OSError):
    """The place to save cannot be written: a folder, a broken or looping link, a read-only folder, a bad name."""


class RecordingsFileError(TutorialError, ValueError):
    """A recordings file that cannot be used (empty, not YAML, not UTF-8, an incomplete entry, a folder)."""


class NotStartedError(TutorialError, ConnectionRefusedError):
    """A request before ``helpers.start()`` ran in this kernel; nothing was sent."""

    def __init__(self, target: Any = None) -> None:
        where = f" to {target}" if target else ""
        super().__init__(
            f"helpers.start() has not run in this kernel, so this request{where} was stopped (nothing was sent). "
            "Run the notebook's first cell (import helpers; helpers.start()), then this cell again: "
            "replay answers from the recordings, helpers.start('live') goes online."
        )
        self.target = target


class NetworkBlockedError(TutorialError, ConnectionRefusedError):
    """A connection off this machine in a mode that never goes online (replay, local, auto); nothing was sent."""

    def __init__(self, target: Any = None, mode: str = "replay") -> None:
        super().__init__(
            f"Blocked a network connection to {target!r}: {mode} mode never uses the internet (nothing was sent). "
            "Go online with helpers.start('live') (or G4F_TUTORIAL_MODE=live) to reach the real services."
        )
        self.target, self.mode = target, mode


class OfflineExtraMissingError(TutorialError, ModuleNotFoundError):
    """The offline extra (Piper, faster-whisper) is not installed. Shown in a notebook as one message."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]
