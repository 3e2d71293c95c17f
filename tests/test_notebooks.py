"""Properties of the committed notebooks that nbval itself does not check."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import g4f
import pytest
from g4f import errors as g4f_errors
from g4f.client import AsyncClient
from support import ROOT, run

import helpers

# The English edition; the Russian one (notebooks/ru/, generated) has its own checks in tests/test_russian.py.
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if not {"exercises", "ru"} & set(p.parts))
TUTORIALS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TAKE_HOME = ROOT / "notebooks" / "09_take_it_home.ipynb"
SKIPPED = "# NBVAL_SKIP"


def _cells(path):
    return [{**c, "text": "".join(c["source"])} for c in json.loads(path.read_text())["cells"]]


def _first_run_cell(code):
    """The first code cell nbval runs (the take-home notebook's install cell is skipped)."""
    return next(c for c in code if not "".join(c["source"]).startswith(SKIPPED))


def test_every_notebook_is_in_the_map_of_notebook_00():
    start_here = (ROOT / "notebooks" / "00_start_here.ipynb").read_text()
    for path in NOTEBOOKS:
        if path.name != "00_start_here.ipynb":
            assert path.relative_to(ROOT / "notebooks").as_posix() in start_here, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_small_executed_and_starts_with_the_mode_line(path):
    assert path.stat().st_size < 300 * 1024
    cells = json.loads(path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "stored outputs must come from a full run"
    first = "".join(_first_run_cell(code)["source"])
    if path == TAKE_HOME:  # its one helpers cell, which does nothing where helpers is not installed
        assert "from helpers import current_mode, start" in first and "    start()" in first
    else:
        assert "helpers.start()" in first
    last = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "markdown" and re.match(r"## Summary", last)
    assert not any(o["output_type"] == "error" for c in code for o in c["outputs"])
    assert "base64," not in path.read_text()  # audio is linked, never embedded
    assert "iopub.execute_input" not in path.read_text()  # no timing noise in diffs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_an_exercise_and_its_solution(path):
    cells = json.loads(path.read_text())["cells"]
    solution = [i for i, c in enumerate(cells) if "solution" in c["metadata"].get("tags", [])]
    assert solution, "no code cell tagged 'solution'"
    assert "## Exercise" in "".join(cells[solution[0] - 1]["source"])


def test_exercise_versions_are_in_sync_with_the_notebooks():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for path in (ROOT / "notebooks" / "exercises").glob("*.ipynb"):
        text = path.read_text()
        assert '"solution"' not in text and 'outputs": [\n     {' not in text


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_the_exercise_is_predict_then_run_with_an_open_task_an_expected_output_and_a_questionnaire(path):
    cells = _cells(path)
    solution = next(i for i, c in enumerate(cells) if "solution" in c["metadata"].get("tags", []))
    exercise = cells[solution - 1]["text"]
    assert "**Predict, then run.**" in exercise and "**Do it.**" in exercise
    assert "**Open task" in exercise
    # the output to check against, folded away until the learner has run their own code (copied from the
    # solution's stored output by tools/make_exercises.py; the sync test checks it is current)
    block = re.search(r"<details><summary>Expected output[^\n]*\n\n```text\n(.*?)```\n\n</details>$", exercise, re.S)
    assert block and block.group(1).strip(), "no expected output at the end of the exercise"
    quiz = [i for i, c in enumerate(cells) if c["text"].startswith("## Questionnaire")]
    assert len(quiz) == 1 and solution < quiz[0] == len(cells) - 2, "the questionnaire comes just before the end"
    questions = re.findall(r"^(\d+)\. .+\?", cells[quiz[0]]["text"], re.M)
    assert len(questions) >= 4 and questions == [str(n) for n in range(1, len(questions) + 1)]
    assert cells[quiz[0]]["cell_type"] == "markdown" and "answer:" not in cells[quiz[0]]["text"].lower()


def _exercise_and_solution(name):
    cells = _cells(ROOT / "notebooks" / name)
    solution = next(i for i, c in enumerate(cells) if "solution" in c["metadata"].get("tags", []))
    return cells[solution - 1]["text"], cells[solution]


def test_exercise_00_does_not_give_the_answer_away():
    """Issue 15: the prompt said `.value` is the name; now it asks, and the answer is folded away."""
    prompt, _ = _exercise_and_solution("00_start_here.ipynb")
    before_the_answer = prompt.split("<details>")[0]
    assert ".value" not in before_the_answer and "replay" not in before_the_answer.replace("offline", "")


def test_exercise_02_hears_the_system_message_slow_the_voice_down():
    """Issue 24: the steered clip of notebook 02 is longer, and speaks fewer words a second, than the plain one."""
    _, solution = _exercise_and_solution("02_generating_speech.ipynb")
    printed = "".join("".join(o.get("text", "")) for o in solution["outputs"])
    found = dict(re.findall(r"output/(\w+)\.mp3: ([\d.]+) s", printed))
    assert float(found["slow"]) > float(found["alloy"]) * 1.2, printed


def test_take_home_notebook_needs_nothing_but_g4f_pillow_audio_and_a_key():
    cells = _cells(TAKE_HOME)
    code = [c for c in cells if c["cell_type"] == "code"]
    install = code[0]["text"]
    assert install.startswith(SKIPPED) and re.search(r"^%pip install (--quiet )?g4f pillow$", install, re.M)
    with_helpers = [c for c in code if "helpers" in c["text"]]
    faults = next(c for c in code if c["id"] == "faults-helpers")  # replays recorded failures, does nothing at home
    assert with_helpers == [_first_run_cell(code), faults], "the mode cell and the fault cell are the only helpers"
    assert "from helpers import simulated" in faults["text"] and "except ImportError:" in faults["text"]
    imported = {
        name.split(".")[0] for c in code[1:] for name in re.findall(r"^\s*(?:from|import) ([\w.]+)", c["text"], re.M)
    }
    assert imported <= {"helpers", "g4f", "IPython", "asyncio", "os", "getpass", "pathlib"}, imported
    assert "IPython.display" in "".join(c["text"] for c in code) and "POLLINATIONS_API_KEY" in TAKE_HOME.read_text()
    text = "".join(cells[0]["text"].split())
    for what in ("replay", "checks", "safesaving", "retries", "keys", "caches"):
        assert what in text.lower(), f"the introduction does not say what helpers did about {what}"


def _take_home_cell(cell_id):
    return next(c["text"] for c in _cells(TAKE_HOME) if c["id"] == cell_id)


def _take_home_retry_loop() -> dict:
    namespace: dict = {}
    definitions = _take_home_cell("retry").split("\n\n\nresponse = await")[0]  # the loop, without its use
    exec(compile(definitions, "09_take_it_home.ipynb:retry", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    ("fault", "calls", "outcome"),
    [
        ("server-error-500-then-ok", 2, None),  # g4f: ResponseError("Error 500: ...")
        ("unavailable-503-then-ok", 2, None),
        ("bad-gateway-502-always", 3, "ResponseError"),
        ("rate-limit-always", 3, "RateLimitError"),
        ("payment-required-402", 1, "PaymentRequiredError"),  # a budget does not come back by retrying
        ("tier-required-402", 1, "PaymentRequiredError"),
    ],
)
def test_take_home_retry_loop_retries_busy_answers_and_stops_on_402(replay, fault, calls, outcome):
    """Issue 24: the loop learners take home retries 429 and 5xx under the recorded faults and stops on 402."""
    loop = _take_home_retry_loop()
    client = AsyncClient(provider=g4f.Provider.PollinationsAI)
    made = []

    async def good_day():
        made.append(1)
        return await client.chat.completions.create(
            model="openai-audio",
            messages=[{"role": "user", "content": "Say good day to the world"}],
            audio={"voice": "alloy", "format": "mp3"},
        )

    with helpers.simulated(fault):
        if outcome is None:
            response = run(loop["with_retries"](good_day, wait=0))
            assert response.choices[0].message.content.transcript
        else:
            with pytest.raises(Exception) as caught:
                run(loop["with_retries"](good_day, wait=0))
            assert type(caught.value).__name__ == outcome
    assert len(made) == calls


@pytest.mark.parametrize(
    ("error", "calls"),
    [
        (g4f_errors.ResponseStatusError("Response 503: HTML content"), 3),  # raise_for_status: a non-JSON 5xx
        (g4f_errors.ResponseStatusError("Response 502: Bad Gateway"), 3),
        (g4f_errors.RateLimitError("Response 504: Gateway Timeout "), 3),
        (g4f_errors.RateLimitError("Response 429: slow down"), 3),
        (g4f_errors.RateLimitError("Response 402: no balance"), 1),  # raise_for_status calls a 402 a rate limit
        (g4f_errors.MissingAuthError("Response 401: no key"), 1),
        (g4f_errors.ResponseStatusError("Response 404: not found"), 1),
        (g4f_errors.ResponseError("Error 500: Error INTERNAL_ERROR: Internal server error"), 3),
    ],
    ids=str,
)
def test_take_home_retry_loop_reads_both_of_g4fs_wordings(error, calls):
    loop = _take_home_retry_loop()
    made = []

    async def failing():
        made.append(1)
        raise error

    with pytest.raises(type(error)) as caught:
        run(loop["with_retries"](failing, wait=0))
    assert caught.value is error
    assert len(made) == calls


def _run_take_home_cells(source, environment, answer_to_getpass=None):
    """Run the take-home notebook's mode and key cells in a Python where helpers may be missing."""
    script = (
        "import getpass, sys\n"
        "if sys.argv[1] == 'no-helpers':\n"
        "    sys.modules['helpers'] = None  # as at home: import helpers raises ImportError\n"
        "def fake_getpass(prompt=''):\n"
        "    if sys.argv[2] == '-':\n"
        "        raise AssertionError('getpass asked for a key')\n"
        "    return sys.argv[2]\n"
        "getpass.getpass = fake_getpass\n"
        f"exec({_take_home_cell('repo-only')!r})\n"
        f"exec({_take_home_cell('key')!r})\n"
        "import os\n"
        "print('variable set:', bool(os.environ.get('POLLINATIONS_API_KEY')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("POLLINATIONS_API_KEY", "G4F_TUTORIAL_MODE")}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", script, source, answer_to_getpass or "-"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT / "notebooks",
        timeout=120,
    )


def test_take_home_at_home_reads_the_key_from_the_environment_without_printing_it():
    result = _run_take_home_cells("no-helpers", {"POLLINATIONS_API_KEY": "sk_secret_from_the_shell"})
    assert result.returncode == 0, result.stderr
    assert "No helpers here" in result.stdout and "key: set (not shown)" in result.stdout
    assert "sk_secret" not in result.stdout + result.stderr


def test_take_home_at_home_asks_with_getpass_only_when_the_variable_is_missing():
    result = _run_take_home_cells("no-helpers", {}, answer_to_getpass="sk_typed_secret")
    assert result.returncode == 0, result.stderr
    assert "key: set (not shown)" in result.stdout and "variable set: True" in result.stdout
    assert "sk_typed" not in result.stdout + result.stderr


def test_take_home_in_the_repository_replays_and_never_asks_for_a_key():
    result = _run_take_home_cells("helpers", {"G4F_TUTORIAL_MODE": "replay", "POLLINATIONS_API_KEY": "sk_hidden"})
    assert result.returncode == 0, result.stderr  # fake getpass raises if it is asked
    assert "Mode: replay" in result.stdout and "key: none (replay needs none)" in result.stdout
    assert "sk_hidden" not in result.stdout + result.stderr


def test_make_lab_exercises_opens_the_exercise_version_of_00():
    dry_run = subprocess.run(["make", "-n", "lab-exercises"], cwd=ROOT, capture_output=True, text=True)
    assert dry_run.returncode == 0, dry_run.stderr
    assert re.search(r"jupyter lab (--allow-root )?notebooks/exercises/00_start_here\.ipynb", dry_run.stdout)
    assert (ROOT / "notebooks" / "exercises" / "00_start_here.ipynb").is_file()


@pytest.mark.parametrize(
    "path",
    NOTEBOOKS,
    ids=lambda p: p.name,
)
def test_readme_lists_every_notebook(path):
    assert path.relative_to(ROOT).as_posix() in (ROOT / "README.md").read_text()


def test_the_notebook_template_follows_the_conventions():
    cells = json.loads((ROOT / "tools" / "templates" / "notebook.ipynb").read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "helpers.start()" in "".join(code[0]["source"])
    solution = [i for i, c in enumerate(cells) if "solution" in c["metadata"].get("tags", [])]
    assert solution and "## Exercise" in "".join(cells[solution[0] - 1]["source"])
    assert all(f"**{part}" in "".join(cells[0]["source"]) for part in ("You will learn", "You need", "Time:"))
    assert "".join(cells[-1]["source"]).startswith("## Summary") and "**References.**" in "".join(cells[-1]["source"])


def test_no_tracked_symlinks_and_copies_of_the_sample_are_identical():
    """A Windows checkout turns a symlink into a small text file: the sample clip is copied instead."""
    listed = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True).stdout
    assert not [line for line in listed.splitlines() if line.startswith("120000")]
    sample = (ROOT / "notebooks" / "audio.wav").read_bytes()
    for copy in (ROOT / "notebooks" / "documented" / "audio.wav", ROOT / "notebooks" / "exercises" / "audio.wav"):
        assert copy.read_bytes() == sample, copy


def test_no_notebook_relies_on_save_replacing_a_file():
    """g4f's message.save() is os.rename, which Windows refuses when the target exists: a notebook that is
    run twice must remove the old file first (or call a wrapper that does)."""
    for path in TUTORIALS:
        for text in [c["text"] for c in _cells(path) if c["cell_type"] == "code"]:
            if "message.save(" in text:  # or it shows what happens, catching Windows' FileExistsError
                assert "os.remove" in text or "unlink" in text or "except FileExistsError" in text, (path.name, text)
