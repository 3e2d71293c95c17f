"""How start() chooses a mode, what it prints, and what it keeps out of git."""

from __future__ import annotations

import subprocess

import pytest
from support import ROOT, python, says

import helpers
from helpers._replay import cassettes, netguard


def test_default_is_replay_with_one_visible_line(workdir, monkeypatch, capsys):
    monkeypatch.delenv("G4F_TUTORIAL_MODE", raising=False)
    helpers.start()
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("Mode: replay.")
    assert cassettes.provenance_summary(cassettes.load_recordings()) in out and "recordings/g4f-8.8.6.yaml" in out
    assert helpers.current_mode() is helpers.constants.Mode.REPLAY


def test_environment_variable_chooses_and_argument_wins(workdir, monkeypatch, capsys):
    monkeypatch.setenv("G4F_TUTORIAL_MODE", "live")
    helpers.start()
    assert capsys.readouterr().out.startswith("Mode: live.")
    assert not netguard.refusal("example.org")
    helpers.start("replay")
    assert capsys.readouterr().out.startswith("Mode: replay.")
    assert netguard.refusal("example.org")


@pytest.mark.parametrize("bad", ["replai", "offline"])
def test_unknown_mode_argument_names_the_choices(workdir, bad):
    with pytest.raises(ValueError, match=f"Unknown mode '{bad}'.*Choose one of 'replay', 'live', 'record'"):
        helpers.start(bad)


def test_unknown_mode_in_the_environment_says_where_it_came_from(workdir, monkeypatch):
    monkeypatch.setenv("G4F_TUTORIAL_MODE", "nonsense")
    with pytest.raises(ValueError, match="environment variable G4F_TUTORIAL_MODE"):
        helpers.start()


def test_missing_recordings_file_says_how_to_fix(workdir, tmp_path):
    with pytest.raises(FileNotFoundError, match="no recordings at .*nothing.yaml.*Check the path you gave"):
        helpers.start("replay", recordings_file=tmp_path / "nothing.yaml")


def test_a_failed_switch_leaves_the_current_mode_on(workdir, tmp_path, capsys):
    helpers.start("replay")
    with pytest.raises(FileNotFoundError):
        helpers.start("replay", recordings_file=tmp_path / "nothing.yaml")
    assert helpers.current_mode() is helpers.constants.Mode.REPLAY
    assert netguard.refusal("example.org")  # still offline: nothing can slip out after a typo


def test_g4f_files_go_to_the_scratch_folder(workdir):
    import os

    helpers.start("replay")
    assert os.environ["G4F_CONFIG_DIR"].startswith(str(ROOT / ".scratch"))
    assert os.environ["G4F_CACHE_DIR"].endswith(f"cache-{os.getpid()}")
    import g4f.debug
    import g4f.image.copy_images as media

    assert g4f.debug.version_check is False
    assert media.get_media_dir().startswith(str(ROOT / ".scratch"))


def test_running_the_documented_calls_leaves_git_clean():
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    before = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True).stdout
    code = (
        "import asyncio, helpers; helpers.start();"
        "from support import speak, transcribe;"
        "r = asyncio.run(speak()); r.choices[0].message.save('alloy.mp3');"
        "print(asyncio.run(transcribe()))"
    )
    result = python(code, ROOT / "notebooks", {"PYTHONPATH": str(ROOT / "tests")})
    assert result.returncode == 0, result.stderr
    assert says(result.stdout, "go forward ten meters")
    after = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True).stdout
    assert after == before
    # .gitignore would hide these; g4f must not have written them next to the notebooks at all
    for folder in ("generated_media", "generated_images", "har_and_cookies"):
        assert not (ROOT / "notebooks" / folder).exists(), folder


def test_environment_report_compares_with_the_pins(monkeypatch):
    from helpers import environment

    assert environment.pinned_versions("g4f==8.8.6\n# note\nNest-Asyncio==1.6.0\n") == {
        "g4f": "8.8.6",
        "nest-asyncio": "1.6.0",
    }
    monkeypatch.setattr(environment, "pinned_versions", lambda: {"g4f": "0.0.1"})
    report = environment.environment_report(["g4f", "not-a-package-here"])
    assert "g4f           8.8.6     requirements.txt pins 0.0.1: run make setup" in report
    assert "not-a-package-here" in report and "missing" in report
    assert report.splitlines()[-1].startswith("mode")


def test_the_documented_environment_keeps_the_main_pins():
    from helpers import environment

    main = environment.pinned_versions()
    documented = environment.pinned_versions((ROOT / "requirements-documented.txt").read_text())
    assert documented.pop("g4f") == "0.5.2.2" and main["g4f"] == "8.8.6"
    assert {name: main[name] for name in documented if name in main} == {
        name: pin for name, pin in documented.items() if name in main
    }
