"""Recordings of the services' answers, played back (or written) with vcrpy.

Every request g4f makes passes through :func:`normalise_request` before it is
matched or saved, so the same rules keep secrets out of the files and make
random values (upload ids, seeds, multipart boundaries) match on replay.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from email.parser import BytesParser
from email.policy import HTTP
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import vcr
import vcr.stubs
import vcr.stubs.aiohttp_stubs
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from .paths import RECORDINGS_DIR, relative

MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body")
PROVENANCE_HEADER = "x-tutorial-provenance"
REDACTED = "<redacted>"
RANDOM = "<random>"

SECRET_HEADERS = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-zerogpu-token",
    "x-zerogpu-uuid",
    "x-hf-token",
    "x-goog-api-key",
}
SECRET_PARAMS = {"key", "api_key", "apikey", "token", "access_token", "auth", "password", "secret"}
RANDOM_PARAMS = {"upload_id", "session_hash", "seed", "__sign", "_", "t", "timestamp", "nonce"}
SECRET_PATTERN = re.compile(
    r"(?:Bearer\s+[\w.~+/=-]{8,}"
    r"|\b(?:sk|hf|pk|gsk|sk-proj)[_-][A-Za-z0-9_-]{8,}"
    r"|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+)"
)


def cassette_path(g4f_version: str | None = None) -> Path:
    """The recordings file for the installed (or the given) g4f version."""
    return RECORDINGS_DIR / f"g4f-{g4f_version or version('g4f')}.yaml"


# -- what a request looks like once secrets and random values are gone --------


def scrub_text(text: str) -> str:
    """Replace anything shaped like a key or token in free text."""
    return SECRET_PATTERN.sub(REDACTED, text)


def _normalise_url(uri: str) -> str:
    parts = urlsplit(uri)
    query = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in SECRET_PARAMS:
            value = REDACTED
        elif name.lower() in RANDOM_PARAMS:
            value = RANDOM
        query.append((name, scrub_text(value)))
    return urlunsplit(parts._replace(query=urlencode(query, safe="<>")))


def _normalise_json(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key.lower() in SECRET_PARAMS and item is not None:
                out[key] = REDACTED
            elif key.lower() in RANDOM_PARAMS and item is not None:
                out[key] = RANDOM
            else:
                out[key] = _normalise_json(item)
        return out
    if isinstance(value, list):
        return [_normalise_json(item) for item in value]
    if isinstance(value, str):
        return _summarise_base64(value) if len(value) >= 1024 else scrub_text(value)
    return value


BASE64 = re.compile(r"^(data:[\w/.+-]+;base64,)?[A-Za-z0-9+/\n]+=*$")


def _summarise_base64(text: str) -> str:
    """Long base64 strings (audio inside JSON) are stored as size and sha256."""
    if not BASE64.match(text[:2048]) or not BASE64.match(text[-2048:]):
        return scrub_text(text)
    payload = text.split(",", 1)[1] if text.startswith("data:") else text
    data = base64.b64decode(payload)
    return f"<base64 of {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}>"


def _file_line(name: str, filename: str | None, content_type: str | None, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return (
        f"{name}: file {filename!r}, {content_type or 'application/octet-stream'}, {len(data)} bytes, sha256 {digest}"
    )


def _read_value(value: Any) -> bytes | str:
    if hasattr(value, "read"):
        position = value.tell() if hasattr(value, "seek") else None
        data = value.read()
        if position is not None:
            value.seek(position)
        return data
    return value


def _form_fields(form: Any) -> list[tuple[str, str | None, str | None, bytes | str]]:
    """(name, filename, content type, value) of each field, before or after aiohttp encoded the form."""
    if form._fields:
        return [
            (options.get("name", ""), options.get("filename"), headers.get("Content-Type"), _read_value(value))
            for options, headers, value in form._fields
        ]
    fields = []  # aiohttp empties _fields once it has built the multipart body
    for payload, _encoding, _te in getattr(getattr(form, "_writer", None), "_parts", []):
        disposition = payload.headers.get("Content-Disposition", "")
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        fields.append(
            (
                name.group(1) if name else "",
                filename.group(1) if filename else None,
                payload.headers.get("Content-Type"),
                _read_value(payload._value),
            )
        )
    return fields


def _summary(fields: list[tuple[str, str | None, str | None, bytes | str]]) -> str:
    lines = ["multipart/form-data, summarised by helpers.recordings (files as size and sha256)"]
    for name, filename, content_type, value in fields:
        if filename is not None:
            data = value.encode() if isinstance(value, str) else value
            lines.append(_file_line(name, filename, content_type, data))
        else:
            text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
            lines.append(f"{name}: {scrub_text(text)}")
    return "\n".join(lines)


def summarise_form(form: Any) -> str:
    """Describe an aiohttp ``FormData`` as stable text.

    Files are stored as name, size and sha256, not as their bytes: that keeps
    recordings small, saveable and matching however the boundary was chosen.
    """
    return _summary(_form_fields(form))


def summarise_multipart(body: bytes, content_type: str) -> str:
    """The same summary as :func:`summarise_form`, from an encoded body."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return _summary(
        [
            (
                part.get_param("name", header="content-disposition") or "",
                part.get_filename(),
                part.get_content_type(),
                part.get_payload(decode=True) or b"",
            )
            for part in message.iter_parts()
        ]
    )


def _header(request: Request, name: str) -> str:
    for key, value in request.headers.items():
        if key.lower() == name:
            return value if isinstance(value, str) else ", ".join(value)
    return ""


def normalise_request(request: Request) -> Request:
    """vcrpy's before_record_request hook: no secrets, no random values."""
    request = copy.copy(request)
    request.uri = _normalise_url(request.uri)
    request.headers = {
        key: (REDACTED if key.lower() in SECRET_HEADERS else scrub_text(str(value)))
        for key, value in request.headers.items()
    }
    content_type = _header(request, "content-type")
    if "boundary=" in content_type:
        request.headers = {
            key: (re.sub(r"boundary=\S+", f"boundary={RANDOM}", value) if key.lower() == "content-type" else value)
            for key, value in request.headers.items()
        }
    body = request.body
    if hasattr(body, "_fields"):
        request.body = summarise_form(body)
    elif isinstance(body, bytes) and content_type.startswith("multipart/form-data"):
        request.body = summarise_multipart(body, content_type)
    elif isinstance(body, (dict, list)):  # aiohttp's json= argument
        request.body = json.dumps(_normalise_json(body), sort_keys=True)
    elif isinstance(body, (bytes, str)) and body:
        text = body.decode(errors="replace") if isinstance(body, bytes) else body
        try:
            request.body = json.dumps(_normalise_json(json.loads(text)), sort_keys=True)
        except ValueError:
            request.body = scrub_text(text)
    return request


def scrub_response(response: dict) -> dict:
    """vcrpy's before_record_response hook for record mode: drop secrets, mark as live."""
    response["headers"] = {
        key: value for key, value in response.get("headers", {}).items() if key.lower() not in SECRET_HEADERS
    }
    # vcrpy also runs this on the answers it loads: keep the label a stand-in already has
    response["headers"].setdefault(
        PROVENANCE_HEADER, [f"recorded live by helpers record mode on {date.today().isoformat()}"]
    )
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        with contextlib.suppress(UnicodeDecodeError):  # audio and other binary bodies stay as they are
            response["body"]["string"] = scrub_text(body.decode()).encode()
    return response


# -- describing requests to people ---------------------------------------------


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_body(request: Request) -> str:
    """One line that says what a request asks for (voice, format, text, file)."""
    body = request.body
    if body is None or body == b"":
        return ""
    text = body.decode(errors="replace") if isinstance(body, bytes) else str(body)
    if text.startswith("multipart/form-data"):
        return "; ".join(line.split(",")[0] if ": file" in line else line for line in text.splitlines()[1:])
    try:
        data = json.loads(text)
    except ValueError:
        return _short(text)
    if not isinstance(data, dict):
        return _short(text)
    parts = []
    if "model" in data:
        parts.append(f"model={data['model']}")
    audio = data.get("audio") or {}
    for key in ("voice", "format"):
        if key in audio:
            parts.append(f"{key}={audio[key]}")
    if "voice" in data:
        parts.append(f"voice={data['voice']}")
    messages = data.get("messages") or []
    for message in messages[-1:]:
        content = message.get("content") if isinstance(message, dict) else message
        if isinstance(content, list):
            kinds = [part.get("type", "?") for part in content if isinstance(part, dict)]
            words = [part.get("text", "") for part in content if isinstance(part, dict) and part.get("text")]
            parts.append(f"content={'+'.join(kinds)}")
            if words:
                parts.append(f"text={_short(words[0])!r}")
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
    content_type: str = ""

    @property
    def summary(self) -> str:
        return describe_request(self.request)


def load_recordings(path: Path | None = None) -> list[Recording]:
    """Read a recordings file (without turning replay on)."""
    path = path or cassette_path()
    if not path.exists():
        return []
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)

    def header(response: dict, name: str) -> str:
        return (response.get("headers", {}).get(name) or [""])[0]

    return [
        Recording(
            req, resp["status"]["code"], header(resp, PROVENANCE_HEADER) or "unknown", header(resp, "content-type")
        )
        for req, resp in zip(requests, responses, strict=True)
    ]


def recorded_speech(path: Path | None = None) -> list[dict[str, str]]:
    """The speech requests a recordings file answers: ``{"voice", "format", "text"}`` each."""
    found = []
    for recording in load_recordings(path):
        body = recording.request.body
        try:
            data = json.loads(body.decode() if isinstance(body, bytes) else body or "")
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


class UnrecordedRequestError(CannotOverwriteExistingCassetteException):
    """Replay mode got a request that no recording answers; nothing was sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = normalise_request(self.failed_request)
        UNRECORDED.append(request)
        same_endpoint = [
            r
            for r in self.cassette.requests
            if r.method == request.method and r.uri.split("?")[0] == request.uri.split("?")[0]
        ]
        lines = [
            "No recording answers this request, so replay mode stopped it (nothing was sent):",
            f"  asked:    {describe_request(request)}",
        ]
        if same_endpoint:
            lines.append(f"  recorded for this address in {relative(Path(self.cassette._path))}:")
            lines += [f"    - {describe_body(r) or '(no body)'}" for r in same_endpoint[:8]]
            if len(same_endpoint) > 8:
                lines.append(f"    … and {len(same_endpoint) - 8} more")
        else:
            lines.append(f"  {relative(Path(self.cassette._path))} has nothing for this address.")
        lines.append(
            "  What to do: ask for one of the recorded requests, or go online with "
            "helpers.start('live') (or set G4F_TUTORIAL_MODE=live)."
        )
        self.args = ("\n".join(lines),)


# vcrpy raises its own exception class from these modules; ours is a subclass
# with a message written for learners, so code catching vcrpy's still works.
vcr.stubs.CannotOverwriteExistingCassetteException = UnrecordedRequestError
vcr.stubs.aiohttp_stubs.CannotOverwriteExistingCassetteException = UnrecordedRequestError


# -- turning a cassette on and off ---------------------------------------------


def _save_after_each_answer(cassette: Any) -> None:
    """In record mode, write the file after every new answer, not only at exit."""
    append = cassette.append

    def append_and_save(request: Request, response: dict) -> None:
        append(request, response)
        cassette._save()

    cassette.append = append_and_save


def _g4f_stream_patch() -> tuple:
    """Give replayed aiohttp answers g4f's streaming methods (``iter_lines``, ``sse``...).

    g4f reads some answers (the Gradio SSE stream of the Hugging Face providers)
    through methods of its own ``StreamResponse`` class; vcrpy replays with its
    ``MockClientResponse``, which lacks them. A class with both, swapped in
    through vcrpy's ``custom_patches`` while the cassette is open, fixes that.
    """
    try:
        from g4f.requests.aiohttp import StreamResponse
    except ImportError:
        return ()
    mock = vcr.stubs.aiohttp_stubs.MockClientResponse
    replayed = type("ReplayedG4FResponse", (mock, StreamResponse), {})
    return ((vcr.stubs.aiohttp_stubs, "MockClientResponse", replayed),)


def open_cassette(path: Path, *, record: bool, repeat: bool = True) -> tuple[Any, Any]:
    """Enter a vcrpy cassette; returns (context manager, cassette).

    ``record=False`` replays only; ``record=True`` sends requests for real and
    replaces the recordings they match. ``repeat=False`` plays each recorded
    answer once, in order (a 429 first, then a success).
    """
    patches = _g4f_stream_patch()
    config = vcr.VCR(
        serializer="yaml",
        match_on=MATCH_ON,
        before_record_request=normalise_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
        record_mode="all" if record else "none",
    )
    context = config.use_cassette(str(path), allow_playback_repeats=repeat, custom_patches=patches)
    cassette = context.__enter__()
    if record:
        _save_after_each_answer(cassette)
    return context, cassette
