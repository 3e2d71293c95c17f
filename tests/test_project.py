"""Configuration that must stay consistent: Binder, pins, lint, pre-commit."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml
from support import ROOT

from helpers import environment


def _pins(path):
    return environment.pinned_versions(path.read_text())


def test_binder_installs_the_learner_pins_and_dev_tools_stay_out_of_them():
    learner = _pins(ROOT / "requirements.txt")
    dev_text = (ROOT / "requirements-dev.txt").read_text()
    dev = environment.pinned_versions(dev_text)
    first = next(line for line in dev_text.splitlines() if line.strip() and not line.startswith("#"))
    assert first == "-r requirements.txt"  # make test and CI get the learner set too, with the same pins
    assert not set(learner) & set(dev), "a package pinned in both requirements files"
    assert not {"pytest", "nbval", "ruff", "jupyter-repo2docker", "playwright"} & set(learner)
    for_binder = dict(learner)
    for_binder.pop("jupyterlab")  # the Binder base image's own JupyterLab 4 serves the notebooks
    for_binder |= _pins(ROOT / "requirements-offline.txt")  # so notebook 08 runs on Binder too
    assert _pins(ROOT / "binder" / "requirements.txt") == for_binder
    documented = _pins(ROOT / "requirements-documented.txt")  # the second kernel keeps the main pins, dev ones too
    both = {**learner, **dev}
    assert {name: pin for name, pin in documented.items() if name in both and name != "g4f"} == {
        name: both[name] for name in documented if name in both and name != "g4f"
    }


@pytest.mark.skipif(not shutil.which("jupyter-repo2docker", path=str(ROOT / ".venv" / "bin")), reason="no repo2docker")
def test_repo2docker_accepts_the_configuration():
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "jupyter-repo2docker"), "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = result.stdout + result.stderr
    assert "python=3.11" in dockerfile
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "./binder/postBuild" in dockerfile
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "repo2docker runs postBuild only if executable"
    # the requirements layer is copied before the rest of the repository, so Binder can cache it
    assert dockerfile.index("COPY --chown=0:0 src/binder/requirements.txt") < dockerfile.index("./binder/postBuild")


def test_code_and_notebooks_pass_ruff():
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    form = subprocess.run(
        [*ruff, "format", "--check", "helpers", "tests", "tools", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert form.returncode == 0, form.stdout


def test_pre_commit_keeps_what_nbval_needs():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"--keep-output", "--keep-count"} <= set(hooks["nbstripout"]["args"])
    assert "ruff-check" in hooks


def test_gitignore_covers_scratch_checkpoints_and_artifacts():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in [".ipynb_checkpoints/", ".scratch/", "artifacts/", ".venv*/"]:
        assert entry in ignored
