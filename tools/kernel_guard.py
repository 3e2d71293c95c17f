"""Make every IPython kernel of an environment refuse requests until ``helpers.start()``, at setup.

``make setup``, Binder's postBuild, ``binder/venv.sh`` and ``tools/bootstrap.py`` run it with the environment's
Python: ``python tools/kernel_guard.py``. It writes ``<sys.prefix>/etc/ipython/ipython_kernel_config.py``, which
loads ``helpers._replay.before_start`` into each kernel before its first cell (IPython reads no config from a
notebook's folder, and unlike ``sitecustomize`` this runs only in kernels).
"""

from __future__ import annotations

import sys
from pathlib import Path

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


def kernel_config_path(prefix: str | Path | None = None) -> Path:
    return Path(prefix or sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"


def install(prefix: str | Path | None = None) -> Path | None:
    """Write the kernel config into ``prefix`` (this Python's environment); returns the file, or None if not written.

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


if __name__ == "__main__":
    install()
