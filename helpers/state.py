"""Which mode is on: ``helpers.start()`` sets it, the calls read it (a module of its own: they need nothing else)."""

from __future__ import annotations

from contextvars import ContextVar

from .constants import Mode

_mode: Mode | None = None
local_fallback: ContextVar[bool] = ContextVar("local_fallback", default=True)
"""Whether auto mode answers a request nobody recorded locally; ``simulated("unrecorded")`` turns it off."""


def current_mode() -> Mode | None:
    """The mode ``start()`` turned on, or None before it was called."""
    return _mode


def set_mode(mode: Mode | None) -> None:
    global _mode
    _mode = mode
