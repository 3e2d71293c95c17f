"""Before ``helpers.start()``: refuse every request that would leave the machine, naming ``helpers.start()``.

After a kernel restart learners run cells out of order. A g4f cell run before
the notebook's first cell would otherwise go online (the README promises
offline by default) and, failing there, leave g4f's model lists without audio.

Two ways in, both lifted by ``start()``:

- ``import helpers`` turns the refusal on (``helpers.modes`` calls
  :func:`refuse_until_started` when it is imported), so ``helpers.speak`` before
  ``start()`` is refused;
- every IPython kernel of an environment set up by ``make setup`` or Binder (or where
  ``start()`` has run once) loads
  this module as an extension at kernel start, before any cell, through
  ``<sys.prefix>/etc/ipython/ipython_kernel_config.py`` (IPython reads that
  folder for every kernel of the environment; :func:`install_kernel_config`
  writes the file). So a g4f cell run before ``import helpers`` is refused too.

Where ``G4F_TUTORIAL_MODE`` is ``live`` or ``record`` the learner chose to go online, and
nothing is refused (``start()`` still decides the mode).

Trade-offs: the file lives in the environment (``.venv``, Binder's image), not in the
notebooks' folder, because IPython does not read config from a notebook's folder;
unlike a ``.pth`` file or ``sitecustomize`` it only runs in IPython kernels, never in
pip, the Jupyter server or scripts (``python -m helpers script.py`` calls ``start()`` first).
The price is one write into the environment, made at setup: ``make setup``, Binder's postBuild and
``tools/bootstrap.py`` call :func:`install_kernel_config` (never over someone else's kernel config).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..errors import NotStartedError
from . import netguard, transport

MARKER = "# Written by helpers (g4f audio notebooks)"
KERNEL_CONFIG = (
    MARKER
    + """: every kernel of this environment loads helpers' guard first.
# Until helpers.start() runs, a request that would leave the machine is refused with a message naming it.
# Safe to delete; make setup, postBuild and tools/bootstrap.py write it again.
try:
    from importlib.util import find_spec as _find_spec

    if _find_spec("helpers._replay.before_start"):
        c.InteractiveShellApp.extensions.append("helpers._replay.before_start")  # noqa: F821
except Exception:  # another package called helpers, or none: nothing to load
    pass
"""
)

_watching: tuple[Any, Any] | None = None


def refusing() -> bool:
    """True while requests are refused because ``start()`` has not run."""
    return _watching is not None


def refuse_until_started() -> None:
    """Refuse every request off this machine until :func:`lift` (idempotent)."""
    global _watching
    if _watching is None:
        netguard.block_network(NotStartedError)
        _watching = transport.watch()


def lift() -> None:
    """``start()`` is running: take the refusal away (its own mode decides from here)."""
    global _watching
    if _watching is not None:
        transport.unwatch(_watching)
        netguard.allow_network()
        _watching = None


def load_ipython_extension(ipython: Any) -> None:
    """IPython extension: a kernel refuses requests from its first cell until ``start()``.

    Loading it imported ``helpers``, whose ``modes`` module turned the refusal on; nothing else to do.
    """


def kernel_config_path(prefix: str | Path | None = None) -> Path:
    return Path(prefix or sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"


def install_kernel_config(prefix: str | Path | None = None) -> Path | None:
    """Make every IPython kernel of this environment load the guard; returns the file, or None if not written.

    Leaves a kernel config that is not helpers' own alone, and gives up quietly where the
    environment cannot be written (a system Python).
    """
    path = kernel_config_path(prefix)
    try:
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace")
            if not text.startswith(MARKER):
                return None
            if text == KERNEL_CONFIG:
                return path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(KERNEL_CONFIG, encoding="utf-8")
    except OSError:
        return None
    return path
