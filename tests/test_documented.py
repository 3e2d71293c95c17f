"""The documented module, verbatim, under g4f 0.5.2.2 (run by make test in .venv-documented)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import version

import pytest
from support import ROOT, SAMPLE, labelled_honestly, says

import helpers
from helpers._replay import cassettes

pytestmark = pytest.mark.skipif(version("g4f") != "0.5.2.2", reason="runs in .venv-documented (g4f 0.5.2.2)")
DOCUMENTED = ROOT / "notebooks" / "documented" / "audio.py"


def test_the_documented_script_runs_unchanged_offline(tmp_path):
    shutil.copy(DOCUMENTED, tmp_path / "audio.py")
    shutil.copy(SAMPLE, tmp_path / "audio.wav")
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "audio.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "G4F_TUTORIAL_MODE": "replay"},
    )
    assert result.returncode == 0, result.stderr
    assert says(result.stdout.splitlines()[-1], "go forward ten meters")
    info = helpers.describe_audio(tmp_path / "alloy.mp3")
    assert info.format == "MP3" and info.duration > 0.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alloy.mp3", "audio.py", "audio.wav"]


def test_every_recorded_request_is_used_by_the_documented_module(monkeypatch, capsys):
    import runpy

    helpers.start("replay")
    cassette = helpers.modes._state.cassette
    monkeypatch.chdir(DOCUMENTED.parent)
    runpy.run_path(str(DOCUMENTED), run_name="__main__")
    assert says(capsys.readouterr().out.splitlines()[-1], "go forward ten meters")
    assert all(cassette.play_counts[i] for i in range(len(cassette.data))), "a recording was never asked for"


def test_recordings_for_this_version_are_stand_ins():
    found = cassettes.load_recordings()
    assert cassettes.cassette_path().name == "g4f-0.5.2.2.yaml"
    assert len(found) == 8 and labelled_honestly(found)


@pytest.mark.parametrize(
    ("fault", "kind", "says"),
    [
        ("sse-ends-without-completion", None, "heard no words in audio.wav"),
        ("sse-carries-an-error", "other", "exceeded your GPU quota"),
    ],
)
def test_a_broken_event_stream_is_a_clear_error(workdir, fault, kind, says):
    """The Hugging Face Space answers through a Gradio event stream; when it breaks, say so."""
    import asyncio

    import g4f

    helpers.start("replay")
    with (
        helpers.simulated(f"g4f-0.5.2.2/{fault}"),
        pytest.raises((ValueError, helpers.errors.ServiceError), match=says) as caught,
    ):
        asyncio.run(helpers.transcribe("audio.wav", provider=g4f.Provider.Microsoft_Phi_4))
    assert getattr(caught.value, "kind", None) == kind
    assert getattr(caught.value, "attempts", 1) == 1  # a failed generation is not retried blindly
