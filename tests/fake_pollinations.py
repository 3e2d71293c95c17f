"""A local stand-in for the live services, answering in their documented wire formats (no TLS, 127.0.0.1 only).

What it mimics (see ../shared/notes/live-services-2026.md):
- g4f's proxy ``pollinations.g4f.space``: ``/v1/models`` and ``/v1/chat/completions``, no key needed;
- ``gen.pollinations.ai``: ``/text/models`` (a bare list), ``/v1/chat/completions``, ``/audio/models``,
  ``/v1/audio/speech`` (raw mp3), ``/v1/audio/transcriptions`` (``{"text": ...}``) and ``/account/balance``;
  generation there needs ``Authorization: Bearer``: none gives 401, a ``pk_`` key 402 when ``pk_budget`` is off;
- errors as the JSON envelope ``{"status":N,"success":false,"error":{"code":...,"message":...}}``.

g4f's real provider code reaches it in one of two ways:
- :func:`point_g4f_at` rewrites the providers' endpoint URLs ``https://HOST/PATH`` to
  ``http://127.0.0.1:PORT/HOST/PATH``;
- :func:`as_real_hosts` leaves the URLs alone and serves ``https://HOST/PATH`` itself, with TLS: the real
  hostnames resolve to 127.0.0.1 (only in this process) and a test CA (trustme) signs their certificate.
  Record mode then stores the real addresses, exactly as it would online.
Either way the real hostnames are never looked up.
Faults are set per route (``fake.faults["chat"] = 402``, ``"timeout"``, ``"shape"``); every request is logged.
Its speech is a tone and its transcript fixed, unless given a ``voice`` (tests/fake_voice.py): then it says the
words asked for, in the voice and format asked for, and hears what it is sent, as the live models do.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import os
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from aiohttp import web

from helpers import constants

HOSTS = ("gen.pollinations.ai", "pollinations.g4f.space", "image.pollinations.ai", "g4f.space")
VOICES = list(constants.VOICES)  # the voices the project knows (helpers/constants.py)
CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    402: "PAYMENT_REQUIRED",
    403: "FORBIDDEN",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}
MESSAGES = {
    401: "A valid API key is required. Get one at https://enter.pollinations.ai",
    402: "Insufficient pollen balance or API key budget exhausted",
    429: "Rate limit exceeded",
    502: "Bad gateway",
}
TRANSCRIPT = "Go forward ten meters."
GENERATION = {"chat", "speech", "transcriptions"}


def envelope(status: int, message: str | None = None) -> web.Response:
    body = {
        "status": status,
        "success": False,
        "error": {"code": CODES.get(status, "ERROR"), "message": message or MESSAGES.get(status, "Error")},
    }
    return web.json_response(body, status=status)


def tone_mp3(seconds: float = 1.5, rate: int = 24000) -> bytes:
    """A real, decodable mp3 (a quiet tone), as the speech answers carry."""
    t = np.arange(int(seconds * rate)) / rate
    buffer = io.BytesIO()
    sf.write(buffer, 0.2 * np.sin(2 * np.pi * 440 * t), rate, format="MP3")
    return buffer.getvalue()


@dataclass
class Logged:
    method: str
    host: str
    path: str
    authorization: str | None


@dataclass
class FakePollinations:
    pk_budget: bool = True  # False: pk_ keys get 402, as every public key has since Aug 2026
    valid_keys: tuple[str, ...] = ()  # sk_ keys accepted; empty: any sk_ key
    balance: float = 12.5
    rate_limit_after: int | None = None  # generation requests answered before 429s begin
    delay: float = 5.0  # how long a "timeout" fault keeps the client waiting
    faults: dict[str, object] = field(default_factory=dict)  # route -> status, "timeout", "shape" or "html"
    log: list[Logged] = field(default_factory=list)
    voice: Any = None  # a fake_voice.Voice: speech and transcripts made from the request (None: tone, fixed text)
    url: str = ""
    _mp3: bytes = b""

    # -- the routes ------------------------------------------------------------------------------
    def _route(self, host: str, method: str, path: str) -> str | None:
        if path == "/audio/models":
            return "audio-models"
        if path.endswith("/models"):
            return "image-models" if "image" in host + path else "models"
        return {
            "/v1/chat/completions": "chat",
            "/v1/audio/speech": "speech",
            "/v1/audio/transcriptions": "transcriptions",
            "/account/balance": "balance",
        }.get(path)

    def _refusal(self, host: str, route: str, authorization: str | None) -> web.Response | None:
        needs_key = host == "gen.pollinations.ai" and route in GENERATION | {"balance"}
        if not needs_key:
            return None
        key = (authorization or "").removeprefix("Bearer ").strip()
        if not key:
            return envelope(401)
        if key.startswith("pk_"):
            return None if self.pk_budget else envelope(402)
        if self.valid_keys and key not in self.valid_keys:
            return envelope(401, "Invalid API key")
        if self.balance <= 0 and route != "balance":
            return envelope(402)
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host, _, rest = request.match_info["tail"].partition("/")
        return await self._serve(request, host, "/" + rest)

    async def _handle_tls(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, request.host.split(":")[0], request.path)

    async def _serve(self, request: web.Request, host: str, path: str) -> web.StreamResponse:
        authorization = request.headers.get("Authorization")
        self.log.append(Logged(request.method, host, path, authorization))
        route = self._route(host, request.method, path)
        if host not in HOSTS or route is None:
            return envelope(404, f"No route {request.method} {path}")
        form = None
        if route == "transcriptions" and request.content_type == "multipart/form-data":
            form = await request.post()
        body = await request.read() if request.can_read_body and form is None else b""
        fault = self.faults.get(route)
        if fault == "timeout":
            await asyncio.sleep(self.delay)
        elif fault == "html":
            return web.Response(status=502, text="<!DOCTYPE html><h1>502 Bad Gateway</h1>", content_type="text/html")
        elif isinstance(fault, int):
            return envelope(fault)
        refusal = self._refusal(host, route, authorization)
        if refusal is not None:
            return refusal
        if route in GENERATION and self.rate_limit_after is not None:
            done = sum(1 for entry in self.log if self._route(entry.host, entry.method, entry.path) in GENERATION)
            if done > self.rate_limit_after:
                response = envelope(429)
                response.headers["Retry-After"] = "30"
                return response
        if self.voice is not None and route in GENERATION and fault != "shape":
            return await asyncio.get_running_loop().run_in_executor(None, self._voiced, route, body, form)
        if self.voice is not None and route.endswith("models") and fault != "shape":
            return web.json_response(self.voice.listing(route))
        return self._answer(host, route, shape_broken=fault == "shape")

    def _voiced(self, route: str, body: bytes, form: Any) -> web.Response:
        """A generation answer made by ``self.voice`` from the request (blocking: runs in a worker thread)."""
        if route == "transcriptions":
            return web.json_response({"text": self.voice.hear(form["file"].file.read())})
        data = json.loads(body)
        if route == "speech":
            fmt = data.get("response_format", "mp3")
            audio = self.voice.speak(data["input"], data.get("voice", "alloy"), fmt)
            return web.Response(body=audio, content_type="audio/mpeg" if fmt == "mp3" else f"audio/{fmt}")
        parts = [m["content"] for m in data.get("messages", []) if m.get("role") != "system"][-1]
        parts = [{"type": "text", "text": parts}] if isinstance(parts, str) else parts
        text = " ".join(p.get("text", "") for p in parts if p.get("type") == "text")
        sound = next((p["input_audio"]["data"] for p in parts if p.get("type") == "input_audio"), None)
        message = {"role": "assistant", "content": None}
        if "audio" in data.get("modalities", []):
            said = self.voice.answer_to(text)
            system = " ".join(m["content"] for m in data["messages"] if m.get("role") == "system")
            settings = data.get("audio", {})
            audio = self.voice.speak(said, settings.get("voice", "alloy"), settings.get("format", "mp3"), system)
            message["audio"] = {"data": base64.b64encode(audio).decode(), "transcript": said}
        else:
            message["content"] = self.voice.hear(base64.b64decode(sound)) if sound else self.voice.answer_to(text)
        return web.json_response(self.voice.completion(message))

    def _answer(self, host: str, route: str, *, shape_broken: bool) -> web.StreamResponse:
        audio_model = {"name": "openai-audio", "output_modalities": ["text", "audio"], "voices": VOICES}
        if route == "models":
            if shape_broken:  # Pollinations' own minimal /v1/models: no output_modalities
                return web.json_response({"object": "list", "data": [{"id": "openai-audio", "object": "model"}]})
            if host == "pollinations.g4f.space":
                return web.json_response({"object": "list", "data": [{"id": "openai-audio", **audio_model}]})
            return web.json_response([{**audio_model, "input_modalities": ["text", "audio"]}])
        if route == "image-models":
            return web.json_response([])
        if route == "audio-models":
            return web.json_response(
                [{"name": "elevenlabs/eleven-v3", "voices": VOICES}, {"name": "openai/whisper-large-v3"}]
            )
        if route == "balance":
            return web.json_response({"balance": self.balance})
        if route == "speech":
            return web.Response(body=b"" if shape_broken else self._mp3, content_type="audio/mpeg")
        if route == "transcriptions":
            return web.json_response({"words": []} if shape_broken else {"text": TRANSCRIPT})
        message = {"role": "assistant", "content": None}  # OpenAI's audio answer: the words are in the audio
        if shape_broken:
            message["content"] = "Good day, world!"
        else:
            message["audio"] = {"data": base64.b64encode(self._mp3).decode(), "transcript": "Good day, world!"}
        return web.json_response(
            {
                "id": "fake",
                "object": "chat.completion",
                "model": "gpt-audio-mini-2025-12-15",
                "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
            }
        )

    # -- running it ------------------------------------------------------------------------------
    def start(self) -> FakePollinations:
        """Serve on 127.0.0.1 in a background thread (the code under test runs its own event loops)."""
        self._mp3 = tone_mp3()
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        async def serve() -> None:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]
            self.url = f"http://127.0.0.1:{port}"
            ready.set()

        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(serve(), self._loop)
        ready.wait(10)
        return self

    def serve_tls(self, certificate: object) -> int:
        """Also serve the real hostnames over TLS (``certificate``: a trustme leaf); returns the port."""

        async def serve() -> int:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle_tls)
            self._tls_runner = web.AppRunner(app)
            await self._tls_runner.setup()
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            certificate.configure_cert(context)
            site = web.TCPSite(self._tls_runner, "127.0.0.1", 0, ssl_context=context)
            await site.start()
            return site._server.sockets[0].getsockname()[1]

        return asyncio.run_coroutine_threadsafe(serve(), self._loop).result(10)

    def stop(self) -> None:
        if getattr(self, "_tls_runner", None) is not None:
            asyncio.run_coroutine_threadsafe(self._tls_runner.cleanup(), self._loop).result(10)
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def authorizations(self, route: str) -> list[str | None]:
        """The Authorization header of each request to ``route`` (e.g. "chat", "transcriptions")."""
        return [e.authorization for e in self.log if self._route(e.host, e.method, e.path) == route]


def _provider_classes() -> list[type]:
    from g4f.Provider.audio.PollinationsAudio import PollinationsAudio
    from g4f.Provider.Pollinations import Pollinations

    return [Pollinations, PollinationsAudio]


def point_g4f_at(base: str) -> dict[tuple[type, str], str]:
    """Rewrite the endpoint URLs of g4f's Pollinations providers to ``base/HOST/PATH``; returns the originals."""
    originals = {}
    for provider in _provider_classes():
        for name, value in list(vars(provider).items()):
            if not isinstance(value, str) or name in ("url", "login_url"):
                continue
            for host in HOSTS:
                if value.startswith(f"https://{host}/"):
                    originals[(provider, name)] = value
                    setattr(provider, name, value.replace("https://", f"{base}/", 1))
                    break
    return originals


def restore_g4f(originals: dict[tuple[type, str], str]) -> None:
    for (provider, name), value in originals.items():
        setattr(provider, name, value)


@contextlib.contextmanager
def names_served(
    port_for: Callable[[str, int], int | None], authority: Any, *, keep_guard: bool = True
) -> Iterator[None]:
    """Inside the block, a name lookup in this process answers 127.0.0.1 and ``port_for(name, port)``, loopback is
    itself, and any other name fails, so nothing leaves the machine. requests trusts ``authority`` (a trustme CA).

    helpers.start() puts back the socket functions the guard saw at import: those are patched too, so the guard,
    when on, asks the same. ``keep_guard=False`` replaces whatever ``socket.getaddrinfo`` is now.
    """
    import aiohttp.connector
    import aiohttp.resolver

    from helpers._replay import netguard

    original, current = netguard._original_getaddrinfo, socket.getaddrinfo

    def resolve(host, wanted_port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in ("127.0.0.1", "localhost", "::1"):
            return original(host, wanted_port, *args, **kwargs)
        port = port_for(name, int(wanted_port or 0))
        if port is None:
            if os.environ.get("NETWORK_ATTEMPTS_LOG"):  # a test proving nothing tried to leave reads this
                with open(os.environ["NETWORK_ATTEMPTS_LOG"], "a") as log:
                    log.write(f"{os.getpid()} {name!r} (not served by the fakes)\n")
            raise socket.gaierror(socket.EAI_NONAME, f"{name}: not served by the fakes (the test allows no other host)")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port))]

    with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as bundle:
        bundle.write(authority.cert_pem.bytes())
    previous_bundle = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = bundle.name  # g4f's requests-based model lists
    resolvers = netguard._original_resolver, aiohttp.connector.DefaultResolver  # with aiodns: c-ares, not getaddrinfo
    netguard._original_getaddrinfo = resolve
    socket.getaddrinfo = resolve if current is original or not keep_guard else current
    aiohttp.connector.DefaultResolver = netguard._original_resolver = aiohttp.resolver.ThreadedResolver
    try:
        yield
    finally:
        netguard._original_getaddrinfo, socket.getaddrinfo = original, current
        netguard._original_resolver, aiohttp.connector.DefaultResolver = resolvers
        if previous_bundle is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = previous_bundle
        os.unlink(bundle.name)


@contextlib.contextmanager
def as_real_hosts(fake: FakePollinations) -> Iterator[None]:
    """Inside the block, ``https://<each of HOSTS>/...`` reaches ``fake`` (TLS, a test CA), in this process only."""
    import aiohttp.connector
    import trustme

    authority = trustme.CA()
    port = fake.serve_tls(authority.issue_cert(*HOSTS))
    authority.configure_trust(aiohttp.connector._SSL_CONTEXT_VERIFIED)  # aiohttp builds its context once, at import
    with names_served(lambda name, _port: port if name in HOSTS else None, authority):
        yield


@pytest.fixture
def live_fake(monkeypatch, capsys):
    """Live mode in this process, g4f's Pollinations providers pointed at a fresh fake, the internet refused."""
    import g4f.Provider

    import helpers
    from helpers._replay import netguard

    monkeypatch.delenv("POLLINATIONS_API_KEY", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fake = FakePollinations().start()
    helpers.start("live")
    netguard.block_network()  # loopback only: a request meant for a real host would fail, not leave
    capsys.readouterr()
    originals = point_g4f_at(fake.url)
    # g4f keeps the model lists it fetched on the classes, for the whole process: ask afresh
    monkeypatch.setattr(g4f.Provider.PollinationsAudio, "models", {})
    monkeypatch.setattr(g4f.Provider.PollinationsAI, "current_models_endpoint", None)
    monkeypatch.setattr(g4f.Provider.PollinationsAI, "audio_models", {})
    yield fake
    helpers.stop()
    restore_g4f(originals)
    fake.stop()
