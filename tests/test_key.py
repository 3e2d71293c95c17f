"""The instructor's own key: used for every live call when set, g4f's public key otherwise, never shown.

Against tests/fake_pollinations.py, through g4f's own provider code (speech via PollinationsAI,
transcription and the fallback via PollinationsAudio); the network guard refuses anything not local.
"""

from __future__ import annotations

import sys
from pathlib import Path

import fake_pollinations
import g4f
import pytest
from scenario_calls import fallback_speech
from support import SAMPLE, run

import helpers
from helpers import calls
from helpers.retries import diagnose

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import preflight  # noqa: E402

live_fake = fake_pollinations.live_fake  # the fixture: live mode against the fake

KEY = "sk_test_instructor_5f3a9c1e7b"
PUBLIC = f"Bearer {g4f.Provider.PollinationsAudio.public_key}"


async def every_live_call(folder):
    await helpers.speak("Say good day to the world", folder / "speech.mp3")
    heard = await helpers.transcribe(SAMPLE)
    await fallback_speech()
    return heard


def test_with_a_key_every_request_carries_it(live_fake, monkeypatch, tmp_path):
    monkeypatch.setenv("POLLINATIONS_API_KEY", KEY)
    assert run(every_live_call(tmp_path)) == "Go forward ten meters."
    for route in ("chat", "transcriptions", "speech"):
        assert live_fake.authorizations(route) == [f"Bearer {KEY}"], route
    assert not any(entry.host == "pollinations.g4f.space" for entry in live_fake.log)


def test_without_a_key_the_public_key_is_tried(live_fake, tmp_path):
    run(every_live_call(tmp_path))
    assert live_fake.authorizations("chat") == [None]  # speech through g4f's proxy, as g4f 8.8.6 does it
    assert live_fake.authorizations("transcriptions") == [PUBLIC]
    assert live_fake.authorizations("speech") == [PUBLIC]


def test_a_402_says_what_was_refused_and_preflight_names_the_fix(live_fake):
    live_fake.pk_budget = False  # every pk_ key's budget is zero since Aug 2026
    with pytest.raises(helpers.errors.ServiceError) as caught:
        run(helpers.transcribe(SAMPLE))
    assert caught.value.status == 402
    assert "Insufficient pollen balance" in str(caught.value)
    reason, fix, _ = preflight._explain(caught.value, 30)
    assert "402 Payment Required" in reason and "POLLINATIONS_API_KEY=sk_" in fix


def test_a_402_is_its_own_kind(live_fake):
    live_fake.pk_budget = False
    with pytest.raises(helpers.errors.ServiceError) as caught:
        run(helpers.transcribe(SAMPLE))
    assert caught.value.kind == "quota" and diagnose(caught.value.__cause__).kind == "quota"


def test_the_key_goes_only_to_pollinations_providers(monkeypatch):
    monkeypatch.setenv("POLLINATIONS_API_KEY", f"  {KEY}\n")
    assert calls.key_for(g4f.Provider.PollinationsAudio) == {"api_key": KEY}

    class Other:  # a provider without a public key (another service, the offline engines)
        public_key = None

    assert calls.key_for(Other) == {}
    monkeypatch.setenv("POLLINATIONS_API_KEY", "  ")
    assert calls.key_for(g4f.Provider.PollinationsAudio) == {"api_key": g4f.Provider.PollinationsAudio.public_key}


def test_replay_hides_the_key(monkeypatch, replay):
    monkeypatch.setenv("POLLINATIONS_API_KEY", KEY)
    helpers.start("replay")
    assert calls.own_key() is None
    helpers.stop()
    assert calls.own_key() == KEY
