"""Recordings of the services' answers: finding, reading, describing and opening them with vcrpy."""

from __future__ import annotations

import copy
import difflib
import functools
import json
import os
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import vcr
import vcr.persisters.filesystem
import vcr.stubs.aiohttp_stubs
import yaml
from vcr.request import Request
from vcr.serialize import deserialize, serialize
from vcr.serializers import yamlserializer

try:
    import fcntl
except ImportError:  # Windows: one recording process at a time
    fcntl = None

from ..errors import RecordingsFileError, UnrecordedRequestError
from .paths import recordings_dir, relative, scratch_dir
from .scrub import FILTER_HEADERS, PROVENANCE_HEADER, normalise_body, normalise_request, scrub_response

MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body")


def cassette_path(g4f_version: str | None = None) -> Path:
    """The recordings file for the installed (or the given) g4f version."""
    return recordings_dir() / f"g4f-{g4f_version or version('g4f')}.yaml"


# -- describing requests to people ---------------------------------------------


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_body(request: Request) -> str:
    """One line that says what a request asks for (voice, format, text, file)."""
    body = request.body
    if not body:
        return ""
    text = body.decode(errors="replace") if isinstance(body, bytes) else str(body)
    if text.startswith("multipart/form-data"):
        return "; ".join(line.split(",")[0] if ": file" in line else line for line in text.splitlines()[1:])
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return _short(text)
    audio = data.get("audio") or {}
    parts = [f"model={data['model']}"] if "model" in data else []
    parts += [f"{key}={audio[key]}" for key in ("voice", "format") if key in audio]
    if "voice" in data:
        parts.append(f"voice={data['voice']}")
    if isinstance(data.get("modalities"), list):  # matching compares it: a request without audio differs here
        parts.append(f"modalities={'+'.join(map(str, data['modalities']))}")
    described = {"model", "audio", "voice", "modalities", "messages", "input"}
    parts += [f"{key}={_short(json.dumps(value), 40)}" for key, value in sorted(data.items()) if key not in described]
    for message in (data.get("messages") or [])[-1:]:
        content = message.get("content") if isinstance(message, dict) else message
        if isinstance(content, list):
            kinds = [part.get("type", "?") for part in content if isinstance(part, dict)]
            words = [part["text"] for part in content if isinstance(part, dict) and part.get("text")]
            parts.append(f"content={'+'.join(kinds)}")
            parts += [f"text={_short(word)!r}" for word in words[:1]]
        elif content:
            parts.append(f"text={_short(content)!r}")
    if "input" in data:
        parts.append(f"text={_short(data['input'])!r}")
    return ", ".join(parts)


def describe_request(request: Request) -> str:
    """``METHOD url`` plus what the body asks for."""
    what = describe_body(request)
    line = f"{request.method} {request.uri}"
    return f"{line}  [{what}]" if what else line


@dataclass(frozen=True)
class Recording:
    """One recorded request and where its answer came from."""

    request: Request
    status: int
    provenance: str


def read_recordings(path: Path) -> tuple[list[Request], list[dict]]:
    """Parse a recordings file once: (requests, answers), or :class:`RecordingsFileError` naming what is wrong."""
    where = relative(path)

    def refuse(what: str) -> RecordingsFileError:
        return RecordingsFileError(f"Cannot use {where} as recordings: {what}.")

    if path.is_dir():
        raise refuse("it is a folder, not a file. Name the .yaml file inside it")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise refuse(f"it cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise refuse("it is empty. Give a recordings file (recordings/g4f-<version>.yaml), or record one")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise refuse(
            f"it is not UTF-8 text (byte {error.object[error.start]:#04x} at position {error.start})"
        ) from None
    try:
        loaded = yamlserializer.deserialize(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise refuse(f"it is not valid YAML ({problem}{line})") from None
    interactions = loaded.get("interactions") if isinstance(loaded, dict) else None
    if not isinstance(interactions, list):
        raise refuse("it is YAML but not a recordings file (no list of 'interactions')")
    for number, entry in enumerate(interactions, 1):
        request, response = (entry.get("request"), entry.get("response")) if isinstance(entry, dict) else (None, None)
        status = response.get("status") if isinstance(response, dict) else None
        missing = [] if isinstance(request, dict) and {"method", "uri"} <= request.keys() else ["request"]
        missing += [] if isinstance(status, dict) and "code" in status else ["response"]
        if missing:
            raise refuse(f"entry {number} of {len(interactions)} is incomplete (no {' or '.join(missing)}): cut off?")
    try:
        requests, responses = deserialize(text, SimpleNamespace(deserialize=lambda _text: loaded))  # parsed once
    except Exception as error:  # anything else vcrpy cannot read
        raise refuse(f"vcrpy cannot read it ({type(error).__name__}: {_short(error, 80)})") from None
    return requests, responses


def describe_recordings(requests: list[Request], responses: list[dict]) -> list[Recording]:
    return [
        Recording(q, a["status"]["code"], (a.get("headers", {}).get(PROVENANCE_HEADER) or [""])[0] or "unknown")
        for q, a in zip(requests, responses, strict=True)
    ]


def load_recordings(path: Path | None = None) -> list[Recording]:
    """Read a recordings file (without turning replay on)."""
    path = path or cassette_path()
    return describe_recordings(*read_recordings(path)) if path.exists() else []


def recorded_speech(path: Path | None = None) -> list[dict[str, str]]:
    """The speech requests a recordings file answers: ``{"voice", "format", "text"}`` each."""
    found = []
    for recording in load_recordings(path):
        try:
            data = json.loads(recording.request.body or "")
        except ValueError:
            continue
        if not isinstance(data, dict) or "audio" not in data.get("modalities", []) or recording.status != 200:
            continue
        content = data["messages"][-1]["content"]
        if isinstance(content, str):
            found.append({"voice": data["audio"]["voice"], "format": data["audio"]["format"], "text": content})
    return found


def provenance_summary(recordings: list[Recording]) -> str:
    """'stand-in recordings', 'live recordings', or a count of each."""
    stand_ins = sum("stand-in" in r.provenance for r in recordings)
    live = len(recordings) - stand_ins
    if not recordings:
        return "no recordings yet"
    if not live:
        return "stand-in recordings built offline"
    if not stand_ins:
        return "live recordings"
    return f"recordings ({live} live, {stand_ins} stand-in)"


# -- a clear error for a request nobody recorded ---------------------------------

UNRECORDED: list[Request] = []
"""Every request replay could not answer in this process (newest last)."""
_open: dict[int, Path] = {}  # id(cassette) -> its file, for messages


def unrecorded(cassette: Any, failed_request: Request) -> UnrecordedRequestError:
    """The learner's version of vcrpy's CannotOverwriteExistingCassetteException."""
    request = normalise_request(failed_request)
    UNRECORDED.append(request)
    where = relative(_open.get(id(cassette), Path("the recordings")))
    same_endpoint = [
        r for r in cassette.requests if r.method == request.method and r.uri.split("?")[0] == request.uri.split("?")[0]
    ]
    lines = [
        "No recording answers this request, so it was stopped before anything was sent:",
        f"  asked:    {describe_request(request)}",
    ]
    if same_endpoint:
        asked = describe_body(request)
        described = sorted({describe_body(r) or "(no body)" for r in same_endpoint})
        described.sort(key=lambda d: -difflib.SequenceMatcher(None, d, asked).ratio())  # the closest first
        lines.append(f"  recorded for this address in {where} (the closest first):")
        lines += [f"    - {d}" for d in described[:8]]
        if len(described) > 8:
            lines.append(f"    … and {len(described) - 8} more")
    else:
        lines.append(f"  {where} has nothing for this address.")
    lines.append(
        "  What to do: ask for one of the recorded requests, or go online with "
        "helpers.start('live') (or set G4F_TUTORIAL_MODE=live)."
    )
    return UnrecordedRequestError("\n".join(lines), request=request)


# -- turning a cassette on and off ---------------------------------------------


def _g4f_stream_patch() -> tuple:
    """vcrpy's ``custom_patches`` giving replayed aiohttp answers g4f's streaming methods (``iter_lines``, ``sse``).

    g4f reads some answers (the Hugging Face providers' Gradio SSE stream) through its own ``StreamResponse``;
    vcrpy's ``MockClientResponse`` lacks its methods, so a class with both replaces it while a cassette is open.
    """
    try:
        from g4f.requests.aiohttp import StreamResponse
    except ImportError:
        return ()
    replayed = type("ReplayedG4FResponse", (vcr.stubs.aiohttp_stubs.MockClientResponse, StreamResponse), {})
    return ((vcr.stubs.aiohttp_stubs, "MockClientResponse", replayed),)


REFUSALS = {401, 402, 403, 429}
"""Statuses record mode never stores (nor any 5xx): a refusal would replace an answer that works."""
SIZE_LIMIT = 512 * 1024
"""What one recordings file may weigh (tests/test_recordings.py holds every file to it)."""


RUN_VARIABLE, RUN_HEADER = "G4F_RECORD_RUN", "x-tutorial-run"
_runs_made: set[str] = set()


def record_run() -> str:
    """The record run this process belongs to: ``G4F_RECORD_RUN`` (``make record`` sets one for all its notebooks;
    a script a notebook starts inherits it), else a new one for this ``start()``, passed on to such scripts."""
    run = os.environ.get(RUN_VARIABLE, "")
    if not run or run in _runs_made:
        run = os.urandom(6).hex()
        _runs_made.add(run)
        os.environ[RUN_VARIABLE] = run
    return run


def _recordable(response: dict, run: str) -> dict | None:
    """Record mode's ``before_record_response``: scrubbed live answers marked with their run; refusals and server
    errors dropped. (vcrpy runs it on the loaded answers too: those carry their provenance and stay as they are.)
    """
    if PROVENANCE_HEADER not in {key.lower() for key in response.get("headers", {})}:  # a live answer
        status = response.get("status", {}).get("code", 200)
        if status in REFUSALS or status >= 500:
            return None
        response.setdefault("headers", {})[RUN_HEADER] = [run]
    return scrub_response(response)


class _Persister(vcr.persisters.filesystem.FilesystemPersister):
    """vcrpy persister that hands over a file :func:`read_recordings` parsed already."""

    preloaded: dict[str, tuple[list[Request], list[dict]]] = {}

    @classmethod
    def load_cassette(cls, cassette_path: Any, serializer: Any) -> tuple[list[Request], list[dict]]:
        return cls.preloaded.pop(str(cassette_path), None) or super().load_cassette(cassette_path, serializer)


WEBSOCKET_FRAMES = "application/x-websocket-frames"


def storable(response: dict) -> bool:
    """Not the HTTP handshake vcrpy keeps for a WebSocket (:mod:`.websocket` stores the session's frames)."""
    return response["status"]["code"] != 101 or WEBSOCKET_FRAMES in str(response.get("headers"))


FILE_DIGEST = re.compile(r"\d+ bytes, sha256 [0-9a-f]{64}")
"""How a request's summary names a file it sends (see :mod:`.scrub`)."""


def _key(request: Request) -> tuple:
    """What a request asks, whatever the bytes of the files it sends."""
    return request.method, request.uri, FILE_DIGEST.sub("<file>", str(request.body))


def _save_new(path: Path, request: Request, response: dict) -> None:
    """Record mode: add one answer to the file as it is on disk now, replacing what it makes stale.

    Each answer is saved as it comes, under a lock, into what is on disk at that moment: a script that records
    while the notebook does (notebook 04 runs one) keeps its answers, and the newest answer to a request wins.
    So does the newest answer about a file sent again with other bytes (a clip generated anew), unless the older
    one is from this record run, which may send two clips of one name.
    """
    scratch_dir().mkdir(parents=True, exist_ok=True)
    with open(scratch_dir() / f"{path.name}.lock", "a") as lock:  # gitignored, and kept: its inode is the lock
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        pairs = list(zip(*read_recordings(path), strict=True)) if path.exists() else []
        same, key, run = (request.method, request.uri, request.body), _key(request), response["headers"].get(RUN_HEADER)

        def stale(q: Request, a: dict) -> bool:
            return (q.method, q.uri, q.body) == same or (_key(q) == key and a.get("headers", {}).get(RUN_HEADER) != run)

        pairs = [(q, a) for q, a in pairs if storable(a) and not stale(q, a)] + [(request, response)]
        answers = copy.deepcopy([a for _, a in pairs])  # serialize() turns bodies into text in place
        text = serialize({"requests": [q for q, _ in pairs], "responses": answers}, yamlserializer)
        part = path.with_name(f".{path.name}.part")
        part.write_text(text, encoding="utf-8")
        os.replace(part, path)  # a process starting now reads the old file or the new one, never half of one
    if len(text.encode()) > SIZE_LIMIT:
        print(
            f"Warning: {relative(path)} is {len(text.encode()) // 1024} KiB, over the {SIZE_LIMIT // 1024} KiB "
            "a recordings file may weigh. Record fewer or shorter clips."
        )


def _saving_each_answer(cassette: Any, path: Path) -> None:
    """Record mode's cassette saves every answer it keeps at once (see :func:`_save_new`), none at the end."""
    append = cassette.append

    def append_and_save(request: Request, response: dict) -> None:
        kept = len(cassette.data)
        append(request, response)
        if len(cassette.data) > kept and storable(cassette.data[-1][1]):
            _save_new(path, *cassette.data[-1])
        cassette.dirty = False

    cassette.append = append_and_save


def open_cassette(
    path: Path, *, record: bool, repeat: bool = True, parsed: tuple[list[Request], list[dict]] | None = None
) -> tuple[Any, Any]:
    """Enter a vcrpy cassette; returns (context manager, cassette).

    ``record=False`` replays only; ``record=True`` sends requests for real and replaces the recordings they match,
    except what this record run (:func:`record_run`) already asked: that is played back, so a clip one lesson
    transcribes is the clip every lesson of the run got. ``repeat=False`` plays each recorded answer once, in order
    (a 429 first, then a success). ``parsed`` is the file as :func:`read_recordings` returned it.
    """
    path, run = Path(path), record_run() if record else ""
    config = vcr.VCR(
        serializer="yaml",
        match_on=MATCH_ON,
        filter_headers=FILTER_HEADERS,
        before_record_request=normalise_body,
        before_record_response=functools.partial(_recordable, run=run) if record else scrub_response,
        decode_compressed_response=True,
        record_mode="new_episodes" if record else "none",
    )
    if record:  # record mode plays back only what this run recorded: one run asks each request once
        recorded = zip(*(parsed or (read_recordings(path) if path.exists() else ([], []))), strict=True)
        pairs = [(q, a) for q, a in recorded if a.get("headers", {}).get(RUN_HEADER) == [run]]
        parsed = [q for q, _ in pairs], [a for _, a in pairs]
    if parsed is not None:
        _Persister.preloaded[str(path)] = parsed
    config.register_persister(_Persister)
    context = config.use_cassette(str(path), allow_playback_repeats=repeat, custom_patches=_g4f_stream_patch())
    cassette = context.__enter__()
    _open[id(cassette)] = path
    if record:
        _saving_each_answer(cassette, path)
    return context, cassette


def main_recordings() -> Path | None:
    """The recordings file open for the current mode (not a fault scenario), if any."""
    return next((path for path in _open.values() if "faults" not in path.parts), None)


def close_cassette(context: Any, cassette: Any) -> None:
    """Leave the cassette."""
    _open.pop(id(cassette), None)
    context.__exit__(None, None, None)
