"""Every lesson survives Run All twice, whatever ran before it.

Per lesson, in a copy of the notebooks folder and in one kernel: Run All in ``auto`` mode first, as a
live or record run would (auto answers what nobody recorded, so the files a live run writes are there
afterwards; replay where the offline extra is missing), then Run All again in replay mode, in the same
kernel. No cell may end in an error in either run. nbval runs each lesson once more, in a fresh kernel,
and compares its outputs; this test is about the order of runs.
"""

from __future__ import annotations

import os
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from support import ROOT, tutorial_notebooks

from helpers import offline

SKIP = "# NBVAL_SKIP"


def _run_all(notebook: nbformat.NotebookNode, client: NotebookClient, mode: str) -> list[str]:
    """Run every cell (as nbval runs them) in the client's kernel; returns the errors, one line each.

    The first mode line the run prints must name ``mode``: the run really was in that mode.
    """
    errors = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or cell.source.lstrip().startswith(SKIP):
            continue
        cell.outputs = []
        client.execute_cell(cell, index)
        errors += [
            f"cell {cell.get('id', index)}: {o.ename}: {o.evalue}"[:300]
            for o in cell.outputs
            if o.output_type == "error"
        ]
        errors += [  # a g4f error helpers.explain showed as a block instead of a traceback
            f"cell {cell.get('id', index)}: {o.data['text/plain']}"[:300]
            for o in cell.outputs
            if o.output_type == "display_data" and "error" in o.get("metadata", {}).get("helpers", {})
        ]
    printed = [o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    said = next((line for text in printed for line in text.splitlines() if line.startswith("Mode: ")), "no mode line")
    if not said.startswith(f"Mode: {mode}."):
        errors.append(f"the run was to be in {mode} mode; it printed {said!r}")
    return errors


@pytest.mark.parametrize("path", tutorial_notebooks(), ids=lambda p: p.name)
def test_run_all_twice_after_an_online_like_run(path, tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder, ignore=shutil.ignore_patterns("output", "ru", "exercises"))
    shutil.copytree(ROOT / "recordings", tmp_path / "recordings")
    shutil.copy(ROOT / "requirements.txt", tmp_path)  # the environment report compares the pins
    first_mode = "auto" if offline.installed() else "replay"
    notebook = nbformat.read(folder / path.name, as_version=4)
    client = NotebookClient(notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(folder)}})
    runs = {}
    with client.setup_kernel(env={**os.environ, "G4F_TUTORIAL_MODE": first_mode}):
        runs[f"{first_mode}, run 1"] = _run_all(notebook, client, first_mode)
        notebook.cells.append(nbformat.v4.new_code_cell("import os; os.environ['G4F_TUTORIAL_MODE'] = 'replay'"))
        client.execute_cell(notebook.cells[-1], len(notebook.cells) - 1)
        notebook.cells.pop()
        runs["replay, same kernel, run 2"] = _run_all(notebook, client, "replay")
    failed = {run: errors for run, errors in runs.items() if errors}
    assert not failed, failed
