"""Refuse every connection that would leave this machine.

Replay mode answers from recordings; if any library tried to reach the
internet anyway (one that vcrpy does not intercept, say), this guard turns
the attempt into an error instead of a silent network call.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import aiohttp.connector
import aiohttp.resolver

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_original_getaddrinfo = socket.getaddrinfo
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_resolver = aiohttp.connector.DefaultResolver


class NetworkBlockedError(ConnectionRefusedError):
    """A connection to a non-local address was attempted while the guard is on."""

    def __init__(self, target: Any) -> None:
        super().__init__(
            f"Blocked a network connection to {target!r}: this mode (replay, local or auto) never uses the internet. "
            "Switch with helpers.start('live') (or G4F_TUTORIAL_MODE=live) to reach the real services."
        )
        self.target = target


def is_local(host: Any) -> bool:
    """True for loopback names and addresses (and Unix sockets)."""
    if not isinstance(host, (str, bytes)):
        return False
    name = host.decode() if isinstance(host, bytes) else host
    name = name.strip("[]").split("%")[0].lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not is_local(host):
        raise NetworkBlockedError(host)
    return _original_getaddrinfo(host, *args, **kwargs)


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
        raise NetworkBlockedError(address)


def _guarded_connect(self, address):
    _check_address(self, address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _original_connect_ex(self, address)


def block_network() -> None:
    """Turn the guard on (idempotent).

    aiohttp resolves names with c-ares instead of ``socket.getaddrinfo`` when
    aiodns is installed (jupyterhub brings it into every hub image), so new
    aiohttp connectors are given the threaded resolver, which the guard sees.
    """
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    aiohttp.connector.DefaultResolver = aiohttp.resolver.ThreadedResolver


def allow_network() -> None:
    """Turn the guard off (idempotent)."""
    socket.getaddrinfo = _original_getaddrinfo
    socket.socket.connect = _original_connect
    socket.socket.connect_ex = _original_connect_ex
    aiohttp.connector.DefaultResolver = _original_resolver


def network_blocked() -> bool:
    return socket.getaddrinfo is _guarded_getaddrinfo
