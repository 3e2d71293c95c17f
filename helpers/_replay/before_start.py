"""Before ``helpers.start()``: refuse every request that would leave the machine, naming ``helpers.start()``.

After a kernel restart learners run cells out of order; a g4f cell run before the setup cell would otherwise go
online. ``import helpers`` turns the refusal on (:func:`refuse_until_started`), and every IPython kernel of an
environment set up by ``make setup``, Binder's postBuild or ``tools/bootstrap.py`` loads this module before any
cell, through ``<sys.prefix>/etc/ipython/ipython_kernel_config.py`` (:func:`install_kernel_config`; IPython reads
no config from a notebook's folder, and unlike ``sitecustomize`` this runs only in kernels). ``start()`` lifts it.
Where ``G4F_TUTORIAL_MODE`` is ``live`` or ``record`` the learner chose to go online, and nothing is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..errors import NotStartedError
from . import netguard, transport

MARKER = "# Written by helpers (g4f audio notebooks)"
KERNEL_CONFIG = f"""{MARKER}: every kernel of this environment loads helpers' guard first.
# Until helpers.start() runs, a request that would leave the machine is refused with a message naming it.
# Safe to delete; make setup, postBuild and tools/bootstrap.py write it again.
try:
    from importlib.util import find_spec as _find_spec

    if _find_spec("helpers._replay.before_start"):
        c.InteractiveShellApp.extensions.append("helpers._replay.before_start")  # noqa: F821
except Exception:  # another package called helpers, or none: nothing to load
    pass
"""

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
    """IPython extension: loading it imported ``helpers``, whose ``modes`` refuses requests until ``start()``."""


def kernel_config_path(prefix: str | Path | None = None) -> Path:
    return Path(prefix or sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"


def install_kernel_config(prefix: str | Path | None = None) -> Path | None:
    """Make every IPython kernel of this environment load the guard; returns the file, or None if not written.

    Leaves a kernel config that is not helpers' own alone, and gives up quietly where the environment cannot be
    written (a system Python).
    """
    path = kernel_config_path(prefix)
    try:
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else None
        if text is not None and not text.startswith(MARKER):
            return None
        if text != KERNEL_CONFIG:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(KERNEL_CONFIG, encoding="utf-8")
    except OSError:
        return None
    return path
