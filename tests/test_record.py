"""Record mode against a local fake service: secrets stay out, random values match, replay works."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
import threading
import uuid

import aiohttp
import pytest
import requests
from aiohttp import web

import helpers

SECRETS = {
    "header": "HEADERa1" * 4,  # no sk_/Bearer shape: only the header rule can catch it
    "bearer": "sk_BEARER" + "f6" * 12,
    "cookie": "hf_COOKIE" + "b2" * 12,
    "query": "sk_QUERY" + "c3" * 12,
    "json": "sk_JSON" + "d4" * 12,
    "zerogpu": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlX3NpZ25hdHVyZQ",
    "set-cookie": "session-secret-" + "e5" * 12,
}


async def _chat(request: web.Request) -> web.Response:
    body = await request.json()
    response = web.json_response({"choices": [{"message": {"content": f"echo {body['messages'][0]['content']}"}}]})
    response.set_cookie("session", SECRETS["set-cookie"])
    return response


async def _upload(request: web.Request) -> web.Response:
    form = await request.post()
    return web.json_response([f"/tmp/gradio/{form['files'].filename}"])


async def _models(request: web.Request) -> web.Response:
    return web.json_response([{"name": "openai-audio"}])


_served = iter(range(1, 1000))


async def _count(request: web.Request) -> web.Response:
    """A different answer each time, as a speech service gives (new audio bytes for the same request)."""
    return web.json_response({"answer": next(_served), "path": request.path})


@pytest.fixture
def fake_service():
    """A tiny aiohttp server on 127.0.0.1 in a background thread."""
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.add_routes(
        [
            web.post("/v1/chat/completions", _chat),
            web.post("/upload", _upload),
            web.get("/models", _models),
            web.get("/{name}", _count),
        ]
    )
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.run_until_complete(runner.cleanup())


async def _client_calls(base: str) -> tuple[str, list]:
    headers = {
        "authorization": f"Token {SECRETS['header']}",
        "x-zerogpu-token": SECRETS["zerogpu"],
        "x-request-note": f"Bearer {SECRETS['bearer']}",
    }
    async with aiohttp.ClientSession(headers=headers, cookies={"token": SECRETS["cookie"]}) as session:
        async with session.post(
            f"{base}/v1/chat/completions?key={SECRETS['query']}",
            json={"messages": [{"role": "user", "content": "hi"}], "api_key": SECRETS["json"], "seed": 12345},
        ) as response:
            chat = (await response.json())["choices"][0]["message"]["content"]
        form = aiohttp.FormData()
        form.add_field("files", b"RIFF fake wav bytes", filename="audio.wav", content_type="audio/wav")
        async with session.post(f"{base}/upload?upload_id={uuid.uuid4().hex}", data=form) as response:
            uploaded = await response.json()
    return chat, uploaded


def _all_calls(base: str):
    models = requests.get(f"{base}/models", headers={"authorization": f"Bearer {SECRETS['header']}"}).json()
    return models, *asyncio.run(_client_calls(base))


def test_record_writes_no_secret_and_then_replays(fake_service, tmp_path, capsys):
    path = tmp_path / "recorded.yaml"
    helpers.start("record", recordings_file=path)
    assert "Mode: record" in capsys.readouterr().out
    live = _all_calls(fake_service)
    helpers.stop()

    text = path.read_text()
    for name, secret in SECRETS.items():
        assert secret not in text, f"the {name} secret leaked into the recording"
    assert "recorded live by helpers record mode" in text
    assert "sha256" in text and "RIFF fake wav bytes" not in text  # uploads stored as a summary

    helpers.start("replay", recordings_file=path)
    assert "live recordings" in capsys.readouterr().out
    replayed = _all_calls(fake_service)  # new random upload_id, new seed value: still matches
    assert replayed == live == ([{"name": "openai-audio"}], "echo hi", ["/tmp/gradio/audio.wav"])


def test_recording_again_replaces_instead_of_piling_up(fake_service, tmp_path):
    path = tmp_path / "recorded.yaml"
    for _ in range(2):
        helpers.start("record", recordings_file=path)
        _all_calls(fake_service)
        helpers.stop()
    assert path.read_text().count("uri: ") == 3


def test_recording_over_stand_ins_keeps_their_label(fake_service, tmp_path, capsys):
    """One real answer among stand-ins: the others must still say they are stand-ins."""
    import shutil

    from helpers._replay import cassettes

    path = tmp_path / "mixed.yaml"
    shutil.copy(cassettes.cassette_path(), path)
    before = cassettes.load_recordings(path)
    live_before = sum("recorded live" in r.provenance for r in before)  # after a record run, some are live
    helpers.start("record", recordings_file=path)
    requests.get(f"{fake_service}/models")
    helpers.stop()
    found = cassettes.load_recordings(path)
    assert len(found) == len(before) + 1
    assert sum("recorded live" in r.provenance for r in found) == live_before + 1
    stand_ins = len(before) - live_before
    assert cassettes.provenance_summary(found) == f"recordings ({live_before + 1} live, {stand_ins} stand-in)"


def test_a_record_run_asks_each_request_once_and_a_script_beside_it_keeps_its_answers(fake_service, tmp_path):
    """Notebook 04 runs its module as a script while the notebook records, and lessons ask the same speech.

    One record run asks each request once: the script, in the same run (it inherits G4F_RECORD_RUN), gets the
    answer the notebook got, so the clip a lesson transcribes is the clip replay gives back. What the script
    recorded itself is kept when the notebook's recording ends; a new run asks again.
    """
    path = tmp_path / "recorded.yaml"
    helpers.start("record", recordings_file=path)
    first = requests.get(f"{fake_service}/speech").json()["answer"]
    script = f"import helpers, requests; helpers.start('record', recordings_file={str(path)!r}); "
    script += f"print(requests.get('{fake_service}/speech').json()['answer']); requests.get('{fake_service}/other')"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(done.stdout.splitlines()[-1]) == first
    requests.get(f"{fake_service}/after")
    helpers.stop()
    helpers.start("replay", recordings_file=path)
    assert requests.get(f"{fake_service}/speech").json()["answer"] == first
    assert requests.get(f"{fake_service}/other").json()["path"] == "/other"
    assert requests.get(f"{fake_service}/after").json()["path"] == "/after"
    helpers.start("record", recordings_file=path)  # a new run
    again = requests.get(f"{fake_service}/speech").json()["answer"]
    helpers.start("replay", recordings_file=path)
    assert again > first and requests.get(f"{fake_service}/speech").json()["answer"] == again


def test_a_clip_made_anew_replaces_its_older_answers_but_not_this_runs(fake_service, tmp_path):
    """Each record run generates its clips anew, so a transcription of the last run's clip is never asked again."""
    path = tmp_path / "recorded.yaml"

    async def send(data: bytes) -> None:  # as g4f uploads a clip: aiohttp, a multipart form
        form = aiohttp.FormData()
        form.add_field("files", data, filename="alloy.mp3", content_type="audio/mpeg")
        async with aiohttp.ClientSession() as session, session.post(f"{fake_service}/upload", data=form) as answer:
            assert answer.status == 200

    def upload(data: bytes) -> None:
        asyncio.run(send(data))

    helpers.start("record", recordings_file=path)
    upload(b"first clip")
    upload(b"a second clip of the same name, in the same run")
    assert path.read_text().count("uri: ") == 2
    helpers.start("record", recordings_file=path)  # the next run
    upload(b"the clip made anew")
    helpers.stop()
    text = path.read_text()
    assert text.count("uri: ") == 1 and "sha256 " + hashlib.sha256(b"the clip made anew").hexdigest() in text
    helpers.start("replay", recordings_file=path)
    upload(b"the clip made anew")
    with pytest.raises(helpers.errors.UnrecordedRequestError):
        upload(b"first clip")
