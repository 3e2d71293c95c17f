"""`make rehearsal` with a small class: a real JupyterHub on 127.0.0.1, learners spawned, pulled and run.

Needs `make hub` (jupyterhub and nbgitpuller in .venv, configurable-http-proxy from npm); skipped without it,
except under CI=true, where it must run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import ROOT

REHEARSAL = ROOT / "deploy" / "rehearsal"
READY = (REHEARSAL / "node_modules" / ".bin" / "configurable-http-proxy").exists() and (
    ROOT / ".venv" / "bin" / "jupyterhub"
).exists()
N = 2

pytestmark = pytest.mark.skipif(not READY and os.environ.get("CI") != "true", reason="no hub tools: run make hub")


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    report = tmp_path_factory.mktemp("rehearsal") / "rehearsal.json"
    run = subprocess.run(
        [sys.executable, str(REHEARSAL / "rehearsal.py"), "--learners", str(N), "--idle", "3", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    return run, json.loads(report.read_text())


def test_every_learner_spawns_pulls_and_hears_notebook_02(rehearsal):
    run, result = rehearsal
    assert result["failures"] == {}, run.stdout[-3000:]
    assert result["ok_learners"] == N
    for figure in ["spawn_s", "pull_s", "kernel_ready_s", "first_audio_s"]:
        assert result["timings"][figure]["p50"] > 0
    assert all(v["clip_in_own_clone"] for v in result["isolation"]["per_learner"].values())


def test_no_learner_writes_outside_their_home(rehearsal):
    _, result = rehearsal
    found = result["isolation"]
    assert found["writes_outside_homes"] == []
    assert found["new_in_tmp"] == []
    assert found["processes_outside_homes"] == []
    assert all(v["scratch_in_own_home"] for v in found["per_learner"].values())


def test_a_second_pull_keeps_the_learners_edit_and_brings_new_files(rehearsal):
    _, result = rehearsal
    assert result["edit_failures"] == {}
    pulled = result["second_pull"]
    assert pulled["failures"] == {}
    assert pulled["kept_edit"] == N and pulled["new_file_arrived"] == N
    assert pulled["instructor_change_dropped"] == N  # what the guide warns instructors about


def test_a_warmed_room_opens_the_link_without_a_spawn(rehearsal):
    _, result = rehearsal
    warm = result["warm_room"]
    assert warm["failures"] == {}
    assert warm["click_to_pulled_s"]["max"] < result["timings"]["spawn_s"]["p50"] + result["timings"]["pull_s"]["p50"]


def test_memory_is_measured_and_nothing_is_left_running(rehearsal):
    run, result = rehearsal
    assert 50 < result["memory"]["pss_per_learner_mib"]["p50"] < 1024
    assert result["cleanup"]["orphans"] == 0
    assert "| room |" in run.stdout and "capacity:" in run.stdout
