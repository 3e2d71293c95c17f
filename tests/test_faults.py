"""Faults from the services, replayed: each is a clear error, retried only when retrying is right."""

from __future__ import annotations

import json

import pytest
from support import ROOT, run
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

import helpers
from helpers import faults, speech
from helpers.errors import ServiceError

# fault -> (outcome kind or "ok", waits between attempts, attempts made)
EXPECTED = {
    "unauthorized-401": ("auth", [], 1),
    "payment-required-402": ("quota", [], 1),  # a budget does not come back by retrying
    "tier-required-402": ("quota", [], 1),
    "forbidden-403": ("auth", [], 1),
    "model-not-found-404": ("not-found", [], 1),
    "rate-limit-retry-after-then-ok": ("ok", [2.0], 2),  # waits what Retry-After says
    "rate-limit-always": ("rate-limit", [1.0, 2.0], 3),  # no Retry-After: exponential backoff, bounded
    "server-error-500-then-ok": ("ok", [1.0], 2),
    "bad-gateway-502-always": ("server", [1.0, 2.0], 3),
    "unavailable-503-then-ok": ("ok", [3.0], 2),
    "connection-reset-then-ok": ("ok", [1.0], 2),
    "read-timeout-always": ("timeout", [1.0, 2.0], 3),
    "empty-body": ("malformed", [], 1),
    "malformed-json": ("malformed", [], 1),
}


ADVICE = {  # kind -> the advice the learner reads
    "auth": "may need an API key",
    "quota": "A key with budget is needed",
    "not-found": "Check the model name",
    "rate-limit": "wait a minute",
    "server": "having trouble",
    "timeout": "slow right now",
    "malformed": "try again later or use another provider",
}


def test_every_recorded_fault_has_an_expectation():
    assert set(faults.available_faults()) == set(EXPECTED) | {"slow-answer"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fault_outcome(replay, name):
    kind, expected_waits, attempts = EXPECTED[name]
    waits = []

    async def no_sleep(seconds):
        waits.append(seconds)

    target = replay / f"{name}.mp3"
    with faults.simulated(name):
        if kind == "ok":
            run(speech.speak("Say good day to the world", target, sleep=no_sleep))
            assert helpers.describe_audio(target).format == "MP3"
        else:
            with pytest.raises(ServiceError) as caught:
                run(speech.speak("Say good day to the world", target, sleep=no_sleep))
            assert caught.value.kind == kind and caught.value.attempts == attempts
            assert not target.exists()  # no partial audio file
            assert ADVICE[kind] in str(caught.value)  # what happened, then what to do
    assert waits == expected_waits


def test_a_slow_answer_times_out_for_real(replay):
    with faults.simulated("slow-answer"), pytest.raises(ServiceError, match="no answer within 0.2 s") as caught:
        run(speech.speak("Say good day to the world", "slow.mp3", timeout=0.2, attempts=2, backoff=0))
    assert caught.value.kind == "timeout" and caught.value.attempts == 2


def test_fault_messages_say_what_to_do(replay):
    with faults.simulated("rate-limit-always"), pytest.raises(ServiceError) as caught:
        run(speech.speak("Say good day to the world", "x.mp3", backoff=0))
    assert "tried 3 times" in str(caught.value) and "wait a minute" in str(caught.value)


def test_unknown_fault_name_lists_the_recorded_ones():
    with pytest.raises(ValueError, match="Recorded: bad-gateway-502-always"), faults.simulated("volcano"):
        pass


def test_an_unrecorded_request_is_not_retried(replay):
    with pytest.raises(ServiceError) as caught:
        run(speech.speak("Say something new", "new.mp3", voice="shimmer"))
    assert caught.value.kind == "unrecorded" and caught.value.attempts == 1
    assert isinstance(caught.value.__cause__, helpers.errors.UnrecordedRequestError)


def test_a_402_is_the_quota_kind_names_the_balance_and_is_not_retried(replay):
    waits = []

    async def no_sleep(seconds):
        waits.append(seconds)

    with faults.simulated("payment-required-402"), pytest.raises(ServiceError) as caught:
        run(speech.speak("Say good day to the world", "x.mp3", sleep=no_sleep))
    assert caught.value.kind == "quota" and caught.value.status == 402 and caught.value.attempts == 1
    assert "Insufficient pollen balance" in str(caught.value) and "POLLINATIONS_API_KEY" in str(caught.value)
    assert waits == []


def _refusals():
    for path in sorted((ROOT / "recordings" / "faults").glob("*.yaml")):
        _requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
        for response in responses:
            if response["status"]["code"] >= 400:
                yield path.stem, response


def test_every_refusal_is_pollinations_json_envelope():
    seen = set()
    for name, response in _refusals():
        status = response["status"]["code"]
        assert response["headers"]["content-type"][0].startswith("application/json"), name
        body = json.loads(response["body"]["string"])
        assert body["status"] == status and body["success"] is False, name
        assert set(body["error"]) == {"code", "message"} and body["error"]["code"].isupper(), name
        seen.add(status)
    assert {401, 402, 403, 429, 500, 502, 503} <= seen


def test_fault_texts_have_a_source():
    texts = {name: json.loads(response["body"]["string"])["error"]["message"] for name, response in _refusals()}
    assert not any("15 s" in text or "anonymous users" in text for text in texts.values())  # no source for these
    assert texts["payment-required-402"] == "Insufficient pollen balance or API key budget exhausted"
    assert "required tier: seed" in texts["tier-required-402"]  # the legacy text came with a 402, not a 403
    assert "tier" not in texts["forbidden-403"]
