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


def nbval(paths: list[Path]) -> float:
    return timed(nbval_command(paths), cwd=ROOT, env={**os.environ, "G4F_TUTORIAL_MODE": "replay"})


def bench_suite(runs: int) -> dict:
    notebooks = tutorial_notebooks()
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
        floor = median_of(runs, lambda: nbval(trivial))
    suite = median_of(runs, lambda: nbval(notebooks))
    return {
        "figure": f"nbval, {len(notebooks)} notebooks",
        "value": suite,
        "unit": "s",
        "floor": floor,
        "floor_is": f"nbval over {len(notebooks)} one-cell notebooks",
        "goal": "<= 1.5x floor",
        "met": suite <= 1.5 * floor,
    }


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

speech = asyncio.run(per_call(speak))
transcription = asyncio.run(per_call(transcribe))
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
print(json.dumps([speech, transcription, statistics.median(times)]))
"""
    results = []
    for _ in range(runs):
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    speech, transcription, floor = (statistics.median(r[i] for r in results) * 1000 for i in range(3))
    common = {"unit": "ms", "floor": floor, "floor_is": "a replayed GET with requests, same cassette"}
    return [
        {"figure": "documented speech call, replay", "value": speech, **common, "goal": "< 20 ms", "met": speech < 20},
        {
            "figure": "transcription call, replay",
            "value": transcription,
            **common,
            "goal": "< 20 ms",
            "met": transcription < 20,
        },
    ]


# -- first sound ----------------------------------------------------------------


def install(requirements: list[str], folder: Path) -> tuple[float, int]:
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "-q", *requirements], check=True, capture_output=True
    )
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
            "cells = nb.cells[:next(i for i, c in enumerate(nb.cells) if 'message.save' in c.source) + 1]\n"
            "nb.cells = cells\nstart = time.perf_counter()\n"
            "NotebookClient(nb, kernel_name='python3').execute()\nprint(time.perf_counter() - start)"
        )
        out = subprocess.run(
            [str(venv / "bin" / "python"), "-c", code],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "G4F_TUTORIAL_MODE": "replay"},
        ).stdout
        assert (Path(tmp) / "alloy.mp3").exists()
    return float(out.strip().splitlines()[-1])


def bench_install(runs: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        full, bare = Path(tmp) / "full", Path(tmp) / "bare"
        full_runs = [install(["-r", str(ROOT / "requirements.txt")], full) for _ in range(runs)]
        bare_runs = [install(["jupyterlab==4.6.6", "ipywidgets==8.1.9"], bare) for _ in range(runs)]
        sound = median_of(runs, lambda: first_sound(full))
    full_time, bare_time = statistics.median(t for t, _ in full_runs), statistics.median(t for t, _ in bare_runs)
    full_size, bare_size = full_runs[-1][1], bare_runs[-1][1]
    return [
        {
            "figure": "install requirements.txt (pip cache warm)",
            "value": full_time,
            "unit": "s",
            "floor": bare_time,
            "floor_is": "install jupyterlab + ipywidgets",
            "goal": "-",
            "met": None,
        },
        {
            "figure": "installed size",
            "value": full_size / 2**20,
            "unit": "MiB",
            "floor": bare_size / 2**20,
            "floor_is": "jupyterlab + ipywidgets",
            "goal": "-",
            "met": None,
        },
        {
            "figure": "fresh kernel to alloy.mp3 (notebook 02)",
            "value": sound,
            "unit": "s",
            "floor": None,
            "floor_is": "",
            "goal": "-",
            "met": None,
        },
    ]


# -- weight -----------------------------------------------------------------------


def bench_weight() -> list[dict]:
    rows = []
    files = sorted((ROOT / "notebooks").rglob("*.ipynb")) + sorted((ROOT / "recordings").rglob("*.yaml"))
    for path in files:
        rows.append(
            {
                "figure": f"size {path.relative_to(ROOT)}",
                "value": path.stat().st_size / 1024,
                "unit": "KiB",
                "floor": None,
                "floor_is": "",
                "goal": "< 300 KiB" if path.suffix == ".ipynb" else "-",
                "met": path.stat().st_size < 300 * 1024 if path.suffix == ".ipynb" else None,
            }
        )
    rows.append(
        {
            "figure": "size, all notebooks and recordings",
            "value": sum(r["value"] for r in rows),
            "unit": "KiB",
            "floor": None,
            "floor_is": "",
            "goal": "-",
            "met": None,
        }
    )
    return rows


# -- concurrency ----------------------------------------------------------------------


def bench_concurrency(runs: int, latency: float = 0.3, limit: int = 3) -> dict:
    code = f"""
import asyncio, json, sys, time, tempfile, os
import helpers
from helpers import speech
os.chdir(tempfile.mkdtemp())
helpers.start()
sys.path.insert(0, {str(ROOT / "tools")!r})
from standin_scenarios import BATCH

async def one(sentence, gate=None):
    if gate is None:
        return await speech.speak(sentence, sentence.replace(" ", "-") + ".mp3", overwrite=True)
    async with gate:
        return await speech.speak(sentence, sentence.replace(" ", "-") + ".mp3", overwrite=True)

async def main():
    await one(BATCH[0])  # warm-up: model lists, imports
    with helpers.simulated_latency({latency}):
        start = time.perf_counter()
        for sentence in BATCH:
            await one(sentence)
        sequential = time.perf_counter() - start
        gate = asyncio.Semaphore({limit})
        start = time.perf_counter()
        await asyncio.gather(*(one(s, gate) for s in BATCH))
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
    return {
        "figure": f"batch of 6, limit {limit}, {latency} s latency: speed-up / limit",
        "value": speedup / limit,
        "unit": "",
        "floor": None,
        "floor_is": f"speed-up {speedup:.2f}x",
        "goal": ">= 0.8",
        "met": speedup / limit >= 0.8,
    }


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


def bench_offline(runs: int) -> list[dict]:
    """Real-time factors (audio seconds per wall second) and word error rates of the offline extra."""
    import soundfile as sf

    from helpers import offline
    from helpers.wer import wer

    if not offline.installed():
        return []
    offline.PiperSpeech.voice()  # load both models first: load time is not speed
    offline.WhisperTranscription.model()
    speak_rtf, hear_rtf, heard = [], [], []
    for _ in range(runs):
        heard, spoken_s, speak_s, hear_s = [], 0.0, 0.0, 0.0
        for sentence in HARVARD:
            start = time.perf_counter()
            data = offline.PiperSpeech.synthesise(sentence, "mp3")
            speak_s += time.perf_counter() - start
            with tempfile.NamedTemporaryFile(suffix=".mp3") as file:
                file.write(data)
                file.flush()
                spoken_s += sf.info(file.name).duration
            start = time.perf_counter()
            heard.append(offline.WhisperTranscription.transcribe(data))
            hear_s += time.perf_counter() - start
        speak_rtf.append(spoken_s / speak_s)
        hear_rtf.append(spoken_s / hear_s)
    clip = offline.WhisperTranscription.transcribe((ROOT / "notebooks" / "audio.wav").read_bytes())
    common = {"floor": None, "floor_is": "", "goal": "-", "met": None}
    return [
        {
            "figure": "offline speech (Piper), real-time factor",
            "value": statistics.median(speak_rtf),
            "unit": "x",
            **common,
        },
        {
            "figure": "offline transcription (tiny.en), real-time factor",
            "value": statistics.median(hear_rtf),
            "unit": "x",
            **common,
        },
        {
            "figure": f"round-trip WER over {len(HARVARD)} sentences",
            "value": 100 * wer(HARVARD, heard),
            "unit": "%",
            **common,
        },
        {
            "figure": "WER on the real human clip (audio.wav)",
            "value": 100 * wer("go forward ten meters", clip),
            "unit": "%",
            **common,
        },
    ]


def table(rows: list[dict]) -> str:
    lines = [f"{'figure':<58} {'value':>10} {'floor':>10} {'ratio':>7}  goal"]
    for row in rows:
        value = f"{row['value']:.2f} {row['unit']}".strip()
        floor = f"{row['floor']:.2f}" if row.get("floor") else "-"
        ratio = f"{row['value'] / row['floor']:.2f}x" if row.get("floor") else "-"
        met = {True: "met", False: "NOT met", None: ""}[row["met"]]
        lines.append(f"{row['figure'][:58]:<58} {value:>10} {floor:>10} {ratio:>7}  {row['goal']} {met}".rstrip())
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--skip-install", action="store_true", help="leave out the fresh-install figures")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [bench_suite(args.runs), *bench_replay(args.runs), bench_concurrency(args.runs), *bench_offline(args.runs)]
    if not args.skip_install:
        rows += bench_install(args.runs)
    rows += bench_weight()
    print(table(rows))
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\n{machine}; medians of {args.runs} runs; took {time.perf_counter() - started:.0f} s")
    out = ROOT / "artifacts" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "runs": args.runs, "rows": rows}, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
