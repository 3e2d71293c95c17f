"""What a request looks like once its secrets and random values are gone.

vcrpy runs these hooks on every request, when recording and when matching:
secret headers are replaced (``filter_headers``), then :func:`normalise_body`
redacts keys in the query and the body and makes random values (upload ids,
seeds, multipart boundaries) stable. So the
same rules keep keys out of the files and make a replayed request match.
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


def _normalise_url(uri: str) -> str:
    """Query keys redacted and random values made equal, names in any case.

    (vcrpy's ``filter_query_parameters`` matches names exactly and re-encodes
    ``<redacted>`` as ``%3Credacted%3E``; this keeps the files readable.)
    """
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


def _keyless_route(uri: str) -> str:
    address, _, query = uri.partition("?")
    address = KEYED_ROUTES.get(address, address)
    return f"{address}?{query}" if query else address


def normalise_body(request: Request) -> Request:
    """vcrpy's ``before_record_request`` hook: stable, secret-free headers and body, the keyless route."""
    request = copy.copy(request)
    request.uri = _keyless_route(_normalise_url(request.uri))
    request.headers = {key: scrub_text(str(value)) for key, value in request.headers.items()}
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
    # vcrpy also runs this on the answers it loads: keep the label a stand-in already has
    response["headers"].setdefault(
        PROVENANCE_HEADER, [f"recorded live by helpers record mode on {date.today().isoformat()}"]
    )
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        with contextlib.suppress(UnicodeDecodeError):  # audio and other binary bodies stay as they are
            response["body"]["string"] = scrub_text(body.decode()).encode()
    return response
