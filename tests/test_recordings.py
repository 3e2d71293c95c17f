"""The rules that keep recordings free of secrets and matching despite random values."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version as installed_version

import aiohttp
import pytest
from support import ROOT
from vcr.request import Request
from vcr.serialize import deserialize, serialize
from vcr.serializers import yamlserializer

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


# -- what every recording must satisfy, stand-in or live -------------------------------------------------------


def _entries(version="8.8.6"):
    path = cassettes.cassette_path(version)
    return list(zip(*deserialize(path.read_text(encoding="utf-8"), yamlserializer), strict=True))


def _json(response):
    return json.loads(response["body"]["string"])


def _body(request):
    return json.loads(request.body) if request.body and str(request.body).startswith(("{", "b'{")) else {}


def test_every_answer_says_where_it_came_from_and_each_request_is_there_once():
    for version in ("8.8.6", "0.5.2.2"):
        entries = _entries(version)
        for request, response in entries:
            provenance = response["headers"][scrub.PROVENANCE_HEADER][0]
            assert provenance.startswith(("stand-in", "recorded live")), provenance
            assert response["status"]["code"] < 400, cassettes.describe_request(request)  # never a refusal
        keys = [(q.method, q.uri, q.body) for q, _ in entries]
        assert len(keys) == len(set(keys))


def test_the_speech_answers_hold_audio_and_say_what_it_says():
    import io

    import soundfile as sf

    speech = [(q, a) for q, a in _entries() if "audio" in _body(q).get("modalities", [])]
    assert speech
    for request, response in speech:
        answer = _json(response)
        audio = answer["choices"][0]["message"]["audio"]
        data = base64.b64decode(audio["data"])
        if _body(request)["audio"]["format"] in ("mp3", "wav"):
            info = sf.info(io.BytesIO(data))
            assert 0.3 < info.duration < 30, cassettes.describe_request(request)
        assert isinstance(audio["transcript"], str) and audio["transcript"].strip()
        assert isinstance(answer["model"], str) and isinstance(answer.get("usage", {}).get("total_tokens", 0), int)


def test_the_model_list_offers_speech_in_every_voice_the_recordings_use():
    """g4f only asks for audio when the list shows it, so this holds for any answer that works."""
    (listing,) = [a for q, a in _entries() if q.uri == "https://pollinations.g4f.space/v1/models"]
    models = _json(listing)
    models = models if isinstance(models, list) else models["data"]
    (audio_model,) = [m for m in models if (m.get("name") or m.get("id")) == "openai-audio"]
    assert "audio" in audio_model["output_modalities"]
    spoken = {_body(q)["audio"]["voice"] for q, _ in _entries() if "audio" in _body(q).get("modalities", [])}
    assert spoken and spoken <= set(audio_model["voices"])


def test_transcriptions_answer_with_text():
    answers = [a for q, a in _entries() if q.uri.endswith("/v1/audio/transcriptions")]
    assert answers
    for response in answers:
        text = _json(response)["text"]
        assert isinstance(text, str) and text.strip()


def test_stand_in_values_a_notebook_may_print_say_so():
    for _request, response in _entries():
        if "stand-in" not in response["headers"][scrub.PROVENANCE_HEADER][0]:
            continue
        with_id = response["body"]["string"].startswith(b'{"id"')
        if with_id:
            answer = _json(response)
            assert "standin" in answer["id"] and answer["system_fingerprint"] == "fp_standin"
            audio = answer["choices"][0]["message"].get("audio")
            assert audio is None or "standin" in audio["id"]


# -- make standins keeps what record mode stored ---------------------------------------------------------------


def _copied_recordings(tmp_path):
    """A copy of the recordings as a collection of its own; returns its g4f 8.8.6 file (skips on g4f 0.5.2.2)."""
    if not installed_version("g4f").startswith("8."):
        pytest.skip("the builder runs with g4f 8.8.6's environment")
    shutil.copytree(ROOT / "recordings", tmp_path / "recordings")
    return tmp_path / "recordings" / "g4f-8.8.6.yaml"


def _build_standins(tmp_path, *arguments):
    """tools/build_standins.py over the collection in ``tmp_path``."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_standins.py"), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "G4F_TUTORIAL_ROOT": str(tmp_path)},
    )


LIVE_MODELS = b'[{"name": "openai-audio", "output_modalities": ["audio"], "voices": ["alloy"]}]'


def test_the_builder_keeps_live_answers(tmp_path):
    """A live answer (here an invented /v1/models answer) survives a rebuild byte for byte; the rest is rebuilt."""
    path = _copied_recordings(tmp_path)
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    (index,) = [i for i, q in enumerate(requests) if q.uri == "https://pollinations.g4f.space/v1/models"]
    live = {
        "status": {"code": 200, "message": "OK"},
        "headers": {
            "Content-Type": ["application/json"],
            scrub.PROVENANCE_HEADER: ["recorded live by helpers record mode on 2026-11-20"],
        },
        "body": {"string": LIVE_MODELS},
    }
    cassette = {"requests": [requests[index]], "responses": [live]}
    path.write_text(serialize(cassette, yamlserializer), encoding="utf-8")
    result = _build_standins(tmp_path, "--only", "transcribe-chat")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "keeping 1 live answers" in result.stdout
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    models = [a for q, a in zip(requests, responses, strict=True) if q.uri == requests[0].uri]
    assert len(models) == 1  # not doubled by a stand-in
    body = models[0]["body"]["string"]
    assert (body.encode() if isinstance(body, str) else body) == LIVE_MODELS
    assert models[0]["headers"] == live["headers"]  # kept, unchanged
    assert any(q.uri.endswith("/v1/chat/completions") for q in requests)  # the scenario's other answers were built
    shapes = json.loads((tmp_path / "recordings" / "stand-in-shapes.json").read_text(encoding="utf-8"))
    assert "GET https://pollinations.g4f.space/v1/models" in shapes["8.8.6"]  # the counterpart, for the contract


def test_the_builder_adds_only_missing_answers_and_keeps_the_others_byte_for_byte(tmp_path):
    """--add: Piper and the MP3 encoder differ between machines, so existing clips are never rebuilt."""
    path = _copied_recordings(tmp_path)
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    kept = [(q, a) for q, a in zip(requests, responses, strict=True) if "Speak slowly" not in str(q.body)]
    assert len(kept) == len(requests) - 1
    cassette = {"requests": [q for q, _ in kept], "responses": [a for _, a in kept]}
    path.write_text(serialize(cassette, yamlserializer), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    result = _build_standins(tmp_path, "--add", "--only", "steer-slowly")
    assert result.returncode == 0, result.stdout + result.stderr
    _, old = deserialize(before, yamlserializer)
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    assert responses[: len(old)] == old and len(responses) == len(old) + 1
    assert "Speak slowly" in str(requests[-1].body)
