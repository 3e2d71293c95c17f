"""What a request looks like once its secrets and random values are gone.

vcrpy runs these hooks on every request, when recording and when matching: secret headers are replaced
(``filter_headers``), then :func:`normalise_body` redacts keys in the query and the body and makes random values
(upload ids, seeds, multipart boundaries) stable. So the same rules keep keys out of the files and make a replayed
request match.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import re
from datetime import date
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aiohttp.multipart import parse_content_disposition
from vcr.filters import replace_headers
from vcr.request import Request

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
RANDOM_PARAMS |= {"sec-ms-gec", "connectionid"}  # EdgeTTS's WebSocket address: a clock-derived token, a random id
SECRET_PATTERN = re.compile(
    r"(?:Bearer\s+[\w.~+/=-]{8,}"
    r"|\b(?:sk|hf|pk|gsk|sk-proj)[_-][A-Za-z0-9_-]{8,}"
    r"|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+)"
)


KEYED_ROUTES = {
    # g4f 8.8.6 with POLLINATIONS_API_KEY=sk_... -> the same request without a key (what replay asks)
    "https://gen.pollinations.ai/v1/chat/completions": "https://pollinations.g4f.space/v1/chat/completions",
    "https://gen.pollinations.ai/text/models": "https://pollinations.g4f.space/v1/models",
    "https://gen.pollinations.ai/image/models": "https://image.pollinations.ai/models",
}
"""A key sends g4f to gen.pollinations.ai; replay hides keys and asks g4f's proxy. One route is stored,
so a recording made with a key replays without one."""

FILTER_HEADERS = [(name, REDACTED) for name in sorted(SECRET_HEADERS)]
"""vcrpy's ``filter_headers``: secret headers are stored (and matched) as ``<redacted>``."""


def scrub_text(text: str) -> str:
    """Replace anything shaped like a key or token in free text."""
    return SECRET_PATTERN.sub(REDACTED, text)


def _stable(name: str, value: Any) -> Any:
    """``<redacted>`` for a secret's name, ``<random>`` for a random value's, else None (names in any case)."""
    if value is None or name.lower() not in SECRET_PARAMS | RANDOM_PARAMS:
        return None
    return REDACTED if name.lower() in SECRET_PARAMS else RANDOM


def _normalise_url(uri: str) -> str:
    """Query keys redacted and random values made equal.

    (vcrpy's ``filter_query_parameters`` matches names exactly and re-encodes ``<redacted>`` as ``%3Credacted%3E``;
    this keeps the files readable.)
    """
    parts = urlsplit(uri)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(name, _stable(name, value) or scrub_text(value)) for name, value in pairs]
    return urlunsplit(parts._replace(query=urlencode(query, safe="<>")))


def _normalise_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _stable(key, item) or _normalise_json(item) for key, item in value.items()}
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
    data = base64.b64decode(text.split(",", 1)[1] if text.startswith("data:") else text)
    return f"<base64 of {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}>"


def _read_value(value: Any) -> bytes | str:
    if hasattr(value, "read"):
        position = value.tell() if hasattr(value, "seek") else None
        data = value.read()
        if position is not None:
            value.seek(position)
        return data
    return value


def _summary(fields: list[tuple[str, str | None, str | None, bytes | str]]) -> str:
    lines = ["multipart/form-data, summarised by helpers.recordings (files as size and sha256)"]
    for name, filename, content_type, value in fields:
        if filename is not None:
            data = value.encode() if isinstance(value, str) else value
            kind, digest = content_type or "application/octet-stream", hashlib.sha256(data).hexdigest()
            lines.append(f"{name}: file {filename!r}, {kind}, {len(data)} bytes, sha256 {digest}")
        else:
            text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
            lines.append(f"{name}: {scrub_text(text)}")
    return "\n".join(lines)


def summarise_form(form: Any) -> str:
    """Describe an aiohttp ``FormData`` as stable text, before or after aiohttp encoded it.

    Files are stored as name, size and sha256, not as their bytes: that keeps recordings small, saveable and matching
    however the boundary was chosen.
    """
    fields = form._fields or [  # aiohttp empties _fields once it has built the multipart body
        (parse_content_disposition(part.headers.get("Content-Disposition"))[1], part.headers, part._value)
        for part, *_ in getattr(getattr(form, "_writer", None), "_parts", [])
    ]
    return _summary(
        [
            (params.get("name", ""), params.get("filename"), headers.get("Content-Type"), _read_value(value))
            for params, headers, value in fields
        ]
    )


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


def _keyless_route(uri: str) -> str:
    address, _, query = uri.partition("?")
    address = KEYED_ROUTES.get(address, address)
    return f"{address}?{query}" if query else address


def normalise_body(request: Request) -> Request:
    """vcrpy's ``before_record_request`` hook: stable, secret-free headers and body, the keyless route."""
    request = copy.copy(request)
    request.uri = _keyless_route(_normalise_url(request.uri))
    request.headers = {key: scrub_text(str(value)) for key, value in request.headers.items()}
    content_type = request.headers.get("content-type", "")
    if "boundary=" in content_type:
        request.headers["content-type"] = re.sub(r"boundary=\S+", f"boundary={RANDOM}", content_type)
    body = request.body
    if hasattr(body, "_fields"):
        request.body = summarise_form(body)
    elif isinstance(body, bytes) and content_type.startswith("multipart/form-data"):
        request.body = summarise_multipart(body, content_type)
    elif isinstance(body, bytes) and content_type.startswith("audio/") and not body.startswith(b"audio/"):
        request.body = f"{content_type}: {len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()}"  # a FLAC upload
    elif isinstance(body, (dict, list)):  # aiohttp's json= argument
        request.body = json.dumps(_normalise_json(body), sort_keys=True)
    elif isinstance(body, (bytes, str)) and body:
        text = body.decode(errors="replace") if isinstance(body, bytes) else body
        try:
            request.body = json.dumps(_normalise_json(json.loads(text)), sort_keys=True)
        except ValueError:
            request.body = scrub_text(text)
    return request


def normalise_request(request: Request) -> Request:
    """Every rule at once, as vcrpy applies them: how a request is stored, matched and shown."""
    return normalise_body(replace_headers(copy.copy(request), FILTER_HEADERS))


def scrub_response(response: dict) -> dict:
    """vcrpy's before_record_response hook for record mode: drop secrets, mark as live."""
    response["headers"] = {
        key: value for key, value in response.get("headers", {}).items() if key.lower() not in SECRET_HEADERS
    }
    live = f"recorded live by helpers record mode on {date.today().isoformat()}"
    response["headers"].setdefault(PROVENANCE_HEADER, [live])  # vcrpy runs this on loaded answers too: they keep theirs
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        with contextlib.suppress(UnicodeDecodeError):  # audio and other binary bodies stay as they are
            response["body"]["string"] = scrub_text(body.decode()).encode()
    return response
