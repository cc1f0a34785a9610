#!/usr/bin/env python3
"""The parts of Bitcoin Core's protocol a real peer relies on, against one regtest node.

A scripted peer (wire_peer.py) checks: getblocks with an empty or unmatched locator is answered
from block 1; after the last block of a 500-entry inv is served, the tip is announced so that
the peer asks again (Core's hashContinue); getheaders answers 2,000 headers at most, the stop
header included, and an empty locator asks for the stop's header alone; a peer that sent
sendheaders (BIP130) gets new blocks announced as headers; mempool (BIP35) is answered with an
inv of the mempool; messages we do not implement and a witness-serialized transaction are
ignored without penalty (the peer stays connected and its pings are answered).

Usage: protocol_test.py --binary build/actorchain
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "decoders"))
from interop_test import Actorchain, log  # noqa: E402
from wire_peer import WirePeer, header_hashes, inventory, locator_payload  # noqa: E402

BLOCKS = 2_001
MSG_TX, MSG_BLOCK = 1, 2


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def run(binary, work):
    node = Actorchain("node", binary, work)
    node.start("none")
    try:
        hashes = node.rpc("generatetoaddress", BLOCKS, node.address)
        genesis = node.rpc("getblockhash", 0)
        log("node mined %d blocks" % len(hashes))

        peer = WirePeer(node.node_id)
        for locator in ([], ["11" * 32]):
            peer.send("getblocks", locator_payload(locator))
            items = inventory(peer.wait_for("inv"))
            check(len(items) == 500 and items[0] == (MSG_BLOCK, hashes[0]),
                  "getblocks %r: %d items, first %s" % (locator, len(items), items[:1]))
        log("getblocks with an empty or unmatched locator: 500 hashes from block 1")

        # hashContinue: once the 500th block is served, an inv of the tip follows.
        peer.send("getblocks", locator_payload([genesis]))
        items = inventory(peer.wait_for("inv"))
        check([h for _, h in items] == hashes[:500], "getblocks from the genesis")
        payload = bytearray(b"\xfd" + (500).to_bytes(2, "little"))
        for _, h in items:
            payload += MSG_BLOCK.to_bytes(4, "little") + bytes.fromhex(h)[::-1]
        peer.send("getdata", bytes(payload))
        for _ in range(500):
            peer.wait_for("block")
        tip_inv = inventory(peer.wait_for("inv"))
        check(tip_inv == [(MSG_BLOCK, hashes[-1])], "after the 500th block: %s" % tip_inv)
        log("the 500th block served, the tip announced (hashContinue)")

        peer.send("getheaders", locator_payload([genesis]))
        got = header_hashes(peer.wait_for("headers"))
        check(got == hashes[:2000], "getheaders from the genesis: %d headers" % len(got))
        peer.send("getheaders", locator_payload([hashes[1999]]))
        check(header_hashes(peer.wait_for("headers")) == hashes[2000:], "the rest")
        peer.send("getheaders", locator_payload([genesis], stop=hashes[9]))
        check(header_hashes(peer.wait_for("headers")) == hashes[:10], "up to the stop")
        peer.send("getheaders", locator_payload([], stop=hashes[4]))
        check(header_hashes(peer.wait_for("headers")) == [hashes[4]], "the stop alone")
        log("getheaders: 2,000 at most, the stop included, an empty locator the stop alone")

        # Messages we do not implement, and a transaction in segwit's serialization.
        witness_tx = (b"\x01\x00\x00\x00\x00\x01\x01" + b"\x22" * 32 + b"\x00\x00\x00\x00" +
                      b"\x00\xff\xff\xff\xff\x01" + b"\x00" * 8 + b"\x01\x51\x01\x01\x01" +
                      b"\x00\x00\x00\x00")
        for command, payload in (("sendcmpct", b"\x00" + b"\x01" + b"\x00" * 7),
                                 ("feefilter", b"\xe8\x03" + b"\x00" * 6),
                                 ("wtxidrelay", b""), ("sendaddrv2", b""),
                                 ("getcfilters", b"\x00" + b"\x00" * 4 + b"\x00" * 32),
                                 ("tx", witness_tx)):
            peer.send(command, payload)
        peer.send("ping", b"\x07" * 8)
        check(peer.wait_for("pong") == b"\x07" * 8, "pong")
        with open(node.logfile) as f:
            check("misbehaving" not in f.read(), "a peer was charged for an unknown message")
        log("sendcmpct, feefilter, wtxidrelay, sendaddrv2, getcfilters, a witness tx: ignored")

        # BIP130: this peer asked for headers; a second peer did not.
        peer.send("sendheaders", b"")
        other = WirePeer(node.node_id)
        peer.send("ping", b"\x08" * 8)
        peer.wait_for("pong")  # sendheaders was handled before the block below
        new_block = node.rpc("generatetoaddress", 1, node.address)[0]
        check(header_hashes(peer.wait_for("headers")) == [new_block], "headers announcement")
        check(inventory(other.wait_for("inv", lambda p: MSG_BLOCK.to_bytes(4, "little") in p))
              == [(MSG_BLOCK, new_block)], "inv announcement to the other peer")
        log("sendheaders: the new block announced by its header; by inv to a peer that did not ask")

        # BIP35: the mempool's transactions, even those this peer was told of already.
        txid = node.rpc("sendtoaddress", node.address, 1)
        other.wait_for("inv", lambda p: (MSG_TX, txid) in inventory(p))
        other.send("mempool", b"")
        check((MSG_TX, txid) in inventory(other.wait_for("inv")), "mempool answer")
        log("mempool: answered with an inv of the mempool")
        peer.close()
        other.close()
    finally:
        node.stop()
        print(node.tail(5))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="protocol-test-")
    try:
        run(os.path.abspath(args.binary), work)
        return 0
    except (AssertionError, OSError, subprocess.SubprocessError) as e:
        log("FAILED: %s: %s" % (type(e).__name__, e))
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
