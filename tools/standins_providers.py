"""Stand-ins for g4f's keyless audio providers (notebook 10): EdgeTTS, gTTS, OpenAIFM and MarkItDown.

These machines cannot reach the services, so the answers are built offline: every call notebook 10 makes runs
through g4f's own provider code in record mode against the local fakes of the services (tests/fake_providers.py:
the real hostnames, the services' wire formats, EdgeTTS's WebSocket included), and what record mode stored is
relabelled ``stand-in built offline by tools/standins_providers.py …`` and merged into recordings/g4f-8.8.6.yaml.
Live answers already there are kept. The speech is Piper (OpenAIFM), flite (EdgeTTS: slt, gTTS: rms) and
espeak-ng for Russian, via tools/build_standins.py; the Google Web Speech transcript is the known text of
notebooks/audio.wav.

Usage (after tools/build_standins.py, which rewrites the file): ``python tools/standins_providers.py``
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tools", ROOT / "tests"):
    sys.path.insert(0, str(folder))

PROVENANCE = (
    "stand-in built offline by tools/standins_providers.py (a local fake of the service answered), not a live recording"
)
SENTENCE = "Good day to the world."
RUSSIAN = "Добрый день, мир."
EDGE_VOICES = {"en": "en-US-AriaNeural", "ru": "ru-RU-SvetlanaNeural"}
STYLES = {"noir_detective": "ash", "cowboy": "verse"}  # OpenAIFM style -> voice, as notebook 10 asks
VOICE_OF = {"edge": "nova", "gtts": "echo", "openaifm": "alloy"}  # build_standins' engines: flite slt, rms, Piper
DATE = ["Mon, 24 Nov 2025 12:00:00 GMT"]


def message(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


async def speak(provider: str, text: str, save_as: str, **options: object) -> None:
    """One speech call as notebook 10 makes it: ``AsyncClient(provider=…).chat.completions.create``."""
    import g4f
    from g4f.client import AsyncClient

    client = AsyncClient(provider=getattr(g4f.Provider, provider))
    response = await client.chat.completions.create(messages=message(text), **options)
    response.choices[0].message.save(save_as)


async def edge_voices() -> None:
    """Notebook 10's workaround for ``EdgeTTS.get_models`` (asyncio.run in a running loop): a thread."""
    import g4f

    await asyncio.to_thread(g4f.Provider.EdgeTTS.get_models)


async def markitdown(filename: str = "audio.wav") -> None:
    import g4f
    from g4f.client import AsyncClient

    client = AsyncClient(provider=g4f.Provider.MarkItDown)
    with open(filename, "rb") as audio_file:
        await client.chat.completions.create(messages="Transcribe this audio", media=[[audio_file, filename]])


SCENARIOS = {
    "edge-en": lambda: speak("EdgeTTS", SENTENCE, "edge.mp3", audio={"voice": EDGE_VOICES["en"]}),
    "edge-ru": lambda: speak("EdgeTTS", RUSSIAN, "edge-ru.mp3", audio={"voice": EDGE_VOICES["ru"]}),
    "edge-ru-dmitry": lambda: speak("EdgeTTS", RUSSIAN, "ru-dmitry.mp3", audio={"voice": "ru-RU-DmitryNeural"}),
    "edge-voices": edge_voices,
    "gtts-en": lambda: speak("gTTS", SENTENCE, "gtts.mp3"),
    "gtts-ru": lambda: speak("gTTS", RUSSIAN, "gtts-ru.mp3", audio={"language": "ru"}),
    "openaifm-en": lambda: speak("OpenAIFM", SENTENCE, "openaifm.mp3", audio={"voice": "coral"}),
    **{
        f"openaifm-{style}": (
            lambda s=style, v=voice: speak("OpenAIFM", SENTENCE, f"{s}.mp3", model=s, audio={"voice": v})
        )
        for style, voice in STYLES.items()
    },
    "markitdown": markitdown,
}


def speech(text: str, service: str) -> bytes:
    from build_standins import encode, synthesise

    samples, rate = synthesise(text, VOICE_OF.get(service, "alloy"))
    return encode(samples, rate, "mp3")


def relabel(response: dict) -> dict:
    headers = {k: v for k, v in response["headers"].items() if k.lower() not in ("date", "server", "content-length")}
    return {**response, "headers": {**headers, "date": DATE, "x-tutorial-provenance": [PROVENANCE]}}


def merge(fresh: Path, target: Path) -> list:
    """Put the fresh stand-ins into ``target``, replacing older stand-ins of the same request; live ones stay."""
    from vcr.serialize import deserialize, serialize
    from vcr.serializers import yamlserializer

    def load(path: Path) -> list:
        if not path.exists():
            return []
        return list(zip(*deserialize(path.read_text(encoding="utf-8"), yamlserializer), strict=True))

    def key(request: object) -> tuple:
        return request.method, request.uri, request.body

    entries = load(target)
    live = {key(q) for q, a in entries if a["headers"]["x-tutorial-provenance"][0].startswith("recorded live")}
    made = [(q, relabel(a)) for q, a in load(fresh) if key(q) not in live]
    replaced = {key(q) for q, _ in made}
    entries = [(q, a) for q, a in entries if key(q) not in replaced] + made
    cassette = {"requests": [q for q, _ in entries], "responses": [a for _, a in entries]}
    target.write_text(serialize(cassette, yamlserializer), encoding="utf-8")
    return made


def write_shapes(made: list, g4f_version: str) -> None:
    """Add the shape of each stand-in answer to recordings/stand-in-shapes.json (the contract check reads it)."""
    import json

    try:
        from helpers import contract
    except ImportError:  # moved to tools/
        import contract

    path = contract.shapes_path()
    everything = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    shapes, seen = everything.setdefault(g4f_version, {}), set()
    for request, response in made:
        route, shape = contract.route(request), contract.answer_shape(response)
        shapes[route] = contract.merge(shapes[route], shape) if route in seen else shape
        seen.add(route)
    path.write_text(json.dumps(everything, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    from fake_providers import real_hosts

    import helpers
    from helpers._replay import cassettes, paths

    target = cassettes.cassette_path()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(ROOT / "notebooks" / "audio.wav", tmp)
        fresh, here = Path(tmp) / "fresh.yaml", Path.cwd()
        os.chdir(tmp)
        try:
            with real_hosts(speech=speech):
                helpers.start("record", recordings_file=fresh)
                for name, scenario in SCENARIOS.items():
                    asyncio.run(scenario())
                    print(f"{name}: recorded against the local fake")
                helpers.stop()
        finally:
            os.chdir(here)
        made = merge(fresh, target)
    write_shapes(made, version("g4f"))
    print(f"wrote {len(made)} stand-in answers to {paths.relative(target)} ({target.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
