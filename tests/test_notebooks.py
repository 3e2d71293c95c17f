"""Properties of the committed notebooks that nbval itself does not check."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5


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
def test_readme_lists_every_notebook(path):
    assert path.relative_to(ROOT).as_posix() in (ROOT / "README.md").read_text()
