"""Local fakes of g4f's keyless audio services, on their real hostnames (TLS with a test CA, 127.0.0.1 only).

What each mimics (see ../shared/notes/g4f-audio-providers-2026.md and the installed client code):
- ``speech.platform.bing.com`` (EdgeTTS, ``edge_tts``): ``GET .../voices/list`` (JSON) and the read-aloud
  WebSocket ``.../edge/v1``: text frames ``turn.start``, ``response``, ``audio.metadata``, ``turn.end`` and
  binary frames (2-byte header length, ``Path:audio``, MP3 chunks);
- ``translate.google.com`` (gTTS): ``POST /_/TranslateWebserverUi/data/batchexecute``, answered ``)]}'``-prefixed
  with the MP3 base64-encoded inside;
- ``www.openai.fm`` (OpenAIFM): ``GET /api/generate?input=&prompt=&voice=`` -> audio bytes;
- ``www.google.com`` over plain HTTP (MarkItDown's Google Web Speech, ``urllib``): ``POST /speech-api/v2/recognize``
  of FLAC -> JSON lines.
Each service answers as set in ``fake.faults[service]``: absent (success), ``"refused"`` (403; 401 for
Google's key), ``429``, ``"broken"`` (the socket closes mid-answer) or ``"malformed"``.
:func:`real_hosts` serves them to this process; :func:`served` starts them for other processes (a notebook's
kernel), which :func:`names_from` points at them (tests/preflight_site does, given ``$FAKE_SERVED``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import WSMsgType, web
from fake_pollinations import HOSTS as POLLINATIONS_HOSTS
from fake_pollinations import FakePollinations, names_served, tone_mp3

SERVICES = {
    "speech.platform.bing.com": "edge",
    "translate.google.com": "gtts",
    "www.openai.fm": "openaifm",
    "www.google.com": "google",
}
HOSTS = tuple(SERVICES)
FAULTS = ("refused", 429, "broken", "malformed")
HEARD = "go forward ten meters"
VOICES = [
    {
        "Name": f"Microsoft Server Speech Text to Speech Voice ({locale}, {name})",
        "ShortName": f"{locale}-{name}",
        "Gender": gender,
        "Locale": locale,
        "SuggestedCodec": "audio-24khz-48kbitrate-mono-mp3",
        "FriendlyName": f"Microsoft {name} Online (Natural)",
        "Status": "GA",
        "VoiceTag": {"ContentCategories": ["General"], "VoicePersonalities": ["Friendly"]},
    }
    for locale, name, gender in (
        ("en-US", "AriaNeural", "Female"),
        ("en-US", "GuyNeural", "Male"),
        ("en-GB", "SoniaNeural", "Female"),
        ("ru-RU", "SvetlanaNeural", "Female"),
        ("ru-RU", "DmitryNeural", "Male"),
    )
]


def edge_text(path: str, body: str, request_id: str = "0" * 32) -> str:
    """A text frame of the read-aloud protocol."""
    return f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n{body}"


def edge_audio(chunk: bytes, request_id: str = "0" * 32) -> bytes:
    """A binary frame: 2-byte header length, the headers, then the MP3 chunk (no Content-Type when empty)."""
    kind = "Content-Type:audio/mpeg\r\n" if chunk else ""
    header = f"X-RequestId:{request_id}\r\n{kind}X-StreamId:1\r\nPath:audio\r\n".encode()
    return len(header).to_bytes(2, "big") + header + chunk


def edge_frames(mp3: bytes, text: str) -> list[str | bytes]:
    """What the service sends for one SSML request, in order."""
    metadata = {
        "Metadata": [
            {
                "Type": "SentenceBoundary",
                "Data": {"Offset": 1000000, "Duration": 8750000, "text": {"Text": text, "Length": len(text)}},
            }
        ]
    }
    chunks = [mp3[i : i + 4096] for i in range(0, len(mp3), 4096)]
    return [
        edge_text("turn.start", '{"context":{"serviceTag":"fake"}}'),
        edge_text("response", '{"context":{"serviceTag":"fake"},"audio":{"type":"inline","streamId":"1"}}'),
        edge_text("audio.metadata", json.dumps(metadata)),
        *[edge_audio(chunk) for chunk in chunks],
        edge_audio(b""),
        edge_text("turn.end", "{}"),
    ]


def gtts_answer(mp3: bytes) -> str:
    """batchexecute's answer: ``)]}'``, then length-prefixed JSON chunks; the audio as a base64 string inside."""
    inner = json.dumps([base64.b64encode(mp3).decode()])
    chunk = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"], ["di", 42]], separators=(",", ":"))
    return f')]}}\'\n\n{len(chunk)}\n{chunk}\n25\n[["e",4,null,null,{len(chunk)}]]\n'


def google_answer(transcript: str) -> str:
    alternative = {"transcript": transcript, "confidence": 0.93}
    return '{"result":[]}\n' + json.dumps(
        {"result": [{"alternative": [alternative], "final": True}], "result_index": 0}
    )


@dataclass
class Logged:
    service: str
    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""
    frames: list[str] = field(default_factory=list)  # what a WebSocket client sent


@dataclass
class FakeProviders:
    faults: dict[str, object] = field(default_factory=dict)  # service -> "refused", 429, "broken", "malformed"
    transcript: str = HEARD
    speech: Callable[[str, str], bytes] | None = None  # (text, service) -> mp3; None: a tone
    hear: Callable[[bytes], str] | None = None  # Google's transcript of the FLAC it is sent; None: ``transcript``
    log: list[Logged] = field(default_factory=list)
    _mp3: bytes = b""

    def _say(self, text: str, service: str) -> bytes:
        return self.speech(text, service) if self.speech else self._mp3

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        service = SERVICES.get(request.host.split(":")[0])
        logged = Logged(service or "?", request.method, request.path, dict(request.query))
        self.log.append(logged)
        if service is None:
            return web.Response(status=404)
        if request.can_read_body:
            logged.body = await request.read()
        fault = self.faults.get(service)
        if fault == "refused":
            status = 401 if service == "google" else 403
            return web.Response(
                status=status, text="<html><title>Error 403 (Forbidden)</title></html>", content_type="text/html"
            )
        if fault == 429:
            return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "60"})
        if fault == "broken":
            request.transport.abort()  # the connection drops before any answer
            raise asyncio.CancelledError
        broken = fault == "malformed"
        if service == "edge" and request.path.endswith("/voices/list"):
            return web.json_response([{"Name": "x"}] if broken else VOICES)
        if service == "edge" and request.path.endswith("/edge/v1"):
            return await self._edge_socket(request, logged, broken)
        if service == "gtts" and request.path.endswith("/batchexecute"):
            if broken:
                return web.Response(text=")]}'\n\n[]", content_type="application/json")
            rpc = json.loads(parse_qs(logged.body.decode())["f.req"][0])
            text = json.loads(rpc[0][0][1])[0]
            return web.Response(text=gtts_answer(self._say(text, service)), content_type="application/json")
        if service == "openaifm" and request.path == "/api/generate":
            if broken:
                return web.json_response({"error": "Missing input"}, status=200)
            return web.Response(body=self._say(request.query.get("input", ""), service), content_type="audio/mpeg")
        if service == "google" and request.path == "/speech-api/v2/recognize":
            text = "{not json" if broken else google_answer(self.hear(logged.body) if self.hear else self.transcript)
            return web.Response(text=text, content_type="application/json")
        return web.Response(status=404)

    async def _edge_socket(self, request: web.Request, logged: Logged, broken: bool) -> web.WebSocketResponse:
        socket_ = web.WebSocketResponse()
        await socket_.prepare(request)
        async for message in socket_:
            if message.type != WSMsgType.TEXT:
                break
            logged.frames.append(message.data)
            if "Path:ssml" not in message.data:
                continue
            said = html.unescape(message.data.rsplit("'>", 1)[-1].split("</prosody>")[0].strip())
            frames = edge_frames(self._say(said, "edge"), said)
            if broken:
                frames = [frames[0], b"\x00"]  # a binary frame too short to hold its header length
            for frame in frames:
                await (socket_.send_str(frame) if isinstance(frame, str) else socket_.send_bytes(frame))
            break
        await socket_.close()
        return socket_

    # -- running it ------------------------------------------------------------------------------
    def start(self, certificate: Any) -> FakeProviders:
        """Serve TLS (with ``certificate``, a trustme leaf) and plain HTTP on 127.0.0.1, in a background thread."""
        self._mp3 = tone_mp3()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

        async def serve() -> tuple[int, int]:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            certificate.configure_cert(context)
            tls = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
            plain = web.TCPSite(self._runner, "127.0.0.1", 0)
            await tls.start()
            await plain.start()
            return tls._server.sockets[0].getsockname()[1], plain._server.sockets[0].getsockname()[1]

        self.tls_port, self.http_port = asyncio.run_coroutine_threadsafe(serve(), self._loop).result(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def requests_to(self, service: str) -> list[Logged]:
        return [entry for entry in self.log if entry.service == service]


class _Authority:
    """A test CA known only by its certificate (what another process needs to trust it), as trustme.CA offers it."""

    def __init__(self, pem: str) -> None:
        self.pem = pem
        self.cert_pem = type("Blob", (), {"bytes": lambda _self: pem.encode()})()

    def configure_trust(self, context: ssl.SSLContext) -> None:
        context.load_verify_locations(cadata=self.pem)


def _trust(authority: Any) -> None:
    """aiohttp's default context and edge-tts's own ones (it trusts only certifi's CA file, read once at import)."""
    import aiohttp.connector
    import edge_tts.communicate
    import edge_tts.voices

    for context in (aiohttp.connector._SSL_CONTEXT_VERIFIED, edge_tts.communicate._SSL_CTX, edge_tts.voices._SSL_CTX):
        authority.configure_trust(context)


@contextlib.contextmanager
def served(pollinations: FakePollinations | None = None, **settings: Any) -> Iterator[tuple[FakeProviders, dict]]:
    """The keyless services' fakes (and Pollinations', given its fake) on TLS with a fresh test CA, in this process's
    background threads; yields the fake and the spec another process needs to reach them (:func:`names_from`)."""
    import trustme

    authority = trustme.CA()
    fake = FakeProviders(**settings).start(authority.issue_cert(*HOSTS, *POLLINATIONS_HOSTS))
    pollinations_port = pollinations.serve_tls(authority.issue_cert(*POLLINATIONS_HOSTS)) if pollinations else None
    spec = {
        "ca": authority.cert_pem.bytes().decode(),
        "tls": {
            **dict.fromkeys(HOSTS, fake.tls_port),
            **dict.fromkeys(POLLINATIONS_HOSTS if pollinations else (), pollinations_port),
        },
        "http": dict.fromkeys(HOSTS, fake.http_port),
    }
    try:
        yield fake, spec
    finally:
        fake.stop()


@contextlib.contextmanager
def names_from(spec: dict) -> Iterator[None]:
    """Inside the block, this process reaches the fakes :func:`served` started (in another process) by their real
    names, and trusts their CA; any other name fails (and is logged to $NETWORK_ATTEMPTS_LOG when that is set)."""
    authority = _Authority(spec["ca"])
    _trust(authority)

    def port_for(name: str, wanted_port: int) -> int | None:
        return spec["http"][name] if wanted_port == 80 and name in spec["http"] else spec["tls"].get(name)

    with names_served(port_for, authority, keep_guard=False):  # before any guard: the fakes' names only
        yield


@contextlib.contextmanager
def real_hosts(pollinations: FakePollinations | None = None, **settings: Any) -> Iterator[FakeProviders]:
    """Inside the block, the keyless services' real hostnames (and Pollinations', given its fake) reach the fakes.

    The names resolve to 127.0.0.1 in this process only; any other name fails, so nothing leaves the machine.
    TLS trust: aiohttp's default context, ``REQUESTS_CA_BUNDLE``, and edge-tts's own contexts.
    """
    with served(pollinations, **settings) as (fake, spec), names_from(spec):
        yield fake
