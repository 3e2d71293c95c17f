"""Build recordings/faults/*.yaml: the documented speech call meeting each kind of failure.

Each file holds the model lists and the documented speech request (copied
from recordings/g4f-<version>.yaml) answered by a sequence of faults, plus
the fallback provider's speech answer, played
once each and in order by ``helpers.faults.simulated(name)``. Like the other
recordings they are stand-ins built offline; the error bodies follow the
shapes Pollinations and OpenAI-style APIs send (JSON ``error`` objects, HTML
gateway pages). Network faults (reset, timeout, delay) are answers carrying
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


def error(code: int, message: str, kind: str) -> dict:
    return {"error": {"message": message, "type": kind, "code": code}}


UNAUTHORIZED = answer(
    401,
    "Unauthorized",
    error(401, "Authentication required. Get an API key at https://enter.pollinations.ai", "unauthorized"),
)
FORBIDDEN = answer(
    403,
    "Forbidden",
    {
        "error": "Forbidden",
        "message": "Model not found or tier not high enough. Your tier: anonymous, required tier: seed.",
        "status": 403,
    },
)
NOT_FOUND = answer(404, "Not Found", error(404, "Model 'openai-audio' not found", "not_found"))
RATE_LIMITED = answer(
    429,
    "Too Many Requests",
    error(429, "Rate limit exceeded: 1 request per 15 seconds for anonymous users", "rate_limit"),
)
RATE_LIMITED_RETRY_AFTER = answer(
    429,
    "Too Many Requests",
    error(429, "Rate limit exceeded: 1 request per 15 seconds for anonymous users", "rate_limit"),
    Retry_After="2",
)
SERVER_ERROR = answer(500, "Internal Server Error", error(500, "Internal server error", "server_error"))
BAD_GATEWAY = answer(
    502,
    "Bad Gateway",
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
    "text/html",
)
UNAVAILABLE = answer(
    503,
    "Service Unavailable",
    error(503, "Service temporarily unavailable, please retry", "unavailable"),
    Retry_After="3",
)

SCENARIOS = {
    "unauthorized-401": [UNAUTHORIZED],
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
