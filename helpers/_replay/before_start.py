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
The price is one write into the environment: ``make setup`` and Binder's postBuild
make it, and ``start()`` makes it where they did not (never over someone else's kernel config).
"""

from __future__ import annotations

import functools
import socket
import sys
from pathlib import Path
from typing import Any

from ..errors import NotStartedError
from . import netguard  # imported first: its saved socket functions are the real ones

MARKER = "# Written by helpers (g4f audio notebooks)"
KERNEL_CONFIG = (
    MARKER
    + """: every kernel of this environment loads helpers' guard first.
# Until helpers.start() runs, a request that would leave the machine is refused with a message naming it.
# Safe to delete; helpers.start() writes it again.
try:
    from importlib.util import find_spec as _find_spec

    if _find_spec("helpers._replay.before_start"):
        c.InteractiveShellApp.extensions.append("helpers._replay.before_start")  # noqa: F821
except Exception:  # another package called helpers, or none: nothing to load
    pass
"""
)

_saved: dict[str, Any] = {}


def _refuse_getaddrinfo(host, *args, **kwargs):
    if host is not None and not netguard.is_local(host):
        raise NotStartedError(host)
    return netguard._original_getaddrinfo(host, *args, **kwargs)


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not netguard.is_local(address[0]):
        raise NotStartedError(address[0])


def _refuse_connect(self, address):
    _check(self, address)
    return netguard._original_connect(self, address)


def _refuse_connect_ex(self, address):
    _check(self, address)
    return netguard._original_connect_ex(self, address)


def _refusing(request: Any) -> Any:
    @functools.wraps(request)
    async def refused(self: Any, method: str, url: Any, **kwargs: Any) -> Any:
        from yarl import URL

        host = URL(str(url)).host
        if not netguard.is_local(host or ""):
            raise NotStartedError(host)
        return await request(self, method, url, **kwargs)

    refused.__refuses_until_started__ = True
    return refused


def _refusing_send(send: Any) -> Any:
    @functools.wraps(send)
    def refused(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        from urllib.parse import urlsplit

        host = urlsplit(request.url).hostname
        if not netguard.is_local(host or ""):
            raise NotStartedError(host)
        return send(self, request, *args, **kwargs)

    refused.__refuses_until_started__ = True
    return refused


def refusing() -> bool:
    """True while requests are refused because ``start()`` has not run."""
    return socket.getaddrinfo is _refuse_getaddrinfo


def refuse_until_started() -> None:
    """Refuse every request off this machine until :func:`lift` (idempotent)."""
    if refusing():
        return
    socket.getaddrinfo = _refuse_getaddrinfo
    socket.socket.connect = _refuse_connect
    socket.socket.connect_ex = _refuse_connect_ex
    import aiohttp

    current = aiohttp.ClientSession._request
    if not getattr(current, "__refuses_until_started__", False):
        _saved["aiohttp"] = current
        aiohttp.ClientSession._request = _refusing(current)
    try:  # g4f fetches model lists with requests: refuse there too, before requests wraps the error
        from requests.adapters import HTTPAdapter
    except ImportError:
        return
    if not getattr(HTTPAdapter.send, "__refuses_until_started__", False):
        _saved["requests"] = HTTPAdapter.send
        HTTPAdapter.send = _refusing_send(HTTPAdapter.send)


def lift() -> None:
    """``start()`` is running: take the refusal away (its own mode decides from here)."""
    if refusing():
        netguard.allow_network()
    if "aiohttp" in _saved:
        import aiohttp

        if getattr(aiohttp.ClientSession._request, "__refuses_until_started__", False):
            aiohttp.ClientSession._request = _saved["aiohttp"]
        del _saved["aiohttp"]
    if "requests" in _saved:
        from requests.adapters import HTTPAdapter

        if getattr(HTTPAdapter.send, "__refuses_until_started__", False):
            HTTPAdapter.send = _saved["requests"]
        del _saved["requests"]


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
