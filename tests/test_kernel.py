"""Replay works inside a real Jupyter kernel, where a cassette opened by pytest would not reach."""

from __future__ import annotations

import re
import shutil

import nbformat
from nbclient import NotebookClient
from support import SAMPLE, says

CELLS = [
    "import helpers\nhelpers.start()",
    # top-level await: the kernel's event loop is already running
    "from helpers import calls\nresponse = await calls.speech()\nresponse.choices[0].message.save('alloy.mp3')\n"
    "helpers.play('alloy.mp3', helpers.transcript_of(response))",
    "print(await calls.transcribe_file('audio.wav'))",
]


def test_a_notebook_replays_in_a_real_kernel(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "audio.wav")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    texts = [
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        for output in cell.outputs
    ]
    assert texts[0].startswith("Mode: replay.")
    assert re.search(r"alloy\.mp3: \d+\.\d s, MP3", texts[1]) and says(texts[1], "good day")
    assert says(texts[2], "go forward ten meters")
    assert (tmp_path / "alloy.mp3").stat().st_size > 1000
