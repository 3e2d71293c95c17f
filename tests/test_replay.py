"""Replay mode answers the tutorial's calls from the recordings, offline, through g4f's own code."""

from __future__ import annotations

import socket

import pytest
from support import ROOT, labelled_honestly, python, run, says, speak, transcribe

import helpers
from helpers._replay import cassettes, netguard


def test_documented_speech_call_writes_a_valid_mp3(replay):
    response = run(speak())
    response.choices[0].message.save("alloy.mp3")
    info = helpers.describe_audio("alloy.mp3")
    assert info.format == "MP3"
    assert 0.5 < info.duration < 10
    assert says(helpers.transcript_of(response), "good day")
    assert not (replay / "generated_media").exists()  # g4f's scratch folder went to .scratch/


def test_variations_have_their_own_recordings(replay):
    nova = helpers.calls.speech_bytes(run(speak(voice="nova")))
    alloy = helpers.calls.speech_bytes(run(speak(voice="alloy")))
    wav = run(speak(fmt="wav"))
    assert nova != alloy
    helpers.save_speech(wav, "alloy.wav")
    assert helpers.describe_audio("alloy.wav").format == "WAV"


def test_transcription_of_the_sample_clip(replay):
    assert says(run(transcribe()), "go forward ten meters")
    assert says(run(transcribe(via_chat=True)), "go forward ten meters")


def test_round_trip_transcribes_the_generated_speech(replay):
    helpers.save_speech(run(speak()), "alloy.mp3")
    assert says(run(transcribe("alloy.mp3")), "good day")


def test_russian_speech_and_its_transcription_with_language_ru_replay(replay):
    """Notebook 03's Russian example: the clip says "добрый день, мир", and the transcript is heard in Russian."""
    from scenario_calls import RUSSIAN_PROMPT

    response = run(speak(prompt=RUSSIAN_PROMPT))
    assert says(helpers.transcript_of(response), "добрый день мир")
    helpers.save_speech(response, "russian.mp3")
    assert helpers.describe_audio("russian.mp3").format == "MP3"
    heard = run(transcribe("russian.mp3", language="ru"))
    assert says(heard, "добрый день мир")
    assert any("\u0400" <= character <= "\u04ff" for character in heard)


def test_unrecorded_request_fails_fast_and_says_what_to_do(replay):
    with pytest.raises(helpers.errors.UnrecordedRequestError) as caught:
        run(speak(voice="shimmer", prompt="Say something nobody recorded"))
    message = str(caught.value)
    assert "voice=shimmer" in message and "Say something nobody recorded" in message
    listed = [line for line in message.split("(the closest first):\n")[1].splitlines() if line.startswith("    - ")]
    assert listed and all("voice=" in line for line in listed)  # what the recordings can answer here
    assert "helpers.start('live')" in message
    assert list(replay.iterdir()) == [replay / "audio.wav"]  # nothing half-written


def test_replay_refuses_any_connection_off_this_machine(replay):
    with pytest.raises(netguard.NetworkBlockedError):
        socket.create_connection(("example.com", 443), timeout=1)
    with pytest.raises(netguard.NetworkBlockedError):
        socket.socket().connect(("93.184.216.34", 80))
    server = socket.create_server(("127.0.0.1", 0))  # loopback stays usable (the kernel needs it)
    socket.create_connection(server.getsockname(), timeout=1).close()
    server.close()
    helpers.stop()
    assert not netguard.refusal("example.org")


def test_api_keys_in_the_environment_do_not_change_replay(workdir, monkeypatch, capsys):
    monkeypatch.setenv("POLLINATIONS_API_KEY", "sk_" + "x" * 24)  # would reroute to gen.pollinations.ai
    helpers.start("replay")
    assert "POLLINATIONS_API_KEY" not in __import__("os").environ
    assert says(helpers.transcript_of(run(speak())), "good day")
    helpers.stop()
    assert __import__("os").environ["POLLINATIONS_API_KEY"] == "sk_" + "x" * 24


SCRIPT = """
import asyncio, helpers
from helpers import modes
helpers.start()
from support import speak
asyncio.run(speak())
cassette = modes._state.cassette
played = [request.uri for index, (request, _) in enumerate(cassette.data) if cassette.play_counts[index]]
print("PLAYED", sorted(set(played)))
"""


def test_second_run_on_the_same_day_replays_every_request_again(workdir):
    env = {"PYTHONPATH": str(ROOT / "tests")}
    runs = [python(SCRIPT, workdir, env) for _ in range(2)]
    for result in runs:
        assert result.returncode == 0, result.stderr
    first, second = (r.stdout.split("PLAYED", 1)[1] for r in runs)
    assert "https://pollinations.g4f.space/v1/models" in first
    assert first == second  # a model list cached by the first run did not make the second skip it


def test_recordings_say_they_are_stand_ins():
    found = cassettes.load_recordings()
    assert labelled_honestly(found)


def test_the_guard_also_holds_when_aiohttp_would_resolve_with_aiodns(replay):
    """jupyterhub brings aiodns into hub images; aiohttp then resolves with c-ares, around getaddrinfo."""
    import aiohttp

    async def resolve():
        connector = aiohttp.TCPConnector()
        try:
            return type(connector._resolver), await connector._resolver.resolve("example.com", 443)
        finally:
            await connector.close()

    with pytest.raises(netguard.NetworkBlockedError):
        run(resolve())
    assert netguard.refusal("example.org")
    helpers.stop()
    import aiohttp.connector
    import aiohttp.resolver

    assert aiohttp.connector.DefaultResolver is netguard._original_resolver  # restored when the guard is off
    assert aiohttp.resolver.DefaultResolver is netguard._original_resolver


def test_the_mode_line_counts_stand_ins_and_live_recordings():
    def recording(provenance):
        return cassettes.Recording(request=None, status=200, provenance=provenance)

    stand_in, live = recording("stand-in built offline by tools/build_standins.py"), recording("recorded live by x")
    assert cassettes.provenance_summary([]) == "no recordings yet"
    assert cassettes.provenance_summary([stand_in, stand_in]) == "stand-in recordings built offline"
    assert cassettes.provenance_summary([live]) == "live recordings"
    assert cassettes.provenance_summary([live, stand_in, stand_in]) == "recordings (1 live, 2 stand-in)"
