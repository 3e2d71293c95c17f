"""Every g4f call the notebooks make, as scenarios for tools/build_standins.py.

Run as ``python standin_scenarios.py NAME`` (in a folder holding audio.wav):
it runs the scenario in replay mode and prints, one JSON object a line, each
request that no recording answered yet. Exit code 0: all answered; 3: some
were not (their answers are what the builder adds next).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable

from scenario_calls import transcribe_file

SPEECH = [  # (voice, format, prompt): the documented call, then the variations the notebooks show
    ("alloy", "mp3", "Say good day to the world"),
    ("nova", "mp3", "Say good day to the world"),
    ("echo", "mp3", "Say good day to the world"),
    ("alloy", "wav", "Say good day to the world"),
    ("alloy", "mp3", "Say welcome to the workshop"),
]
BATCH = [  # notebook 07 speaks these concurrently
    "Say good morning",
    "Say good afternoon",
    "Say good evening",
    "Say good night",
    "Say see you tomorrow",
    "Say thank you for listening",
]


async def speak(voice: str, fmt: str, prompt: str, save_as: str | None = None) -> None:
    from helpers import calls

    response = await calls.speech(text=prompt, voice=voice, audio_format=fmt)
    response.choices[0].message.save(save_as or f"{voice}.{fmt}")


async def speak_with_pollinations_audio(voice: str, fmt: str, prompt: str) -> None:
    """The fallback provider of notebook 06: PollinationsAudio's speech endpoint."""
    import g4f

    from helpers import calls

    provider = g4f.Provider.PollinationsAudio
    key = calls.key_for(provider)
    response = await calls.speech(calls.client(provider), prompt, voice=voice, audio_format=fmt, **key)
    response.choices[0].message.save(f"fallback-{voice}.{fmt}")


async def transcribe_with_pollinations_audio(filename: str) -> None:

    print("transcript:", await transcribe_file(filename), file=sys.stderr)


async def russian_round_trip() -> None:
    """Notebook 03's Russian example: the documented speech call in Russian, then PollinationsAudio, language="ru"."""
    from scenario_calls import RUSSIAN_PROMPT

    await speak("alloy", "mp3", RUSSIAN_PROMPT, save_as="russian.mp3")
    print("transcript:", await transcribe_file("russian.mp3", language="ru"), file=sys.stderr)


async def transcribe_with_chat(filename: str) -> None:

    print("transcript:", await transcribe_file(filename, via_chat=True), file=sys.stderr)


async def studio_round_trip(sentence: str) -> None:
    """Notebook 05's exercise: the studio speaks a sentence, then transcribes its own clip."""
    from helpers.studio import LAST, VoiceStudio

    studio = VoiceStudio()
    studio.text.value = sentence
    await studio._generate()
    studio.source.value = LAST
    await studio._transcribe()


async def round_trip() -> None:
    await speak("alloy", "mp3", "Say good day to the world", save_as="alloy.mp3")
    await transcribe_with_pollinations_audio("alloy.mp3")


STEER = "Speak slowly and calmly, like a late-night radio host."
QUESTION = "What is the capital of France?"


async def speak_steered(prompt: str, system: str | None = None) -> None:
    """Notebook 02's steering cells: the documented call with a system message, or a question to read."""
    import g4f
    from g4f.client import AsyncClient

    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]
    client = AsyncClient(provider=g4f.Provider.PollinationsAI)
    response = await client.chat.completions.create(
        model="openai-audio", messages=messages, audio={"voice": "alloy", "format": "mp3"}
    )
    response.choices[0].message.save("steered.mp3")


async def transcribe_real(filename: str) -> None:
    """Notebook 03's longer real recording, sent to PollinationsAudio as the documented call shape."""
    import g4f
    from g4f.client import AsyncClient

    client = AsyncClient(provider=g4f.Provider.PollinationsAI)
    with open(filename, "rb") as audio_file:
        response = await client.chat.completions.create(
            messages="Transcribe this audio",
            provider=g4f.Provider.PollinationsAudio,
            api_key=g4f.Provider.PollinationsAudio.public_key,
            media=[[audio_file, filename]],
            modalities=["text"],
        )
    print("transcript:", response.choices[0].message.content, file=sys.stderr)


def documented_module() -> None:
    """notebooks/documented/audio.py, unchanged, as a script (g4f 0.5.2.2)."""
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "notebooks" / "documented" / "audio.py"
    runpy.run_path(str(script), run_name="__main__")


DOCUMENTED_SCENARIOS: dict[str, Callable[[], object]] = {"documented-module": documented_module}

SCENARIOS: dict[str, Callable[[], Awaitable[None]]] = {
    **{f"speech-{v}-{f}-{p.split()[1]}": (lambda v=v, f=f, p=p: speak(v, f, p)) for v, f, p in SPEECH},
    **{f"batch-{p.split(maxsplit=1)[1].replace(' ', '-')}": (lambda p=p: speak("alloy", "mp3", p)) for p in BATCH},
    "speech-pollinations-audio": lambda: speak_with_pollinations_audio("alloy", "mp3", "Say good day to the world"),
    "transcribe-pollinations-audio": lambda: transcribe_with_pollinations_audio("audio.wav"),
    "transcribe-chat": lambda: transcribe_with_chat("audio.wav"),
    "round-trip": round_trip,
    "russian-round-trip": russian_round_trip,
    "studio-round-trip": lambda: studio_round_trip("Say good evening"),
    "speak-back": lambda: speak("alloy", "mp3", "Say Go forward ten meters."),  # notebook 05 speaks audio.wav back
    "steer-slowly": lambda: speak_steered("Say good day to the world", STEER),
    "question-answered": lambda: speak_steered(QUESTION),
    "question-verbatim": lambda: speak_steered(f"Say verbatim: '{QUESTION}'"),
    "transcribe-austen": lambda: transcribe_real("austen.mp3"),
}


def main(name: str) -> int:
    from vcr.errors import CannotOverwriteExistingCassetteException

    import helpers
    from helpers._replay import cassettes, scrub

    def noticed(self: CannotOverwriteExistingCassetteException, *args: object, **kwargs: object) -> None:
        # g4f reads its model lists with requests and swallows any failure: catch every miss where vcrpy sees it
        raised(self, *args, **kwargs)
        if kwargs.get("failed_request") is not None:
            cassettes.UNRECORDED.append(scrub.normalise_request(kwargs["failed_request"]))

    raised = CannotOverwriteExistingCassetteException.__init__
    CannotOverwriteExistingCassetteException.__init__ = noticed
    helpers.start("replay")
    try:
        result = {**SCENARIOS, **DOCUMENTED_SCENARIOS}[name]()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    except Exception as error:  # the unanswered requests are reported below
        if not cassettes.UNRECORDED:
            raise
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
    for request in cassettes.UNRECORDED:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        print(
            json.dumps({"method": request.method, "uri": request.uri, "body": body, "headers": dict(request.headers)})
        )
    return 3 if cassettes.UNRECORDED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
