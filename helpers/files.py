"""Save files without ever losing one a learner already has."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import FileExistsNotOverwrittenError


def check_target(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Raise a clear error if ``path`` cannot be written as asked; return it as a Path.

    Call it before slow work (a request to a service) so a mistake costs nothing.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"The folder {str(path.parent)!r} does not exist. Create it first "
            f"(Path({str(path.parent)!r}).mkdir(parents=True)) or save somewhere else."
        )
    if path.exists() and not overwrite:
        raise FileExistsNotOverwrittenError(
            f"{str(path)!r} already exists and was left as it is. "
            "Choose another name, or pass overwrite=True to replace it."
        )
    return path


def save_bytes(data: bytes, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` in one step and return the path.

    An existing file is kept (and an error says so) unless ``overwrite=True``;
    a missing folder is an error, not created behind the learner's back. The
    bytes go to a temporary file first, so a failure never leaves half a file.
    """
    path = check_target(path, overwrite=overwrite)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        if overwrite:
            os.replace(temporary, path)
        else:
            _move_without_replacing(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def _move_without_replacing(temporary: str, path: Path) -> None:
    """Give the finished file its name, unless a file of that name appeared meanwhile."""
    try:
        os.link(temporary, path)  # atomic: fails if the name is taken
        os.unlink(temporary)
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links (FAT/exFAT sticks, some network folders)
        if path.exists():
            raise FileExistsNotOverwrittenError(f"{str(path)!r} appeared while saving and was left as it is.") from None
        os.replace(temporary, path)
