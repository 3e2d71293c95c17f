"""The one watch over g4f's HTTP requests (aiohttp and requests), in every mode and before ``start()``.

It turns a request the network guard (:mod:`.netguard`) refused back into the guard's own error, and one no
recording answers into :class:`helpers.errors.UnrecordedRequestError`; hands every answer's status and
``Retry-After`` to :func:`helpers.retries.note` (g4f's exceptions keep only a message); and plays the network
faults no HTTP recording can hold (an answer carrying ``x-tutorial-fault``: a reset, a read timeout, a delay).
"""

from __future__ import annotations

import asyncio
import errno
import functools
from typing import Any

import aiohttp
from requests.adapters import HTTPAdapter
from vcr.errors import CannotOverwriteExistingCassetteException

from ..errors import NetworkBlockedError, NotStartedError
from ..retries import note
from .cassettes import unrecorded

FAULT_HEADER = "x-tutorial-fault"


async def _play_fault(fault: str, url: str) -> None:
    if fault == "connection-reset":
        raise aiohttp.ClientOSError(errno.ECONNRESET, f"Connection reset by peer ({url})")
    if fault == "read-timeout":
        raise aiohttp.ServerTimeoutError(f"Timeout on reading data from socket ({url})")
    if fault.startswith("delay="):
        await asyncio.sleep(float(fault.removeprefix("delay=")))
        return
    raise ValueError(f"Unknown simulated fault {fault!r} in a recording")


def _learners_error(error: BaseException) -> BaseException | None:
    """What to raise instead of ``error``: replay's refusal of an unrecorded request, or the network guard's own
    error that aiohttp or requests wrapped into ``error``; None to let ``error`` through."""
    if isinstance(error, CannotOverwriteExistingCassetteException):
        return unrecorded(error.cassette, error.failed_request)
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (NotStartedError, NetworkBlockedError)):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def _watch_aiohttp(request: Any) -> Any:
    @functools.wraps(request)
    async def watched(self: aiohttp.ClientSession, method: str, url: Any, **kwargs: Any) -> Any:
        try:
            response = await request(self, method, url, **kwargs)
        except (CannotOverwriteExistingCassetteException, aiohttp.ClientError) as error:
            if instead := _learners_error(error):
                raise instead from None
            raise
        if fault := response.headers.get(FAULT_HEADER):
            await _play_fault(fault, str(url))
        note(response.status, str(url), response.headers.get("Retry-After"))
        return response

    watched.__wrapped_by_helpers__ = True
    return watched


def _watch_requests(send: Any) -> Any:
    @functools.wraps(send)
    def watched(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            response = send(self, request, *args, **kwargs)
        except (CannotOverwriteExistingCassetteException, OSError) as error:  # OSError: requests' ConnectionError
            if instead := _learners_error(error):
                raise instead from None
            raise
        note(response.status_code, str(request.url), response.headers.get("Retry-After"))
        return response

    watched.__wrapped_by_helpers__ = True
    return watched


def watch() -> tuple[Any, Any]:
    """Wrap whatever aiohttp's and requests' send functions are now; returns what :func:`unwatch` restores."""
    previous = aiohttp.ClientSession._request, HTTPAdapter.send
    aiohttp.ClientSession._request = _watch_aiohttp(previous[0])
    HTTPAdapter.send = _watch_requests(previous[1])
    return previous


def unwatch(previous: tuple[Any, Any]) -> None:
    """Undo :func:`watch` (each only if nothing wrapped it since)."""
    if getattr(aiohttp.ClientSession._request, "__wrapped_by_helpers__", False):
        aiohttp.ClientSession._request = previous[0]
    if getattr(HTTPAdapter.send, "__wrapped_by_helpers__", False):
        HTTPAdapter.send = previous[1]
