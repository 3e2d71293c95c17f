"""Where the project keeps its recordings and its scratch files."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("G4F_TUTORIAL_ROOT", Path(__file__).resolve().parents[1]))
RECORDINGS_DIR = PROJECT_ROOT / "recordings"
SCRATCH_DIR = PROJECT_ROOT / ".scratch"


def relative(path: Path) -> str:
    """Show a path relative to the project when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
