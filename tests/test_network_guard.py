"""The guard every test run carries (tests/nbval_config/network_guard.py) catches what it is there for.

Every make test pass runs the notebooks, and everything else, with that guard in every child process;
these tests show that a run whose notebook tries the network, or writes into the work tree, fails and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
from support import ROOT

CELLS = {
    "network": (
        "import socket\ntry:\n    socket.create_connection(('example.com', 80), timeout=1)\n"
        "except OSError as e:\n    print('refused:', e)"
    ),
    "write": "open('stray.txt', 'w').write('left behind')",
    "nothing": "1 + 1",
}


def _guarded_run(tmp_path, cell: str, mode: str = "live") -> subprocess.CompletedProcess:
    """pytest --nbval over a one-cell notebook in a fresh git repository, as its own guarded run.

    In live mode, so that the kernel guard helpers installs (which refuses requests before helpers.start())
    lets the attempt through to this one."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), tmp_path / "canary.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "NETWORK_ATTEMPTS_LOG"}  # its own guard, not ours
    env["PYTHONPATH"] = str(ROOT / "tests")
    env["G4F_TUTORIAL_MODE"] = mode
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "nbval_config.network_guard"]
    command += ["--nbval-lax", "canary.ipynb"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_a_notebook_trying_the_network_fails_the_run_and_names_the_host(tmp_path):
    result = _guarded_run(tmp_path, CELLS["network"])
    assert result.returncode == 1, result.stdout
    assert "network guard: FAILED" in result.stdout
    assert "connection attempt(s) off this machine" in result.stdout and "example.com" in result.stdout


def test_a_notebook_writing_into_the_work_tree_fails_the_run_and_names_the_file(tmp_path):
    result = _guarded_run(tmp_path, CELLS["write"])
    assert result.returncode == 1, result.stdout
    assert "git status changed during the run" in result.stdout and "stray.txt" in result.stdout


def test_a_quiet_notebook_passes(tmp_path):
    result = _guarded_run(tmp_path, CELLS["nothing"])
    assert result.returncode == 0, result.stdout
    assert "network guard" not in result.stdout


def test_this_run_is_guarded(tmp_path):
    """make test's passes carry the guard: this process's children load it (here with a log of their own)."""
    assert os.environ.get("NETWORK_ATTEMPTS_LOG"), "this run has no guard (-p nbval_config.network_guard missing?)"
    log = tmp_path / "attempts.log"
    probe = "import socket\ntry:\n    socket.getaddrinfo('example.org', 80)\nexcept OSError as e:\n    print(e)"
    env = {**os.environ, "NETWORK_ATTEMPTS_LOG": str(log)}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert "test guard: no network outside loopback" in result.stdout, result.stderr
    assert "example.org" in log.read_text()


KEYLESS_UNRECORDED = """
import g4f, helpers
from g4f.client import AsyncClient

helpers.start()
refused = []
calls = [(g4f.Provider.EdgeTTS, {"audio": {"voice": "en-GB-SoniaNeural"}})]
calls += [(g4f.Provider.gTTS, {}), (g4f.Provider.OpenAIFM, {})]
for provider, options in calls:
    try:
        await AsyncClient(provider=provider).chat.completions.create(messages="Never recorded", **options)
    except Exception as error:  # replay's refusal, not the guard's: nothing even tried to connect
        assert type(error).__name__ in ("UnrecordedRequestError", "CannotOverwriteExistingCassetteException"), error
        refused.append(provider.__name__)
        if provider is g4f.Provider.EdgeTTS:  # refused by WebSocket replay, which compares the frames sent
            assert "SoniaNeural" in str(error.failed_request.body), error
import io, numpy, soundfile
clip = io.BytesIO()
soundfile.write(clip, numpy.zeros(8000), 16000, format="WAV")
clip.seek(0)
try:
    await AsyncClient(provider=g4f.Provider.MarkItDown).chat.completions.create(messages="x", media=[[clip, "new.wav"]])
except Exception as error:
    assert "speech-api/v2/recognize" in str(error) and "Blocked a network connection" not in str(error), error
    refused.append("MarkItDown")
assert len(refused) == 4, refused
"""


def test_replay_of_the_keyless_providers_never_leaves_the_machine(tmp_path):
    """EdgeTTS's WebSocket, gTTS (requests), OpenAIFM (aiohttp), MarkItDown's Google Web Speech (urllib), unrecorded."""
    result = _guarded_run(tmp_path, KEYLESS_UNRECORDED, mode="replay")
    assert result.returncode == 0, result.stdout
    assert "network guard" not in result.stdout
