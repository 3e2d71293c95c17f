"""Save files without ever losing one a learner already has."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

from .errors import ArgumentError, FileExistsNotOverwrittenError, FolderNotFoundError, SaveTargetError


def control_character(name: str) -> str | None:
    for character in name:
        if unicodedata.category(character) == "Cc":
            return character
    return None


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
            path.resolve(strict=True)
            why = "leads nowhere"
        except RuntimeError:
            why = "is a loop"
        except OSError as error:
            why = "is a loop" if "loop" in str(error).lower() or error.errno == 40 else "leads nowhere"
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
    """Write ``data`` to ``path`` in one step and return the path.

    An existing file is kept (and an error says so) unless ``overwrite=True``;
    a missing folder is an error, not created behind the learner's back. The
    bytes go to a temporary file first, so a failure never leaves half a file.
    Errors name ``path``, never the temporary file.
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
