"""The GitHub Actions workflows: actionlint finds nothing, the matrix covers three systems, the canary files issues.

GitHub cannot be reached from here, so actionlint (requirements-ci-tools.txt, `make ci-tools`) is the check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def _actionlint() -> str | None:
    here = Path(sys.executable).parent / ("actionlint.exe" if os.name == "nt" else "actionlint")
    return str(here) if here.exists() else shutil.which("actionlint")


def _load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_actionlint_finds_nothing():
    binary = _actionlint()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint is missing; CI installs it (make ci-tools / requirements-ci-tools.txt)")
        pytest.skip("actionlint is not installed: make ci-tools (pip install -r requirements-ci-tools.txt)")
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert files, "no workflows"
    result = subprocess.run([binary, "-no-color", *files], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_bootstrap_on_three_systems_and_the_linux_rest_in_ci_run():
    ci = _load("ci.yml")
    matrix = ci["jobs"]["notebooks"]["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "windows-latest", "macos-latest"}
    assert matrix["python-version"] == ["3.11"]
    runs = [step.get("run", "") for step in ci["jobs"]["notebooks"]["steps"]]
    assert any(r.startswith("python tools/bootstrap.py test") for r in runs), runs
    assert not any("make " in r for r in runs), "Windows has no make"
    linux = ci["jobs"]["linux-full"]
    assert "bash .ci/run" in [step.get("run") for step in linux["steps"]]
    assert ci["permissions"] == {"contents": "read"}


def test_every_script_and_make_target_a_workflow_runs_exists():
    """A renamed tool or target must not leave a workflow calling what is gone (the canary runs weekly, unseen)."""
    import re

    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    missing = []
    for workflow in sorted(WORKFLOWS.glob("*.yml")):
        for job in _load(workflow.name)["jobs"].values():
            for step in job["steps"]:
                run = step.get("run", "")
                missing += [
                    f"{workflow.name}: {p}"
                    for p in re.findall(r"\b((?:tools|bench|tests)/[\w/.-]+\.py)", run)
                    if not (ROOT / p).exists()
                ]
                missing += [
                    f"{workflow.name}: make {t}" for t in re.findall(r"\bmake ([\w-]+)", run) if t not in targets
                ]
    assert not missing, missing
