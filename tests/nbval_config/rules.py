"""nbval's collection rules for the notebooks, kept with the tests (a pytest plugin: ``-p nbval_config.rules``).

pyproject.toml puts ``tests/`` on pytest's path and loads this plugin for every run, so the
notebooks folder holds only what learners open.
"""

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
