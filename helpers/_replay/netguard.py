"""The one socket guard: refuse every connection that would leave this machine, with the error of the moment.

Before ``helpers.start()`` a refused connection raises :class:`~helpers.errors.NotStartedError`; in replay, local and
auto mode, :class:`~helpers.errors.NetworkBlockedError` naming the mode, whatever library tried (one vcrpy does not
intercept, say). :mod:`.transport` unwraps it, so aiohttp and requests raise it with its message intact.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import aiohttp.connector
import aiohttp.resolver

from ..errors import NetworkBlockedError

__all__ = ["NetworkBlockedError", "allow_network", "block_network", "is_local", "refusal"]

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_original_getaddrinfo = socket.getaddrinfo
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_resolver = aiohttp.connector.DefaultResolver
_refuse: Callable[[Any], Exception] | None = None  # makes the error while the guard is on


def is_local(host: Any) -> bool:
    """True for loopback names and addresses (and Unix sockets)."""
    if not isinstance(host, (str, bytes)):
        return False
    name = (host.decode() if isinstance(host, bytes) else host).strip("[]").split("%")[0].lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def refusal(host: Any) -> Exception | None:
    """The error a connection to ``host`` meets now, or None if it may go."""
    return None if _refuse is None or host is None or is_local(host) else _refuse(host)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if error := refusal(host):
        raise error
    return _original_getaddrinfo(host, *args, **kwargs)


def _guarded(connect: Callable) -> Callable:
    """``socket.socket.connect`` or ``connect_ex``, refusing what :func:`refusal` refuses."""

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and (error := refusal(address[0])):
            raise error
        return connect(self, address)

    return guarded


def block_network(error: Callable[[Any], Exception] = NetworkBlockedError) -> None:
    """Turn the guard on; ``error(host)`` is what a refused connection raises.

    aiohttp resolves names with c-ares instead of ``socket.getaddrinfo`` when
    aiodns is installed (jupyterhub brings it into every hub image), so new
    aiohttp connectors are given the threaded resolver, which the guard sees.
    """
    global _refuse
    _refuse = error
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.socket.connect = _guarded(_original_connect)
    socket.socket.connect_ex = _guarded(_original_connect_ex)
    aiohttp.connector.DefaultResolver = aiohttp.resolver.ThreadedResolver


def allow_network() -> None:
    """Turn the guard off (idempotent)."""
    global _refuse
    _refuse = None
    socket.getaddrinfo = _original_getaddrinfo
    socket.socket.connect = _original_connect
    socket.socket.connect_ex = _original_connect_ex
    aiohttp.connector.DefaultResolver = _original_resolver
