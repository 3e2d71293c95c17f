"""Replay what goes wrong: recorded error answers and network faults, on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from . import recordings, transport
from .paths import RECORDINGS_DIR

FAULTS_DIR = RECORDINGS_DIR / "faults"


def available_faults() -> list[str]:
    """Names of the recorded fault scenarios (files in recordings/faults/)."""
    return sorted(path.stem for path in FAULTS_DIR.glob("*.yaml"))


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
    path = FAULTS_DIR / f"{name}.yaml"
    if not path.exists():
        raise ValueError(f"No recorded fault {name!r}. Recorded: {', '.join(available_faults())}.")
    context, _cassette = recordings.open_cassette(path, record=False, repeat=False)
    previous = transport.watch()
    try:
        yield
    finally:
        transport.unwatch(previous)
        context.__exit__(None, None, None)
