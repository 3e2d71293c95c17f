"""Loaded by every Python process started with this folder on PYTHONPATH (Jupyter kernels included).

Independent of helpers on purpose: it refuses every connection that is not to
the loopback interface and writes each attempt to $NETWORK_ATTEMPTS_LOG, so a
test can prove that nothing tried to leave the machine.
"""

import ipaddress
import os
import socket

_LOG = os.environ.get("NETWORK_ATTEMPTS_LOG")
_getaddrinfo, _connect = socket.getaddrinfo, socket.socket.connect


def _local(host):
    if isinstance(host, bytes):
        host = host.decode()
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(target):
    with open(_LOG, "a") as log:
        log.write(f"{os.getpid()} {target!r}\n")
    raise ConnectionRefusedError(f"test guard: no network outside loopback ({target!r})")


def getaddrinfo(host, *args, **kwargs):
    if not _local(host):
        _refuse(host)
    return _getaddrinfo(host, *args, **kwargs)


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse(address)
    return _connect(self, address)


if _LOG:
    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect
