"""The one switch: ``start()`` turns replay, live or record mode on in this process."""

from __future__ import annotations

import atexit
import functools
import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from . import explain, offline, state
from ._replay import before_start, cassettes, netguard, transport, websocket
from ._replay.isolation import hide_api_keys, isolate_g4f, restore_api_keys
from ._replay.paths import relative
from .constants import MODE_VARIABLE, OFFLINE_MODES, Mode
from .errors import ArgumentError, NetworkBlockedError, RecordingsFileError, UnrecordedRequestError
from .state import current_mode

LOCAL_NAMES = ("PollinationsAI", "PollinationsAudio")  # the providers the documented calls name
_MISSING = object()


@dataclass
class _State:
    context: Any = None
    cassette: Any = None
    unwatched_request: Any = None
    replaced_providers: dict[str, Any] | None = None


_state = _State()


def _choose(mode: str | None) -> Mode:
    choices = ", ".join(repr(m.value) for m in Mode)
    if mode is not None and not isinstance(mode, str):
        raise ArgumentError(
            f"helpers.start() takes the mode as text, not {type(mode).__name__} {mode!r}. Choose {choices}."
        )
    name = (mode or os.environ.get(MODE_VARIABLE) or Mode.REPLAY.value).strip().lower()
    try:
        return Mode(name)
    except ValueError:
        source = "argument" if mode else f"environment variable {MODE_VARIABLE}"
        raise ValueError(f"Unknown mode {name!r} (from the {source}). Choose one of {choices}.") from None


def stop() -> None:
    """Turn the current mode off: close the recordings (record mode has saved each answer as it came).

    Before ``start()`` there is no mode to turn off, and requests stay refused.
    """
    if before_start.refusing():
        return
    if _state.unwatched_request is not None:
        transport.unwatch(_state.unwatched_request)
    if _state.context is not None:
        websocket.detach()
        cassettes.close_cassette(_state.context, _state.cassette)
    _restore_providers()
    netguard.allow_network()
    restore_api_keys()
    explain.uninstall()
    _state.context = _state.cassette = _state.unwatched_request = None
    state.set_mode(None)


atexit.register(stop)


def _recorded_else_local(original: Any, local: Any) -> Any:
    """Auto mode's provider: ``original`` through the recordings; a request nobody recorded goes to ``local``."""

    class RecordedElseLocal(original):
        @classmethod
        async def create_async_generator(cls, model: str, messages: Any, **kwargs: Any) -> Any:
            try:
                async for chunk in original.create_async_generator(model, messages, **kwargs):
                    yield chunk
                return
            except UnrecordedRequestError:
                if not state.local_fallback.get():  # inside simulated("unrecorded"): show the refusal
                    raise
            async for chunk in local.create_async_generator(model, messages, **kwargs):
                yield chunk

    RecordedElseLocal.__name__ = RecordedElseLocal.__qualname__ = original.__name__
    return RecordedElseLocal


def _use_local_providers(fallback: bool) -> None:
    """Point the documented provider names at Piper and faster-whisper: always (local), or when unrecorded (auto)."""
    import g4f.Provider

    from .offline.local import LocalAudio

    _state.replaced_providers = {name: g4f.Provider.__dict__.get(name, _MISSING) for name in LOCAL_NAMES}
    for name in LOCAL_NAMES:
        original = getattr(g4f.Provider, name)
        setattr(g4f.Provider, name, _recorded_else_local(original, LocalAudio) if fallback else LocalAudio)


def _restore_providers() -> None:
    if not _state.replaced_providers:
        return
    import g4f.Provider

    for name, original in _state.replaced_providers.items():
        if original is _MISSING:
            delattr(g4f.Provider, name)  # g4f's lazy lookup answers again
        else:
            setattr(g4f.Provider, name, original)
    _state.replaced_providers = None


MODE_LINES = {
    Mode.REPLAY: "Answers come from {kind} in {where}; nothing goes online. Go online with helpers.start('live').",
    Mode.LOCAL: "Answers come from Piper and faster-whisper on this machine ({local} point at them); nothing goes "
    "online.",
    Mode.AUTO: "Answers come from {where} when recorded; {local} answer the rest with Piper and faster-whisper on "
    "this machine; nothing goes online.",
    Mode.RECORD: "Real answers from the internet are saved to {where} (keys and cookies removed).",
    Mode.LIVE: "Answers come from the real services over the internet; they can be slow, differ or fail.",
}


def mode_line(mode: Mode, path: Path | None, recordings: list | None = None) -> str:
    """The one line ``start()`` prints."""
    kind = cassettes.provenance_summary(recordings or [])
    local = "g4f.Provider.PollinationsAI and PollinationsAudio"
    return f"Mode: {mode.value}. " + MODE_LINES[mode].format(
        kind=kind, where=relative(path) if path else "", local=local
    )


def start(mode: str | None = None, *, recordings_file: str | os.PathLike | None = None) -> None:
    """Turn a mode on for this kernel or script and print which one.

    ``mode`` is ``"replay"``, ``"live"``, ``"record"``, ``"local"`` or ``"auto"``
    (the last two need the offline extra); without it the
    ``G4F_TUTORIAL_MODE`` environment variable decides, else replay. Call it
    before the first g4f request; calling it again switches mode.
    ``recordings_file`` replaces the recordings of the installed g4f version
    (recordings/g4f-<version>.yaml) with another file.
    """
    chosen = _choose(mode)
    if recordings_file is not None and not isinstance(recordings_file, (str, os.PathLike)):
        raise ArgumentError(
            f"recordings_file takes a path (text or pathlib.Path), not {type(recordings_file).__name__} "
            f"{recordings_file!r}."
        )
    needs_recordings = chosen in (Mode.REPLAY, Mode.AUTO, Mode.RECORD)
    path = Path(recordings_file) if recordings_file else (cassettes.cassette_path() if needs_recordings else None)
    # everything below is checked before stop(): a failed switch leaves the current mode on
    if chosen in (Mode.LOCAL, Mode.AUTO):
        offline.require()
    if chosen in (Mode.REPLAY, Mode.AUTO) and not path.exists():
        fix = (
            "Check the path you gave."
            if recordings_file
            else "Install the pinned g4f from requirements.txt, or use helpers.start('live')."
        )
        raise FileNotFoundError(f"There are no recordings at {relative(path)} (g4f {version('g4f')}). {fix}")
    parsed = None
    if needs_recordings and (path.exists() or path.is_symlink()):
        try:
            parsed = cassettes.read_recordings(path)
        except RecordingsFileError as error:
            still = f"The current mode ({current_mode()}) is still on." if current_mode() else "No mode was turned on."
            raise RecordingsFileError(f"{error} {still}") from None
    before_start.lift()
    stop()
    isolate_g4f()
    if chosen in OFFLINE_MODES:
        hide_api_keys()
        netguard.block_network(functools.partial(NetworkBlockedError, mode=chosen.value))
    if chosen in (Mode.LOCAL, Mode.AUTO):
        _use_local_providers(fallback=chosen is Mode.AUTO)
    if needs_recordings:
        _state.context, _state.cassette = cassettes.open_cassette(path, record=chosen is Mode.RECORD, parsed=parsed)
        websocket.attach(_state.cassette, record=chosen is Mode.RECORD)
    _state.unwatched_request = transport.watch()
    state.set_mode(chosen)
    explain.install()
    print(mode_line(chosen, path, cassettes.describe_recordings(*parsed) if parsed else None))


# Until start() runs, a request off this machine is refused with a message naming helpers.start(),
# unless G4F_TUTORIAL_MODE already chose an online mode (live, record) for this environment.
if os.environ.get(MODE_VARIABLE, "").strip().lower() not in (Mode.LIVE, Mode.RECORD):
    before_start.refuse_until_started()
