"""tools/bootstrap.py, the setup without make: in a fresh copy, --dry-run prints what make would do.

Nothing is installed here (installing needs the network); a real run is `python tools/bootstrap.py test`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
from support import ROOT, copy_checkout

BOOTSTRAP = "tools/bootstrap.py"


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory):
    """The repository's files (tracked, plus new ones not ignored) in a folder with no .venv."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    copy = copy_checkout(tmp_path_factory.mktemp("fresh") / "g4f-audio-notebooks")
    assert not (copy / ".venv").exists()
    return copy


def _dry_run(copy, *args):
    result = subprocess.run(
        [sys.executable, BOOTSTRAP, "--dry-run", *args], cwd=copy, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert not (copy / ".venv").exists(), "--dry-run created something"
    return [line.removeprefix("would run: ") for line in result.stdout.splitlines() if line.startswith("would run: ")]


def _make_first_pass_pytest_args() -> list[str]:
    """The pytest arguments of make test's first pass, read from the Makefile."""
    text = (ROOT / "Makefile").read_text()
    nbval = re.search(r"^NBVAL := (.*)$", text, re.M).group(1)
    recipe = re.search(r"^test-main: .*\n((?:\t.*\n)+)", text, re.M).group(1)
    first = re.sub(r"\\\n\t*", " ", recipe).splitlines()[0]
    assert "$(BIN)/python -m pytest" in first, first
    jobs = re.search(r"^JOBS \?= (.*)$", text, re.M).group(1)
    return shlex.split(first.split("-m pytest", 1)[1].replace("$(NBVAL)", nbval).replace("$(JOBS)", jobs))


def test_lab_makes_the_venv_like_make_and_opens_the_first_notebook_in_replay(fresh_copy):
    commands = _dry_run(fresh_copy, "lab", "--installer", "pip")
    as_root = "--allow-root " if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    assert commands == [
        f"{shlex.quote(sys.executable)} -m venv .venv",
        ".venv/bin/python -m pip install --quiet --upgrade pip",
        ".venv/bin/python -m pip install --quiet -r requirements.txt --no-compile",
        ".venv/bin/python -m pip install --quiet --no-deps -e .",
        ".venv/bin/python tools/kernel_guard.py",
        f"G4F_TUTORIAL_MODE=replay .venv/bin/python -m jupyter lab {as_root}notebooks/00_start_here.ipynb",
    ]


def test_uv_does_the_installs_when_chosen(fresh_copy):
    commands = _dry_run(fresh_copy, "setup", "--installer", "uv")
    installs = [c for c in commands if " install " in c]
    assert len(installs) == 2 and all(" pip install --quiet --python .venv/bin/python " in c for c in installs)
    assert installs[0].endswith("-r requirements.txt") and installs[1].endswith("--no-deps -e .")
    assert not any("--upgrade pip" in c for c in commands)


def test_test_installs_the_tools_and_runs_make_tests_first_pass(fresh_copy):
    commands = _dry_run(fresh_copy, "test", "--installer", "pip", "--offline")
    assert ".venv/bin/python -m pip install --quiet -r requirements-ci-tools.txt -c requirements.txt" in commands
    assert ".venv/bin/python -m pip install --quiet -r requirements-offline.txt" in commands
    pytest_line = commands[-1]
    prefix = "G4F_TUTORIAL_MODE=replay .venv/bin/python -m pytest "
    assert pytest_line.startswith(prefix), pytest_line
    # the fresh copy has no hub tools (make hub), so the last command is the first pass, argument for argument
    assert shlex.split(pytest_line.removeprefix(prefix)) == _make_first_pass_pytest_args()


def test_more_pytest_arguments_go_after_a_double_dash(fresh_copy):
    commands = _dry_run(fresh_copy, "test", "--installer", "pip", "--", "-ra", "-x")
    assert commands[-1].endswith(" -ra -x")
    assert not any("requirements-offline.txt" in c for c in commands)
