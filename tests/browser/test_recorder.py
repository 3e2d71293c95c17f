"""The microphone recorder of notebook 05 in JupyterLab in headless Chromium, with a fake microphone that plays
a known WAV file: Record, wait, Stop; the saved clip decodes, lasts as long as the recording and holds the
sound played in (and, with the offline extra, faster-whisper hears the known words). A refused microphone
gives one line that points to the upload path."""

from __future__ import annotations

import asyncio
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import soundfile
from labserver import ARTIFACTS, NOTEBOOKS
from test_notebooks_in_browser import NB, check_notebook

import helpers
from helpers import offline
from helpers.recorder import check_wav
from helpers.wer import wer

SAID = "Go forward ten meters"
LEAD_S, TAIL_S = 0.3, 1.5
RECORD_S = 4.0
SAVED = re.compile(r"Saved (\S+\.wav) \((\d+\.\d) s\)\.")


@pytest.fixture(scope="module")
def fake_microphone(tmp_path_factory) -> tuple[Path, np.ndarray]:
    """notebooks/audio.wav with silence around it, as 16 kHz mono 16-bit PCM (what Chromium's fake capture reads),
    and the speech alone."""
    sound, rate = soundfile.read(NOTEBOOKS / "audio.wav", dtype="float32")
    assert rate == 16000 and sound.ndim == 1
    played = np.concatenate([np.zeros(int(LEAD_S * rate)), sound, np.zeros(int(TAIL_S * rate))]).astype("float32")
    path = tmp_path_factory.mktemp("microphone") / "go-forward.wav"
    soundfile.write(path, played, rate, subtype="PCM_16")
    return path, sound


def fake_microphone_args(path: Path) -> list[str]:
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={path}%noloop",
    ]


def best_match(recorded: np.ndarray, rate: int, speech: np.ndarray) -> float:
    """The highest normalised correlation (1: the same waveform) of ``speech`` (16 kHz) with any stretch of
    the recording."""
    x = np.interp(np.arange(0, len(recorded) / rate, 1 / 16000), np.arange(len(recorded)) / rate, recorded)
    n = len(x) + len(speech)
    correlation = np.fft.irfft(np.fft.rfft(x, n) * np.conj(np.fft.rfft(speech, n)), n)[: len(x)]
    energy = np.concatenate([[0.0], np.cumsum(x**2)])
    starts = np.arange(len(x))
    windows = np.sqrt(energy[np.minimum(starts + len(speech), len(x))] - energy[starts])
    loud = windows > 0.1 * np.linalg.norm(speech)  # a near-silent stretch cannot hold the speech
    return float((np.abs(correlation[loud]) / (np.linalg.norm(speech) * windows[loud])).max(initial=0))


def recorder_in(page, which: int):
    rec = page.locator(f"{NB} .g4f-recorder").nth(which)
    rec.scroll_into_view_if_needed()
    return rec


def record(page, rec, seconds: float) -> tuple[str, float, float]:
    """Press Record, wait, press Stop: (the saved path as the widget names it, its seconds, seconds recorded)."""
    message = rec.locator(".message")
    rec.locator("button", has_text="Record").click()
    page.wait_for_function("el => el.textContent.startsWith('Recording')", arg=message.element_handle())
    started = time.monotonic()
    page.wait_for_timeout(seconds * 1000)
    stopped = time.monotonic()  # before the click: the clip ends when the click arrives, a moment later
    rec.locator("button", has_text="Stop").click()
    page.wait_for_function("el => el.textContent.startsWith('Saved')", arg=message.element_handle(), timeout=20_000)
    found = SAVED.fullmatch(message.inner_text().strip())
    assert found, message.inner_text()
    return found[1], float(found[2]), stopped - started


@pytest.mark.parametrize("name", ["05_voice_studio.ipynb", "ru/05_voice_studio.ipynb"])
def test_recording_from_the_fake_microphone_is_saved_and_heard(chromium_tab, lab, fake_microphone, name):
    wav_path, speech = fake_microphone
    page = chromium_tab(*fake_microphone_args(wav_path))
    report = check_notebook(page, lab, name)
    assert not report["problems"], "\n".join(report["problems"])
    folder = (lab.notebooks / name).parent

    rec = recorder_in(page, -1)  # the "Your own voice" section's recorder
    saved, shown_s, recorded_s = record(page, rec, RECORD_S)
    assert re.fullmatch(r"output/recording-\d+\.wav", saved)
    data = (folder / saved).read_bytes()
    seconds, peak = check_wav(data)
    assert recorded_s - 0.2 < seconds < recorded_s + 1.0, (seconds, recorded_s)  # a click takes a moment
    assert abs(seconds - shown_s) < 0.06
    recorded, rate = soundfile.read(folder / saved, dtype="float32")
    assert recorded.ndim == 1 and rate >= 16000
    assert peak > 0.1
    match = best_match(recorded, rate, speech)
    # the clip holds the sound played in, not noise (which scores under 0.1): 0.99+ on an idle machine; under load
    # Chromium's real-time fake capture drops frames, and the whole sentence then correlates less (0.75 seen)
    assert match > 0.5, match
    player = rec.locator("audio")
    duration = player.evaluate(
        "a => new Promise(r => a.readyState >= 1 ? r(a.duration) : a.addEventListener('loadedmetadata', () => r(a.duration)))"
    )
    assert abs(duration - seconds) < 0.1  # the play-back is the same clip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = name.replace("/", "__").removesuffix(".ipynb")  # not *.ipynb.json: those are the notebook reports
    rec.screenshot(path=str(ARTIFACTS / f"recorder-{stem}.png"))

    result = {"notebook": name, "clip": saved, "seconds": seconds, "recorded_s": round(recorded_s, 2), "match": match}
    if offline.installed():  # the section's local route: helpers.transcribe with faster-whisper, in local mode
        helpers.start("local")
        heard = helpers.transcribe(folder / saved, provider=offline.WhisperTranscription)
        with ThreadPoolExecutor(1) as thread:  # Playwright's sync API keeps an event loop in this one
            result["transcript"] = thread.submit(asyncio.run, heard).result(timeout=120)
        result["wer"] = wer(SAID, result["transcript"])
        assert result["wer"] <= 0.25, result
    (ARTIFACTS / f"recorder-{stem}.json").write_text(json.dumps(result, indent=2))
    print(f"\n{name}: {result}")

    studio = recorder_in(page, 0)  # the studio's recorder: its clip becomes the one to transcribe
    studio_saved, _, _ = record(page, studio, 1.0)
    assert re.fullmatch(r"output/studio/recording-\d+\.wav", studio_saved)
    app = page.locator(f"{NB} .jp-OutputArea-output .widget-vbox").filter(has=page.locator("text=Speak")).first
    source = app.locator("select").filter(has=page.locator("option", has_text="your recording"))
    assert source.evaluate("s => decodeURIComponent(s.options[s.selectedIndex].dataset.value)") == "your recording"
    app.locator("button", has_text="Transcribe").click()
    app.locator("pre", has_text="Not recorded").wait_for(timeout=20_000)  # replay: nobody recorded your voice


HIDE_MEDIA_DEVICES = "() => Object.defineProperty(navigator, 'mediaDevices', {value: undefined})"
"""What a plain-http page on another host sees: browsers offer navigator.mediaDevices to secure origins only."""


@pytest.mark.parametrize(
    "args, insecure, expected",
    [
        (["--use-fake-device-for-media-stream", "--deny-permission-prompts"], False, "permission denied"),
        (["--use-fake-ui-for-media-stream"], False, "No microphone found"),
        (["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"], True, "not a secure origin"),
    ],
    ids=["permission-denied", "no-microphone", "insecure-origin"],
)
def test_a_refused_microphone_gives_one_line_pointing_to_upload(chromium_tab, lab, args, insecure, expected):
    page = chromium_tab(*args)
    report = check_notebook(page, lab, "05_voice_studio.ipynb")
    assert not report["problems"], "\n".join(report["problems"])
    if insecure:
        page.evaluate(HIDE_MEDIA_DEVICES)
    rec = recorder_in(page, -1)
    message = rec.locator(".message")
    rec.locator("button", has_text="Record").click()
    page.wait_for_function("el => el.textContent.includes('Upload')", arg=message.element_handle(), timeout=10_000)
    line = message.inner_text()
    assert expected in line and "\n" not in line.strip(), line
    assert rec.locator("button", has_text="Record").is_enabled()  # the learner can try again
    assert not rec.locator("audio").count()
