"""Preflight: can live mode be trusted in front of a room today?  ``make preflight`` or ``python tools/preflight.py``.

It tries, live, every path the notebooks use, in a fresh process (so g4f's model-list cache is fresh):
the model list, the documented speech call, transcription of ``notebooks/audio.wav``, notebook 06's
fallback, a few requests in a row (the rate limit), when ``POLLINATIONS_API_KEY`` is set the key, and
g4f's keyless providers (EdgeTTS, gTTS, OpenAIFM, MarkItDown: notebook 10, ``helpers.routes``). The last
line says which providers to teach with today.
Each path gets GO or NO-GO with the reason and the fix; any NO-GO makes the exit status 1. The report,
with keys redacted, is written to ``artifacts/preflight.json``. Each run spends a few requests of the key.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenario_calls import fallback_speech  # noqa: E402

from helpers import calls, routes  # noqa: E402
from helpers._replay.paths import project_root, relative  # noqa: E402
from helpers._replay.scrub import REDACTED, scrub_text  # noqa: E402
from helpers.audio import describe_audio  # noqa: E402
from helpers.calls import speech_bytes  # noqa: E402
from helpers.errors import AudioFileError, NoAudioError, ServiceError  # noqa: E402
from helpers.retries import with_retries  # noqa: E402
from helpers.wer import wer  # noqa: E402

REFERENCE = "go forward ten meters"  # what notebooks/audio.wav says
WER_LIMIT = 0.5
PLAUSIBLE_SECONDS = (0.3, 30.0)  # "Say good day to the world", however the model words it
ROOM = "teach with G4F_TUTORIAL_MODE=replay (or auto)"
GET_KEY = (
    "get a secret key (sk_...) at https://enter.pollinations.ai and `export POLLINATIONS_API_KEY=sk_...` "
    "in the shell that starts Jupyter"
)


@dataclass
class Check:
    path: str
    go: bool | None  # None: not tried
    reason: str
    fix: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        return {True: "GO", False: "NO-GO", None: "SKIP"}[self.go]


class ShapeError(ValueError):
    """The service answered, but not in the shape the notebooks rely on."""


# -- why a path failed, and what to do ---------------------------------------------------------------


def _kind(error: BaseException) -> tuple[str, int | None]:
    import requests

    if isinstance(error, (ShapeError, NoAudioError, AudioFileError)):
        return "shape", None
    if isinstance(error, requests.HTTPError) and error.response is not None:  # g4f fetches model lists with requests
        status = error.response.status_code
        kind = {401: "auth", 402: "quota", 403: "auth", 429: "rate-limit"}.get(status)
        return kind or ("server" if status >= 500 else "other"), status
    if isinstance(error, (requests.Timeout, TimeoutError)):
        return "timeout", None
    if isinstance(error, requests.ConnectionError):
        return "connection", None
    if isinstance(error, (json.JSONDecodeError, requests.JSONDecodeError)):
        return "shape", None
    if isinstance(error, ServiceError):  # sorted by helpers.retries.diagnose (402 is "quota" there)
        return ("shape" if error.kind == "malformed" else error.kind), error.status
    return "other", None


def _explain(error: BaseException, timeout: float) -> tuple[str, str, dict[str, Any]]:
    """(reason, fix, details) for a failed path."""
    kind, status = _kind(error)
    keyed = calls.own_key() is not None
    said = scrub_text(str(error.__cause__ or error))[:300]  # the service's own words, not our advice
    code = f" ({status})" if status else ""
    if kind == "auth" and keyed:
        reason, fix = f"the service refused your key{code}", f"check POLLINATIONS_API_KEY (a secret sk_ key); or {ROOM}"
    elif kind == "auth":
        reason, fix = f"the service wants an API key{code} and none is set", f"{GET_KEY}; or {ROOM}"
    elif kind == "quota" and keyed:
        reason = "your key has no budget left (402 Payment Required)"
        fix = f"top up pollen or raise the key's budget at https://enter.pollinations.ai; or {ROOM}"
    elif kind == "quota":
        reason = "g4f's public pk_ key has no budget (402 Payment Required; public keys were zeroed in Aug 2026)"
        fix = f"{GET_KEY}; or {ROOM}"
    elif kind == "rate-limit":
        reason, fix = f"rate-limited{code}", f"wait a minute and run the preflight again; for a whole room, {ROOM}"
    elif kind == "server":
        reason, fix = f"the service is failing{code}", f"try again later; {ROOM}"
    elif kind == "timeout":
        reason, fix = f"no answer within {timeout:g} s", f"try again later (or raise --timeout); {ROOM}"
    elif kind == "connection":
        reason, fix = "the service cannot be reached", f"check the internet connection, proxy or firewall; {ROOM}"
    elif kind == "shape":
        reason = "the answer is not in the shape g4f 8.8.6 and the notebooks read (the service changed?)"
        fix = f"{ROOM}; run the contract check and report it"
    else:
        reason, fix = f"failed: {said[:120]}", ROOM
    return reason, fix, {"kind": kind, "status": status, "error": said}


async def _timed(path: str, timeout: float, body) -> Check:
    started = time.monotonic()
    try:
        check = await body()
    except Exception as error:  # every failure becomes a NO-GO with its reason
        reason, fix, details = _explain(error, timeout)
        check = Check(path, False, reason, fix, details)
    check.seconds = round(time.monotonic() - started, 2)
    return check


# -- the paths ----------------------------------------------------------------------------------------


async def _model_list(timeout: float) -> Check:
    import g4f.Provider

    provider = g4f.Provider.PollinationsAI
    await asyncio.wait_for(asyncio.to_thread(provider.get_models, api_key=calls.own_key(), timeout=timeout), timeout)
    where = scrub_text(str(provider.current_models_endpoint))
    if "openai-audio" not in provider.audio_models:
        raise ShapeError(f"{where} lists no openai-audio with audio output: g4f would ask for text, not speech")
    return Check("model list", True, f"openai-audio listed with audio output ({where})", details={"url": where})


def _check_audio(data: bytes, scratch: Path, name: str) -> dict[str, Any]:
    target = scratch / name
    target.write_bytes(data)
    info = describe_audio(target)
    low, high = PLAUSIBLE_SECONDS
    if info.format != "MP3" or not low <= info.duration <= high:
        raise ShapeError(f"asked for an mp3 of a short sentence, got {info.summary}")
    return {"format": info.format, "seconds": round(info.duration, 2), "bytes": info.size}


async def _speech(timeout: float, scratch: Path) -> Check:
    response = await with_retries(lambda: calls.speech(), attempts=1, timeout=timeout)
    audio = _check_audio(speech_bytes(response), scratch, "speech.mp3")
    return Check("speech", True, f"an mp3 of {audio['seconds']} s that decodes", details=audio)


async def _transcription(timeout: float) -> Check:
    import g4f

    sample = (project_root() or Path.cwd()) / "notebooks" / "audio.wav"
    provider = g4f.Provider.PollinationsAudio
    key = calls.key_for(provider)
    media = [[sample.read_bytes(), sample.name]]
    response = await with_retries(
        lambda: calls.transcription(calls.client(), media, provider=provider, **key), attempts=1, timeout=timeout
    )
    text = response.choices[0].message.content
    if not isinstance(text, str) or not text.strip():
        raise ShapeError("the transcription came back empty")
    errors = wer(REFERENCE, text)
    details = {"heard": scrub_text(text)[:200], "wer": round(errors, 2)}
    if errors > WER_LIMIT:
        return Check("transcription", False, f"heard {text[:60]!r} (WER {errors:.2f})", f"{ROOM}", details)
    return Check("transcription", True, f"heard {text[:60]!r} (WER {errors:.2f})", details=details)


async def _fallback(timeout: float, scratch: Path) -> Check:
    response = await with_retries(lambda: fallback_speech(), attempts=1, timeout=timeout)
    audio = _check_audio(speech_bytes(response), scratch, "fallback.mp3")
    reason = f"PollinationsAudio speaks ({audio['seconds']} s mp3; it uses elevenlabs, word for word)"
    return Check("fallback", True, reason, details=audio)


async def _in_a_row(count: int, timeout: float) -> Check:
    times = []
    for number in range(1, count + 1):
        started = time.monotonic()
        try:
            await with_retries(lambda: calls.speech(text="Say OK"), attempts=1, timeout=timeout)
        except ServiceError as error:
            reason, fix, details = _explain(error, timeout)
            if details["kind"] == "rate-limit":
                reason = f"rate-limited after {number - 1} request(s) in a row{' (429)' if error.status else ''}"
            return Check("rate limit", False, reason, fix, {**details, "answered": number - 1})
        times.append(time.monotonic() - started)
    mean = sum(times) / len(times)
    return Check("rate limit", True, f"{count} requests in a row answered ({mean:.1f} s each)", details={"n": count})


async def _key(timeout: float, checks: list[Check]) -> Check:
    import aiohttp
    import g4f.Provider

    key = calls.own_key()
    if key is None:
        reason = "no POLLINATIONS_API_KEY: g4f's proxy (speech) and public pk_ key (transcription) are used"
        return Check("key", None, reason, GET_KEY)
    if not key.startswith("sk_"):
        return Check("key", False, "POLLINATIONS_API_KEY is not a secret sk_ key (pk_ keys have no budget)", GET_KEY)
    balance_url = g4f.Provider.PollinationsAI.gen_text_models_endpoint.replace("/text/models", "/account/balance")

    async def ask() -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(balance_url, headers=headers) as response:
            return response.status, await response.text()

    headers = {"authorization": f"Bearer {key}"}
    status, body = await with_retries(ask, attempts=1, timeout=timeout)
    if status == 200:
        balance = float(json.loads(body).get("balance", 0))
        if balance > 0:
            return Check("key", True, f"valid, {balance:g} pollen left", details={"balance": balance})
        return Check("key", False, "your key has no budget left (balance 0)", _explain(_quota(), timeout)[1])
    if status == 403:  # a key without the account:balance permission: judge it by the keyed calls
        keyed = [c for c in checks if c.path in ("transcription", "fallback")]
        if keyed and all(c.go for c in keyed):
            return Check("key", True, "valid (its balance is not readable; the keyed calls above worked)")
    reason, fix, details = _explain(ServiceError(f"Response {status}: {body[:200]}", kind="other", status=status), 0)
    return Check("key", False, reason, fix, details)


KEYLESS_SPEECH = ("EdgeTTS", "gTTS", "OpenAIFM")
KEYLESS_FIX = "teach with the providers that are GO (last line); or " + ROOM


async def _keyless_speech(name: str, timeout: float, scratch: Path) -> Check:
    import g4f

    text = "Good day to the world."
    options = routes.speech_options(name, text, "alloy", "mp3")
    client = calls.client(getattr(g4f.Provider, name))
    ask = lambda: client.chat.completions.create(messages=[{"role": "user", "content": text}], **options)  # noqa: E731
    audio = _check_audio(speech_bytes(await with_retries(ask, attempts=1, timeout=timeout)), scratch, f"{name}.mp3")
    return Check(name, True, f"an mp3 of {audio['seconds']} s that decodes (no key needed)", details=audio)


async def _markitdown(timeout: float) -> Check:
    import g4f

    provider = g4f.Provider.MarkItDown
    if not provider.working:
        return Check("MarkItDown", False, "not installed (it comes with the offline extra)", "make offline")
    sample = (project_root() or Path.cwd()) / "notebooks" / "audio.wav"
    media = [[io.BytesIO(sample.read_bytes()), sample.name]]
    ask = lambda: calls.transcription(calls.client(provider), media)  # noqa: E731
    text = (await with_retries(ask, attempts=1, timeout=timeout)).choices[0].message.content
    if not isinstance(text, str) or not text.strip():
        raise ShapeError("the transcription came back empty")
    errors = wer(REFERENCE, text)
    details = {"heard": scrub_text(text)[:200], "wer": round(errors, 2)}
    return Check(
        "MarkItDown", errors <= WER_LIMIT, f"heard {text[:60]!r} (WER {errors:.2f}, no key needed)", "", details
    )


async def _keyless(timeout: float, scratch: Path) -> list[Check]:
    checks = [await _timed(n, timeout, lambda n=n: _keyless_speech(n, timeout, scratch)) for n in KEYLESS_SPEECH]
    checks.append(await _timed("MarkItDown", timeout, lambda: _markitdown(timeout)))
    for check in checks:
        if check.go is False and check.fix != "make offline":
            check.fix = KEYLESS_FIX
        if check.details.get("kind") in ("auth", "quota"):  # no key is involved: the service turned us away
            check.reason = f"the service refused access ({check.details.get('status')}); no key would help"
    return checks


def teach_with(checks: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(speech providers, transcription providers) that answered, in helpers.routes' order."""
    go = {check["path"] for check in checks if check["go"]}
    speech = (["PollinationsAI"] if "speech" in go else []) + [n for n in KEYLESS_SPEECH if n in go]
    speech += ["PollinationsAudio"] if "fallback" in go else []
    heard = (["PollinationsAudio"] if "transcription" in go else []) + (["MarkItDown"] if "MarkItDown" in go else [])
    return speech, heard


def _quota() -> ServiceError:
    return ServiceError("Response 402: balance 0", kind="quota", status=402)


async def run(*, timeout: float = 30.0, in_a_row: int = 3) -> list[Check]:
    """Every check, in the order the notebooks meet them. Call after ``helpers.start('live')``."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        checks = [await _timed("model list", timeout, lambda: _model_list(timeout))]
        checks.append(await _timed("speech", timeout, lambda: _speech(timeout, scratch)))
        checks.append(await _timed("transcription", timeout, lambda: _transcription(timeout)))
        checks.append(await _timed("fallback", timeout, lambda: _fallback(timeout, scratch)))
        if checks[1].go:
            checks.append(await _timed("rate limit", timeout, lambda: _in_a_row(in_a_row, timeout)))
        else:
            checks.append(Check("rate limit", None, "not tried: the speech call already fails"))
        checks.append(await _timed("key", timeout, lambda: _key(timeout, checks)))
        checks += await _keyless(timeout, scratch)
    fallback = checks[3]
    if checks[1].go is False and fallback.go:
        checks[1].fix += "; or fall back to PollinationsAudio as notebook 06 does (fallback: GO)"
    return checks


# -- the report ---------------------------------------------------------------------------------------


def report(checks: list[Check]) -> dict[str, Any]:
    key = calls.own_key()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "g4f": version("g4f"),
        "key": "POLLINATIONS_API_KEY set" if key else "no key (g4f's public key)",
        "go": all(check.go is not False for check in checks),
        "checks": [{**asdict(check), "verdict": check.verdict} for check in checks],
    }


def redacted(text: str, key: str | None = None) -> str:
    """``text`` with anything shaped like a key, and the key itself, replaced by ``<redacted>``."""
    text = scrub_text(text)
    return text.replace(key, REDACTED) if key else text


def render(data: dict[str, Any]) -> str:
    lines = [f"Preflight of live mode: g4f {data.get('g4f', '?')}, {data.get('key', '?')}, {data.get('when', '')}"]
    for check in data["checks"]:
        lines.append(f"  {check['verdict']:<6} {check['path']:<14} {check['reason']}  [{check['seconds']:g} s]")
        if check["go"] is not True and check["fix"]:
            lines.append(f"  {'':<6} {'':<14} fix: {check['fix']}")
    failed = [check["path"] for check in data["checks"] if check["go"] is False]
    speech, heard = teach_with(data["checks"])
    lines.append(
        f"Teach with today: speech {', '.join(speech) or 'none live (use replay)'}; "
        f"transcription {', '.join(heard) or 'none live (use replay)'}."
    )
    if failed and speech and heard:
        lines.append(
            f"NO-GO: {', '.join(failed)}. Live mode still speaks and transcribes through the providers above "
            f"(helpers.speak and transcribe fall back by themselves); for the documented cells of those paths, {ROOM}."
        )
    elif failed:
        lines.append(f"NO-GO: {', '.join(failed)}. Do not rely on live mode in class today; {ROOM}.")
    else:
        lines.append("GO: every path the notebooks use answered. Run this again 30 minutes before class.")
    return "\n".join(lines)


def _crashed(detail: str) -> dict[str, Any]:
    reason = f"the preflight itself failed: {detail[-300:]}"
    check = {"path": "preflight", "go": False, "verdict": "NO-GO", "reason": reason, "fix": ROOM, "seconds": 0}
    return {"go": False, "checks": [check]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python tools/preflight.py", description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    parser.add_argument("--in-a-row", type=int, default=3, help="requests in a row for the rate limit (default 3)")
    parser.add_argument("--report", type=Path, help="where the JSON goes (default artifacts/preflight.json)")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)  # the fresh process itself
    args = parser.parse_args(argv)
    key = calls.own_key()
    if args.here:
        from helpers.modes import start

        start("live")
        data = report(asyncio.run(run(timeout=args.timeout, in_a_row=args.in_a_row)))
        args.report.write_text(redacted(json.dumps(data, indent=2), key))
        return 0
    target = args.report or (project_root() or Path.cwd()) / "artifacts" / "preflight.json"
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "report.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--here", "--report", str(raw)]
        command += ["--timeout", str(args.timeout), "--in-a-row", str(args.in_a_row)]
        env = {**os.environ, "G4F_CACHE_DIR": str(Path(folder) / "g4f-cache")}
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.timeout * 12 + 60)
            data = json.loads(raw.read_text()) if raw.exists() else _crashed(done.stderr.strip() or "no report")
        except subprocess.TimeoutExpired:
            data = _crashed("it did not finish in time")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(redacted(json.dumps(data, indent=2), key) + "\n")
    print(redacted(render(data), key))
    print(f"Report: {relative(target)}")
    return 0 if data["go"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
