"""nbval collection rules for the notebooks folder."""

from __future__ import annotations

from helpers import offline


def pytest_ignore_collect(collection_path, config):
    """Leave out notebooks whose optional extra is missing in this environment.

    CI installs the extra into .venv (tests/test_offline.py fails there without it), so notebook 08 always
    runs in CI; the g4f 0.5.2.2 environment never has it and never needs it.
    """
    if not offline.runnable(collection_path.name):
        print(f"\nSkipping {collection_path.name}: the offline extra is not installed (make offline).")
        return True
    return None
