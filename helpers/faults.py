"""Replay what goes wrong: recorded error answers and network faults, on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ._replay import cassettes, transport
from ._replay.paths import recordings_dir


def available_faults() -> list[str]:
    """Names of the recorded fault scenarios (files in recordings/faults/)."""
    return sorted(path.stem for path in (recordings_dir() / "faults").glob("*.yaml"))


@contextmanager
def simulated_latency(seconds: float) -> Iterator[None]:
    """Inside the block every answer takes ``seconds`` longer, as over a real network."""
    token = transport.latency.set(seconds)
    try:
        yield
    finally:
        transport.latency.reset(token)


@contextmanager
def simulated(name: str) -> Iterator[None]:
    """Inside the block, the documented speech call meets the fault ``name``.

    Each scenario's answers play once, in order (``rate-limit-then-ok``
    answers 429 first, then the speech), through g4f's real code.
    """
    path = recordings_dir() / "faults" / f"{name}.yaml"
    if not path.exists():
        raise ValueError(f"No recorded fault {name!r}. Recorded: {', '.join(available_faults())}.")
    context, cassette = cassettes.open_cassette(path, record=False, repeat=False)
    previous = transport.watch()
    try:
        yield
    finally:
        transport.unwatch(previous)
        cassettes.close_cassette(context, cassette)
