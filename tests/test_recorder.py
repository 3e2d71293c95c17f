"""The recorder's Python side: the clip the browser sends is checked, named and saved without losing anything,
and its folder, output/, never enters git (the browser side is tested in tests/browser/test_recorder.py)."""

from __future__ import annotations

import asyncio
import io
import subprocess
import wave

import numpy as np
import pytest
from support import ROOT

from helpers.recorder import Recorder, check_wav
from helpers.studio import RECORDED, SAMPLE, VoiceStudio


def clip(seconds: float = 1.0, rate: int = 48000, amplitude: float = 0.5, width: int = 2) -> bytes:
    """A WAV of a 220 Hz tone, as the browser encodes it (mono, 16-bit PCM unless ``width`` says otherwise)."""
    t = np.arange(int(seconds * rate)) / rate
    tone = amplitude * np.sin(2 * np.pi * 220 * t)
    frames = (tone * 32767).astype("<i2").tobytes() if width == 2 else ((tone + 1) * 127).astype("u1").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def send(recorder: Recorder, data: bytes) -> None:
    """What the browser does on Stop: a custom message with the WAV as a binary buffer."""
    recorder._handle_custom_msg({"kind": "clip"}, [memoryview(data)])


def test_a_good_clip_is_measured():
    seconds, peak = check_wav(clip(1.5, amplitude=0.5))
    assert seconds == pytest.approx(1.5)
    assert peak == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(
    "payload, words",
    [
        (b"", "not a WAV file"),
        (b"ID3\x04\x00 an mp3 file", "not a WAV file"),
        (clip()[:-1000], "cut short: its header promises 48000 samples, it holds 47500"),
        (clip()[:30], "damaged"),
        (clip()[:24] + bytes(4) + clip()[28:], r"damaged \(a sample rate of 0\)"),
        (clip(width=1), "8-bit samples"),
        (clip(0.05), "lasts 0.05 s, too short"),
    ],
    ids=["empty", "mp3", "truncated", "header-only", "rate-0", "8-bit", "too-short"],
)
def test_a_bad_clip_is_refused_saying_why(payload, words):
    with pytest.raises(ValueError, match=words):
        check_wav(payload)


def test_clips_are_saved_one_after_another_under_names_shown(tmp_path):
    recorder = Recorder(tmp_path / "output")
    assert repr(recorder) == f"Recorder(folder={(tmp_path / 'output').as_posix()!r}, clip=None)"
    first, second = clip(1.0), clip(2.0)
    send(recorder, first)
    send(recorder, second)
    saved = tmp_path / "output" / "recording-2.wav"
    assert recorder.path == saved.as_posix()
    assert recorder.message == f"Saved {saved.as_posix()} (2.0 s)."
    assert (tmp_path / "output" / "recording-1.wav").read_bytes() == first
    assert saved.read_bytes() == second


def test_a_bad_payload_loses_nothing(tmp_path):
    recorder = Recorder(tmp_path)
    send(recorder, clip())
    kept = recorder.path
    send(recorder, clip()[:-1000])
    assert recorder.message.startswith("The clip is cut short")
    assert recorder.message.endswith(f"Nothing was saved. {kept} is still the last clip. Record again.")
    assert recorder.path == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recording-1.wav"]
    assert (tmp_path / "recording-1.wav").read_bytes() == clip()


def test_a_new_clip_never_replaces_an_older_one(tmp_path):
    (tmp_path / "recording-7.wav").write_bytes(b"a clip from yesterday")
    (tmp_path / "recording-notes.wav").write_bytes(b"not numbered")
    recorder = Recorder(tmp_path)
    send(recorder, clip())
    assert recorder.path == (tmp_path / "recording-8.wav").as_posix()
    assert (tmp_path / "recording-7.wav").read_bytes() == b"a clip from yesterday"


def test_a_clip_that_cannot_be_saved_says_so_in_the_widget(tmp_path):
    (tmp_path / "output").write_text("a file where the folder should be")
    recorder = Recorder(tmp_path / "output")
    send(recorder, clip())
    assert recorder.message.startswith("The clip could not be saved: ")
    assert recorder.path == ""


def test_a_silent_clip_is_saved_with_a_hint(tmp_path):
    recorder = Recorder(tmp_path)
    send(recorder, clip(amplitude=0.0))
    assert recorder.path
    assert "silent: does the level meter move when you speak?" in recorder.message


def test_the_studio_offers_your_recording_and_replay_says_nobody_recorded_it(replay):
    async def scenario() -> tuple[str, str, str]:
        studio = VoiceStudio()
        studio.source.value = RECORDED
        studio.transcribe.click()
        await studio.task
        before = studio.status_text
        studio.source.value = SAMPLE
        send(studio.recorder, clip())  # a new recording becomes the clip to transcribe
        chosen = studio.source.value
        studio.transcribe.click()
        await studio.task
        return before, chosen, studio.status_text

    before, chosen, after = asyncio.run(scenario())
    assert before == "Record a clip first: press Record, say a sentence, press Stop."
    assert chosen == RECORDED
    assert after.startswith("Not recorded:\nunrecorded: No recording answers this request")
    assert "file 'recording-1.wav'" in after
    assert (replay / "output" / "studio" / "recording-1.wav").read_bytes() == clip()


def test_output_is_ignored_by_git_in_every_editions_folder():
    """Recordings (and everything else the notebooks write) stay out of git in every folder holding notebooks."""
    folders = sorted({p.parent for p in (ROOT / "notebooks").rglob("*.ipynb") if "output" not in p.parts})
    assert {f.relative_to(ROOT).as_posix() for f in folders} >= {
        "notebooks",
        "notebooks/exercises",
        "notebooks/ru",
        "notebooks/ru/exercises",
    }
    for folder in folders:
        for clip_path in ("output/recording-1.wav", "output/studio/recording-1.wav"):
            path = (folder / clip_path).relative_to(ROOT).as_posix()
            result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, capture_output=True)
            assert result.returncode == 0, f"git would not ignore {path}"
