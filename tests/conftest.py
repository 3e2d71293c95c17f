"""Shared fixtures: a learner's working folder and a clean mode around every test."""

from __future__ import annotations

import shutil

import pytest
from support import SAMPLE

import helpers
from helpers._replay import cassettes


@pytest.fixture(autouse=True)
def _mode_off_after_test():
    yield
    helpers.stop()
    cassettes.UNRECORDED.clear()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty folder with the sample clip, as the current directory."""
    shutil.copy(SAMPLE, tmp_path / "audio.wav")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def replay(workdir, capsys):
    helpers.start("replay")
    capsys.readouterr()
    return workdir
