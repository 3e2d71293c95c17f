"""Every error the helpers raise, under one base class, each with a message that says what to do.

Catch :class:`TutorialError` for all of them. Each also subclasses the
built-in error it is a kind of, so ``except ValueError`` or
``except FileExistsError`` keeps working.
"""

from __future__ import annotations

from typing import Any

from vcr.errors import CannotOverwriteExistingCassetteException


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


class ProviderNotFoundError(TutorialError, LookupError):
    """No provider of that name (or of its later names) in the installed g4f."""


class ServiceError(TutorialError, RuntimeError):
    """A provider call failed. ``kind`` sorts it (rate-limit, auth, server, timeout…)."""

    def __init__(self, message: str, *, kind: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.kind, self.status, self.attempts = kind, status, attempts


class UnrecordedRequestError(TutorialError, CannotOverwriteExistingCassetteException):
    """Replay mode got a request that no recording answers; nothing was sent.

    A subclass of vcrpy's own error, so code that catches vcrpy's still works.
    """

    def __init__(self, message: str, *, request: Any = None) -> None:
        Exception.__init__(self, message)
        self.failed_request = request


class ModelFileError(TutorialError, FileNotFoundError):
    """A local model (offline extra) is missing, incomplete, or not the file that was pinned."""
