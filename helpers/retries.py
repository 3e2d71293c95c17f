"""Timeouts, retries with backoff, and errors a learner can act on."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import aiohttp
import tenacity

from .errors import ArgumentError, NetworkBlockedError, NotStartedError, ServiceError, UnrecordedRequestError

T = TypeVar("T")
STATUS = re.compile(r"\b(?:Error|Response|status)[ :]+(\d{3})\b")
NO_NAME = re.compile(r"NameResolution|Name or service not known|Temporary failure in name resolution|nodename nor")


@dataclass(frozen=True)
class Seen:
    """What an answer said about itself."""

    status: int
    url: str
    retry_after: float | None


_observed: ContextVar[list[Seen] | None] = ContextVar("observed", default=None)


def observe() -> list[Seen]:
    """Collect what answers say about themselves, in this task and the tasks it starts (a list: they share it)."""
    seen: list[Seen] = []
    _observed.set(seen)
    return seen


def note(status: int, url: str, retry_after: str | None) -> None:
    """Called for every answer (by the transport watch): remember its status and ``Retry-After``."""
    seen = _observed.get()
    if seen is not None:
        seen.append(Seen(status, url, _seconds(retry_after)))


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    retry: bool
    advice: str
    status: int | None = None


BY_STATUS = {
    401: (
        "auth",
        False,
        "The service refused access: this model may need an API key, and a key is needed here. "
        "Set POLLINATIONS_API_KEY to your own key (os.environ['POLLINATIONS_API_KEY'] = 'sk_...' in a cell, "
        "or export it before starting Jupyter), then helpers.start('live'); or use replay mode.",
    ),
    402: (
        "quota",
        False,
        "A key with budget is needed: set POLLINATIONS_API_KEY to your own sk_ key, or use replay/auto mode.",
    ),
    403: (
        "auth",
        False,
        "The service refused access: this model may need an API key or a higher tier. Choose "
        "another model or provider, or add a key.",
    ),
    404: ("not-found", False, "Check the model name (and the provider) for typos."),
    429: ("rate-limit", True, "Too many requests: wait a minute before trying again."),
    **dict.fromkeys(
        (400, 413, 422), ("bad-request", False, "The service rejected the request; check the text, voice and format.")
    ),
}
"""What each refusal means for a learner: (kind, worth retrying, advice)."""


def diagnose(error: BaseException, seen: list[Seen] | None = None) -> Diagnosis:
    """Sort an exception from a provider call into a kind, whether to retry, and advice."""
    if isinstance(error, UnrecordedRequestError):
        return Diagnosis("unrecorded", False, "")  # its own message already says what to do
    if isinstance(error, (NotStartedError, NetworkBlockedError)):
        return Diagnosis("not-started" if isinstance(error, NotStartedError) else "offline-mode", False, "")
    if NO_NAME.search(f"{type(error).__name__} {error}"):
        return Diagnosis(
            "no-internet",
            False,
            "No internet connection: the service's address could not be looked up. Connect, then try again; "
            "or work offline with helpers.start('replay').",
        )
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
    said = STATUS.search(str(error))  # the status g4f's message names, else the last answer's if it refused
    status = int(said.group(1)) if said else (seen[-1].status if seen and seen[-1].status >= 400 else None)
    answered = bool(seen) and seen[-1].status < 300
    if answered and status is None and isinstance(error, (TypeError, KeyError, ValueError, AttributeError, IndexError)):
        return Diagnosis(
            "malformed",
            False,
            "The service answered, but the answer was empty or not in the "
            "expected shape; try again later or use another provider.",
        )
    if status in BY_STATUS:
        kind, retry, advice = BY_STATUS[status]
        return Diagnosis(kind, retry, advice, status)
    if status is not None and status >= 500:
        return Diagnosis(
            "server", True, "The service is having trouble; try again later or use another provider.", status
        )
    return Diagnosis("other", False, "See the message above; if it persists, try another provider.", status)


def _service_error(error: BaseException, seen: list[Seen], attempt: int, timeout: float) -> ServiceError:
    found = diagnose(error, seen)
    if isinstance(error, asyncio.TimeoutError) and not str(error):
        error = TimeoutError(f"no answer within {timeout:g} s")
    tried = f" (tried {attempt} times)" if attempt > 1 else ""
    said = re.sub(r"^(Error \d{3}: )\1", r"\1", str(error)).rstrip(".")
    if found.kind == "no-internet":
        said = "no internet connection"
    if found.kind == "malformed" and not isinstance(error, (json.JSONDecodeError, aiohttp.ContentTypeError)):
        # g4f tripped over the answer (e.g. "argument of type 'NoneType' is not iterable"): say that first
        said = f"the answer could not be read (g4f: {type(error).__name__}: {said})"
    advice = f" {found.advice}" if found.advice else ""
    return ServiceError(f"{found.kind}: {said}{tried}.{advice}", kind=found.kind, status=found.status, attempts=attempt)


def _check_number(name: str, value: object, *, minimum: float, above: bool = False, whole: bool = False) -> None:
    """An ArgumentError naming the argument, before anything is sent (attempts="3", timeout=-1...)."""
    kind = "a whole number" if whole else "a number of seconds"
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        raise ArgumentError(f"{name} takes {kind}, not {type(value).__name__} {value!r}. Nothing was sent.")
    if value != value or (value <= minimum if above else value < minimum):  # NaN, or out of range
        bound = f"more than {minimum:g}" if above else f"{minimum:g} or more"
        raise ArgumentError(f"{name} must be {bound}, not {value!r}. Nothing was sent.")


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
    _check_number("attempts", attempts, minimum=1, whole=True)
    _check_number("timeout", timeout, minimum=0, above=True)
    _check_number("backoff", backoff, minimum=0)
    _check_number("max_wait", max_wait, minimum=0)
    seen: list[list[Seen]] = []  # what the answers of each attempt said about themselves

    async def attempt() -> T:
        seen.append(observe())
        return await asyncio.wait_for(call(), timeout)

    def wait(state: tenacity.RetryCallState) -> float:  # Retry-After if the service sent one, else backoff × 2ⁿ
        asked = seen[-1][-1].retry_after if seen[-1] else None
        return min(backoff * 2 ** (state.attempt_number - 1) if asked is None else asked, max_wait)

    retrying = tenacity.AsyncRetrying(
        stop=tenacity.stop_after_attempt(attempts),
        wait=wait,
        retry=tenacity.retry_if_exception(lambda error: diagnose(error, seen[-1]).retry),
        sleep=sleep,
        reraise=True,
    )
    try:
        return await retrying(attempt)
    except Exception as error:  # sorted into a ServiceError; nothing is swallowed
        raise _service_error(error, seen[-1] if seen else [], len(seen), timeout) from error
