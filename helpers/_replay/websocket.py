"""WebSocket record and replay at the message level (EdgeTTS), inside the vcrpy cassette.

While a cassette is attached, ``ClientSession._ws_connect`` is wrapped. Record: the real socket is used and the
session is appended on close. Replay: nothing connects; once the client reads, the session whose request (URL +
text frames sent, stamps made stable) matches is played frame by frame (a 101 answer, one JSON frame a line).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import aiohttp
from vcr.request import Request

from . import scrub
from .cassettes import WEBSOCKET_FRAMES, storable, unrecorded

_STAMPS = re.compile(r"^(X-Timestamp|X-RequestId):[^\r\n]*", re.MULTILINE)
_attached: list[Any] = []  # the _ws_connect each attach() replaced


def session_request(url: Any, sent: list[str]) -> Request:
    """The cassette request of a WebSocket session: its address and the text frames sent."""
    frames = [_STAMPS.sub(lambda m: f"{m.group(1)}:{scrub.RANDOM}", frame) for frame in sent]
    return Request("GET", str(url), json.dumps(frames), {})


def frames_answer(received: list[str | bytes]) -> dict:
    """The cassette answer of a WebSocket session: the frames received, one JSON object a line."""
    lines = [
        json.dumps({"text": f} if isinstance(f, str) else {"binary": base64.b64encode(f).decode()}) for f in received
    ]
    return {
        "status": {"code": 101, "message": "Switching Protocols"},
        "headers": {"content-type": [WEBSOCKET_FRAMES]},
        "body": {"string": "\n".join(lines).encode()},
    }


def _frames(answer: dict) -> list[aiohttp.WSMessage]:
    body = answer["body"]["string"]
    items = [json.loads(line) for line in (body.decode() if isinstance(body, bytes) else body).splitlines()]
    kinds = {"text": aiohttp.WSMsgType.TEXT, "binary": aiohttp.WSMsgType.BINARY}
    return [
        aiohttp.WSMessage(kinds[k], base64.b64decode(v) if k == "binary" else v, None)
        for i in items
        for k, v in i.items()
    ]


class _Session:
    """What ``ws_connect`` returns: the real socket (record) or none (replay), remembering every frame."""

    def __init__(self, url: Any, cassette: Any, real: Any = None) -> None:
        self.url, self.cassette, self.real = url, cassette, real
        self.sent: list[str] = []
        self.received: list[str | bytes] = []
        self.queue: list[aiohttp.WSMessage] | None = None
        self.closed = False

    async def send_str(self, data: str, *args: Any, **kwargs: Any) -> None:
        self.sent.append(data)
        if self.real is not None:
            await self.real.send_str(data, *args, **kwargs)

    async def receive(self, timeout: float | None = None) -> aiohttp.WSMessage:
        if self.real is not None:
            message = await self.real.receive(timeout)
            if message.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                self.received.append(message.data)
            return message
        if self.queue is None:
            request = session_request(self.url, self.sent)
            if not self.cassette.can_play_response_for(request):
                raise unrecorded(self.cassette, request)
            self.queue = _frames(self.cassette.play_response(request))
        return self.queue.pop(0) if self.queue else aiohttp.WSMessage(aiohttp.WSMsgType.CLOSED, None, None)

    def __aiter__(self) -> _Session:
        return self

    async def __anext__(self) -> aiohttp.WSMessage:
        message = await self.receive()
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
            raise StopAsyncIteration
        return message

    async def close(self, *args: Any, **kwargs: Any) -> bool:
        if self.closed:
            return False
        self.closed = True
        if self.real is not None:
            await self.real.close(*args, **kwargs)
            data = self.cassette.data  # vcrpy stored the handshake as an HTTP answer too: the session replaces it
            data[:] = [(q, a) for q, a in data if storable(a)]
            self.cassette.append(session_request(self.url, self.sent), frames_answer(self.received))
        return True

    async def __aenter__(self) -> _Session:  # aiohttp's ws_connect context manager enters what it returns
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


def attach(cassette: Any, *, record: bool) -> None:
    """Record or replay WebSocket sessions in ``cassette`` until :func:`detach` (nested cassettes stack)."""
    previous = aiohttp.ClientSession._ws_connect

    async def ws_connect(self: aiohttp.ClientSession, url: Any, *args: Any, **kwargs: Any) -> _Session:
        return _Session(url, cassette, await previous(self, url, *args, **kwargs) if record else None)

    _attached.append(previous)
    aiohttp.ClientSession._ws_connect = ws_connect


def detach() -> None:
    """Undo the last :func:`attach` (nothing if none)."""
    if _attached:
        aiohttp.ClientSession._ws_connect = _attached.pop()
