"""Record mode as an instructor uses it: online with their own key, then replayed in class without one.

The fake serves the real hostnames over TLS (tests/fake_pollinations.py, ``as_real_hosts``): g4f's own
provider code makes the requests it makes online, and record mode stores them as it would.
"""

from __future__ import annotations

import shutil

import pytest
from fake_pollinations import FakePollinations, as_real_hosts
from scenario_calls import transcribe_file
from support import SAMPLE, run

import helpers
from helpers import calls
from helpers._replay import cassettes

KEY = "sk_instructor" + "5e" * 12
LIMIT = 512 * 1024  # what tests/test_recordings.py allows a recordings file


@pytest.fixture
def recorded(tmp_path, monkeypatch, capsys):
    """Record the documented calls (twice), a refusal and a simulated fault over a copy of the stand-ins."""
    import g4f.Provider

    shutil.copy(SAMPLE, tmp_path / "audio.wav")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "recorded.yaml"
    shutil.copy(cassettes.cassette_path(), path)
    before = cassettes.load_recordings(path)
    fake = FakePollinations(pk_budget=False).start()
    monkeypatch.setenv("POLLINATIONS_API_KEY", KEY)
    # g4f keeps the model lists it fetched on the classes, for the whole process: ask afresh
    monkeypatch.setattr(g4f.Provider.PollinationsAudio, "models", {})
    monkeypatch.setattr(g4f.Provider.PollinationsAI, "current_models_endpoint", None)
    try:
        with as_real_hosts(fake):
            helpers.start("record", recordings_file=path)
            for _ in range(2):  # a notebook asks the same twice: one entry, not two
                run(calls.speech())
                assert run(transcribe_file("audio.wav")) == "Go forward ten meters."
            fake.faults["chat"] = 402
            with pytest.raises(Exception, match="402|pollen"):
                run(calls.speech(text="Say the room is full"))  # a refusal is never stored
            del fake.faults["chat"]
            with helpers.simulated("rate-limit-always"), pytest.raises(Exception, match="429"):
                run(calls.speech())  # a simulated fault is played, not sent and not recorded
            helpers.stop()
    finally:
        fake.stop()
    monkeypatch.delenv("POLLINATIONS_API_KEY")
    capsys.readouterr()
    return path, before, fake


def test_what_was_recorded_with_a_key_replays_without_one(recorded, capsys):
    path, _before, fake = recorded
    assert [e.authorization for e in fake.log if e.path == "/v1/chat/completions"][0] == f"Bearer {KEY}"
    helpers.start("replay", recordings_file=path)
    assert "1 live" not in capsys.readouterr().out  # several live answers, and stand-ins
    response = run(calls.speech())
    assert response.model == "gpt-audio-mini-2025-12-15"  # the fake's answer, not the stand-in's
    assert run(transcribe_file("audio.wav")) == "Go forward ten meters."


def test_recording_keeps_no_key_no_refusal_no_duplicate(recorded):
    path, before, _fake = recorded
    text = path.read_text()
    assert KEY not in text and "sk_instructor" not in text
    found = cassettes.load_recordings(path)
    assert all(r.status < 400 for r in found if "recorded live" in r.provenance)
    assert not any("Say the room is full" in cassettes.describe_request(r.request) for r in found)
    summaries = [(r.request.method, r.request.uri, r.request.body) for r in found]
    assert len(summaries) == len(set(summaries)), "an entry was stored twice"
    assert len(found) == len(before)  # live answers replaced their stand-ins, nothing piled up
    assert path.stat().st_size < LIMIT
    assert sum("recorded live" in r.provenance for r in found) >= 4


def test_the_nobody_recorded_demonstration_is_refused_even_in_record_mode(tmp_path, monkeypatch, capsys):
    """Notebooks 02 and 06 show a request nobody recorded inside simulated("unrecorded"): record mode
    must neither send it nor store it, so the cells show the same message after a re-recording."""
    shutil.copy(SAMPLE, tmp_path / "audio.wav")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "recorded.yaml"
    shutil.copy(cassettes.cassette_path(), path)
    before = path.read_bytes()
    helpers.start("record", recordings_file=path)
    with helpers.simulated("unrecorded"), pytest.raises(helpers.errors.UnrecordedRequestError) as caught:
        run(calls.speech(text="Say something nobody recorded", voice="shimmer"))
    helpers.stop()
    assert "voice=shimmer" in str(caught.value) and "recorded for this address" in str(caught.value)
    assert path.read_bytes() == before
