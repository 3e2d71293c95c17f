"""Audio files: check them before sending, save them without ever losing one a learner has, play them inline."""

from __future__ import annotations

import errno
import hashlib
import html
import os
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from .constants import MAX_UPLOAD_BYTES
from .errors import ArgumentError, AudioFileError, FileExistsNotOverwrittenError, FolderNotFoundError, SaveTargetError


def control_character(name: str) -> str | None:
    return next((character for character in name if unicodedata.category(character) == "Cc"), None)


def check_target(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Raise a clear error if ``path`` cannot be written as asked; return it as a Path.

    Call it before slow work (a request to a service) so a mistake costs nothing.
    """
    if not isinstance(overwrite, bool):
        raise ArgumentError(f"overwrite takes True or False, not {overwrite!r}. Nothing was saved.")
    if not isinstance(path, (str, os.PathLike)):
        raise ArgumentError(f"The place to save takes a file name (text or pathlib.Path), not {type(path).__name__}.")
    path = Path(path)
    bad = control_character(str(path))
    if bad is not None or not path.name:
        what = f"holds a control character ({bad!r})" if bad is not None else "has no file name"
        raise SaveTargetError(f"The name {str(path)!r} {what}. Use a plain name such as 'alloy.mp3'.")
    if not path.parent.is_dir():
        raise FolderNotFoundError(
            f"The folder {str(path.parent)!r} does not exist. Create it first "
            f"(Path({str(path.parent)!r}).mkdir(parents=True)) or save somewhere else."
        )
    if path.is_symlink() and not path.exists():
        try:
            os.stat(path)
            why = "leads nowhere"
        except OSError as error:
            why = "is a loop" if error.errno == errno.ELOOP else "leads nowhere"
        raise SaveTargetError(
            f"{str(path)!r} is a symbolic link that {why} (to {os.readlink(path)!r}); it was left as it is. "
            "Remove the link, or save under another name."
        )
    if path.is_dir():
        raise SaveTargetError(f"{str(path)!r} is a folder; overwrite=True never replaces one. Name a file inside it.")
    if path.exists() and not overwrite:
        raise FileExistsNotOverwrittenError(
            f"{str(path)!r} already exists and was left as it is. "
            "Choose another name, or pass overwrite=True to replace it."
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise SaveTargetError(
            f"The folder {str(path.parent)!r} is read-only for you, so {path.name!r} cannot be saved there. "
            "Save somewhere you can write (e.g. output/)."
        )
    return path


def save_bytes(data: bytes, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` in one step (through a temporary file: never half a file); returns the path.

    An existing file is kept unless ``overwrite=True``; a missing folder is an error, not created. Errors name
    ``path``, never the temporary file.
    """
    path = check_target(path, overwrite=overwrite)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise _save_error(error, path) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        if overwrite:
            os.replace(temporary, path)
        else:
            _move_without_replacing(temporary, path)
    except BaseException as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(error, OSError) and not isinstance(error, (FileExistsNotOverwrittenError, SaveTargetError)):
            raise _save_error(error, path) from None
        raise
    return path


def _save_error(error: OSError, path: Path) -> SaveTargetError:
    """The OS's reason, about the learner's file (not the temporary one); nothing was left behind."""
    reason = error.strerror or type(error).__name__
    saved = SaveTargetError(f"Could not save {str(path)!r}: {reason}. Nothing was written.")
    saved.errno = error.errno
    return saved


def _move_without_replacing(temporary: str, path: Path) -> None:
    """Give the finished file its name, unless a file of that name appeared meanwhile."""
    try:
        os.link(temporary, path)  # atomic: fails if the name is taken
        os.unlink(temporary)
    except FileExistsError:
        raise FileExistsNotOverwrittenError(f"{str(path)!r} appeared while saving and was left as it is.") from None
    except OSError:  # file systems without hard links (FAT/exFAT sticks, some network folders)
        if path.exists() or path.is_symlink():
            raise FileExistsNotOverwrittenError(f"{str(path)!r} appeared while saving and was left as it is.") from None
        os.replace(temporary, path)


_MP3_BITRATES = {  # kbps by bitrate index, for MPEG-1 and MPEG-2/2.5 Layer III
    1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_MP3_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def mp3_is_cut_off(data: bytes) -> bool:
    """True when the last MP3 frame of ``data`` is incomplete (a truncated download or copy)."""
    position = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        position = 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | data[9] & 0x7F)
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    while position + 4 <= end:
        header = int.from_bytes(data[position : position + 4], "big")
        version, layer = header >> 19 & 3, header >> 17 & 3
        bitrate_index, rate_index = header >> 12 & 15, header >> 10 & 3
        if header >> 21 != 0x7FF or version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
            return False  # not a Layer III frame we can walk: no verdict
        bitrate = _MP3_BITRATES[1 if version == 3 else 2][bitrate_index] * 1000
        length = (144 if version == 3 else 72) * bitrate // _MP3_RATES[version][rate_index] + (header >> 9 & 1)
        if position + length > end:
            return True
        position += length
    return False


@dataclass(frozen=True)
class AudioInfo:
    """What an audio file holds."""

    path: Path
    format: str
    duration: float
    sample_rate: int
    channels: int
    size: int

    @property
    def summary(self) -> str:
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} channels")
        return (
            f"{self.path.name}: {self.duration:.1f} s, {self.format}, "
            f"{self.sample_rate / 1000:g} kHz {layout}, {_size(self.size)}"
        )


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def describe_audio(path: str | os.PathLike, *, max_bytes: int = MAX_UPLOAD_BYTES) -> AudioInfo:
    """Check that ``path`` is a readable audio file and say what it holds.

    Raises :class:`AudioFileError` for a missing, empty, oversized, damaged or
    non-audio file, with a message that says what to do.
    """
    path = Path(path)
    if not path.exists() and path.is_symlink():
        raise AudioFileError(f"{str(path)!r} is a symbolic link that leads nowhere. Give the audio file itself.")
    if not path.exists():
        raise AudioFileError(
            f"No file at {str(path)!r} (looked in {Path.cwd()}). Check the name, or give the full path."
        )
    if path.is_dir():
        raise AudioFileError(f"{str(path)!r} is a folder, not an audio file. Name a file inside it.")
    if (bad := control_character(path.name)) is not None:  # the name travels in the upload's headers
        raise AudioFileError(
            f"The file name {path.name!r} holds a control character ({bad!r}), which cannot be sent; nothing was "
            "sent. Rename the file (or copy it to a plain name) and give that."
        )
    if not path.is_file():  # a named pipe, a device or a socket: reading it could block or never end
        kind = "a named pipe" if stat.S_ISFIFO(path.stat().st_mode) else "not a regular file"
        raise AudioFileError(f"{str(path)!r} is {kind}, not an audio file. Save the audio to a file and give that.")
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        raise AudioFileError(
            f"{path.name} cannot be read ({error.strerror or type(error).__name__}). "
            "Check its permissions (e.g. chmod u+r), or copy it somewhere you can read it."
        ) from None
    size = path.stat().st_size
    if size == 0:
        raise AudioFileError(f"{path.name} is empty (0 bytes). Record or download it again.")
    if size > max_bytes:
        raise AudioFileError(
            f"{path.name} is {_size(size)}; the services take at most {_size(max_bytes)}. "
            "Cut it shorter or convert it to a compressed format such as MP3."
        )
    try:
        info = sf.info(str(path))
        frames = sum(len(block) for block in sf.blocks(str(path), blocksize=65536))
    except (sf.LibsndfileError, RuntimeError, TypeError) as error:
        reason = getattr(error, "error_string", None) or str(error)
        reason = reason.replace(str(path), path.name)  # the reason, never the file's content
        raise AudioFileError(
            f"{path.name} is not audio that can be read ({reason.rstrip('.')}). "
            "Use a WAV, MP3, FLAC or OGG file, or export the recording again."
        ) from None
    if frames == 0:
        raise AudioFileError(f"{path.name} holds no sound (0 samples). Record it again.")
    if info.format == "MP3" and mp3_is_cut_off(path.read_bytes()):
        raise AudioFileError(
            f"{path.name} is cut off: its last MP3 frame is incomplete, so the download or copy "
            "stopped early. Get the file again."
        )
    return AudioInfo(path, info.format, frames / info.samplerate, info.samplerate, info.channels, size)


@dataclass
class AudioPlayer:
    """An inline player that links to the file instead of embedding it.

    In a notebook it shows an ``<audio>`` element whose source is the file's
    path relative to the notebook, plus a one-line summary; saved notebooks
    stay small and their outputs do not change unless the audio does.
    """

    info: AudioInfo
    caption: str | None = None

    @property
    def src(self) -> str:
        try:
            relative = os.path.relpath(self.info.path.resolve(), Path.cwd()).replace(os.sep, "/")
        except ValueError:  # Windows: another drive than the notebook's
            relative = self.info.path.resolve().as_uri()
        version = hashlib.sha256(self.info.path.read_bytes()).hexdigest()[:8]
        return f"{relative}?v={version}"  # a new clip under the same name is not served from cache

    def __repr__(self) -> str:
        line = f"[audio] {self.info.summary}"
        return f"{line}\n        “{self.caption}”" if self.caption else line

    def _repr_html_(self) -> str:
        caption = f'<div style="font-style:italic">“{html.escape(self.caption)}”</div>' if self.caption else ""
        return (
            '<div class="g4f-audio">'
            f'<audio controls preload="metadata" src="{html.escape(self.src)}"></audio>'
            f'<div style="font-family:monospace;font-size:90%">{html.escape(self.info.summary)}</div>'
            f"{caption}</div>"
        )


def play(path: str | os.PathLike, caption: str | None = None) -> AudioPlayer:
    """A compact inline player for an audio file, with an optional caption (e.g. its transcript)."""
    return AudioPlayer(describe_audio(path), caption)
