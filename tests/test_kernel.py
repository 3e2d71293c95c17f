"""Replay works inside a real Jupyter kernel, where a cassette opened by pytest would not reach."""

from __future__ import annotations

import shutil

import nbformat
from nbclient import NotebookClient
from support import SAMPLE

CELLS = [
    "import helpers\nhelpers.start()",
    "import g4f\nfrom g4f.client import AsyncClient\nclient = AsyncClient(provider=g4f.Provider.PollinationsAI)",
    # top-level await: the kernel's event loop is already running
    "response = await client.chat.completions.create(model='openai-audio', "
    "messages=[{'role': 'user', 'content': 'Say good day to the world'}], audio={'voice': 'alloy', 'format': 'mp3'})\n"
    "response.choices[0].message.save('alloy.mp3')\nhelpers.play('alloy.mp3', helpers.transcript_of(response))",
    "with open('audio.wav', 'rb') as audio_file:\n"
    "    result = await client.chat.completions.create(messages='Transcribe this audio', "
    "provider=g4f.Provider.PollinationsAudio, api_key=g4f.Provider.PollinationsAudio.public_key, "
    "media=[[audio_file, 'audio.wav']], modalities=['text'])\nprint(result.choices[0].message.content)",
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
    assert "“Good day to the world!”" in texts[1] and "alloy.mp3: 1.2 s, MP3" in texts[1]
    assert texts[2].strip() == "Go forward ten meters."
    assert (tmp_path / "alloy.mp3").stat().st_size > 1000
