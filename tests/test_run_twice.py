"""Every lesson survives Run All twice, whatever ran before it.

Per lesson, in a copy of the notebooks folder: Run All in ``auto`` mode first, as a live or record run
would (auto answers what nobody recorded, so the files a live run writes are there afterwards; replay
where the offline extra is missing), then Run All twice in one fresh replay kernel. No cell may end in
an error in any of the three runs. nbval compares the outputs of a single run; this test is about the
order of runs.
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


def _run_all(notebook: nbformat.NotebookNode, client: NotebookClient) -> list[str]:
    """Run every cell (as nbval runs them) in the client's kernel; returns the errors, one line each."""
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
    return errors


@pytest.mark.parametrize("path", tutorial_notebooks(), ids=lambda p: p.name)
def test_run_all_twice_after_an_online_like_run(path, tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder, ignore=shutil.ignore_patterns("output", "ru", "exercises"))
    shutil.copytree(ROOT / "recordings", tmp_path / "recordings")
    shutil.copy(ROOT / "requirements.txt", tmp_path)  # the environment report compares the pins
    first_mode = "auto" if offline.installed() else "replay"
    runs = {}
    for label, mode, times in ((f"{first_mode}, fresh kernel", first_mode, 1), ("replay, one kernel", "replay", 2)):
        notebook = nbformat.read(folder / path.name, as_version=4)
        client = NotebookClient(notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(folder)}})
        with client.setup_kernel(env={**os.environ, "G4F_TUTORIAL_MODE": mode}):
            for time in range(1, times + 1):
                runs[f"{label}, run {time}"] = _run_all(notebook, client)
    failed = {run: errors for run, errors in runs.items() if errors}
    assert not failed, failed
