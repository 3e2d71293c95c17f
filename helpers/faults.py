"""Replay what goes wrong: recorded error answers and network faults, on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from . import state
from ._replay import cassettes, transport
from ._replay.paths import recordings_dir
from .errors import ArgumentError


def available_faults() -> list[str]:
    """Names of the recorded fault scenarios (files in recordings/faults/)."""
    return sorted(path.stem for path in (recordings_dir() / "faults").glob("*.yaml"))


UNRECORDED = "unrecorded"
"""``simulated("unrecorded")``: the recordings answer, read-only, whatever the mode."""


def simulated(name: str) -> AbstractContextManager[None]:
    """Inside the block, the documented speech call meets the fault ``name``.

    Each scenario's answers play once, in order (``rate-limit-then-ok`` answers 429 first, then the speech),
    through g4f's real code. ``name`` is one of :func:`available_faults`, nothing else (no paths).

    ``simulated("unrecorded")`` shows what a request nobody recorded meets: inside it the recordings answer
    read-only, even in record, live or auto mode, so re-recording never makes such a request "recorded" and auto
    mode does not answer it locally.
    """
    if name == UNRECORDED:
        return _simulated(cassettes.main_recordings() or cassettes.cassette_path(), repeat=True, fallback=False)
    folder = recordings_dir() / "faults"
    recorded = {path.relative_to(folder).with_suffix("").as_posix() for path in folder.rglob("*.yaml")}
    if not isinstance(name, str) or name not in recorded:  # a name, never a path out of faults/
        raise ArgumentError(f"No recorded fault {name!r}. Recorded: {', '.join(available_faults())}.")
    return _simulated(folder / f"{name}.yaml")


@contextmanager
def _simulated(path: Path, repeat: bool = False, fallback: bool = True) -> Iterator[None]:
    context, cassette = cassettes.open_cassette(path, record=False, repeat=repeat)
    previous, token = transport.watch(), state.local_fallback.set(fallback)
    try:
        yield
    finally:
        state.local_fallback.reset(token)
        transport.unwatch(previous)
        cassettes.close_cassette(context, cassette)
