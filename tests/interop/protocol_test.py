#!/usr/bin/env python3
"""The parts of Bitcoin Core's protocol a real peer relies on, against one regtest node.

Scripted peers (wire_peer.py) check, in order:
- our version: NODE_NETWORK and no other service bit (no NODE_WITNESS, no NODE_BLOOM), relay on,
  and `sendheaders` after the handshake (BIP130, the peer speaks 70015); none to a 70011 peer;
- getblocks with an empty or unmatched locator is answered from block 1;
- hashContinue: after the last block of a full 500-entry inv is served, an inv of the tip follows;
- getheaders answers 2,000 headers at most, the stop header included; an empty locator asks for
  the stop's header alone;
- messages we do not implement and a witness-serialized transaction are ignored without penalty;
- BIP130 announcements: a peer that sent sendheaders and has the parent gets a new block as its
  header; one that lacks the parent gets an inv (and headers once it fetched that block); a peer
  that never sent sendheaders gets an inv;
- BIP130 received: a block announced to the node by its header is fetched (getdata) and becomes
  the tip; headers that do not connect are answered with getheaders; a header without its proof
  of work gets its sender disconnected;
- the relay flag: a peer whose version said relay=0 hears of no transaction, one with relay=1
  does; mempool (BIP35) is answered with an inv of the mempool's transactions the peer was not
  told of yet, whatever the flag.

Ports come from the shared picker (tests/pylib/ports.py); the node is stopped and the work
directory removed at the end, also on failure.

Usage: protocol_test.py --binary build/actorchain
"""
import argparse
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from interop_test import Actorchain, await_state, log, log_has  # noqa: E402
from wire_peer import (WirePeer, coinbase, compact_size, header_hashes, inventory,  # noqa: E402
                       locator_payload, mine_block, sha256d)

BLOCKS = 2_001
MSG_TX, MSG_BLOCK = 1, 2
NODE_NETWORK = 1


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def getdata_payload(hashes):
    return compact_size(len(hashes)) + b"".join(
        struct.pack("<I", MSG_BLOCK) + bytes.fromhex(h)[::-1] for h in hashes)


def headers_payload(raw_headers):
    return compact_size(len(raw_headers)) + b"".join(h + b"\0" for h in raw_headers)


def has_block(hash_hex):
    """An inv/getdata filter: the payload names this block."""
    return lambda payload: (MSG_BLOCK, hash_hex) in inventory(payload)


def check_version_and_getblocks(node, hashes, genesis):
    peer = WirePeer(node.node_id)
    services, = struct.unpack("<Q", peer.their_version[4:12])
    check(services == NODE_NETWORK, "our services: %#x" % services)
    check(peer.their_version[-1] == 1, "our relay flag: %r" % peer.their_version[-1:])
    peer.wait_for("sendheaders")
    old = WirePeer(node.node_id, protocol=70011)
    old.send("ping", b"\x01" * 8)
    while True:  # everything up to the pong: no sendheaders among it
        command, payload = old.receive()
        check(command != "sendheaders", "sendheaders to a 70011 peer")
        if command == "pong":
            break
    old.close()
    log("version: NODE_NETWORK only, relay on; sendheaders to a 70015 peer, none to 70011")

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
    peer.send("getdata", getdata_payload(hashes[:500]))
    for i in range(500):
        got = sha256d(peer.wait_for("block")[:80])[::-1].hex()
        check(got == hashes[i], "block %d: %s" % (i, got))
    command, payload = peer.receive()
    check(command == "inv" and inventory(payload) == [(MSG_BLOCK, hashes[-1])],
          "right after the 500th block: %s %s" % (command, payload[:40].hex()))
    log("the 500th block served, the tip announced at once (hashContinue)")
    return peer


def check_getheaders(peer, hashes, genesis):
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


def check_ignored(node, peer):
    witness_tx = (b"\x01\x00\x00\x00\x00\x01\x01" + b"\x22" * 32 + b"\x00\x00\x00\x00" +
                  b"\x00\xff\xff\xff\xff\x01" + b"\x00" * 8 + b"\x01\x51\x01\x01\x01" +
                  b"\x00\x00\x00\x00")
    for command, payload in (("feefilter", b"\xe8\x03" + b"\x00" * 6),
                             ("wtxidrelay", b""), ("sendaddrv2", b""),
                             ("getcfilters", b"\x00" + b"\x00" * 4 + b"\x00" * 32),
                             ("tx", witness_tx)):
        peer.send(command, payload)
    peer.send("ping", b"\x07" * 8)
    check(peer.wait_for("pong") == b"\x07" * 8, "pong")
    # The log is written in batches: once the pong's line is there, any charge before it is too.
    pong_line = "pong nonce=%d" % struct.unpack("<Q", b"\x07" * 8)
    await_state("the pong in the log", lambda: log_has(node.logfile, pong_line), 10)
    check(not log_has(node.logfile, "misbehaving"), "a peer was charged for an unknown message")
    log("feefilter, wtxidrelay, sendaddrv2, getcfilters, a witness tx: ignored")


def check_announcements(node, peer):
    """`peer` has the tip (its headers came in getheaders answers) and asks for headers."""
    peer.send("sendheaders", b"")
    other = WirePeer(node.node_id)  # never sends sendheaders
    fresh = WirePeer(node.node_id)  # sends it, but has told us of no block
    fresh.send("sendheaders", b"")
    for p, nonce in ((peer, b"\x08"), (fresh, b"\x09")):
        p.send("ping", nonce * 8)
        p.wait_for("pong")  # sendheaders was handled before the block below
    new_block = node.rpc("generatetoaddress", 1, node.address)[0]
    check(header_hashes(peer.wait_for("headers")) == [new_block], "headers announcement")
    check(inventory(other.wait_for("inv", has_block(new_block))) == [(MSG_BLOCK, new_block)],
          "inv announcement to the peer that did not ask for headers")
    check(inventory(fresh.wait_for("inv", has_block(new_block))) == [(MSG_BLOCK, new_block)],
          "inv announcement to the peer that lacks the parent")
    fresh.send("getdata", getdata_payload([new_block]))
    fresh.wait_for("block")
    second = node.rpc("generatetoaddress", 1, node.address)[0]
    check(header_hashes(fresh.wait_for("headers")) == [second], "headers once it has the parent")
    check(header_hashes(peer.wait_for("headers")) == [second], "headers again")
    log("sendheaders: new blocks announced by their headers; by inv to a peer that did not ask "
        "or lacks the parent, by headers once it fetched the parent")
    fresh.close()
    return other


def check_received_headers(node):
    tip = node.rpc("getblockheader", node.rpc("getbestblockhash"))
    height = tip["height"] + 1
    raw, block_hash = mine_block(tip["hash"], tip["time"], height, [coinbase(height, b"\x51")])
    announcer = WirePeer(node.node_id)
    announcer.send("headers", headers_payload([raw[:80]]))
    announcer.wait_for("getdata", has_block(block_hash))
    announcer.send("block", raw)
    await_state("the announced block as the tip",
                lambda: node.rpc("getbestblockhash") == block_hash, 30)
    log("a block announced to the node by its header was fetched and became the tip")

    stray, _ = mine_block("11" * 32, tip["time"], height, [coinbase(height, b"\x51")])
    announcer.send("headers", headers_payload([stray[:80]]))
    asked = announcer.wait_for("getheaders")
    check(asked[4:5] != b"\x00", "getheaders with our locator")
    log("headers that do not connect: answered with getheaders and our locator")
    announcer.close()

    cheat = WirePeer(node.node_id)
    header = bytearray(raw[:80])
    while True:  # a header whose hash is above its target (half of them on regtest)
        header[76:80] = struct.pack("<I", (struct.unpack("<I", header[76:80])[0] + 1) % 2**32)
        if int.from_bytes(sha256d(bytes(header))[::-1], "big") > 0x7fffff << (8 * (0x20 - 3)):
            break
    cheat.send("headers", headers_payload([bytes(header)]))
    try:
        while True:
            cheat.receive()
    except (AssertionError, OSError):
        pass  # closed by the node
    needle = "misbehaving (+100, score 100): bad headers: high-hash"
    await_state("the log line '%s'" % needle, lambda: log_has(node.logfile, needle), 10)
    log("a header without its proof of work: its sender charged 100 and disconnected")


def check_relay_flag(node, listener):
    """`listener` asked for transactions (relay=1)."""
    quiet = WirePeer(node.node_id, relay=False)
    txid = node.rpc("sendtoaddress", node.address, 1)
    listener.wait_for("inv", lambda p: (MSG_TX, txid) in inventory(p))
    # The quiet peer's next inv, if any, must not name it: a ping's pong marks the end.
    quiet.send("ping", b"\x0a" * 8)
    while True:
        command, payload = quiet.receive()
        if command == "inv":
            check((MSG_TX, txid) not in inventory(payload), "a tx inv to a relay=0 peer")
        if command == "pong":
            break
    log("relay=0: the peer hears of no transaction; a relay=1 peer does")
    quiet.send("mempool", b"")
    check((MSG_TX, txid) in inventory(quiet.wait_for("inv")), "mempool answer")
    log("mempool: answered with an inv of the mempool's transactions the peer was not told of, "
        "whatever its relay flag")
    quiet.close()


def run(binary, work):
    node = Actorchain("node", binary, work)
    node.start("none")
    try:
        hashes = node.rpc("generatetoaddress", BLOCKS, node.address)
        genesis = node.rpc("getblockhash", 0)
        log("node mined %d blocks" % len(hashes))
        peer = check_version_and_getblocks(node, hashes, genesis)
        check_getheaders(peer, hashes, genesis)
        check_ignored(node, peer)
        other = check_announcements(node, peer)
        check_received_headers(node)
        check_relay_flag(node, other)
        peer.close()
        other.close()
    except BaseException:
        print(node.tail(30), flush=True)
        raise
    finally:
        node.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    # ctest's timeout ends the run through the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("protocol_test: terminated"))
    work = tempfile.mkdtemp(prefix="protocol-test-")
    try:
        run(os.path.abspath(args.binary), work)
        log("all protocol checks passed")
        return 0
    except (AssertionError, OSError, subprocess.SubprocessError) as e:
        log("FAILED: %s: %s" % (type(e).__name__, e))
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
