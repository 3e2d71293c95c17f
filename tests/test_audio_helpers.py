"""describe_audio, play, save_bytes, save_speech: the happy path and bad input."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest
import soundfile as sf
from support import SAMPLE, run, speak

import helpers


def test_sample_clip_is_the_credited_recording():
    credits = (SAMPLE.parent / "AUDIO_CREDITS.md").read_text()
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() in credits
    info = helpers.describe_audio(SAMPLE)
    assert (info.format, info.sample_rate, info.channels) == ("WAV", 16000, 1)
    assert round(info.duration, 1) == 2.8


def test_describe_audio_summary(workdir):
    assert helpers.describe_audio("audio.wav").summary == "audio.wav: 2.8 s, WAV, 16 kHz mono, 87.1 KB"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "No file at"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_text("hello, I am text pretending to be audio"), "is not audio that can be read"),
        (lambda p: p.write_bytes(SAMPLE.read_bytes()[:44]), "holds no sound"),
    ],
    ids=["missing", "folder", "empty", "text-named-wav", "header-only"],
)
def test_describe_audio_rejects_bad_files_with_advice(workdir, make, expected):
    make(workdir / "bad.wav")
    with pytest.raises(helpers.errors.AudioFileError, match=expected):
        helpers.describe_audio("bad.wav")


def test_describe_audio_rejects_oversized_files(workdir):
    with pytest.raises(helpers.errors.AudioFileError, match="the services take at most 1.0 KB"):
        helpers.describe_audio("audio.wav", max_bytes=1024)


def test_play_links_the_file_instead_of_embedding_it(workdir):
    (workdir / "clips").mkdir()
    sf.write(workdir / "clips" / "tone.wav", np.zeros(8000, dtype="int16"), 8000)
    player = helpers.play("clips/tone.wav", caption="a <quiet> second")
    page = player._repr_html_()
    assert 'src="clips/tone.wav?v=' in page and "base64" not in page
    assert "a &lt;quiet&gt; second" in page
    assert repr(player).startswith("[audio] tone.wav: 1.0 s, WAV, 8 kHz mono")


def test_save_bytes_never_overwrites_unless_asked(workdir):
    target = workdir / "mine.mp3"
    target.write_bytes(b"the learner's own file")
    with pytest.raises(helpers.errors.FileExistsNotOverwrittenError, match="overwrite=True"):
        helpers.audio.save_bytes(b"new", target)
    assert target.read_bytes() == b"the learner's own file"
    helpers.audio.save_bytes(b"new", target, overwrite=True)
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(workdir)) == ["audio.wav", "mine.mp3"]  # no temporary file left


def test_save_bytes_needs_an_existing_folder(workdir):
    with pytest.raises(FileNotFoundError, match="does not exist. Create it first"):
        helpers.audio.save_bytes(b"x", workdir / "no" / "such" / "clip.mp3")
    assert not (workdir / "no").exists()


def test_save_speech_and_a_text_answer(replay):
    response = run(speak())
    path = helpers.save_speech(response, "speech.mp3")
    assert helpers.describe_audio(path).format == "MP3"
    with pytest.raises(helpers.errors.FileExistsNotOverwrittenError):
        helpers.save_speech(response, "speech.mp3")
    response.choices[0].message.save("moved.mp3")
    with pytest.raises(helpers.errors.NoAudioError, match="already moved away by message.save"):
        helpers.calls.speech_bytes(response)

    class Text:
        content = "I cannot speak today"
        audio = None

    class Answer:
        choices = [type("Choice", (), {"message": Text})]

    with pytest.raises(helpers.errors.NoAudioError, match="I cannot speak today"):
        helpers.calls.speech_bytes(Answer())
