"""After `make record`, `make notebooks && make test` passes with no re-translation, against the local fakes.

On a copy of this checkout's files (tracked and untracked, not ignored; the .venv is shared):
1. the lessons run as `make record` runs them (its nbconvert command, taken from `make -n record`), with
   G4F_TUTORIAL_MODE=record, an instructor's ``POLLINATIONS_API_KEY=sk_...`` and every kernel pointed at the
   fakes by PYTHONPATH=tests/preflight_site: Pollinations, EdgeTTS's WebSocket, gTTS, OpenAIFM and Google on
   their real hostnames over TLS (tests/fake_providers.served), speaking the words asked for and hearing what
   they are sent (tests/fake_voice.py), so record mode stores what it would online. The network guard logs any
   other name or address a kernel tries: the log must stay empty;
2. then as `make notebooks` runs them (replay in place, tools/make_exercises.py, tools/make_russian.py; the
   commands of `make -n notebooks`), with the guard on;
3. then what `make test` checks that a re-recording can break: nbval (strict, tests/nbval_config/sanitize.cfg)
   on the re-executed lessons and their Russian sample, `tools/make_russian.py --check` (no re-translation),
   `tools/make_exercises.py --check`, and the project's tests that read the recordings or the notebooks'
   stored outputs (PROJECT_TESTS: those that could pin a stand-in fact), run in the copy. Left out, as they read
   neither: the tests with their own fakes or recordings (test_providers, test_preflight, test_faults'
   simulations), the packaging, site and browser tests; test_documented needs the other environment; and
   test_run_twice (auto, then replay, a lesson) checks orders of runs, which the checks here do not change.
If make notebooks fails (a lesson raises in replay), that test fails and the flow goes on with the errors
stored (nbconvert's allow_errors), so the checks after it still report what else a re-recording broke.
It also checks what nbval cannot see, because nbval compares a run with itself: no cell shows an error it did
not show before (in the record run or after it), and none stops showing one (a refusal a lesson demonstrates).

The documented notebooks (g4f 0.5.2.2, .venv-documented) are left out: `make record` runs them in the other
environment, whose recordings file no lesson reads.

Cost: by default four lessons, the risky parts (about 4 minutes on 2 busy cores):
02 (speech, voices and formats, the Russian sample), 04 (the round trip: it transcribes the speech it asked
for, which other lessons ask for too), 07 (many clips at once, the 'nobody recorded' demo, timings) and 10 (the
keyless providers, EdgeTTS's WebSocket, asking last for the speech 02 and 04 ask for).
``RECORD_FLOW=all`` runs every lesson this environment can run (about 6 minutes); ``RECORD_FLOW=05,06`` runs
the lessons named by number.
Needs the offline extra, flite and espeak-ng (the fakes' voice), and a git checkout (what to copy).
Under pytest-xdist (``-n auto --dist loadscope``) the module's tests stay in one worker, sharing one flow.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from fake_pollinations import FakePollinations
from fake_providers import served
from fake_voice import Voice, available
from support import ROOT, copy_checkout, nbval_command, runnable

KEY = "sk_instructor_recflow_" + "7c" * 10
DEFAULT = ("02", "04", "07", "10")
PROJECT_TESTS = [  # the project's tests that read recordings/ or the notebooks' stored outputs
    "tests/test_replay.py",  # the documented calls replayed: voices differ, transcripts say the words
    "tests/test_recordings.py",  # no secrets, sizes, the builder over recordings that now hold live answers
    "tests/test_contract.py",  # the contract check of live answers against the stand-ins' shapes
    "tests/test_record.py",  # recording over the recordings keeps their labels
    "tests/test_record_roundtrip.py",  # recording again replaces, never piles up
    "tests/test_offline.py",  # local mode plays what the recordings hold
    "tests/test_edges.py",  # the recordings file and the notebooks' edges
    "tests/test_modes.py",  # what start() says about the recordings
    "tests/test_notebooks.py",  # the stored outputs, the exercises
    "tests/test_russian.py",  # the Russian edition in step
]
ERROR_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b")
SKIP = "# NBVAL_SKIP"


def _lessons() -> list[str]:
    chosen = os.environ.get("RECORD_FLOW", "")
    names = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if runnable(p.name)]
    if chosen == "all":
        return names
    numbers = [n.strip() for n in chosen.split(",") if n.strip()] or list(DEFAULT)
    found = [name for name in names if name[:2] in numbers]
    assert len(found) == len(numbers), f"RECORD_FLOW={chosen!r}: no runnable lesson for some of {numbers}"
    return found


LESSONS = _lessons()
pytestmark = [
    pytest.mark.skipif(available() is not None, reason=f"the fakes' voice {available()}"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout (what to copy)"),
]


def _copy_checkout(target: Path) -> None:
    """The working tree's files (support.copy_checkout), the shared .venv linked in."""
    copy_checkout(target)
    (target / ".venv").symlink_to(Path(sys.prefix))


def _make_commands(copy: Path, target: str, lessons: list[str]) -> list[str]:
    """The shell commands `make <target>` runs in copy, the lessons' glob narrowed to lessons; documented/ left out."""
    inherited = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")  # under `make test`: no "make[1]: Entering directory" lines
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "-o", ".venv-documented/.installed", target],
        cwd=copy,
        env={k: v for k, v in os.environ.items() if k not in inherited},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    commands = [line.strip() for line in printed.splitlines() if line.strip()]
    kept = [c for c in commands if not c.startswith(("echo", "cd notebooks/documented"))]
    assert any("[0-9]*.ipynb" in c for c in kept), commands
    return [c.replace("[0-9]*.ipynb", " ".join(lessons)) for c in kept]


def _run_recipe(commands: list[str], cwd: Path, env: dict) -> str | None:
    """Run the commands in order, as make does, stopping at the first that fails; returns what it said, or None."""
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            said = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # the traceback's colours
            lines = said.splitlines()
            last = max((i for i, line in enumerate(lines) if re.match(r"\w*(Error|Exception)\b", line)), default=None)
            error = "\n".join(lines[last : last + 3]) if last is not None else said[-2000:]
            return f"{command}\nexit {done.returncode}: {error}\n... {said[-3000:]}"
    return None


def _errors(notebook: nbformat.NotebookNode) -> dict[str, set[str]]:
    """Per code cell id: the error names it shows (an error output, helpers' error block, a name it printed)."""
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell.source.lstrip().startswith(SKIP):
            continue
        names = set()
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                names.add(output.ename)
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            names |= set(ERROR_NAME.findall(text))
        found[cell.get("id")] = names
    return found


def _changed_errors(before: nbformat.NotebookNode, after: nbformat.NotebookNode) -> list[str]:
    was, now = _errors(before), _errors(after)
    return [
        f"cell {cell_id}: showed {sorted(was.get(cell_id, set())) or 'no error'}, now {sorted(names) or 'no error'}"
        for cell_id, names in now.items()
        if names != was.get(cell_id, set())
    ]


def _environment(**extra: str) -> dict[str, str]:
    """This process's environment for one in the copy: G4F_TUTORIAL_ROOT (given) makes the copy the collection even
    where a test works in a temporary folder (helpers would otherwise fall back to the checkout it is installed from).
    """
    dropped = ("G4F_TUTORIAL_ROOT", "G4F_TUTORIAL_MODE", "POLLINATIONS_API_KEY", "PYTHONPATH", "FAKE_SERVED")
    dropped += ("G4F_CONFIG_DIR", "G4F_CACHE_DIR", "G4F_RECORD_RUN")  # this process's own: the copy's come from it
    return {**{k: v for k, v in os.environ.items() if k not in dropped}, "NO_PROXY": "127.0.0.1,localhost", **extra}


def _google(voice: Voice):
    """Google Web Speech's transcript: what the voice hears, lower case, no punctuation."""
    return lambda flac: re.sub(r"[^\w\s']", "", voice.hear(flac)).lower()


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """The copy after the record flow and the notebooks flow; what each step showed."""
    base = tmp_path_factory.mktemp("record-flow")
    copy = base / "project"
    copy.mkdir()
    _copy_checkout(copy)
    stored = {name: nbformat.read(copy / "notebooks" / name, as_version=4) for name in LESSONS}
    recordings = copy / "recordings" / "g4f-8.8.6.yaml"
    before = recordings.read_text()

    attempts = {step: base / f"network-attempts-{step}.log" for step in ("record", "replay")}
    for log in attempts.values():
        log.touch()
    voice = Voice()
    pollinations = FakePollinations(pk_budget=False, voice=voice).start()  # g4f's public pk_ key: 402, as today
    try:
        with served(pollinations, speech=lambda text, _service: voice.speak(text), hear=_google(voice)) as (
            keyless,
            spec,
        ):
            (base / "served.json").write_text(json.dumps(spec))
            record = _environment(
                G4F_TUTORIAL_ROOT=str(copy),
                POLLINATIONS_API_KEY=KEY,
                PYTHONPATH=str(ROOT / "tests" / "preflight_site"),
                FAKE_SERVED=str(base / "served.json"),
                NETWORK_ATTEMPTS_LOG=str(attempts["record"]),
            )
            failed = _run_recipe(_make_commands(copy, "record", LESSONS), copy, record)
    finally:
        pollinations.stop()
    assert failed is None, f"make record failed: {failed}"
    recorded = {name: nbformat.read(copy / ".scratch" / "recorded" / name, as_version=4) for name in LESSONS}
    after_record = recordings.read_text()

    replay = _environment(
        G4F_TUTORIAL_ROOT=str(copy),
        PYTHONPATH=str(ROOT / "tests" / "netguard_site"),
        NETWORK_ATTEMPTS_LOG=str(attempts["replay"]),
    )
    notebooks = _make_commands(copy, "notebooks", LESSONS)
    failed = _run_recipe(notebooks, copy, replay)
    if failed:  # make test would not run; the checks below still say what else is wrong (the errors stay visible)
        allowed = [c.replace(" --execute ", " --execute --ExecutePreprocessor.allow_errors=True ") for c in notebooks]
        assert _run_recipe(allowed, copy, replay) is None
    return {
        "notebooks failed": failed,
        "copy": copy,
        "stored": stored,
        "recorded": recorded,
        "replayed": {name: nbformat.read(copy / "notebooks" / name, as_version=4) for name in LESSONS},
        "recordings": (before, after_record),
        "attempts": {step: log.read_text() for step, log in attempts.items()},
        "pollinations": pollinations.log,
        "keyless": keyless.log,
    }


def test_make_notebooks_runs_after_make_record(flow):
    assert flow["notebooks failed"] is None, flow["notebooks failed"]


def test_nothing_tried_to_leave_the_machine(flow):
    assert flow["attempts"] == {"record": "", "replay": ""}, "something tried to reach a host the fakes do not serve"


def test_record_went_through_the_fakes_and_stored_live_answers_without_the_key(flow):
    before, after = flow["recordings"]
    assert after.count("recorded live") > before.count("recorded live"), "the record run stored nothing"
    assert KEY not in after
    used = {entry.authorization for entry in flow["pollinations"] if entry.host == "gen.pollinations.ai"}
    assert f"Bearer {KEY}" in used  # the instructor's key reached the service
    changed = [name for name in LESSONS if flow["replayed"][name].cells != flow["stored"][name].cells]
    assert changed, "make notebooks stored the same outputs: it did not replay the new recordings"
    if any(name.startswith("10_") for name in LESSONS):
        assert {entry.service for entry in flow["keyless"]} >= {"edge", "gtts", "openaifm", "google"}


@pytest.mark.parametrize("name", LESSONS)
def test_the_record_run_shows_the_errors_the_lesson_shows_and_no_other(flow, name):
    assert not _changed_errors(flow["stored"][name], flow["recorded"][name])


@pytest.mark.parametrize("name", LESSONS)
def test_replayed_after_recording_the_lesson_shows_the_errors_it_showed_and_no_other(flow, name):
    assert not _changed_errors(flow["stored"][name], flow["replayed"][name])


def test_the_russian_edition_needs_no_retranslation(flow):
    for tool in ("make_russian.py", "make_exercises.py"):
        done = subprocess.run(
            [sys.executable, f"tools/{tool}", "--check"], cwd=flow["copy"], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def _pytest_said(done: subprocess.CompletedProcess) -> str:
    """What a pytest run in the copy reported: its FAILED lines and summary first, then its tail."""
    summary = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return "\n".join(
        [*summary, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "", done.stdout[-4000:]]
    )


def test_nbval_passes_on_the_reexecuted_lessons(flow):
    copy = flow["copy"]
    paths = [f"notebooks/{name}" for name in LESSONS] + [f"notebooks/ru/{name}" for name in LESSONS]
    done = subprocess.run(
        nbval_command(paths),
        cwd=copy,
        env=_environment(G4F_TUTORIAL_MODE="replay", G4F_TUTORIAL_ROOT=str(copy)),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, _pytest_said(done)
    assert " passed" in done.stdout


def test_the_project_tests_that_read_the_recordings_pass_on_the_copy(flow):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *PROJECT_TESTS],
        cwd=flow["copy"],
        env=_environment(G4F_TUTORIAL_MODE="replay", G4F_TUTORIAL_ROOT=str(flow["copy"])),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, _pytest_said(done)
