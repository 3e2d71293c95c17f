"""g4f's keyless audio providers against local fakes of their services (tests/fake_providers.py).

Live mode with no key: speech through EdgeTTS, gTTS and OpenAIFM and transcription through MarkItDown, each
after Pollinations refuses with 402; every failure kind of every service; a record -> replay round trip
that includes EdgeTTS's WebSocket. g4f's own provider code makes every request; nothing leaves the machine.
"""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

import g4f
import pytest
import soundfile as sf
import yaml
from fake_pollinations import FakePollinations
from fake_providers import FAULTS, real_hosts
from g4f.client import AsyncClient
from support import SAMPLE, run

import helpers
from helpers import routes
from helpers.errors import ServiceError, UnrecordedRequestError

SPEAKERS = {"EdgeTTS": "edge", "gTTS": "gtts", "OpenAIFM": "openaifm"}


@pytest.fixture
def offline_room(workdir, monkeypatch, capsys):
    """Live mode, no key: Pollinations answers 402 (its fake), the keyless services answer (theirs)."""
    monkeypatch.delenv("POLLINATIONS_API_KEY", raising=False)
    monkeypatch.setattr(g4f.Provider.PollinationsAudio, "models", {})
    monkeypatch.setattr(g4f.Provider.PollinationsAI, "current_models_endpoint", None)
    monkeypatch.setattr(g4f.Provider.PollinationsAI, "audio_models", {})
    pollinations = FakePollinations(pk_budget=False, faults={"chat": 402}).start()
    with real_hosts(pollinations) as fake:
        helpers.start("live")
        capsys.readouterr()
        fake.pollinations = pollinations
        yield fake
        helpers.stop()
    pollinations.stop()


@pytest.mark.parametrize("name", SPEAKERS)
def test_live_without_a_key_each_keyless_provider_speaks(offline_room, monkeypatch, capsys, name):
    monkeypatch.setattr(routes, "SPEECH", ["PollinationsAI", name])
    path = run(helpers.speak("Say good day to the world", "day.mp3"))
    said = capsys.readouterr().out
    assert "PollinationsAI did not answer (no budget (402): Insufficient pollen balance" in said
    assert f"Answered by {name} (no key needed)." in said
    assert sf.info(path).format == "MP3" and sf.info(path).duration > 1
    assert len(offline_room.requests_to(SPEAKERS[name])) == 1
    assert [entry.path for entry in offline_room.pollinations.log].count("/v1/chat/completions") == 1  # no retry


def test_live_without_a_key_the_default_order_reaches_edge_tts_and_converts_to_wav(offline_room, capsys):
    path = run(helpers.speak("Добрый день", "day.wav"))
    assert "Answered by EdgeTTS (no key needed)." in capsys.readouterr().out
    assert helpers.describe_audio(path).format == "WAV"
    (session,) = offline_room.requests_to("edge")
    assert "(ru-RU, SvetlanaNeural)" in session.frames[-1] and ">Добрый день<" in session.frames[-1]


def test_live_without_a_key_transcription_falls_back_to_markitdown(offline_room, capsys):
    assert run(helpers.transcribe(SAMPLE)) == "go forward ten meters"
    said = capsys.readouterr().out
    assert "PollinationsAudio did not answer (no budget (402)" in said and "Answered by MarkItDown" in said
    (upload,) = offline_room.requests_to("google")
    assert upload.body.startswith(b"fLaC") and upload.query["lang"] == "en-US"


def test_live_transcription_with_markitdown_named_sends_a_file_it_can_read(offline_room, capsys):
    """``provider=MarkItDown`` skips the routes; the clip still goes as a file object (g4f's MarkItDown.py line 47)."""
    import g4f

    assert run(helpers.transcribe(SAMPLE, provider=g4f.Provider.MarkItDown, attempts=1)) == "go forward ten meters"
    assert len(offline_room.requests_to("google")) == 1


EXPECTED_KIND = {"refused": ("auth", "other"), 429: ("rate-limit", "other"), "broken": ("connection", "other")}


@pytest.mark.parametrize("fault", FAULTS, ids=str)
@pytest.mark.parametrize("name", [*SPEAKERS, "MarkItDown"])
def test_every_failure_of_every_service_is_one_line_and_a_clear_error(offline_room, monkeypatch, capsys, name, fault):
    service = SPEAKERS.get(name, "google")
    offline_room.faults[service] = fault
    monkeypatch.setattr(routes, "SPEECH", [name])
    monkeypatch.setattr(routes, "TRANSCRIPTION", [name])
    call = helpers.transcribe(SAMPLE, attempts=1) if name == "MarkItDown" else helpers.speak("Hi", "hi.mp3", attempts=1)
    with pytest.raises(ServiceError) as caught:
        run(call)
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line]
    assert line.startswith(f"{name} did not answer (") and line.endswith(").")
    assert f"No provider answered ({name}):\n  {name}: " in str(caught.value)
    if fault in EXPECTED_KIND:
        assert caught.value.kind in EXPECTED_KIND[fault], str(caught.value)
    assert len(offline_room.requests_to(service)) >= 1


async def _speak_all(save: bool = True) -> dict[str, bytes]:
    clips = {}
    for name, options in (("EdgeTTS", {"audio": {"voice": "en-US-AriaNeural"}}), ("gTTS", {}), ("OpenAIFM", {})):
        client = AsyncClient(provider=getattr(g4f.Provider, name))
        response = await client.chat.completions.create(messages=[{"role": "user", "content": "Good day"}], **options)
        response.choices[0].message.save(f"{name}.mp3")
        clips[name] = Path(f"{name}.mp3").read_bytes()
    with open(SAMPLE, "rb") as audio_file:
        client = AsyncClient(provider=g4f.Provider.MarkItDown)
        response = await client.chat.completions.create(messages="Transcribe this audio", media=[[audio_file, "a.wav"]])
    clips["MarkItDown"] = response.choices[0].message.content.encode()
    return clips


async def _timed(name: str, options: dict) -> float:
    client = AsyncClient(provider=getattr(g4f.Provider, name))
    started = time.perf_counter()
    response = await client.chat.completions.create(messages=[{"role": "user", "content": "Good day"}], **options)
    response.choices[0].message.save(f"{name}.mp3")
    return time.perf_counter() - started


def test_record_then_replay_includes_the_websocket_and_keeps_secrets_out(workdir, capsys):
    cassette = workdir / "recorded.yaml"
    with real_hosts() as fake:
        helpers.start("record", recordings_file=cassette)
        recorded = run(_speak_all())
        helpers.stop()
    assert recorded["MarkItDown"] == b"go forward ten meters"
    text = cassette.read_text()
    entries = yaml.safe_load(text)["interactions"]
    (socket,) = [e for e in entries if e["request"]["uri"].startswith("wss://")]
    assert socket["response"]["status"]["code"] == 101 and "Path:audio" in str(socket["response"]["body"])
    assert "X-Timestamp:<random>" in socket["request"]["body"] and "Sec-MS-GEC=<random>" in socket["request"]["uri"]
    assert "AIza" not in text and "muid=" not in text  # Google's key and Edge's cookie are not stored
    assert all("recorded live" in e["response"]["headers"]["x-tutorial-provenance"][0] for e in entries)
    log = len(fake.log)

    helpers.start("replay", recordings_file=cassette)
    assert run(_speak_all()) == recorded  # the same bytes, from the file
    assert len(fake.log) == log  # nothing reached the services
    edge = [run(_timed("EdgeTTS", {"audio": {"voice": "en-US-AriaNeural"}})) for _ in range(5)]
    http = [run(_timed("OpenAIFM", {})) for _ in range(5)]
    print(
        f"replayed: EdgeTTS {statistics.median(edge) * 1000:.1f} ms, OpenAIFM {statistics.median(http) * 1000:.1f} ms"
    )
    assert statistics.median(edge) < max(0.020, 2 * statistics.median(http))  # a loaded machine slows both


def test_replay_refuses_an_unrecorded_websocket_session_without_connecting(replay, monkeypatch):
    import aiohttp

    def no_connection(*args, **kwargs):
        raise AssertionError("replay opened a connection")

    monkeypatch.setattr(aiohttp.TCPConnector, "_create_connection", no_connection)
    client = AsyncClient(provider=g4f.Provider.EdgeTTS)
    with pytest.raises(UnrecordedRequestError, match="wss://speech.platform.bing.com") as caught:
        run(
            client.chat.completions.create(
                messages=[{"role": "user", "content": "Never recorded"}], audio={"voice": "en-GB-SoniaNeural"}
            )
        )
    assert "(en-GB, SoniaNeural)" in caught.value.failed_request.body.decode()


def test_keyless_mp3_converts_to_every_format():
    buffer = io.BytesIO()
    sf.write(buffer, [0.0] * 16000, 16000, format="MP3")
    for fmt, kind in (("wav", "WAV"), ("flac", "FLAC"), ("opus", "OGG")):
        assert sf.info(io.BytesIO(routes.converted(buffer.getvalue(), fmt))).format == kind
    assert routes.converted(buffer.getvalue(), "mp3") == buffer.getvalue()
