"""Helpers for the g4f audio notebooks: one mode switch and a few audio tools."""

from .modes import Mode, current_mode, start, stop
from .recordings import UnrecordedRequestError

__all__ = ["Mode", "UnrecordedRequestError", "current_mode", "start", "stop"]
