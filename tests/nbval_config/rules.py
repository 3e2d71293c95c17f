"""nbval's collection rules for the notebooks, kept with the tests (a pytest plugin: ``-p nbval_config.rules``).

pyproject.toml puts ``tests/`` on pytest's path and loads this plugin for every run, so the
notebooks folder holds only what learners open.
"""

from __future__ import annotations

from support import runnable

# The Russian edition (notebooks/ru/) has the English code and outputs, so make test runs only these of it
# (the English run covers the code); `make test-ru` passes --russian=all. Its exercises never run under nbval.
RUSSIAN_SAMPLE = {"00_start_here.ipynb", "02_generating_speech.ipynb"}


def pytest_addoption(parser):
    parser.addoption(
        "--russian",
        choices=["sample", "all"],
        default="sample",
        help="which notebooks of notebooks/ru/ nbval collects: the sample make test runs, or all (make test-ru)",
    )


def _in_russian_edition(collection_path) -> tuple[str, ...] | None:
    """The path's parts below notebooks/ru/, or None outside the Russian edition."""
    parts = collection_path.parts
    for i in range(len(parts) - 1):
        if parts[i] == "notebooks" and parts[i + 1] == "ru":
            return parts[i + 2 :]
    return None


def pytest_ignore_collect(collection_path, config):
    """Leave out notebooks whose optional extra is missing in this environment, and most of the Russian edition.

    CI installs the extra into .venv (tests/test_offline.py fails there without it), so notebook 08 always
    runs in CI; the g4f 0.5.2.2 environment never has it and never needs it.
    """
    russian = _in_russian_edition(collection_path)
    if russian is not None and collection_path.suffix == ".ipynb":
        if "exercises" in russian:
            return True
        if config.getoption("russian") != "all" and (len(russian) > 1 or russian[0] not in RUSSIAN_SAMPLE):
            return True
    if not runnable(collection_path.name):
        print(f"\nSkipping {collection_path.name}: the offline extra is not installed (make offline).")
        return True
    return None
