"""A small real actorchain network run whose wire traffic the decoder checks examine.

A central node on CENTRAL_PORT; every other party reaches it at PEER_PORT (the central port
itself, or a recording proxy in front of it):
  - a wallet node syncs the chain (version, verack, getblocks, inv, getdata, block, addr),
  - a miner node (--min-txs 1) syncs too and stays connected,
  - the stopped wallet hands a transaction to the central node (send without --mine), which
    relays it to the miner (inv, getdata, tx); the miner mines it and announces the block,
  - a scripted peer (python-bitcoinlib) pings the central node and asks it for a block and a
    transaction it does not have (pong, notfound).
Run with the demo chain, so the traffic carries the demo magic ac 70 c4 1a.
"""

import hashlib
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from node_process import NodeProcess  # noqa: E402
from ports import free_port  # noqa: E402

DEMO_MAGIC = bytes.fromhex("ac70c41a")


def start_node(binary, datadir, node_id, args):
    """A node of the scenario: demo chain, its RPC on a port of its own choosing."""
    return NodeProcess(binary, datadir, node_id, ["--rpc-port", "0"] + args)


def run_command(binary, datadir, node_id, args):
    env = dict(os.environ, NODE_ID=str(node_id))
    done = subprocess.run([binary, "--datadir", datadir] + args, env=env,
                          capture_output=True, text=True, timeout=120)
    return done


def last_line(binary, datadir, node_id, args):
    done = run_command(binary, datadir, node_id, args)
    if done.returncode != 0:
        raise RuntimeError("%s failed: %s%s" % (args[0], done.stdout, done.stderr))
    return done.stdout.strip().splitlines()[-1]


def frame(command, payload, magic):
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return (magic + command.encode().ljust(12, b"\0") + struct.pack("<I", len(payload))
            + checksum + payload)


def read_frames(sock, wanted, timeout):
    """Reads frames until every command in `wanted` was seen; returns the commands seen."""
    sock.settimeout(timeout)
    buffer = b""
    seen = []
    deadline = time.monotonic() + timeout
    while not wanted.issubset(seen):
        if time.monotonic() > deadline:
            raise RuntimeError("scripted peer saw %s, still waiting for %s" % (seen, wanted))
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("node closed the scripted peer's connection after %s" % seen)
        buffer += chunk
        while len(buffer) >= 24:
            length = struct.unpack("<I", buffer[16:20])[0]
            if len(buffer) < 24 + length:
                break
            seen.append(buffer[4:16].rstrip(b"\0").decode())
            buffer = buffer[24 + length:]
    return seen


def scripted_peer(port, magic, start_height):
    """Handshakes with a node, pings it and asks for unknown data: provokes pong and notfound."""
    import bitcoin.messages as messages
    from bitcoin.net import CInv

    version = messages.msg_version(70015)
    version.nStartingHeight = start_height
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(frame("version", payload_of(version), magic))
        read_frames(sock, {"version", "verack"}, 30)
        sock.sendall(frame("verack", b"", magic))
        sock.sendall(frame("ping", struct.pack("<Q", 0x5eed), magic))
        getdata = messages.msg_getdata()
        for kind in (1, 2):  # an unknown tx, an unknown block
            item = CInv()
            item.type = kind
            item.hash = bytes([kind]) * 32
            getdata.inv.append(item)
        sock.sendall(frame("getdata", payload_of(getdata), magic))
        read_frames(sock, {"pong", "notfound"}, 30)


def payload_of(message):
    import io
    out = io.BytesIO()
    message.msg_ser(out)
    return out.getvalue()



def run(binary, workdir, central_port, peer_port=None, before_scripted_peer=None):
    """Runs the scenario; every node started here is stopped before returning."""
    peer_port = peer_port or central_port
    datadir = os.path.join(workdir, "data")
    wallet_port, miner_port = free_port(), free_port()
    central_address = last_line(binary, datadir, central_port, ["createwallet"])
    wallet_address = last_line(binary, datadir, wallet_port, ["createwallet"])
    miner_address = last_line(binary, datadir, miner_port, ["createwallet"])
    last_line(binary, datadir, central_port, ["createblockchain", "--address", central_address])
    last_line(binary, datadir, central_port, ["send", "--from", central_address, "--to",
                                              wallet_address, "--amount", "2", "--mine"])
    central_endpoint = "127.0.0.1:%d" % central_port
    peer_endpoint = "127.0.0.1:%d" % peer_port
    nodes = []
    try:
        central = start_node(binary, datadir, central_port, ["--connect", central_endpoint])
        nodes.append(central)
        central.expect("listening on")

        wallet = start_node(binary, datadir, wallet_port, ["--connect", peer_endpoint])
        nodes.append(wallet)
        wallet.expect("new tip height=1 ")
        wallet.stop()

        miner = start_node(binary, datadir, miner_port, ["--connect", peer_endpoint, "--miner",
                                                   miner_address, "--min-txs", "1"])
        nodes.append(miner)
        miner.expect("new tip height=1 ")

        sent = run_command(binary, datadir, wallet_port,
                           ["send", "--from", wallet_address, "--to", miner_address,
                            "--amount", "1", "--connect", peer_endpoint])
        if sent.returncode != 0:
            raise RuntimeError("send exited %d: %s" % (sent.returncode, sent.stderr.strip()))
        miner.expect("mined block")
        central.expect("new tip height=2 ")

        if before_scripted_peer:
            before_scripted_peer()
        scripted_peer(peer_port, DEMO_MAGIC, 0)
        central.expect("pong")
    finally:
        for node in reversed(nodes):
            node.stop()


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="run the decoder scenario")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--central-port", type=int, required=True)
    options = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    run(options.binary, options.workdir, options.central_port)
