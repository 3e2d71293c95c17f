"""Before ``helpers.start()``: refuse every request that would leave the machine, naming ``helpers.start()``.

After a kernel restart learners run cells out of order; a g4f cell run before the setup cell would otherwise go
online. ``import helpers`` turns the refusal on (:func:`refuse_until_started`), and every IPython kernel of an
environment set up by ``make setup``, Binder's postBuild or ``tools/bootstrap.py`` loads this module before any
cell, through the kernel config ``tools/kernel_guard.py`` writes there at setup. ``start()`` lifts it.
Where ``G4F_TUTORIAL_MODE`` is ``live`` or ``record`` the learner chose to go online, and nothing is refused.
"""

from __future__ import annotations

from typing import Any

from ..errors import NotStartedError
from . import netguard, transport

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
