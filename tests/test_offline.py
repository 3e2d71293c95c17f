"""The offline extra: Piper and faster-whisper behind g4f's client, and the local and auto modes."""

from __future__ import annotations

import base64
import json
import os

import pytest
from support import DOCUMENTED_PROMPT, run, speak, transcribe

import helpers
from helpers import calls, offline
from helpers._replay import cassettes
from helpers.wer import wer, words

if not offline.installed():
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI installs the offline extra (make offline); it is missing.")
    pytest.skip("the offline extra is not installed (make offline)", allow_module_level=True)

SENTENCES = [  # Harvard sentences, list 1 (public domain)
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
]
ROUND_TRIP_WER_MAX = 0.2  # measured 0.08 over eight such sentences (tiny.en, beam 5)


async def offline_speech(text, fmt="mp3"):
    return await calls.speech(calls.client(offline.PiperSpeech), text, audio_format=fmt)


async def offline_transcript(path):
    with open(path, "rb") as audio_file:
        response = await calls.transcription(calls.client(offline.WhisperTranscription), [[audio_file, path]])
    return response.choices[0].message.content


def test_piper_answers_the_documented_speech_call(replay):
    response = run(offline_speech(DOCUMENTED_PROMPT))
    response.choices[0].message.save("alloy.mp3")
    info = helpers.describe_audio("alloy.mp3")
    assert info.format == "MP3" and 0.6 < info.duration < 3
    assert response.choices[0].message.content.transcript == "Good day to the world."


@pytest.mark.parametrize("fmt", ["wav", "flac", "opus"])
def test_piper_writes_other_formats(replay, fmt):
    run(offline_speech("Say hello", fmt)).choices[0].message.save(f"hello.{fmt}")
    assert helpers.describe_audio(f"hello.{fmt}").duration > 0.3


def test_piper_is_deterministic(replay):
    first, second = (run(offline_speech("Say good morning")) for _ in range(2))
    first.choices[0].message.save("1.mp3")
    second.choices[0].message.save("2.mp3")
    assert (replay / "1.mp3").read_bytes() == (replay / "2.mp3").read_bytes()


def test_whisper_transcribes_the_real_human_clip(replay):
    assert words(run(offline_transcript("audio.wav"))) == ["go", "forward", "ten", "meters"]


def test_round_trip_word_error_rate(replay):
    heard = []
    for index, sentence in enumerate(SENTENCES):
        run(offline_speech(sentence)).choices[0].message.save(f"{index}.mp3")
        heard.append(run(offline_transcript(f"{index}.mp3")))
    assert wer(SENTENCES, heard) <= ROUND_TRIP_WER_MAX, list(zip(SENTENCES, heard, strict=True))


def test_local_mode_answers_the_documented_calls_unchanged(workdir, capsys):
    import g4f

    real = g4f.Provider.PollinationsAI
    helpers.start("local")
    assert capsys.readouterr().out.startswith("Mode: local.")
    response = run(speak())  # names g4f.Provider.PollinationsAI, as documented
    response.choices[0].message.save("alloy.mp3")
    assert helpers.describe_audio("alloy.mp3").format == "MP3"
    assert words(run(transcribe())) == ["go", "forward", "ten", "meters"]  # PollinationsAudio, as in notebook 03
    helpers.stop()
    assert g4f.Provider.PollinationsAI is real


def test_auto_mode_replays_what_is_recorded_and_speaks_the_rest_locally(workdir, capsys):
    helpers.start("auto")
    assert capsys.readouterr().out.startswith("Mode: auto.")
    recorded = run(helpers.speak(DOCUMENTED_PROMPT, "recorded.mp3"))
    fresh = run(helpers.speak("Say something nobody recorded", "fresh.mp3", voice="shimmer"))
    assert recorded.read_bytes() == _recorded_audio("alloy", "mp3", DOCUMENTED_PROMPT)  # from the recordings
    assert helpers.describe_audio(fresh).duration > 0.5  # from Piper
    assert words(run(helpers.transcribe(fresh))) == ["something", "nobody", "recorded"]


def test_auto_mode_still_shows_the_refusal_inside_simulated_unrecorded(workdir, capsys):
    """Lessons 05 and 07 show what a request nobody recorded meets: auto mode must not answer it with Piper there."""
    helpers.start("auto")
    with helpers.simulated("unrecorded"), pytest.raises(helpers.errors.UnrecordedRequestError):
        run(calls.speech(text="Say something nobody recorded", voice="shimmer"))
    response = run(calls.speech(text="Say something nobody recorded", voice="shimmer"))  # outside: Piper speaks
    assert helpers.transcript_of(response) == "Something nobody recorded."


def _recorded_audio(voice, fmt, prompt):
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    requests, responses = deserialize(cassettes.cassette_path().read_text(), yamlserializer)
    for request, response in zip(requests, responses, strict=True):
        try:
            body = json.loads(request.body or "null")
        except ValueError:  # a summarised upload: not a speech request
            continue
        if (
            isinstance(body, dict)
            and body.get("audio") == {"voice": voice, "format": fmt}
            and (body["messages"][-1]["content"] == prompt)
        ):
            answer = json.loads(response["body"]["string"])
            return base64.b64decode(answer["choices"][0]["message"]["audio"]["data"])
    raise AssertionError("not recorded")


def test_model_paths_are_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("WHISPER_MODEL_DIR", "tiny.en")
    with pytest.raises(helpers.errors.ModelFileError, match="a model name such as 'tiny.en' is refused"):
        offline.WhisperTranscription.model()
    monkeypatch.setenv("WHISPER_MODEL_DIR", str(tmp_path))
    with pytest.raises(helpers.errors.ModelFileError, match="lacks model.bin"):
        offline.WhisperTranscription.model()
    fake = tmp_path / "voice.onnx"
    fake.write_bytes(b"not a voice")
    (tmp_path / "voice.onnx.json").write_text("{}")
    monkeypatch.setenv("PIPER_VOICE_MODEL", str(fake))
    with pytest.raises(helpers.errors.ModelFileError, match="not a pinned model"):
        offline.PiperSpeech.voice()


def test_word_error_rate():
    assert wer("go forward ten meters", "Go forward 10 meters.") == 0
    assert wer("the birch canoe slid", "the birch can use lid") == 0.75
