#!/usr/bin/env python3
"""TCP throughput between two hosts of the network benchmark (scripts/bench-network.sh).

  throughput.py serve PORT          accepts one connection, reads to its end, prints "MB/s bytes"
  throughput.py send HOST PORT MIB  connects (retrying for 5 s while the server starts), sends MIB

The server times from the first byte to the end, so connection set-up is not counted.
"""
import socket
import sys
import time


def serve(port):
    with socket.create_server(("0.0.0.0", port)) as server:
        conn, _ = server.accept()
        with conn:
            total, first = 0, None
            while chunk := conn.recv(1 << 16):
                first = first or time.monotonic()
                total += len(chunk)
            seconds = time.monotonic() - first if first else 0
            print(f"{total / seconds / 1e6 if seconds else 0:.1f} {total}")


def send(host, port, mib):
    deadline = time.monotonic() + 5
    while True:
        try:
            conn = socket.create_connection((host, port), timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    with conn:
        conn.sendall(bytes(mib << 20))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
