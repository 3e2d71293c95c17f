"""Bad input over the public helpers API: a clear message, and nothing lost or half-written."""

from __future__ import annotations

import shutil

import pytest
from support import SAMPLE, run, says

import helpers
from helpers import speech

CLIP = "Say good day to the world"


# -- speaking ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "There is no text to speak"),
        ({"text": "   \n\t"}, "There is no text to speak"),
        ({"text": "a" * 4097}, "4097 characters; the service takes at most 4096"),
        ({"voice": "alloi"}, "Unknown voice 'alloi'. Did you mean 'alloy'?"),
        ({"voice": "Bob"}, "Unknown voice 'Bob'. Voices: alloy"),
        ({"audio_format": "mp4"}, "Unsupported format 'mp4'. Did you mean 'mp3'?"),
    ],
    ids=["empty", "whitespace", "over-limit", "voice-typo", "unknown-voice", "unsupported-format"],
)
def test_speak_rejects_bad_requests_before_sending(replay, kwargs, message):
    args = {"text": CLIP, **kwargs}
    text = args.pop("text")
    with pytest.raises(helpers.errors.SpeechRequestError, match=message):
        run(speech.speak(text, "out.mp3", **args))
    assert not (replay / "out.mp3").exists()


def test_speak_into_a_missing_folder(replay):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        run(speech.speak(CLIP, "no/such/folder/out.mp3"))
    assert not (replay / "no").exists()


def test_speak_keeps_an_existing_file(replay):
    mine = replay / "alloy.mp3"
    mine.write_bytes(b"my own recording")
    with pytest.raises(helpers.errors.FileExistsNotOverwrittenError, match="overwrite=True"):
        run(speech.speak(CLIP, mine))
    assert mine.read_bytes() == b"my own recording"
    run(speech.speak(CLIP, mine, overwrite=True))
    assert helpers.describe_audio(mine).format == "MP3"


def test_speak_takes_the_format_from_the_file_name(replay):
    path = run(speech.speak(CLIP, "hello.wav"))
    assert helpers.describe_audio(path).format == "WAV"


# -- transcribing -------------------------------------------------------------


def _file(name, data):
    def make(folder):
        (folder / name).write_bytes(data)
        return name

    return make


def _cut_mp3(folder):
    run(speech.speak(CLIP, folder / "whole.mp3"))
    return _file("bad.mp3", (folder / "whole.mp3").read_bytes()[:-100])(folder)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: "nothing-here.wav", "No file at 'nothing-here.wav'"),
        (_file("empty.wav", b""), "is empty"),
        (_file("notes.wav", b"meeting notes"), "is not audio that can be read"),
        (_cut_mp3, "is cut off"),
        (_file("song.mid", b"MThd\x00\x00\x00\x06\x00\x01"), "is not audio"),
    ],
    ids=["missing", "empty", "text-named-wav", "truncated-mp3", "unsupported-format"],
)
def test_transcribe_rejects_unusable_files_before_sending(replay, make, message):
    name = make(replay)
    with pytest.raises(helpers.errors.AudioFileError, match=message):
        run(speech.transcribe(name))


def test_transcribe_rejects_a_very_large_file(replay):
    with open(replay / "huge.wav", "wb") as file:
        file.truncate(26 * 1024 * 1024)  # sparse: quick to make
    with pytest.raises(helpers.errors.AudioFileError, match="26.0 MB; the services take at most 25.0 MB"):
        run(speech.transcribe("huge.wav"))


def test_transcribe_a_good_file(replay):
    assert says(run(speech.transcribe("audio.wav")), "go forward ten meters")


def test_the_kernel_keeps_working_after_bad_input(tmp_path):
    """A notebook full of mistakes, then the documented call: the last cell still works."""
    import nbformat
    from nbclient import NotebookClient

    shutil.copy(SAMPLE, tmp_path / "audio.wav")
    cells = [
        "import helpers\nfrom helpers import speech\nhelpers.start()",
        "try:\n    await speech.speak('', 'x.mp3')\nexcept ValueError as e:\n    print(type(e).__name__)",
        "try:\n    await speech.transcribe('missing.wav')\nexcept ValueError as e:\n    print(type(e).__name__)",
        "try:\n    await speech.speak('Say hi', 'x.mp3', voice='shimmer')\n"
        "except Exception as e:\n    print(type(e).__name__)",
        "print(await speech.transcribe('audio.wav'))",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    printed = [cell.outputs[0]["text"].strip() for cell in notebook.cells[1:]]
    assert printed[:3] == ["SpeechRequestError", "AudioFileError", "ServiceError"]
    assert says(printed[3], "go forward ten meters")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audio.wav"]
