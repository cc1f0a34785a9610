#!/usr/bin/env python3
"""JSON-RPC methods that need a second node: the wallet's history and pending amounts
(listtransactions, gettransaction, getbalances' untrusted_pending) with a payment that comes
from another node's wallet; getrawtransaction with and without --txindex.

The peers' traffic (getpeerinfo, getnettotals, ping) is checked against both nodes' trace files:
every byte counted is a message traced, per command and connection, and what one side sent is
what the other received; then through the npm bitcoin-core client.

Node A (--txindex) creates a quick chain; node B (its own wallet) connects to A and syncs. Both are
driven through Python's http.client with Basic auth (tests/rpc/rpc_test.py's helpers).

Usage: two_nodes_test.py --binary build/actorchain [--work DIR]
"""
import hashlib
import json
import os
import shutil
import tempfile
import time
import unittest

import rpc_test
from rpc_test import Node, free_port, new_chain, request, run_cli, run_npm_checks

HEADER_BYTES = 24

ARGS = None


def display_hex(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()[::-1].hex()


class Client:
    def __init__(self, node):
        self.node, self.credentials = node, node.cookie()

    def call(self, method, *params):
        status, _, text = request(self.node.port, json.dumps(
            {"id": 1, "method": method, "params": list(params)}), self.credentials)
        body = json.loads(text)
        if status != 200:
            raise AssertionError("%s%r -> HTTP %d %s" % (method, params, status, text))
        return body["result"]

    def error(self, method, *params):
        status, _, text = request(self.node.port, json.dumps(
            {"id": 1, "method": method, "params": list(params)}), self.credentials)
        self.status = status
        body = json.loads(text)
        return body["error"]["code"], body["error"]["message"]


def wait_until(predicate, what, timeout=20):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class TwoNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="rpc-two-")
        cls.datadir = os.path.join(cls.work, "data")
        cls.a_id, cls.b_id = free_port(), free_port()
        cls.a_address = new_chain(cls.datadir, cls.a_id)
        cls.b_address = run_cli(cls.datadir, cls.b_id, "createwallet",
                                check=True).stdout.splitlines()[-1]
        cls.a_trace = os.path.join(cls.work, "a.jsonl")
        cls.b_trace = os.path.join(cls.work, "b.jsonl")
        cls.a_node = Node(ARGS.binary, cls.datadir, cls.a_id,
                          ["--rpc-port", "0", "--txindex", "--trace-file", cls.a_trace])
        cls.b_node = Node(ARGS.binary, cls.datadir, cls.b_id,
                          ["--rpc-port", "0", "--connect", "127.0.0.1:%d" % cls.a_id,
                           "--trace-file", cls.b_trace])
        cls.a, cls.b = Client(cls.a_node), Client(cls.b_node)
        wait_until(lambda: cls.b.call("getblockcount") == 0, "B to adopt A's genesis")

    @classmethod
    def tearDownClass(cls):
        cls.b_node.close()
        cls.a_node.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    # ---- the peers' traffic, against the trace files (test_y_*: after the wallet's tests,
    # which pin the chain's heights) ------------------------------------------------------------
    @staticmethod
    def traced(path, entry=None):
        """Frames in a trace file, of the connection that getpeerinfo `entry` describes (all
        connections when None): {(dir, command): [messages, bytes]}, header included."""
        counted = {}
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if "command" not in record or "dir" not in record:
                    continue
                if entry and (record["local"], record["peer"]) != (entry["addrbind"],
                                                                   entry["addr"]):
                    continue
                slot = counted.setdefault((record["dir"], record["command"]), [0, 0])
                slot[0] += 1
                slot[1] += record["size"] + HEADER_BYTES
        return counted

    @staticmethod
    def per_message(counted, direction, index):
        return {command: value[index] for (way, command), value in counted.items()
                if way == direction}

    def settled(self, client, trace, what):
        """The one getpeerinfo entry of `client`, once it and the trace file agree (the trace
        is written in batches): asserts every per-command count equals the trace's."""
        last = None
        deadline = time.time() + 20
        while time.time() < deadline:
            [entry] = client.call("getpeerinfo")
            counted = self.traced(trace, entry)
            got = (entry["bytessent_per_msg"], entry["bytesrecv_per_msg"],
                   entry["msgssent_per_msg"], entry["msgsrecv_per_msg"])
            want = (self.per_message(counted, "send", 1), self.per_message(counted, "recv", 1),
                    self.per_message(counted, "send", 0), self.per_message(counted, "recv", 0))
            if got == want:
                return entry
            last = (got, want)
            time.sleep(0.1)
        self.fail("%s: getpeerinfo never matched the trace file: %r" % (what, last))

    def test_y_peer_traffic_and_fields_match_the_trace_files(self):
        a, b = self.a, self.b
        height = a.call("getblockcount") + 1
        mined = a.call("generatetoaddress", 1, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")[0]
        wait_until(lambda: b.call("getblockcount") == height, "B to get A's block")
        b_sees_a = self.settled(b, self.b_trace, "B's view of A")
        a_sees_b = self.settled(a, self.a_trace, "A's view of B")
        self.assertEqual(list(b_sees_a)[:13],
                         ["id", "addr", "addrbind", "network", "services", "servicesnames",
                          "relaytxes", "lastsend", "lastrecv", "bytessent", "bytesrecv",
                          "conntime", "timeoffset"])
        for command in ("version", "verack", "getblocks"):
            self.assertIn(command, b_sees_a["bytessent_per_msg"])
        for command in ("version", "verack", "inv", "block"):
            self.assertIn(command, b_sees_a["bytesrecv_per_msg"])
        self.assertEqual(b_sees_a["bytessent_per_msg"]["verack"], HEADER_BYTES)
        # One connection seen from both ends: the same bytes each way.
        self.assertEqual((b_sees_a["addr"], b_sees_a["addrbind"]),
                         (a_sees_b["addrbind"], a_sees_b["addr"]))
        self.assertEqual(b_sees_a["addr"], "127.0.0.1:%d" % self.a_id)
        self.assertEqual(b_sees_a["bytessent_per_msg"], a_sees_b["bytesrecv_per_msg"])
        self.assertEqual(b_sees_a["bytesrecv_per_msg"], a_sees_b["bytessent_per_msg"])
        self.assertEqual(b_sees_a["bytessent"], sum(b_sees_a["bytessent_per_msg"].values()))
        self.assertEqual(b_sees_a["bytesrecv"], sum(b_sees_a["bytesrecv_per_msg"].values()))
        self.assertEqual((a_sees_b["bytessent"], a_sees_b["bytesrecv"]),
                         (b_sees_a["bytesrecv"], b_sees_a["bytessent"]))
        now = time.time()
        for entry in (b_sees_a, a_sees_b):
            self.assertEqual((entry["network"], entry["services"], entry["servicesnames"],
                              entry["relaytxes"], entry["version"], entry["subver"],
                              entry["misbehaviour_score"]),
                             ("ipv4", "0000000000000001", ["NETWORK"], True, 70015,
                              "/actorchain:0.1/", 0))
            self.assertTrue(now - 120 < entry["lastsend"] <= now + 1)
            self.assertTrue(now - 120 < entry["lastrecv"] <= now + 1)
            self.assertTrue(now - 120 < entry["conntime"] <= now + 1)
            self.assertLessEqual(abs(entry["timeoffset"]), 2)
            self.assertIsInstance(entry["id"], int)
        # B dialled A because --connect named it: Core's "manual", as for addnode.
        self.assertEqual((b_sees_a["inbound"], b_sees_a["connection_type"]), (False, "manual"))
        self.assertEqual((a_sees_b["inbound"], a_sees_b["connection_type"]), (True, "inbound"))
        # B started with no chain; A had its genesis.
        self.assertEqual((b_sees_a["startingheight"], a_sees_b["startingheight"]), (0, -1))
        # A announced its new block to B: B knows A has it, on B's active chain.
        self.assertEqual(a.call("getbestblockhash"), mined)
        self.assertEqual((b_sees_a["synced_headers"], b_sees_a["synced_blocks"]),
                         (height, height))
        # B never announced a block to A (it got them all from A).
        self.assertEqual((a_sees_b["synced_headers"], a_sees_b["synced_blocks"]), (-1, -1))

    def test_y_ping_reaches_the_peer_and_getpeerinfo_shows_the_round_trip(self):
        a, b = self.a, self.b
        pings_at_a = lambda: self.traced(self.a_trace).get(("recv", "ping"), [0])[0]
        pongs_at_b = lambda: self.traced(self.b_trace).get(("recv", "pong"), [0])[0]
        pings, pongs = pings_at_a(), pongs_at_b()
        self.assertIsNone(b.call("ping"))
        wait_until(lambda: pings_at_a() == pings + 1, "A to receive B's ping")
        wait_until(lambda: pongs_at_b() == pongs + 1, "B to receive A's pong")
        wait_until(lambda: "pingtime" in b.call("getpeerinfo")[0], "B to report the round trip")
        [entry] = b.call("getpeerinfo")
        self.assertIsInstance(entry["pingtime"], float)
        self.assertTrue(0 <= entry["minping"] <= entry["pingtime"] < 10)
        self.assertNotIn("pingwait", entry)
        self.assertGreaterEqual(entry["msgssent_per_msg"]["ping"], 1)

    def test_y_npm_bitcoin_core_client_sees_the_peers(self):
        run_npm_checks(self, "bitcoin_core_peers.js", self.work, self.b_node.port,
                       self.b.credentials, peer="127.0.0.1:%d" % self.a_id)

    def test_wallet_history_and_pending_payments(self):
        a, b = self.a, self.b
        genesis = a.call("getblockhash", 0)
        [entry] = a.call("listtransactions")
        self.assertEqual((entry["category"], entry["amount"], entry["address"]),
                         ("generate", 10, self.a_address))
        self.assertEqual((entry["confirmations"], entry["blockhash"], entry["blockheight"],
                          entry["blockindex"], entry["generated"]), (1, genesis, 0, 0, True))
        self.assertEqual(b.call("listtransactions"), [])

        mined = a.call("generatetoaddress", 2, self.b_address)
        wait_until(lambda: b.call("getblockcount") == 2, "B to sync A's two blocks")
        self.assertEqual([e["blockhash"] for e in b.call("listtransactions")], mined)

        # B pays A: relayed to A's mempool, where it is A's untrusted pending.
        paid = b.call("sendtoaddress", self.a_address, 2.5)
        wait_until(lambda: paid in a.call("getrawmempool"), "B's payment to reach A")
        self.assertEqual(a.call("getbalances")["mine"],
                         {"trusted": 10, "untrusted_pending": 2.5, "immature": 0})
        received = a.call("listtransactions")[-1]
        self.assertEqual((received["category"], received["amount"], received["txid"],
                          received["confirmations"], received["trusted"]),
                         ("receive", 2.5, paid, 0, False))
        self.assertNotIn("blockhash", received)
        tx = a.call("gettransaction", paid)
        self.assertEqual((tx["amount"], tx["confirmations"], tx["txid"]), (2.5, 0, paid))
        self.assertNotIn("fee", tx)
        self.assertEqual(display_hex(bytes.fromhex(tx["hex"])), paid)
        self.assertEqual(tx["details"], [{"address": self.a_address, "category": "receive",
                                          "amount": 2.5, "label": "", "vout": tx["details"][0]
                                          ["vout"]}])
        self.assertEqual(a.call("gettransaction", paid, True, True)["decoded"]["txid"], paid)
        sent = b.call("gettransaction", paid)
        self.assertEqual((sent["amount"], sent["fee"]), (-2.5, 0))
        self.assertEqual([(d["category"], d["amount"], d["address"]) for d in sent["details"]],
                         [("send", -2.5, self.a_address)])
        self.assertEqual(b.call("getbalances")["mine"]["untrusted_pending"], 0)  # its own change

        # A pays B back before the block: its own payment, trusted; then both are mined.
        back = a.call("sendtoaddress", self.b_address, 1)
        self.assertEqual(a.call("getbalances")["mine"],
                         {"trusted": 9, "untrusted_pending": 2.5, "immature": 0})
        self.assertEqual([(e["category"], e["amount"]) for e in a.call("listtransactions")[-2:]],
                         [("receive", 2.5), ("send", -1)])
        block = a.call("generatetoaddress", 1, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")[0]
        self.assertEqual(a.call("getbalances")["mine"],
                         {"trusted": 11.5, "untrusted_pending": 0, "immature": 0})
        tx = a.call("gettransaction", paid)
        block_txids = a.call("getblock", block)["tx"]
        self.assertEqual((tx["confirmations"], tx["blockhash"], tx["blockheight"]), (1, block, 3))
        self.assertEqual(block_txids[tx["blockindex"]], paid)
        self.assertEqual(a.call("gettransaction", back)["blockhash"], block)

        # count and skip: the most recent `count` after skipping `skip`, oldest first.
        everything = a.call("listtransactions", "*", 100)
        self.assertEqual(len(everything), 3)
        self.assertEqual(a.call("listtransactions", "*", 1, 1), everything[1:2])
        self.assertEqual(a.call("listtransactions", "*", 2), everything[1:])
        self.assertEqual(a.call("listtransactions", "", 0), [])
        self.assertEqual(a.call("listtransactions", "other"), [])

    def test_zz_txindex_finds_any_confirmed_transaction(self):
        a, b = self.a, self.b
        genesis = a.call("getblock", a.call("getblockhash", 0), 2)
        coinbase = genesis["tx"][0]
        self.assertEqual(a.call("getrawtransaction", coinbase["txid"]), coinbase["hex"])
        verbose = a.call("getrawtransaction", coinbase["txid"], True)
        self.assertEqual((verbose["txid"], verbose["blockhash"], verbose["blocktime"]),
                         (coinbase["txid"], genesis["hash"], genesis["time"]))
        self.assertEqual(verbose["confirmations"], a.call("getblockcount") + 1)
        self.assertNotIn("in_active_chain", verbose)  # only with a block hash given, as Core
        # A block mined after the index was last read: indexed on the next question.
        block = a.call("generatetoaddress", 1, self.a_address)[0]
        newest = a.call("getblock", block)["tx"][0]
        self.assertEqual(a.call("getrawtransaction", newest, True)["blockhash"], block)
        self.assertEqual(a.error("getrawtransaction", "11" * 32),
                         (-5, "No such mempool or blockchain transaction. Use gettransaction "
                              "for wallet transactions."))
        # B runs without --txindex: only its mempool, and Core's advice.
        self.assertEqual(b.error("getrawtransaction", coinbase["txid"]),
                         (-5, "No such mempool transaction. Use -txindex or provide a block "
                              "hash to enable blockchain transaction queries. Use "
                              "gettransaction for wallet transactions."))
        self.assertEqual(b.call("getrawtransaction", coinbase["txid"], False, genesis["hash"]),
                         coinbase["hex"])

    def test_zzz_peers_addnode_remove_and_disconnectnode(self):
        a, b = self.a, self.b
        [seen_by_b] = b.call("getpeerinfo")
        self.assertEqual((seen_by_b["addr"], seen_by_b["inbound"]),
                         ("127.0.0.1:%d" % self.a_id, False))
        self.assertGreater(seen_by_b["conntime"], time.time() - 120)
        [seen_by_a] = a.call("getpeerinfo")
        self.assertIs(seen_by_a["inbound"], True)
        self.assertEqual(seen_by_a["connection_type"], "inbound")
        # B was told --connect A: addnode remove forgets that (the connection stays), once.
        self.assertIsNone(b.call("addnode", "127.0.0.1:%d" % self.a_id, "remove"))
        self.assertEqual(b.error("addnode", "127.0.0.1:%d" % self.a_id, "remove"),
                         (-24, "Error: Node could not be removed. It has not been added "
                               "previously."))
        self.assertEqual(len(b.call("getpeerinfo")), 1)
        self.assertEqual(a.error("disconnectnode", "127.0.0.1:1"),
                         (-29, "Node not found in connected nodes"))
        self.assertEqual(a.error("disconnectnode", "x", 5)[0], -32602)
        self.assertEqual(a.error("disconnectnode")[0], -32602)
        self.assertEqual(a.error("disconnectnode", "", 10 ** 9)[0], -29)
        self.assertIsNone(a.call("disconnectnode", "", seen_by_a["id"]))
        wait_until(lambda: seen_by_a["id"] not in [p["id"] for p in a.call("getpeerinfo")],
                   "A to drop the session")

    def test_zzzz_nettotals_count_every_connection_closed_ones_too(self):
        # test_zzz closed A's connection to B: once A's trace file shows that, A's totals still
        # count its bytes, and equal everything the trace file shows it sent and received.
        deadline = time.time() + 20
        while True:
            with open(self.a_trace) as f:
                closed = any(json.loads(line).get("event") == "disconnected" for line in f)
            totals = self.a.call("getnettotals")
            counted = self.traced(self.a_trace)
            sent = sum(v[1] for (way, _), v in counted.items() if way == "send")
            received = sum(v[1] for (way, _), v in counted.items() if way == "recv")
            if closed and (totals["totalbytessent"], totals["totalbytesrecv"]) == (sent, received):
                break
            if time.time() > deadline:
                self.fail("closed %s; getnettotals %r, trace (%d, %d)"
                          % (closed, totals, sent, received))
            time.sleep(0.1)
        self.assertGreater(received, 0)

    def test_wallet_history_parameters_get_cores_codes(self):
        a = self.a
        self.assertEqual(a.error("listtransactions", "*", -1), (-8, "Negative count"))
        self.assertEqual(a.error("listtransactions", "*", 1, -1), (-8, "Negative from"))
        self.assertEqual(a.error("listtransactions", "*", "x")[0], -3)
        self.assertEqual(a.error("gettransaction", "00" * 32),
                         (-5, "Invalid or non-wallet transaction id"))
        self.assertEqual(a.error("gettransaction", "xyz")[0], -8)
        self.assertEqual(a.error("gettransaction")[0], -1)


if __name__ == "__main__":
    rpc_test.run_suite(work_help="where the npm client is installed (kept between runs)")
