"""Build recordings/faults/*.yaml: the documented speech call meeting each kind of failure.

Each file holds the model lists and the documented speech request (copied
from recordings/g4f-<version>.yaml) answered by a sequence of faults, plus
the fallback provider's speech answer, played
once each and in order by ``helpers.faults.simulated(name)``. Like the other
recordings they are stand-ins built offline; every error body is Pollinations'
JSON envelope ``{"status": N, "success": false, "error": {"code", "message"}}``
(a 502 too). Network faults (reset, timeout, delay) are answers carrying
an ``x-tutorial-fault`` header that helpers._replay.transport turns into the real
exception at the point it would happen.

Usage: python tools/build_faults.py
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

from vcr.serialize import deserialize, serialize
from vcr.serializers import yamlserializer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers._replay import cassettes, paths, scrub  # noqa: E402
from helpers._replay.transport import FAULT_HEADER  # noqa: E402

PROVENANCE = "stand-in fault built offline by tools/build_faults.py, not a live recording"
JSON = "application/json; charset=utf-8"


def answer(status: int, reason: str, body: str | dict = "", content_type: str = JSON, **headers: str) -> dict:
    text = json.dumps(body) if isinstance(body, dict) else body
    return {
        "status": {"code": status, "message": reason},
        "headers": {
            "content-type": [content_type],
            scrub.PROVENANCE_HEADER: [PROVENANCE],
            **{k.replace("_", "-"): [v] for k, v in headers.items()},
        },
        "body": {"string": text.encode()},
    }


def fault(kind: str) -> dict:
    return answer(200, "OK", "", **{FAULT_HEADER: kind})


def envelope(status: int, code: str, message: str) -> dict:
    """Pollinations' error body: ``{"status", "success": false, "error": {"code", "message"}}``."""
    return {"status": status, "success": False, "error": {"code": code, "message": message}}


def refusal(status: int, reason: str, code: str, message: str, **headers: str) -> dict:
    return answer(status, reason, envelope(status, code, message), **headers)


# Messages: the sourced ones where a source exists (see ../shared/notes/live-services-2026.md), else the reason
# phrase; codes as the notes and tests/fake_pollinations.py spell them.
UNAUTHORIZED = refusal(
    401, "Unauthorized", "UNAUTHORIZED", "A valid API key is required. Get one at https://enter.pollinations.ai"
)
PAYMENT_REQUIRED = refusal(
    402, "Payment Required", "PAYMENT_REQUIRED", "Insufficient pollen balance or API key budget exhausted"
)
TIER_REQUIRED = refusal(  # the legacy text.pollinations.ai refusal, which came with a 402
    402,
    "Payment Required",
    "PAYMENT_REQUIRED",
    "Model not found or tier not high enough. Your tier: anonymous, required tier: seed.",
)
FORBIDDEN = refusal(403, "Forbidden", "FORBIDDEN", "Forbidden")
NOT_FOUND = refusal(404, "Not Found", "NOT_FOUND", "Model 'openai-audio' not found")
RATE_LIMITED = refusal(429, "Too Many Requests", "TOO_MANY_REQUESTS", "Rate limit exceeded")
RATE_LIMITED_RETRY_AFTER = refusal(
    429, "Too Many Requests", "TOO_MANY_REQUESTS", "Rate limit exceeded", Retry_After="2"
)
SERVER_ERROR = refusal(500, "Internal Server Error", "INTERNAL_ERROR", "Internal server error")
BAD_GATEWAY = refusal(502, "Bad Gateway", "BAD_GATEWAY", "Bad gateway")  # JSON, as Pollinations sends it
UNAVAILABLE = refusal(503, "Service Unavailable", "SERVICE_UNAVAILABLE", "Service unavailable", Retry_After="3")

SCENARIOS = {
    "unauthorized-401": [UNAUTHORIZED],
    "payment-required-402": [PAYMENT_REQUIRED],
    "tier-required-402": [TIER_REQUIRED],
    "forbidden-403": [FORBIDDEN],
    "model-not-found-404": [NOT_FOUND],
    "rate-limit-retry-after-then-ok": [RATE_LIMITED_RETRY_AFTER, "OK"],
    "rate-limit-always": [RATE_LIMITED, RATE_LIMITED, RATE_LIMITED],
    "server-error-500-then-ok": [SERVER_ERROR, "OK"],
    "bad-gateway-502-always": [BAD_GATEWAY, BAD_GATEWAY, BAD_GATEWAY],
    "unavailable-503-then-ok": [UNAVAILABLE, "OK"],
    "connection-reset-then-ok": [fault("connection-reset"), "OK"],
    "read-timeout-always": [fault("read-timeout")] * 3,
    "slow-answer": [fault("delay=5"), fault("delay=5"), fault("delay=5")],
    "empty-body": [answer(200, "OK", "")],
    "malformed-json": [answer(200, "OK", '{"id": "chatcmpl-1", "choices": [{"message": {"audio": {"data": "//Ng')],
}


SSE_ENDS_EARLY = [
    {"msg": "estimation", "event_id": "e1", "rank": 0, "queue_size": 1, "rank_eta": None},
    {"msg": "process_starts", "event_id": "e1", "eta": None, "progress_data": None},
    {"msg": "close_stream", "event_id": None},
]
SSE_ERROR = [
    {"msg": "process_starts", "event_id": "e1", "eta": None, "progress_data": None},
    {
        "msg": "process_completed",
        "event_id": "e1",
        "success": False,
        "title": None,
        "output": {"error": "You have exceeded your GPU quota (60s requested vs. 0s left). Try again in 23:59:10"},
    },
]
SSE_SCENARIOS = {"sse-ends-without-completion": SSE_ENDS_EARLY, "sse-carries-an-error": SSE_ERROR}


def sse_faults() -> None:
    """g4f 0.5.2.2's Phi-4 transcription reads a Gradio event stream: two ways for it to go wrong."""
    source = cassettes.cassette_path("0.5.2.2")
    requests, responses = deserialize(source.read_text(encoding="utf-8"), yamlserializer)
    folder = paths.recordings_dir() / "faults" / "g4f-0.5.2.2"
    folder.mkdir(parents=True, exist_ok=True)
    for name, events in SSE_SCENARIOS.items():
        interactions = []
        for request, response in zip(requests, responses, strict=True):
            if "/gradio_api/queue/data" in request.uri:
                stream = "".join(f"data: {json.dumps(event)}\n\n" for event in events)
                response = answer(200, "OK", stream, "text/event-stream; charset=utf-8")
            if "hf.space" in request.uri or "huggingface.co" in request.uri:
                interactions.append((request, response))
        cassette = {"requests": [q for q, _ in interactions], "responses": [a for _, a in interactions]}
        (folder / f"{name}.yaml").write_text(serialize(cassette, yamlserializer), encoding="utf-8")
    print(f"wrote {len(SSE_SCENARIOS)} stream fault recordings to {folder.relative_to(ROOT)}")


def main() -> None:
    source = cassettes.cassette_path()
    requests, responses = deserialize(source.read_text(encoding="utf-8"), yamlserializer)
    model_lists = [(q, a) for q, a in zip(requests, responses, strict=True) if q.method == "GET"]
    speech = next(
        (q, a)
        for q, a in zip(requests, responses, strict=True)
        if q.method == "POST" and b'"voice": "alloy"' in q.body and b"good day" in q.body and b'"mp3"' in q.body
    )
    fallback = [(q, a) for q, a in zip(requests, responses, strict=True) if q.uri.endswith("/v1/audio/speech")]
    folder = paths.recordings_dir() / "faults"
    folder.mkdir(exist_ok=True)
    for name, answers in SCENARIOS.items():
        interactions = list(model_lists)
        for item in answers:
            interactions.append((copy.deepcopy(speech[0]), speech[1] if item == "OK" else item))
        interactions += fallback  # notebook 06 falls back to PollinationsAudio when speech keeps failing
        cassette = {"requests": [q for q, _ in interactions], "responses": [a for _, a in interactions]}
        (folder / f"{name}.yaml").write_text(serialize(cassette, yamlserializer), encoding="utf-8")
    print(f"wrote {len(SCENARIOS)} fault recordings to {folder.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
    sse_faults()
