"""nbval collection rules for the notebooks folder."""

from __future__ import annotations

import os

from helpers import offline

NEEDS_OFFLINE_EXTRA = {"08_speech_without_the_internet.ipynb"}


def pytest_ignore_collect(collection_path, config):
    """Leave out notebooks whose optional extra is missing (CI installs it, so there it always runs)."""
    if collection_path.name in NEEDS_OFFLINE_EXTRA and not offline.installed():
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{collection_path.name} needs the offline extra; CI installs it with make offline.")
        print(f"\nSkipping {collection_path.name}: the offline extra is not installed (make offline).")
        return True
    return None
