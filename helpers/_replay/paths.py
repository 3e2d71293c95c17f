"""Where the recordings and the scratch files of this collection are.

The project root is found from where the learner works, not from where ``helpers`` is installed: one shared install
(a hub image, a non-editable ``pip install .``) serves many learners, each with their own copy of the collection,
their own ``.scratch`` and their own recordings.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_VARIABLE = "G4F_TUTORIAL_ROOT"
_SOURCE_CHECKOUT = Path(__file__).resolve().parents[2]  # an editable install's checkout


def project_root() -> Path | None:
    """The collection this process works in.

    ``G4F_TUTORIAL_ROOT`` if set; else the nearest folder at or above the current directory that holds
    ``recordings/g4f-*.yaml``; else the checkout ``helpers`` was installed from (editable installs); else None.
    """
    if os.environ.get(ROOT_VARIABLE):
        return Path(os.environ[ROOT_VARIABLE]).resolve()
    here = Path.cwd().resolve()
    candidates = (here, *here.parents, _SOURCE_CHECKOUT)
    return next((folder for folder in candidates if any((folder / "recordings").glob("g4f-*.yaml"))), None)


def recordings_dir() -> Path:
    """``recordings/`` in the collection; FileNotFoundError saying how to find it when there is none."""
    root = project_root()
    if root is None:
        raise FileNotFoundError(
            f"Cannot find this collection's recordings from {Path.cwd()}. Open the notebooks from inside the "
            f"collection's folder (the one holding recordings/), or set {ROOT_VARIABLE} to it."
        )
    return root / "recordings"


def scratch_dir() -> Path:
    """``.scratch/`` in the collection (same file system as the notebooks, one per learner's copy)."""
    root = project_root()
    return (root / ".scratch") if root else Path.home() / ".cache" / "g4f-audio-notebooks"


def relative(path: Path) -> str:
    """Show a path relative to the collection when it lies inside it."""
    root, resolved = project_root(), Path(path).resolve()
    return resolved.relative_to(root).as_posix() if root and resolved.is_relative_to(root) else str(path)
