"""Ports for test nodes: one picker shared by every test process.

tests/integration/process.cpp claims ports the same way, so C++ and Python tests that run side
by side under ctest never hand out the same port.
"""

import fcntl
import os
import random
import socket
import tempfile

_CLAIMED_PORTS = []  # open files whose flock keeps each port ours until the process exits


def _claim(port):
    """Claims `port` for this process: an flock on a file named after it in a folder every test
    process shares."""
    folder = os.path.join(tempfile.gettempdir(), "actorchain-test-ports")
    os.makedirs(folder, exist_ok=True)
    try:
        os.chmod(folder, 0o777)
    except OSError:
        pass
    handle = open(os.path.join(folder, str(port)), "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    _CLAIMED_PORTS.append(handle)
    return True


def free_port():
    """A port of 127.0.0.1 free now, outside the kernel's ephemeral range: a port inside it can
    become the local port of an outgoing connection (the nodes dial each other) before a node
    binds it. Ports outside it are only taken by an explicit bind."""
    low, high = 32768, 60999
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(v) for v in f.read().split())
    except (OSError, ValueError):
        pass
    first, last = (10000, low - 1) if low - 1 - 10000 >= 5000 else (high + 1, 65535)
    for _ in range(1000):
        port = random.randint(first, last)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        if _claim(port):
            return port
    raise RuntimeError("no free port outside the ephemeral range")
