"""The preflight against a local fake of the live services: GO, and each NO-GO reason with its fix.

g4f's real provider code makes every request; tests/fake_pollinations.py answers them on 127.0.0.1
in the documented wire formats, and the network guard refuses anything else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import fake_pollinations
import pytest
from fake_pollinations import FakePollinations
from fake_providers import real_hosts
from support import ROOT, run

sys.path.insert(0, str(ROOT / "tools"))
import preflight  # noqa: E402

from helpers._replay import netguard  # noqa: E402

_live_pollinations = fake_pollinations.live_fake  # live mode, g4f's Pollinations providers pointed at a fake
KEYLESS = {"EdgeTTS": "GO", "gTTS": "GO", "OpenAIFM": "GO", "MarkItDown": "GO"}


@pytest.fixture
def keyless():
    """The keyless services' fakes on their real hostnames (nothing else resolves)."""
    with real_hosts() as fake:
        yield fake


@pytest.fixture
def live_fake(_live_pollinations, keyless):
    netguard.allow_network()  # the keyless fakes answer the real names; real_hosts refuses every other name
    return _live_pollinations


KEY = "sk_test_instructor_5f3a9c1e7b"


def verdicts(checks):
    return {check.path: check.verdict for check in checks}


def by_path(checks, path):
    return next(check for check in checks if check.path == path)


def test_go_without_a_key_when_the_services_answer(live_fake):
    checks = run(preflight.run(timeout=5))
    assert verdicts(checks) == {
        "model list": "GO",
        "speech": "GO",
        "transcription": "GO",
        "fallback": "GO",
        "rate limit": "GO",
        "key": "SKIP",
        **KEYLESS,
    }
    assert "WER 0.00" in by_path(checks, "transcription").reason
    assert preflight.report(checks)["go"] is True
    assert "POLLINATIONS_API_KEY" in by_path(checks, "key").fix  # says how to add one


def test_go_with_a_key_checks_its_balance(live_fake, monkeypatch):
    monkeypatch.setenv("POLLINATIONS_API_KEY", KEY)
    checks = run(preflight.run(timeout=5))
    assert set(verdicts(checks).values()) == {"GO"}
    assert by_path(checks, "key").reason == "valid, 12.5 pollen left"
    assert all(entry.host == "gen.pollinations.ai" for entry in live_fake.log)  # a key skips g4f's proxy


def _setup(fake, monkeypatch, case):
    if case.get("key"):
        monkeypatch.setenv("POLLINATIONS_API_KEY", case["key"])
    for name in ("pk_budget", "valid_keys", "balance", "rate_limit_after", "delay"):
        if name in case:
            setattr(fake, name, case[name])
    fake.faults.update(case.get("faults", {}))


NO_GO = {
    "401 without a key": (
        {"faults": {"chat": 401}},
        "speech",
        "wants an API key (401) and none is set",
        "POLLINATIONS_API_KEY=sk_",
    ),
    "401 for a wrong key": (
        {"key": KEY, "valid_keys": ("sk_test_someone_else_000",)},
        "transcription",
        "refused your key (401)",
        "check POLLINATIONS_API_KEY",
    ),
    "402 for g4f's public key": (
        {"pk_budget": False},
        "transcription",
        "public pk_ key has no budget (402",
        "POLLINATIONS_API_KEY=sk_",
    ),
    "402 for a spent key": (
        {"key": KEY, "balance": 0},
        "fallback",
        "your key has no budget left (402",
        "top up pollen",
    ),
    "429 after a few requests": ({"rate_limit_after": 4}, "rate limit", "rate-limited after 1 request(s)", "replay"),
    "502 JSON envelope": ({"faults": {"chat": 502}}, "speech", "failing (502)", "fall back to PollinationsAudio"),
    "502 as HTML": ({"faults": {"transcriptions": "html"}}, "transcription", "failing (502)", "replay"),
    "500 on the model list": ({"faults": {"models": 500}}, "model list", "failing (500)", "replay"),
    "timeout on transcription": (
        {"faults": {"transcriptions": "timeout"}, "delay": 3},
        "transcription",
        "no answer within 1 s",
        "raise --timeout",
    ),
    "timeout on the model list": ({"faults": {"models": "timeout"}, "delay": 3}, "model list", "no answer", "replay"),
    "model list without output_modalities": ({"faults": {"models": "shape"}}, "model list", "not in the shape", ""),
    "speech answer without audio": ({"faults": {"chat": "shape"}}, "speech", "not in the shape", "contract check"),
    "transcription without text": ({"faults": {"transcriptions": "shape"}}, "transcription", "not in the shape", ""),
    "fallback sends no audio": ({"faults": {"speech": "shape"}}, "fallback", "not in the shape", "replay"),
}


@pytest.mark.parametrize("case, path, reason, fix", NO_GO.values(), ids=NO_GO.keys())
def test_each_failure_is_a_no_go_with_its_reason_and_fix(live_fake, monkeypatch, case, path, reason, fix):
    _setup(live_fake, monkeypatch, case)
    checks = run(preflight.run(timeout=1))
    check = by_path(checks, path)
    assert check.verdict == "NO-GO", preflight.render(preflight.report(checks))
    assert reason in check.reason
    assert fix in check.fix
    assert preflight.report(checks)["go"] is False


def _preflight_process(fake, tmp_path, env=None):
    attempts = tmp_path / "network-attempts.log"
    attempts.touch()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "POLLINATIONS_API_KEY"},
        "PYTHONPATH": str(ROOT / "tests" / "preflight_site"),
        "FAKE_POLLINATIONS_URL": fake.url,
        "FAKE_KEYLESS_FAULTS": "{}",
        "NETWORK_ATTEMPTS_LOG": str(attempts),
        "NO_PROXY": "127.0.0.1,localhost",
        **(env or {}),
    }
    report = tmp_path / "preflight.json"
    command = [sys.executable, "tools/preflight.py", "--timeout", "5", "--report", str(report)]
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180)
    assert attempts.read_text() == "", "something tried to leave the machine"
    return done, report.read_text()


@pytest.fixture
def fake():
    service = FakePollinations().start()
    yield service
    service.stop()


def test_make_preflight_runs_in_a_fresh_process_and_exits_0_on_go(fake, tmp_path):
    done, text = _preflight_process(fake, tmp_path, {"POLLINATIONS_API_KEY": KEY})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "GO: every path the notebooks use answered" in done.stdout
    data = json.loads(text)
    assert data["go"] is True and [c["verdict"] for c in data["checks"]] == ["GO"] * 10
    assert KEY not in done.stdout + done.stderr + text  # the key is used, never shown or stored
    assert any(entry.authorization == f"Bearer {KEY}" for entry in fake.log)


def test_a_no_go_exits_1_and_names_the_fix(fake, tmp_path):
    fake.pk_budget = False
    done, text = _preflight_process(fake, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NO-GO  transcription" in done.stdout and "POLLINATIONS_API_KEY=sk_" in done.stdout
    assert "pk_pqjx" not in done.stdout + text  # nor g4f's public key
    assert json.loads(text)["go"] is False


def test_the_report_redacts_keys():
    text = preflight.redacted('{"error": "Bearer sk_live_abcdefgh1234 and short"}', "short")
    assert "sk_live" not in text and "short" not in text


KEYLESS_NO_GO = {
    "EdgeTTS refused (403)": ("edge", "refused", "EdgeTTS", "refused access (403)"),
    "EdgeTTS socket broken": ("edge", "broken", "EdgeTTS", "cannot be reached"),
    "gTTS rate-limited": ("gtts", 429, "gTTS", "429"),
    "gTTS malformed": ("gtts", "malformed", "gTTS", "not in the shape"),
    "OpenAIFM answers JSON": ("openaifm", "malformed", "OpenAIFM", "not in the shape"),
    "Google refuses the key": ("google", "refused", "MarkItDown", "failed"),
}


@pytest.mark.parametrize("service, fault, path, reason", KEYLESS_NO_GO.values(), ids=KEYLESS_NO_GO.keys())
def test_a_failing_keyless_service_is_a_no_go_and_left_out_of_what_to_teach(
    live_fake, keyless, service, fault, path, reason
):
    keyless.faults[service] = fault
    checks = run(preflight.run(timeout=5, in_a_row=1))
    check = by_path(checks, path)
    text = preflight.render(preflight.report(checks))
    assert check.verdict == "NO-GO", text
    assert reason in check.reason, text
    assert check.fix.startswith("teach with the providers that are GO")
    speech, heard = preflight.teach_with(preflight.report(checks)["checks"])
    assert path not in speech + heard and "PollinationsAI" in speech  # the others still answer
    assert f"Teach with today: speech {', '.join(speech)}" in text
