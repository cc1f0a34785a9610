#!/usr/bin/env python3
"""Ban management as Bitcoin Core's: setban, listbanned, clearbanned against a running regtest
node, with scripted peers (tests/interop/wire_peer.py) connecting from 127.0.0.2 and 127.0.0.3.

- setban add of a connected peer's address disconnects it at once, and its reconnection is
  refused (the node logs why) while the other peer stays;
- listbanned shows Core's fields; bad input gets Core's codes (-30 invalid IP/subnet or unban
  of what was not banned, -23 already banned, -8 absolute time in the past, -1 bad command);
- the bans survive a restart (banlist.json in the node's folder);
- clearbanned lets the peer back in;
- then npm's bitcoin-core client (setBan, listBanned, clearBanned) on the same node.

Usage: ban_test.py --binary build/actorchain [--work DIR]
"""
import json
import os
import shutil
import socket
import sys
import tempfile
import time
import unittest

from rpc_test import Node, free_port, request, run_npm_checks, run_suite

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from wire_peer import WirePeer  # noqa: E402

ARGS = None
DAY = 24 * 60 * 60


def closed_by_node(sock, timeout=30):
    """Whether the node closes `sock` within `timeout` seconds (what it sends before is read)."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    finally:
        sock.close()


def connect_from(source, port):
    return socket.create_connection(("127.0.0.1", port), timeout=30,
                                    source_address=(source, 0))


class Bans(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="rpc-ban-")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.datadir = os.path.join(self.work, "data")
        self.node_id = free_port()

    def start(self):
        node = Node(ARGS.binary, self.datadir, self.node_id, ["--rpc-port", "0"],
                    chain="regtest")
        self.addCleanup(node.close)
        self.credentials = node.cookie()
        return node

    def call(self, node, method, *params):
        status, _, text = request(node.port, json.dumps(
            {"id": 1, "method": method, "params": list(params)}), self.credentials)
        body = json.loads(text)
        if body["error"] is not None:
            return body["error"]["code"], body["error"]["message"]
        self.assertEqual(status, 200, text)
        return body["result"]

    def peer_hosts(self, node):
        return sorted(peer["addr"].rsplit(":", 1)[0] for peer in self.call(node, "getpeerinfo"))

    def await_peer_hosts(self, node, hosts, timeout=30):
        deadline = time.monotonic() + timeout
        while self.peer_hosts(node) != hosts:
            if time.monotonic() > deadline:
                self.fail("peers %r, expected %r" % (self.peer_hosts(node), hosts))
            time.sleep(0.05)

    def test_a_banned_peer_is_dropped_refused_kept_out_across_restarts_then_let_back(self):
        node = self.start()
        banned = WirePeer(self.node_id, source="127.0.0.2")
        other = WirePeer(self.node_id, source="127.0.0.3")
        self.addCleanup(other.close)
        self.await_peer_hosts(node, ["127.0.0.2", "127.0.0.3"])

        before = int(time.time())
        self.assertIsNone(self.call(node, "setban", "127.0.0.2", "add"))
        self.assertTrue(closed_by_node(banned.sock), "the banned peer was not disconnected")
        self.await_peer_hosts(node, ["127.0.0.3"])
        mark = node.mark()
        self.assertTrue(closed_by_node(connect_from("127.0.0.2", self.node_id)))
        node.expect(r"refusing inbound connection from 127\.0\.0\.2:\d+: banned", 30,
                    since=mark, regex=True)

        [entry] = self.call(node, "listbanned")
        self.assertEqual(list(entry), ["address", "ban_created", "banned_until", "ban_duration",
                                       "time_remaining"])
        self.assertEqual(entry["address"], "127.0.0.2/32")
        # The node's clock and this process's may read a second apart.
        self.assertLess(abs(entry["ban_created"] - before), 60)
        self.assertEqual(entry["banned_until"] - entry["ban_created"], DAY)
        self.assertEqual(entry["ban_duration"], DAY)
        self.assertTrue(0 < entry["time_remaining"] <= DAY)

        # Core's answers to bad input.
        self.assertEqual(self.call(node, "setban", "127.0.0.2", "add"),
                         (-23, "Error: IP/Subnet already banned"))
        for bad in ("foo", "127.0.0.256", "127.0.0.0/33", "::1/129", "127.0.0.1:8333", ""):
            self.assertEqual(self.call(node, "setban", bad, "add"),
                             (-30, "Error: Invalid IP/Subnet"), bad)
        self.assertEqual(self.call(node, "setban", "127.0.0.9", "remove"),
                         (-30, "Error: Unban failed. Requested address/subnet was not "
                               "previously manually banned."))
        self.assertEqual(self.call(node, "setban", "127.0.0.9", "add", 10, True),
                         (-8, "Error: Absolute timestamp is in the past"))
        code, usage = self.call(node, "setban", "127.0.0.9", "ban")
        self.assertEqual((code, usage.splitlines()[0]),
                         (-1, 'setban "subnet" "command" ( bantime absolute )'))
        until = int(time.time()) + 3600
        self.assertIsNone(self.call(node, "setban", "2001:db8::1/32", "add", until, True))

        # A restart keeps both bans (banlist.json) and still refuses the address.
        self.assertEqual(node.stop(), 0)
        self.assertTrue(os.path.exists(os.path.join(self.datadir, str(self.node_id),
                                                    "banlist.json")))
        node = self.start()
        listed = self.call(node, "listbanned")
        self.assertEqual([(e["address"], e["banned_until"]) for e in listed],
                         [("127.0.0.2/32", entry["banned_until"]), ("2001:db8::/32", until)])
        mark = node.mark()
        self.assertTrue(closed_by_node(connect_from("127.0.0.2", self.node_id)))
        node.expect(r"refusing inbound connection from 127\.0\.0\.2:\d+: banned", 30,
                    since=mark, regex=True)

        # clearbanned lets it back.
        self.assertIsNone(self.call(node, "clearbanned"))
        self.assertEqual(self.call(node, "listbanned"), [])
        back = WirePeer(self.node_id, source="127.0.0.2")
        self.addCleanup(back.close)
        self.await_peer_hosts(node, ["127.0.0.2"])

        # The same methods through npm's bitcoin-core client.
        run_npm_checks(self, "bitcoin_core_bans.js", self.work, node.port, self.credentials)

    def test_a_banned_range_disconnects_every_peer_in_it(self):
        node = self.start()
        first = WirePeer(self.node_id, source="127.0.0.4")
        second = WirePeer(self.node_id, source="127.0.0.5")
        outside = WirePeer(self.node_id, source="127.0.0.8")
        self.addCleanup(outside.close)
        self.await_peer_hosts(node, ["127.0.0.4", "127.0.0.5", "127.0.0.8"])
        self.assertIsNone(self.call(node, "setban", "127.0.0.4/255.255.255.252", "add", 60))
        self.assertTrue(closed_by_node(first.sock))
        self.assertTrue(closed_by_node(second.sock))
        self.await_peer_hosts(node, ["127.0.0.8"])
        self.assertEqual([e["address"] for e in self.call(node, "listbanned")], ["127.0.0.4/30"])


if __name__ == "__main__":
    run_suite(work_help="where the npm client is installed (kept between runs)")
