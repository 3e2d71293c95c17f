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


def test_the_canary_is_weekly_runs_the_preflight_and_opens_an_issue_on_no_go():
    canary = _load("drift-canary.yml")
    assert "workflow_dispatch" in canary["on"]
    (cron,) = [entry["cron"] for entry in canary["on"]["schedule"]]
    minute, hour, day, month, weekday = cron.split()
    assert (day, month) == ("*", "*") and weekday.isdigit(), f"not weekly: {cron}"
    assert canary["permissions"]["issues"] == "write"
    (job,) = canary["jobs"].values()
    assert job["env"]["POLLINATIONS_API_KEY"] == "${{ secrets.POLLINATIONS_API_KEY }}"
    steps = {step.get("id") or step.get("name"): step for step in job["steps"]}
    assert "tools/preflight.py" in steps["preflight"]["run"]
    # the contract check is guarded until python -m helpers contract exists
    assert "helpers contract --help" in steps["contract"]["run"]
    (issue,) = [s for s in job["steps"] if "gh issue create" in s.get("run", "")]
    assert "gh issue comment" in issue["run"]
    assert "steps.preflight.outputs.status != '0'" in issue["if"]
    assert issue["env"]["GH_TOKEN"] == "${{ github.token }}"
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["if"] == "always()" and uploads[0]["with"]["path"] == "artifacts/"
