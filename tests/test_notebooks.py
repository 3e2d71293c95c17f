"""Properties of the committed notebooks that nbval itself does not check."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import ROOT

# The English edition; the Russian one (notebooks/ru/, generated) has its own checks in tests/test_russian.py.
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if not {"exercises", "ru"} & set(p.parts))


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
    assert "helpers.start()" in "".join(code[0]["source"])
    assert cells[-1]["cell_type"] == "markdown" and "What you learned" in "".join(cells[-1]["source"])
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readme_lists_every_notebook(path):
    assert path.relative_to(ROOT).as_posix() in (ROOT / "README.md").read_text()


def test_the_notebook_template_follows_the_conventions():
    cells = json.loads((ROOT / "tools" / "templates" / "notebook.ipynb").read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "helpers.start()" in "".join(code[0]["source"])
    solution = [i for i, c in enumerate(cells) if "solution" in c["metadata"].get("tags", [])]
    assert solution and "## Exercise" in "".join(cells[solution[0] - 1]["source"])
    assert "What you learned" in "".join(cells[-1]["source"])


def test_no_tracked_symlinks_and_copies_of_the_sample_are_identical():
    """A Windows checkout turns a symlink into a small text file: the sample clip is copied instead."""
    listed = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True).stdout
    assert not [line for line in listed.splitlines() if line.startswith("120000")]
    sample = (ROOT / "notebooks" / "audio.wav").read_bytes()
    for copy in (ROOT / "notebooks" / "documented" / "audio.wav", ROOT / "notebooks" / "exercises" / "audio.wav"):
        assert copy.read_bytes() == sample, copy
