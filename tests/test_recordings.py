"""The rules that keep recordings free of secrets and matching despite random values."""

from __future__ import annotations

import base64
import json
import re

import aiohttp
from support import ROOT
from vcr.request import Request

from helpers._replay import cassettes, scrub

KEY_LIKE = re.compile(r"(sk|hf)_[A-Za-z0-9]{16,}|Bearer [A-Za-z0-9._-]{24,}|eyJ[\w-]{10,}\.[\w-]{10,}\.")


def _request(uri="https://x.test/p", body=None, headers=None):
    return Request("POST", uri, body, headers or {})


def test_secrets_are_replaced_everywhere():
    secret = "sk_" + "A" * 30
    request = scrub.normalise_request(
        _request(
            f"https://x.test/p?key={secret}&upload_id=123abc&lang=en",
            json.dumps({"api_key": secret, "messages": [{"content": f"my key is {secret}"}], "seed": 42}),
            {"Authorization": f"Bearer {secret}", "Cookie": "s=1", "X-Zerogpu-Token": "t", "Accept": "*/*"},
        )
    )
    text = request.uri + str(request.body) + str(request.headers)
    assert secret not in text
    assert "lang=en" in request.uri and "upload_id=<random>" in request.uri
    body = json.loads(request.body)
    assert body["seed"] == "<random>" and body["api_key"] == "<redacted>"
    assert request.headers["Accept"] == "*/*" and request.headers["Cookie"] == "<redacted>"


def test_normalising_twice_changes_nothing():
    once = scrub.normalise_request(_request("https://x.test/?session_hash=9", {"seed": 1, "a": [1, 2]}))
    twice = scrub.normalise_request(once)
    assert (once.uri, once.body) == (twice.uri, twice.body)


def test_form_upload_is_summarised_the_same_before_and_after_aiohttp_encodes_it():
    form = aiohttp.FormData()
    form.add_field("file", b"\x00\x01audio", filename="a.wav", content_type="application/octet-stream")
    form.add_field("model", "whisper")
    before = scrub.summarise_form(form)
    form()  # aiohttp builds the body and empties the field list
    assert scrub.summarise_form(form) == before
    assert "file 'a.wav'" in before and "7 bytes" in before and "model: whisper" in before


def test_encoded_multipart_gives_the_same_summary_as_the_form():
    form = aiohttp.FormData()
    form.add_field("file", b"\x00\x01audio", filename="a.wav", content_type="application/octet-stream")
    form.add_field("model", "whisper")
    writer = form()

    class Sink:
        chunks = []

        async def write(self, data):
            self.chunks.append(bytes(data))

    import asyncio

    asyncio.run(writer.write(Sink()))
    body = b"".join(Sink.chunks)
    assert scrub.summarise_multipart(body, writer.content_type) == scrub.summarise_form(form)


def test_long_base64_audio_is_stored_as_size_and_hash():
    audio = base64.b64encode(bytes(range(256)) * 8).decode()
    request = scrub.normalise_request(_request(body={"input_audio": {"data": audio}}))
    body = request.body.decode()
    assert audio not in body
    assert "<base64 of 2048 bytes, sha256 " in body


def test_describe_request_for_people():
    request = scrub.normalise_request(
        _request(
            body={
                "model": "openai-audio",
                "audio": {"voice": "nova", "format": "mp3"},
                "messages": [{"role": "user", "content": "Say hi"}],
            }
        )
    )
    assert cassettes.describe_request(request) == (
        "POST https://x.test/p  [model=openai-audio, voice=nova, format=mp3, text='Say hi']"
    )


def test_no_committed_recording_or_notebook_holds_a_key_like_string():
    files = list((ROOT / "recordings").rglob("*.yaml")) + list((ROOT / "notebooks").rglob("*.ipynb"))
    assert files
    for path in files:
        found = KEY_LIKE.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name} holds {found.group(0)[:12]}…"


def test_every_recording_is_small():
    for path in (ROOT / "recordings").glob("*.yaml"):
        assert path.stat().st_size < 512 * 1024, path.name
