"""A thin watch over g4f's aiohttp requests: the last status seen, unrecorded requests, network faults.

g4f turns HTTP errors into exceptions that keep only a message, so the
retry logic cannot see a ``Retry-After`` header. This wrapper around
``aiohttp.ClientSession._request`` (around vcrpy's wrapper, when a recording
is playing) remembers the status and ``Retry-After`` of the last answer.

A request no recording answers (vcrpy's CannotOverwriteExistingCassetteException)
becomes :class:`helpers.errors.UnrecordedRequestError`, whose message says
what was asked, what is recorded there, and what to do.

It also plays the network faults that no HTTP recording can hold: a played
answer carrying the header ``x-tutorial-fault`` becomes a connection reset,
a read timeout, or a delay, exactly where a real one would happen.
"""

from __future__ import annotations

import asyncio
import errno
import functools
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from vcr.errors import CannotOverwriteExistingCassetteException

from ..errors import UnrecordedRequestError
from .cassettes import unrecorded

FAULT_HEADER = "x-tutorial-fault"


@dataclass(frozen=True)
class Seen:
    """What the last answer said about itself."""

    status: int
    url: str
    retry_after: float | None


_observed: ContextVar[list[Seen] | None] = ContextVar("observed", default=None)
latency: ContextVar[float] = ContextVar("latency", default=0.0)
"""Seconds added to every answer: replay is instant, real services are not."""


def observe() -> list[Seen]:
    """Start collecting what answers say about themselves, in this task and the tasks it starts.

    Returns the list that fills up (a list, not a value, so tasks that
    ``asyncio.wait_for`` creates with a copy of the context still add to it).
    """
    seen: list[Seen] = []
    _observed.set(seen)
    return seen


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


async def _play_fault(fault: str, url: str) -> None:
    if fault == "connection-reset":
        raise aiohttp.ClientOSError(errno.ECONNRESET, f"Connection reset by peer ({url})")
    if fault == "read-timeout":
        raise aiohttp.ServerTimeoutError(f"Timeout on reading data from socket ({url})")
    if fault.startswith("delay="):
        await asyncio.sleep(float(fault.removeprefix("delay=")))
        return
    raise ValueError(f"Unknown simulated fault {fault!r} in a recording")


def _watch(request: Any) -> Any:
    @functools.wraps(request)
    async def watched(self: aiohttp.ClientSession, method: str, url: Any, **kwargs: Any) -> Any:
        try:
            response = await request(self, method, url, **kwargs)
        except UnrecordedRequestError:
            raise  # already explained (an inner watch, e.g. inside simulated())
        except CannotOverwriteExistingCassetteException as error:
            raise unrecorded(error.cassette, error.failed_request) from None
        if latency.get():
            await asyncio.sleep(latency.get())
        fault = response.headers.get(FAULT_HEADER)
        if fault:
            await _play_fault(fault, str(url))
        seen = _observed.get()
        if seen is not None:
            seen.append(Seen(response.status, str(url), _retry_after(response.headers.get("Retry-After"))))
        return response

    watched.__wrapped_by_helpers__ = True
    return watched


def watch() -> Any:
    """Wrap whatever ``ClientSession._request`` is now; returns what to restore."""
    current = aiohttp.ClientSession._request
    aiohttp.ClientSession._request = _watch(current)
    return current


def unwatch(previous: Any) -> None:
    """Undo :func:`watch` (only if nothing wrapped it since)."""
    if getattr(aiohttp.ClientSession._request, "__wrapped_by_helpers__", False):
        aiohttp.ClientSession._request = previous
