"""Benchmarks: how fast the collection runs, installs and answers, each beside its floor.

Prints a table and writes artifacts/bench.json. Every figure is the median of
--runs runs, and each has a floor measured in the same run: the cost of the
machinery alone (a kernel doing nothing, a trivial replayed GET, a bare
JupyterLab install). Run with `make bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from support import nbval_command, tutorial_notebooks  # noqa: E402  (tests/support.py: the same nbval run as the tests)

PYTHON = sys.executable


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - start


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


# -- the notebook suite ---------------------------------------------------------


def nbval(paths: list[Path], workers: str | None = None) -> float:
    """Seconds for the tests' nbval run over the notebooks; with workers, under pytest-xdist as make test runs it."""
    parallel = ["-n", workers, "--dist", "loadscope"] if workers else []
    command = nbval_command(paths) + parallel
    return timed(command, cwd=ROOT, env={**os.environ, "G4F_TUTORIAL_MODE": "replay"})


def report_row(
    figure: str,
    value: float,
    unit: str,
    *,
    goal: str = "-",
    met: bool | None = None,
    floor: float | None = None,
    floor_is: str = "",
) -> dict:
    """One figure of the report: its value, the floor measured beside it in the same run, and its goal."""
    return {
        "figure": figure,
        "value": value,
        "unit": unit,
        "floor": floor,
        "floor_is": floor_is,
        "goal": goal,
        "met": met,
    }


def bench_suite(runs: int) -> list[dict]:
    """The notebooks under nbval beside as many one-cell notebooks (the floor: kernels that do nothing), one
    process and at make test's parallelism (-n auto), interleaved."""
    notebooks = tutorial_notebooks()
    times: dict[tuple[str, str | None], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        trivial = []
        for index in range(len(notebooks)):
            path = Path(tmp) / f"trivial_{index}.ipynb"
            cell = nbformat.v4.new_code_cell(
                "1 + 1",
                execution_count=1,
                outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)],
            )
            nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
            trivial.append(path)
        for _ in range(runs):
            for workers in (None, "auto"):
                for kind, paths in (("floor", trivial), ("suite", notebooks)):
                    times.setdefault((kind, workers), []).append(nbval(paths, workers))
    rows = []
    for workers, how in ((None, "one process"), ("auto", f"-n auto ({os.cpu_count()} workers), as make test")):
        suite, floor = (statistics.median(times[(kind, workers)]) for kind in ("suite", "floor"))
        rows.append(
            report_row(
                f"nbval, {len(notebooks)} notebooks, {how}",
                suite,
                "s",
                goal="<= 1.5x floor",
                met=suite <= 1.5 * floor,
                floor=floor,
                floor_is=f"nbval over {len(notebooks)} one-cell notebooks, the same way",
            )
        )
    return rows


def bench_make_test() -> dict:
    """The README's test command, once, on this checkout (its installs already done: a warm cache)."""
    seconds = timed(["make", "test"], cwd=ROOT)
    return report_row("make test (every pass), installs done", seconds, "s", goal="<= 180 s", met=seconds <= 180)


# -- replay latency -------------------------------------------------------------


def bench_replay(runs: int, calls: int = 20) -> list[dict]:
    code = f"""
import asyncio, json, statistics, sys, time, tempfile, pathlib, requests
sys.path.insert(0, {str(ROOT / "tests")!r})
import helpers
from helpers._replay import cassettes, scrub
from support import speak, transcribe
import shutil
work = pathlib.Path(tempfile.mkdtemp()); shutil.copy({str(ROOT / "notebooks" / "audio.wav")!r}, work)
import os; os.chdir(work)
helpers.start()

async def per_call(make):
    for _ in range(3):
        await make()
    times = []
    for _ in range({calls}):
        start = time.perf_counter(); await make(); times.append(time.perf_counter() - start)
    return statistics.median(times)

import g4f
from g4f.client import AsyncClient
edge = AsyncClient(provider=g4f.Provider.EdgeTTS)
async def edge_speech():  # notebook 10's EdgeTTS call: a WebSocket session, replayed frame by frame
    return await edge.chat.completions.create(
        messages=[{{"role": "user", "content": "Good day to the world."}}], audio={{"voice": "en-US-AriaNeural"}}
    )

speech = asyncio.run(per_call(speak))
transcription = asyncio.run(per_call(transcribe))
websocket = asyncio.run(per_call(edge_speech))
helpers.stop()
cassette_file = pathlib.Path({str(ROOT / "recordings" / "g4f-8.8.6.yaml")!r})
context, cassette = cassettes.open_cassette(cassette_file, record=False)
for _ in range(3):
    requests.get("https://image.pollinations.ai/models")
times = []
for _ in range({calls}):
    start = time.perf_counter()
    requests.get("https://image.pollinations.ai/models")
    times.append(time.perf_counter() - start)
context.__exit__(None, None, None)
print(json.dumps([speech, transcription, statistics.median(times), websocket]))
"""
    results = []
    for _ in range(runs):
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    speech, transcription, floor, websocket = (statistics.median(r[i] for r in results) * 1000 for i in range(4))
    floor_is = "a replayed GET with requests, same cassette"
    replayed = (
        ("documented speech call, replay", speech),
        ("transcription call, replay", transcription),
        ("EdgeTTS speech (a WebSocket session), replay", websocket),
    )
    return [
        report_row(name, ms, "ms", goal="< 20 ms", met=ms < 20, floor=floor, floor_is=floor_is) for name, ms in replayed
    ]


# -- first sound and the learner install ---------------------------------------------

LEARNER = ["-r", str(ROOT / "requirements.txt")]
BARE = ["jupyterlab==4.6.6", "ipywidgets==8.1.9"]  # the floor: JupyterLab and widgets alone
UV_PIN = "uv==0.13.9"


def get_uv(folder: Path) -> str | None:
    """uv from PyPI into a throwaway venv (not timed); None when it cannot be had."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    result = subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", UV_PIN], capture_output=True)
    uv = folder / "bin" / "uv"
    return str(uv) if result.returncode == 0 and uv.exists() else None


def install(requirements: list[str], folder: Path, uv: str | None = None) -> tuple[float, int]:
    """Seconds for venv + install with a cold cache (nothing reused from earlier downloads), and bytes on disk."""
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    if uv:
        command = [uv, "pip", "install", "-q", "--no-cache", "--python", python, *requirements]
    else:
        command = [python, "-m", "pip", "install", "-q", "--no-cache-dir", "--no-compile", *requirements]  # as make
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start, folder_size(folder)


def first_sound(venv: Path) -> float:
    """From a fresh kernel to alloy.mp3 on disk, running notebook 02 in the fresh environment."""
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)],
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(ROOT / "notebooks" / "02_generating_speech.ipynb", tmp)
        code = (
            "import time, nbformat; from nbclient import NotebookClient\n"
            "nb = nbformat.read('02_generating_speech.ipynb', 4)\n"
            "saves = (i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and 'message.save' in c.source)\n"
            "cells = nb.cells[: next(saves) + 1]\n"
            "nb.cells = cells\nstart = time.perf_counter()\n"
            "NotebookClient(nb, kernel_name='python3').execute()\nprint(time.perf_counter() - start)"
        )
        out = subprocess.run(
            [str(venv / "bin" / "python"), "-c", code],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "G4F_TUTORIAL_MODE": "replay", "PYTHONDONTWRITEBYTECODE": ""},  # as on a laptop
        ).stdout
        assert (Path(tmp) / "output" / "alloy.mp3").exists()  # notebook 02 writes into output/
    return float(out.strip().splitlines()[-1])


def bench_install(runs: int) -> list[dict]:
    """The learner set (requirements.txt) beside JupyterLab + ipywidgets alone, pip and uv, cold cache, interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        uv = get_uv(folder / "uv-tool")
        installers = {"pip": None, **({"uv": uv} if uv else {})}
        times: dict[tuple[str, str], list[float]] = {}
        sizes: dict[tuple[str, str], int] = {}
        for _ in range(runs):
            for name, tool in installers.items():
                for kind, requirements in (("learner", LEARNER), ("bare", BARE)):
                    seconds, size = install(requirements, folder / f"{name}-{kind}", tool)
                    times.setdefault((name, kind), []).append(seconds)
                    sizes[(name, kind)] = size
        # neither installs bytecode (make uses pip --no-compile): the first kernel compiles what it imports (once)
        first_uv = first_sound(folder / "uv-learner") if uv else None
        first_pip = first_sound(folder / "pip-learner")
        sound = median_of(runs, lambda: first_sound(folder / "pip-learner"))
    t = {key: statistics.median(values) for key, values in times.items()}
    mib = {key: size / 2**20 for key, size in sizes.items()}
    rows = [
        report_row(
            "learner install (requirements.txt), pip --no-compile, cold cache",
            t[("pip", "learner")],
            "s",
            floor=t[("pip", "bare")],
            floor_is="pip install --no-compile jupyterlab + ipywidgets, cold cache",
        ),
        report_row(
            "learner install size, pip --no-compile (as make setup installs)",
            mib[("pip", "learner")],
            "MiB",
            goal="<= 350 MiB",
            met=mib[("pip", "learner")] <= 350,
            floor=mib[("pip", "bare")],
            floor_is="jupyterlab + ipywidgets, pip",
        ),
    ]
    if uv:
        speedup = t[("pip", "learner")] / t[("uv", "learner")]
        rows += [
            report_row(
                f"learner install, {UV_PIN}, cold cache",
                t[("uv", "learner")],
                "s",
                floor=t[("uv", "bare")],
                floor_is="uv pip install jupyterlab + ipywidgets, cold cache",
            ),
            report_row(
                "learner install size, uv (no bytecode until first import)",
                mib[("uv", "learner")],
                "MiB",
                goal="<= 350 MiB",
                met=mib[("uv", "learner")] <= 350,
                floor=mib[("uv", "bare")],
                floor_is="jupyterlab + ipywidgets, uv",
            ),
            report_row(
                "learner install: pip time / uv time",
                speedup,
                "x",
                goal="> 1: the Makefile uses uv when on PATH",
                met=speedup > 1,
                floor_is=f"bare set: {t[('pip', 'bare')] / t[('uv', 'bare')]:.2f}x",
            ),
        ]
    rows.append(report_row("fresh kernel to alloy.mp3 (notebook 02, pip learner venv, bytecode written)", sound, "s"))
    for name, first in (("pip", first_pip), ("uv", first_uv)):
        if first is not None:
            rows.append(
                report_row(
                    f"the same, first run in the {name} venv (compiles what it imports, once)",
                    first,
                    "s",
                    floor=sound,
                    floor_is="the pip venv, bytecode already there",
                )
            )
    return rows


# -- weight -----------------------------------------------------------------------


def bench_weight() -> list[dict]:
    rows = []
    files = sorted((ROOT / "notebooks").rglob("*.ipynb")) + sorted((ROOT / "recordings").rglob("*.yaml"))
    for path in files:
        rows.append(
            report_row(
                f"size {path.relative_to(ROOT)}",
                path.stat().st_size / 1024,
                "KiB",
                goal="< 300 KiB" if path.suffix == ".ipynb" else "-",
                met=path.stat().st_size < 300 * 1024 if path.suffix == ".ipynb" else None,
            )
        )
    rows.append(report_row("size, all notebooks and recordings", sum(r["value"] for r in rows), "KiB"))
    return rows


# -- concurrency ----------------------------------------------------------------------


def bench_site() -> list[dict]:
    """make site twice: from nothing (every clip made by replay runs), then with the notebooks' clips in output/."""
    build = ROOT / "site" / "_build"
    rows = []
    builds = (("cold: every clip from replay runs", False), ("warm: clips left by make notebooks", True))
    for label, keep_output in builds:
        shutil.rmtree(build, ignore_errors=True)
        hidden = []
        if not keep_output:  # the notebooks' own clips would be reused: move them aside for the cold build
            for folder in (ROOT / "notebooks").rglob("output"):
                hidden.append((folder, folder.with_name("output.bench-aside")))
                folder.rename(hidden[-1][1])
        started = time.perf_counter()
        try:
            subprocess.run([sys.executable, "tools/build_site.py"], cwd=ROOT, check=True, capture_output=True)
        finally:
            for folder, aside in hidden:
                aside.rename(folder)
        seconds = time.perf_counter() - started
        limit = 360 if not keep_output else 180
        rows.append(report_row(f"make site, {label}", seconds, "s", goal=f"<= {limit} s", met=seconds <= limit))
    html = build / "html"
    biggest = max(html.rglob("*.html"), key=lambda p: p.stat().st_size)
    rows.append(
        report_row(
            f"site: {len(list(html.rglob('*.html')))} pages, largest HTML {biggest.relative_to(html)}",
            biggest.stat().st_size / 1024,
            "KiB",
        )
    )
    return rows


def bench_concurrency(runs: int, latency: float = 0.3, limit: int = 3) -> dict:
    code = f"""
import asyncio, json, sys, time, tempfile, os
import helpers
from helpers import speech
os.chdir(tempfile.mkdtemp())
helpers.start()
sys.path.insert(0, {str(ROOT / "tools")!r})
from standin_scenarios import BATCH

async def one(sentence, gate=None, latency=0.0):
    async with gate or asyncio.Semaphore(1):
        await asyncio.sleep(latency)  # the network's wait, as notebook 07 adds it: replay answers at once
        return await speech.speak(sentence, sentence.replace(" ", "-") + ".mp3", overwrite=True)

async def main():
    await one(BATCH[0])  # warm-up: model lists, imports
    start = time.perf_counter()
    for sentence in BATCH:
        await one(sentence, latency={latency})
    sequential = time.perf_counter() - start
    gate = asyncio.Semaphore({limit})
    start = time.perf_counter()
    await asyncio.gather(*(one(s, gate, {latency}) for s in BATCH))
    concurrent = time.perf_counter() - start
    print(json.dumps([sequential, concurrent]))

asyncio.run(main())
"""
    results = [
        json.loads(
            subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        for _ in range(runs)
    ]
    speedup = statistics.median(seq / con for seq, con in results)
    return report_row(
        f"batch of 6, limit {limit}, {latency} s latency: speed-up / limit",
        speedup / limit,
        "",
        goal=">= 0.8",
        met=speedup / limit >= 0.8,
        floor_is=f"speed-up {speedup:.2f}x",
    )


# -- offline engines ----------------------------------------------------------------

HARVARD = [  # Harvard sentences, list 1 (public domain)
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "The hogs were fed chopped corn and garbage.",
]


PIPER_FLOOR, WHISPER_FLOOR, WER_REAL = 30.0, 10.0, 10.0  # issue 17: speed goals (x real time) and WER (%)
WITHIN = 1.25  # each provider within 1.25x of its raw engine, measured in the same run
TRADE_OFF = [(beam, vad) for beam in (1, 2, 5) for vad in (False, True)]


def bench_offline(runs: int) -> tuple[list[dict], list[dict], str]:
    """The offline providers beside their raw engines (interleaved, same run), WER, and the beam x VAD table.

    Real-time factor = audio seconds / wall seconds. Raw Piper: PiperVoice.synthesize() to float samples,
    nothing else. Raw whisper: WhisperModel.transcribe() on 16 kHz float arrays decoded beforehand, with the
    provider's beam and VAD. The providers add what a call needs: MP3 encoding, decoding and resampling.
    """
    from helpers import offline
    from helpers.offline import sound

    if not offline.installed():
        return [], [], ""
    import speech_corpus
    from piper import SynthesisConfig

    real, corpus_note = speech_corpus.clips()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    voice = offline.PiperSpeech.voice()  # load both models once, first: load time is not speed
    model = offline.WhisperTranscription.model()
    Whisper = offline.WhisperTranscription
    config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=1.0)  # as PiperSpeech.synthesise
    rate = voice.config.sample_rate

    def raw_piper() -> tuple[float, float]:
        start, samples = time.perf_counter(), 0
        for sentence in HARVARD:
            samples += sum(chunk.audio_float_array.size for chunk in voice.synthesize(sentence, config))
        return samples / rate, time.perf_counter() - start

    def provider_piper() -> tuple[list[bytes], float]:
        start = time.perf_counter()
        return [offline.PiperSpeech.synthesise(sentence, "mp3") for sentence in HARVARD], time.perf_counter() - start

    def raw_whisper(arrays, beam: int, vad: bool) -> tuple[list[str], float]:
        start, texts = time.perf_counter(), []
        for audio in arrays:
            segments, _ = model.transcribe(audio, beam_size=beam, vad_filter=vad, language="en", temperature=0.0)
            texts.append(" ".join(segment.text.strip() for segment in segments).strip())
        return texts, time.perf_counter() - start

    def provider_whisper(files: list[bytes]) -> tuple[list[str], float]:
        start = time.perf_counter()
        return [Whisper.transcribe(data) for data in files], time.perf_counter() - start

    raw_piper()  # warm-up
    spoken_s, raw_speak, speak = 0.0, [], []
    for _ in range(runs):  # interleaved: the machine's load changes both alike
        spoken_s, seconds = raw_piper()
        raw_speak.append(spoken_s / seconds)
        mp3s, seconds = provider_piper()
        speak.append(spoken_s / seconds)

    real_files = [data for _, data, _ in real]
    real_text = [text for _, _, text in real]
    real_arrays = [sound.decode(data) for data in real_files]
    mp3_arrays = [sound.decode(data) for data in mp3s]
    real_s = sum(a.size for a in real_arrays) / 16000
    mp3_s = sum(a.size for a in mp3_arrays) / 16000
    beam, vad = Whisper.beam_size, Whisper.vad_filter
    raw_whisper(real_arrays[:1], beam, vad)  # warm-up
    raw_hear, hear, raw_round, round_trip = [], [], [], []
    for _ in range(runs):
        _, seconds = raw_whisper(real_arrays, beam, vad)
        raw_hear.append(real_s / seconds)
        heard_real, seconds = provider_whisper(real_files)
        hear.append(real_s / seconds)
        _, seconds = raw_whisper(mp3_arrays, beam, vad)
        raw_round.append(mp3_s / seconds)
        heard_round, seconds = provider_whisper(mp3s)
        round_trip.append(mp3_s / seconds)

    # the trade-off: every beam x VAD pair on the raw engine, interleaved, rotating the order each run
    speeds: dict[tuple, list[float]] = {pair: [] for pair in TRADE_OFF}
    texts: dict[tuple, tuple[list[str], list[str]]] = {}
    for run in range(runs):
        for pair in TRADE_OFF[run % len(TRADE_OFF) :] + TRADE_OFF[: run % len(TRADE_OFF)]:
            real_texts, seconds_real = raw_whisper(real_arrays, *pair)
            mp3_texts, seconds_mp3 = raw_whisper(mp3_arrays, *pair)
            speeds[pair].append((real_s + mp3_s) / (seconds_real + seconds_mp3))
            texts[pair] = (real_texts, mp3_texts)
    reference = texts[(5, False)]
    trade_off = [
        {
            "beam": b,
            "vad": v,
            "rtf": statistics.median(speeds[(b, v)]),
            "wer_real": 100 * speech_corpus.wer(real_text, texts[(b, v)][0]),
            "wer_round_trip": 100 * speech_corpus.wer(HARVARD, texts[(b, v)][1]),
            "differs_from_beam5": sum(
                x != y for x, y in zip(texts[(b, v)][0] + texts[(b, v)][1], reference[0] + reference[1], strict=True)
            ),
            "clips": len(real_texts) + len(mp3_texts),
            "chosen": (b, v) == (beam, vad),
        }
        for b, v in TRADE_OFF
    ]

    def speed_row(figure, values, floors, goal):
        value, floor = statistics.median(values), statistics.median(floors)
        return report_row(
            figure,
            value,
            "x",
            goal=f">= {goal:g}x and >= floor/{WITHIN}" if goal else f">= floor/{WITHIN}",
            met=value >= goal and value * WITHIN >= floor,
            floor=floor,
            floor_is="the raw engine, same inputs, interleaved",
        )

    wer_real = 100 * speech_corpus.wer(real_text, heard_real)
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    share = (time.process_time() - cpu0) / (time.perf_counter() - wall0) / threads
    rows = [
        speed_row("offline speech (PiperSpeech, MP3), real-time factor", speak, raw_speak, PIPER_FLOOR),
        speed_row(
            f"offline transcription (tiny.en, beam {beam}, VAD {'on' if vad else 'off'}), real speech",
            hear,
            raw_hear,
            WHISPER_FLOOR,
        ),
        speed_row("offline transcription of Piper's MP3s (short clips)", round_trip, raw_round, 0),
        report_row(
            f"WER on real speech, {len(real)} clips, {real_s:.0f} s",
            wer_real,
            "%",
            goal=f"<= {WER_REAL:g} %",
            met=wer_real <= WER_REAL,
            floor_is=corpus_note,
        ),
        report_row(
            f"CPU share the offline section got ({threads} cores, both engines use all)",
            100 * share,
            "%",
            floor_is="100 % = every core busy throughout; idle here gives ~80 % (each engine leaves gaps); far "
            "below: other load, and the x-real-time goals say little (the ratios still hold)",
        ),
        report_row(
            f"round-trip WER over {len(HARVARD)} Harvard sentences (Piper -> whisper)",
            100 * speech_corpus.wer(HARVARD, heard_round),
            "%",
        ),
    ]
    return rows, trade_off, corpus_note


def trade_off_table(trade_off: list[dict]) -> str:
    lines = [
        "whisper tiny.en, raw engine: beam size x VAD (real speech + Piper MP3s; medians, interleaved)",
        f"{'beam':>4} {'VAD':>4} {'speed':>8} {'WER real':>9} {'WER round trip':>15} {'text differs from beam 5':>25}",
    ]
    for row in trade_off:
        lines.append(
            f"{row['beam']:>4} {'on' if row['vad'] else 'off':>4} {row['rtf']:>7.1f}x {row['wer_real']:>8.1f}% "
            f"{row['wer_round_trip']:>14.1f}% {row['differs_from_beam5']:>17} of {row['clips']:<4}"
            + ("  <- chosen (WhisperTranscription)" if row["chosen"] else "")
        )
    return "\n".join(lines)


def _value(row: dict) -> str:
    decimals = 0 if row["unit"] in ("MiB", "KiB") else 1 if row["unit"] in ("%", "x", "s") else 2
    return f"{row['value']:.{decimals}f} {row['unit']}".strip()


def table(rows: list[dict]) -> str:
    lines = [f"{'figure':<62} {'value':>10} {'floor':>10} {'ratio':>7}  {'goal':<34} floor is"]
    for row in rows:
        floor = f"{row['floor']:.2f}" if row.get("floor") else "-"
        ratio = f"{row['value'] / row['floor']:.2f}x" if row.get("floor") else "-"
        met = {True: "met", False: "NOT met", None: ""}[row["met"]]
        goal = f"{row['goal']} {met}".strip()
        lines.append(
            f"{row['figure'][:62]:<62} {_value(row):>10} {floor:>10} {ratio:>7}  {goal:<34} {row['floor_is']}".rstrip()
        )
    return "\n".join(lines)


def readme_table(report: dict) -> str:
    """The README's performance table, from a bench.json report (the figures make bench printed)."""
    lines = ["| figure | value | floor, same run | goal |", "|---|---|---|---|"]
    rows = [r for r in report["rows"] if not r["figure"].startswith("size ") or "all notebooks" in r["figure"]]
    for row in rows:
        floor = ""
        if row.get("floor"):
            floor = f"{row['floor']:.1f} {row['unit']} ({row['floor_is']}); ratio {row['value'] / row['floor']:.2f}"
        elif row.get("floor_is"):
            floor = row["floor_is"]
        met = {True: ": met", False: ": **not met**", None: ""}[row["met"]]
        goal = "" if row["goal"] == "-" else f"{row['goal']}{met}".replace(">=", "≥").replace("<=", "≤")
        lines.append(f"| {row['figure']} | {_value(row)} | {floor} | {goal} |")
    if report.get("trade_off"):
        lines += [
            "",
            "Whisper tiny.en, raw engine, beam size × VAD (same run; real speech and Piper's MP3s):",
            "",
            "| beam | VAD | speed | WER, real speech | WER, round trip | text differs from beam 5 |",
            "|---|---|---|---|---|---|",
        ]
        for t in report["trade_off"]:
            chosen = " **(chosen)**" if t["chosen"] else ""
            lines.append(
                f"| {t['beam']}{chosen} | {'on' if t['vad'] else 'off'} | {t['rtf']:.1f}× | {t['wer_real']:.1f} % "
                f"| {t['wer_round_trip']:.1f} % | {t['differs_from_beam5']} of {t['clips']} clips |"
            )
    lines += ["", f"{report['machine']}; medians of {report['runs']} runs; load average {report.get('load', '?')}."]
    return "\n".join(lines)


def merged(last: dict, new: dict, sections: set[str]) -> dict:
    """The last report with the given sections' rows (and the trade-off, with offline) replaced by the new run's.

    Machine, runs and load then describe the newest run; each row keeps the section it came from."""
    by_section = {name: [r for r in last["rows"] if r.get("section") == name] for name in SECTIONS}
    for name in sections:
        by_section[name] = [r for r in new["rows"] if r["section"] == name]
    rows = [row for name in SECTIONS for row in by_section[name]]
    trade_off = new["trade_off"] if "offline" in sections else last.get("trade_off", [])
    note = f"{new['load']}; sections {', '.join(sorted(sections))} re-run, the rest from the run before"
    return {**new, "rows": rows, "trade_off": trade_off, "load": note}


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


SECTIONS = ("suite", "replay", "concurrency", "offline", "install", "weight", "site", "test")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--install-runs", type=int, default=1, help="runs of each cold-cache install (slow)")
    parser.add_argument("--skip-install", action="store_true", help="leave out the fresh-install figures")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument(
        "--readme-table",
        action="store_true",
        help="print the performance table from artifacts/bench.json",
    )
    args = parser.parse_args()
    out = ROOT / "artifacts" / "bench.json"
    if args.readme_table:
        print(readme_table(json.loads(out.read_text())))
        return 0
    wanted = set(args.only or SECTIONS) - ({"install"} if args.skip_install else set())
    started, load_before = time.perf_counter(), load_average()
    rows, trade_off = [], []

    def add(section: str, new_rows: list[dict]) -> None:
        rows.extend({**row, "section": section} for row in new_rows)

    if "suite" in wanted:
        add("suite", bench_suite(args.runs))
    if "replay" in wanted:
        add("replay", bench_replay(args.runs))
    if "concurrency" in wanted:
        add("concurrency", [bench_concurrency(args.runs)])
    if "offline" in wanted:
        offline_rows, trade_off, _ = bench_offline(args.runs)
        add("offline", offline_rows)
    if "install" in wanted:
        add("install", bench_install(args.install_runs))
    if "weight" in wanted:
        add("weight", bench_weight())
    if "site" in wanted:
        add("site", bench_site())
    if "test" in wanted:
        add("test", [bench_make_test()])
    print(table(rows))
    if trade_off:
        print("\n" + trade_off_table(trade_off))
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    load = f"{load_before} before, {load_average()} after"
    print(f"\n{machine}; medians of {args.runs} runs; load average {load}; took {time.perf_counter() - started:.0f} s")
    report = {"machine": machine, "runs": args.runs, "load": load, "rows": rows, "trade_off": trade_off}
    last = json.loads(out.read_text()) if out.exists() else None
    partial_alone = bool(args.only) and (last is None or last.get("partial", False))  # nothing full to merge into
    if args.only and not partial_alone:  # a partial run replaces its own sections of the last report, keeps the rest
        report = merged(last, report, wanted)
    report["partial"] = partial_alone
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    (out.parent / "bench.md").write_text(readme_table(report) + "\n")
    if partial_alone:  # no full report to merge into: the page's other rows would be lost
        print(f"wrote {out.relative_to(ROOT)} and artifacts/bench.md; {PAGE.relative_to(ROOT)} left as it is")
        return 0
    write_performance_page(readme_table(report))
    print(f"wrote {out.relative_to(ROOT)}, artifacts/bench.md and the table in {PAGE.relative_to(ROOT)}")
    return 0


PAGE = ROOT / "docs" / "performance.md"
MARKERS = ("<!-- make bench writes the table below -->", "<!-- end of make bench's table -->")


def write_performance_page(table_text: str) -> None:
    """Put the table between the page's markers (the prose around it stays as written)."""
    text = PAGE.read_text(encoding="utf-8")
    start, end = text.index(MARKERS[0]) + len(MARKERS[0]), text.index(MARKERS[1])
    PAGE.write_text(text[:start] + "\n" + table_text + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
