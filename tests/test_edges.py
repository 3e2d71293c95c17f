"""The edges (issue 13): out-of-order cells, failed switches, odd save targets, argument types, rough messages."""

from __future__ import annotations

import os
import shutil
import subprocess

import kernel_guard
import nbformat
import pytest
from nbclient import NotebookClient
from support import ROOT, SAMPLE, python, run, runnable

import helpers
from helpers import audio, calls, errors, faults, offline, retries, speech
from helpers._replay import before_start, cassettes, isolation
from helpers.modes import current_mode

CLIP = "Say good day to the world"
GUARD = ROOT / "tests" / "netguard_site"


@pytest.fixture(autouse=True)
def _no_refusal_after_test():
    yield
    before_start.lift()


def _kernel(cells, folder):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(
        notebook, timeout=90, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return notebook


def _text(cell):
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)


# -- a cell run before helpers.start() -------------------------------------------------


def test_a_request_before_start_is_refused_naming_start():
    """``import helpers`` alone refuses (the kernel guard imports it): nothing is sent, the message says what to do."""
    assert current_mode() is None
    before_start.refuse_until_started()
    with pytest.raises(errors.NotStartedError, match=r"helpers\.start\(\) has not run"):
        run(calls.speech())
    with pytest.raises(errors.ServiceError, match=r"helpers\.start\(\)") as caught:
        run(speech.speak(CLIP, "never.mp3", overwrite=True))
    assert caught.value.kind == "not-started" and caught.value.attempts == 1


def test_stop_before_start_keeps_requests_refused():
    """``helpers.stop()`` before any ``start()`` (or at exit) has no mode to turn off: the refusal stays on."""
    before_start.refuse_until_started()
    helpers.stop()
    with pytest.raises(errors.NotStartedError):
        run(calls.speech())


def test_start_forgets_a_model_list_poisoned_before_it(workdir, capsys):
    """The refused model-list fetch left PollinationsAI without audio models; start() makes it fetch again."""
    isolation.reset_g4f_caches()  # as in a fresh kernel: the first request fetches the model list
    before_start.refuse_until_started()
    with pytest.raises(errors.NotStartedError):
        run(calls.speech())
    helpers.start("replay")
    response = run(calls.speech())
    assert helpers.transcript_of(response)


def test_reset_clears_the_fetched_flags():
    import g4f.Provider

    provider = g4f.Provider.PollinationsAI
    provider.current_models_endpoint = "https://example.invalid/models"
    assert provider.__name__ in isolation.reset_g4f_caches()
    assert provider.current_models_endpoint is None


def test_setup_installs_the_kernel_guard_and_leaves_a_foreign_config_alone(tmp_path):
    path = kernel_guard.install(tmp_path)
    assert path == kernel_guard.kernel_config_path(tmp_path) and path.read_text().startswith(kernel_guard.MARKER)
    mine = tmp_path / "other"
    (mine / "etc" / "ipython").mkdir(parents=True)
    (mine / "etc" / "ipython" / "ipython_kernel_config.py").write_text("c.Foo = 1\n")
    assert kernel_guard.install(mine) is None
    assert (mine / "etc" / "ipython" / "ipython_kernel_config.py").read_text() == "c.Foo = 1\n"


def test_a_g4f_cell_before_import_helpers_in_a_fresh_kernel(tmp_path, monkeypatch):
    """A real kernel of .venv, after a restart: g4f first (no helpers imported), then the notebook's first cell.

    The independent socket guard (tests/netguard_site, as every test run carries it) runs in the kernel too,
    and logs any attempt to leave the machine.
    """
    assert kernel_guard.install() is not None  # what make setup did in this environment
    log = tmp_path / "attempts.log"
    log.touch()
    cells = [
        "import sys\nprint('helpers' in sys.modules)",
        "from g4f.client import AsyncClient\nimport g4f\n"
        "client = AsyncClient(provider=g4f.Provider.PollinationsAI)\ntry:\n"
        "    await client.chat.completions.create(model='openai-audio',\n"
        "        messages=[{'role': 'user', 'content': 'Say good day to the world'}],\n"
        "        audio={'voice': 'alloy', 'format': 'mp3'})\n"
        "except Exception as e:\n    print(type(e).__name__, e)",
        "import helpers\nhelpers.start('replay')",
        "response = await client.chat.completions.create(model='openai-audio',\n"
        "    messages=[{'role': 'user', 'content': 'Say good day to the world'}],\n"
        "    audio={'voice': 'alloy', 'format': 'mp3'})\nprint(helpers.transcript_of(response))",
    ]
    monkeypatch.setenv("PYTHONPATH", str(GUARD))
    monkeypatch.setenv("NETWORK_ATTEMPTS_LOG", str(log))
    monkeypatch.setenv("G4F_TUTORIAL_ROOT", str(ROOT))
    notebook = _kernel(cells, tmp_path)
    printed = [_text(cell) for cell in notebook.cells]
    assert printed[0].strip() == "True", printed  # the guard loaded helpers before the first cell
    assert printed[1].startswith("NotStartedError helpers.start() has not run"), printed[1]
    assert printed[2].startswith("Mode: replay.")
    assert "Good day to the world" in printed[3], printed[3]
    assert log.read_text() == ""


@pytest.mark.parametrize(("mode", "refused"), [("", True), ("replay", True), ("live", False), ("record", False)])
def test_only_an_online_mode_variable_lets_a_request_before_start_through(workdir, mode, refused):
    code = "import helpers\nfrom helpers._replay import before_start\nprint(before_start.refusing())"
    result = python(code, workdir, env={"G4F_TUTORIAL_MODE": mode})
    assert result.stdout.strip() == str(refused), result.stderr


# -- the unrecorded-request summary shows what matching compares --------------------------


def test_the_unrecorded_summary_shows_modalities_and_every_other_field(replay):
    with pytest.raises(errors.UnrecordedRequestError) as caught:
        run(calls.speech(text="Say something nobody recorded"))
    message = str(caught.value)
    assert "modalities=text+audio" in message and "stream=false" in message
    assert set(cassettes.MATCH_ON) == {"method", "scheme", "host", "port", "path", "query", "body"}


# -- a failed switch ---------------------------------------------------------------------


def _truncated(folder):
    text = cassettes.cassette_path().read_text(encoding="utf-8")
    cut = text[: text.index("  response:", text.index("interactions:"))]  # the first entry loses its answer
    (folder / "bad.yaml").write_text(cut, encoding="utf-8")
    return "bad.yaml"


def _write(data):
    def make(folder):
        (folder / "bad.yaml").write_bytes(data)
        return "bad.yaml"

    return make


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_write(b""), "it is empty"),
        (_write(b"interactions: [\n  - {request: "), "it is not valid YAML"),
        (_write("interactions: []\n# caf\u00e9".encode("latin-1")), "it is not UTF-8 text"),
        (_write(b"just: a mapping\n"), "not a recordings file"),
        (_truncated, "entry 1 of 1 is incomplete"),
        (lambda folder: (folder / "folder.yaml").mkdir() or "folder.yaml", "it is a folder"),
    ],
    ids=["empty", "invalid-yaml", "not-utf8", "not-recordings", "truncated-entry", "folder"],
)
def test_a_failed_switch_names_the_file_and_keeps_the_previous_mode(replay, capsys, make, message):
    name = make(replay)
    with pytest.raises(errors.RecordingsFileError, match=message) as caught:
        helpers.start("replay", recordings_file=name)
    assert name in str(caught.value) and "The current mode (replay) is still on." in str(caught.value)
    assert current_mode() == "replay"
    assert helpers.transcript_of(run(calls.speech()))  # the previous mode still answers


def test_a_failed_first_switch_says_no_mode_is_on(workdir):
    (workdir / "empty.yaml").write_text("")
    with pytest.raises(errors.RecordingsFileError, match="No mode was turned on"):
        helpers.start(recordings_file="empty.yaml")
    assert current_mode() is None


# -- save targets --------------------------------------------------------------------------


def test_a_dangling_link_is_refused_before_the_request(replay):
    (replay / "gone.mp3").symlink_to(replay / "nowhere.mp3")
    for overwrite in (False, True):
        with pytest.raises(errors.SaveTargetError, match="symbolic link that leads nowhere") as caught:
            run(speech.speak(CLIP, "gone.mp3", overwrite=overwrite))
        assert ".part" not in str(caught.value)
    assert not (replay / "nowhere.mp3").exists() and (replay / "gone.mp3").is_symlink()


def test_a_link_loop_is_refused(replay):
    (replay / "a.mp3").symlink_to(replay / "b.mp3")
    (replay / "b.mp3").symlink_to(replay / "a.mp3")
    with pytest.raises(errors.SaveTargetError, match="symbolic link that is a loop"):
        audio.save_bytes(b"x", replay / "a.mp3")


def test_an_existing_folder_is_never_replaced(replay):
    (replay / "clips.mp3").mkdir()
    for overwrite in (False, True):
        with pytest.raises(errors.SaveTargetError, match="is a folder") as caught:
            run(speech.speak(CLIP, "clips.mp3", overwrite=overwrite))
        assert ".part" not in str(caught.value)
    assert (replay / "clips.mp3").is_dir()


def test_a_read_only_folder_is_refused_before_the_request(replay, monkeypatch):
    (replay / "locked").mkdir()
    real = os.access
    monkeypatch.setattr(audio.os, "access", lambda p, mode: False if str(p).endswith("locked") else real(p, mode))
    with pytest.raises(errors.SaveTargetError, match="is read-only for you"):
        run(speech.speak(CLIP, "locked/alloy.mp3"))


def test_a_failed_save_never_names_the_temporary_file(replay, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "/x/.alloy.mp3.abcd.part")

    monkeypatch.setattr(audio.os, "fdopen", full)
    with pytest.raises(errors.SaveTargetError) as caught:
        audio.save_bytes(b"audio", replay / "alloy.mp3")
    assert "No space left on device" in str(caught.value) and ".part" not in str(caught.value)
    assert caught.value.errno == 28 and sorted(p.name for p in replay.iterdir()) == ["audio.wav"]


@pytest.mark.parametrize("name", ["al\nloy.mp3", "al\tloy.mp3", "al\x00loy.mp3", "al\x1bloy.mp3"])
def test_control_characters_in_names_are_refused(replay, name):
    with pytest.raises(errors.SaveTargetError, match="control character"):
        run(speech.speak(CLIP, name))
    assert sorted(p.name for p in replay.iterdir()) == ["audio.wav"]


@pytest.mark.parametrize("overwrite", ["no", "yes", 1, 0, None])
def test_overwrite_takes_only_a_bool(replay, overwrite):
    mine = replay / "alloy.mp3"
    mine.write_bytes(b"my own recording")
    with pytest.raises(errors.ArgumentError, match="overwrite takes True or False"):
        run(speech.speak(CLIP, mine, overwrite=overwrite))
    with pytest.raises(errors.ArgumentError, match="overwrite takes True or False"):
        audio.save_bytes(b"x", mine, overwrite=overwrite)
    assert mine.read_bytes() == b"my own recording"


# -- argument types and names ----------------------------------------------------------------


@pytest.mark.parametrize("mode", [42, 3.5, True, b"replay", ["replay"]])
def test_start_takes_the_mode_as_text(mode):
    with pytest.raises(errors.ArgumentError, match="takes the mode as text"):
        helpers.start(mode)
    assert current_mode() is None


def test_start_takes_a_path_for_the_recordings():
    with pytest.raises(errors.ArgumentError, match="recordings_file takes a path"):
        helpers.start("replay", recordings_file=42)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"attempts": "3"}, "attempts takes a whole number, not str '3'"),
        ({"attempts": 2.0}, "attempts takes a whole number"),
        ({"attempts": 0}, "attempts must be 1 or more"),
        ({"timeout": -1}, "timeout must be more than 0"),
        ({"timeout": 0}, "timeout must be more than 0"),
        ({"timeout": "60"}, "timeout takes a number of seconds"),
        ({"backoff": -1}, "backoff must be 0 or more"),
        ({"max_wait": float("nan")}, "max_wait must be 0 or more"),
    ],
)
def test_retry_arguments_are_checked_before_anything_is_sent(replay, kwargs, message):
    sent = []

    async def call():
        sent.append(1)

    with pytest.raises(errors.ArgumentError, match=message):
        run(retries.with_retries(call, **kwargs))
    with pytest.raises(errors.ArgumentError, match=message):
        run(speech.speak(CLIP, "x.mp3", **kwargs))
    assert not sent and not (replay / "x.mp3").exists()


@pytest.mark.parametrize("name", ["../g4f-8.8.6", "../faults/empty-body", "/etc/passwd", 42, "empty-body.yaml"])
def test_simulated_takes_only_a_recorded_fault_name(replay, name):
    with pytest.raises(errors.ArgumentError, match="No recorded fault") as caught:
        faults.simulated(name)
    assert "Recorded: bad-gateway-502-always" in str(caught.value)


# -- rough messages -------------------------------------------------------------------------


def test_an_unreadable_file_is_an_audio_file_error(workdir, monkeypatch):
    from pathlib import Path

    real = Path.open

    def locked(self, *args, **kwargs):
        if self.name == "audio.wav":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked)
    with pytest.raises(errors.AudioFileError, match=r"audio.wav cannot be read \(Permission denied\)"):
        run(speech.transcribe("audio.wav"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_not_called_empty(workdir):
    os.mkfifo(workdir / "pipe.wav")
    with pytest.raises(errors.AudioFileError, match="is a named pipe, not an audio file"):
        helpers.describe_audio("pipe.wav")


@pytest.mark.parametrize(("text", "message"), [(b"Say hi", "The text is bytes"), (42, "must be a str, not int")])
def test_text_of_the_wrong_type_says_so(replay, text, message):
    with pytest.raises(errors.SpeechRequestError, match=message):
        run(speech.speak(text, "x.mp3"))


def test_the_not_audio_message_does_not_echo_the_file(workdir):
    (workdir / "secret.wav").write_text("password=hunter2 and other private notes")
    with pytest.raises(errors.AudioFileError) as caught:
        helpers.describe_audio("secret.wav")
    assert "is not audio that can be read" in str(caught.value)
    assert "hunter2" not in str(caught.value) and "password" not in str(caught.value)


def test_the_empty_body_message_starts_with_what_happened(replay):
    async def no_sleep(seconds):
        pass

    with faults.simulated("empty-body"), pytest.raises(errors.ServiceError) as caught:
        run(speech.speak(CLIP, "x.mp3", sleep=no_sleep))
    message = str(caught.value)
    assert message.startswith("malformed: the answer could not be read"), message
    assert "try again later or use another provider" in message


@pytest.mark.parametrize(
    ("name", "audio_format", "implied"),
    [("x.wav", "mp3", "wav"), ("x.mp3", "flac", "mp3"), ("x.ogg", "mp3", "opus")],
)
def test_a_format_that_contradicts_the_extension_is_refused(replay, name, audio_format, implied):
    with pytest.raises(errors.SpeechRequestError, match=f"contradicts the file name '{name}'") as caught:
        run(speech.speak(CLIP, name, audio_format=audio_format))
    assert f"means {implied!r}" in str(caught.value)
    assert not (replay / name).exists()


def test_a_format_that_agrees_or_an_extension_that_says_nothing_is_fine(replay):
    assert helpers.describe_audio(run(speech.speak(CLIP, "a.wav", audio_format="wav"))).format == "WAV"
    assert helpers.describe_audio(run(speech.speak(CLIP, "clip", audio_format="mp3"))).format == "MP3"


# -- service faults: quota and keys ----------------------------------------------------------


def test_no_internet_connection_is_said_as_such(workdir, monkeypatch):
    """Live or record mode offline: the name lookup fails; the learner reads 'no internet connection'."""
    import socket

    from helpers._replay import netguard

    def no_dns(host, *args, **kwargs):
        if netguard.is_local(host):
            return socket.getaddrinfo.__wrapped__(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    no_dns.__wrapped__ = netguard._original_getaddrinfo
    monkeypatch.setattr(netguard, "_original_getaddrinfo", no_dns)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    helpers.start("live")
    try:
        with pytest.raises(errors.ServiceError) as caught:
            run(helpers.speak(CLIP, "x.mp3", attempts=1))
    finally:
        helpers.start("replay")
    assert caught.value.kind == "no-internet", caught.value
    assert str(caught.value).startswith("no-internet: no internet connection")
    assert "helpers.start('replay')" in str(caught.value)


def test_a_file_name_with_a_newline_is_refused_before_anything_is_sent(replay, tmp_path):
    clip = tmp_path / "my\nclip.wav"
    shutil.copy(SAMPLE, clip)
    with pytest.raises(errors.AudioFileError, match="control character"):
        run(helpers.transcribe(clip))
    assert not cassettes.UNRECORDED  # nothing reached the transport


def test_401_says_a_key_is_needed_and_how_to_set_it():
    found = retries.diagnose(RuntimeError("Response 401: Unauthorized"))
    assert found.kind == "auth" and not found.retry
    assert "a key is needed" in found.advice and "POLLINATIONS_API_KEY" in found.advice


# -- learner-facing leftovers ----------------------------------------------------------------


def test_notebook_08_without_the_extra_stops_with_one_message(tmp_path):
    """Run All on a base install: one error output, no traceback, nothing after it runs."""
    notebook = nbformat.read(ROOT / "notebooks" / "08_speech_without_the_internet.ipynb", as_version=4)
    hide = (  # what a base install looks like to helpers.offline
        "import helpers.offline as _o\n_real = _o.find_spec\n"
        "_o.find_spec = lambda name: None if name in ('piper', 'faster_whisper') else _real(name)"
    )
    notebook.cells.insert(0, nbformat.v4.new_code_cell(hide))
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    shutil.copy(SAMPLE, tmp_path / "audio.wav")
    client = NotebookClient(
        notebook, timeout=90, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with pytest.raises(Exception, match="OfflineExtraMissingError"):
        client.execute()
    errored = [cell for cell in notebook.cells if any(o.output_type == "error" for o in cell.get("outputs", []))]
    assert len(errored) == 1
    (output,) = [o for o in errored[0].outputs if o.output_type == "error"]
    assert len(output.traceback) == 1 and "make offline" in output.traceback[0] and "Binder" in output.traceback[0]
    assert "Traceback" not in output.traceback[0] and "piper" in output.traceback[0]


def test_the_offline_providers_need_the_extra_with_the_same_message(monkeypatch):
    monkeypatch.setattr(offline, "find_spec", lambda name: None)
    for name in ("PiperSpeech", "WhisperTranscription", "LocalAudio"):
        with pytest.raises(errors.OfflineExtraMissingError, match="make offline"):
            getattr(offline, name)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_the_exercise_notebooks_leave_nothing_untracked(tmp_path):
    """Every exercise notebook, run as handed out (errors allowed: the solutions are gone), writes only to output/."""

    def status():
        return subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", "notebooks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout

    before = status()
    folder = ROOT / "notebooks" / "exercises"
    for path in sorted(folder.glob("*.ipynb")):
        if not runnable(path.name):
            continue
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    assert status() == before
