"""Timeouts, retries with backoff, and errors a learner can act on."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import aiohttp

from .recordings import UnrecordedRequestError
from .transport import Seen, observe

T = TypeVar("T")
STATUS = re.compile(r"\b(?:Error|Response|status)[ :]+(\d{3})\b")


class ServiceError(RuntimeError):
    """A provider call failed; the message says what happened and what to do."""

    def __init__(self, message: str, *, kind: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.kind, self.status, self.attempts = kind, status, attempts


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    retry: bool
    advice: str
    status: int | None = None


def _status_of(error: BaseException, seen: list[Seen]) -> int | None:
    found = STATUS.search(str(error))
    if found:
        return int(found.group(1))
    return seen[-1].status if seen and seen[-1].status >= 400 else None


def diagnose(error: BaseException, seen: list[Seen] | None = None) -> Diagnosis:
    """Sort an exception from a provider call into a kind, whether to retry, and advice."""
    if isinstance(error, UnrecordedRequestError):
        return Diagnosis("unrecorded", False, "")  # its own message already says what to do
    if isinstance(error, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return Diagnosis("timeout", True, "The service is slow right now; try again, or raise the timeout.")
    if isinstance(error, aiohttp.ClientConnectionError):
        return Diagnosis("connection", True, "Check your internet connection, then try again.")
    if isinstance(error, (json.JSONDecodeError, aiohttp.ContentTypeError)) or "JSON" in type(error).__name__:
        return Diagnosis(
            "malformed",
            False,
            "The service sent an answer that is not valid JSON; try again later or use another provider.",
        )
    status = _status_of(error, seen or [])
    answered = bool(seen) and seen[-1].status < 300
    if answered and status is None and isinstance(error, (TypeError, KeyError, ValueError, AttributeError, IndexError)):
        return Diagnosis(
            "malformed",
            False,
            "The service answered, but the answer was empty or not in the "
            "expected shape; try again later or use another provider.",
        )
    if status in (401, 403):
        return Diagnosis(
            "auth",
            False,
            "The service refused access: this model may need an API key "
            "or a higher tier. Choose another model or provider, or add a key.",
            status,
        )
    if status == 404:
        return Diagnosis("not-found", False, "Check the model name (and the provider) for typos.", status)
    if status in (400, 413, 422):
        return Diagnosis(
            "bad-request", False, "The service rejected the request; check the text, voice and format.", status
        )
    if status == 429:
        return Diagnosis("rate-limit", True, "Too many requests: wait a minute before trying again.", status)
    if status is not None and status >= 500:
        return Diagnosis(
            "server", True, "The service is having trouble; try again later or use another provider.", status
        )
    return Diagnosis("other", False, "See the message above; if it persists, try another provider.", status)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int = 3,
    timeout: float = 60.0,
    backoff: float = 1.0,
    max_wait: float = 30.0,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Await ``call()`` with a timeout per attempt, retrying what is worth retrying.

    Rate limits, server errors, resets and timeouts are retried up to
    ``attempts`` times in all, waiting ``Retry-After`` when the service sent
    one (at most ``max_wait`` s), else ``backoff``, 2×, 4× … seconds. Anything
    else fails at once. Failures are raised as :class:`ServiceError`.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be 1 or more, not {attempts}.")
    for attempt in range(1, attempts + 1):
        seen = observe()
        try:
            return await asyncio.wait_for(call(), timeout)
        except Exception as error:  # sorted below; nothing is swallowed
            found = diagnose(error, seen)
            if isinstance(error, asyncio.TimeoutError) and not str(error):
                error = TimeoutError(f"no answer within {timeout:g} s")
            if not found.retry or attempt == attempts:
                tried = f" (tried {attempt} times)" if attempt > 1 else ""
                said = re.sub(r"^(Error \d{3}: )\1", r"\1", str(error)).rstrip(".")
                advice = f" {found.advice}" if found.advice else ""
                raise ServiceError(
                    f"{found.kind}: {said}{tried}.{advice}",
                    kind=found.kind,
                    status=found.status,
                    attempts=attempt,
                ) from error
            retry_after = seen[-1].retry_after if seen else None
            wait = retry_after if retry_after is not None else backoff * 2 ** (attempt - 1)
            await sleep(min(wait, max_wait))
    raise AssertionError("unreachable")
