#!/usr/bin/env python3
"""JSON-RPC methods that need a second node: the wallet's history and pending amounts
(listtransactions, gettransaction, getbalances' untrusted_pending) with a payment that comes
from another node's wallet; getrawtransaction with and without --txindex.

Node A (--txindex) creates a quick chain; node B (its own wallet) connects to A and syncs. Both are
driven through Python's http.client with Basic auth (tests/rpc/rpc_test.py's helpers).

Usage: two_nodes_test.py --binary build/actorchain
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import rpc_test
from rpc_test import Node, free_port, request

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

        def run(node_id, *args):
            return subprocess.run([ARGS.binary, "--chain", "quick", "--datadir", cls.datadir]
                                  + list(args), env=dict(os.environ, NODE_ID=str(node_id)),
                                  check=True, capture_output=True, text=True).stdout

        cls.a_address = run(cls.a_id, "createwallet").splitlines()[-1]
        run(cls.a_id, "createblockchain", "--address", cls.a_address)
        cls.b_address = run(cls.b_id, "createwallet").splitlines()[-1]
        cls.a_node = Node(ARGS.binary, cls.datadir, cls.a_id, ["--rpc-port", "0", "--txindex"])
        cls.b_node = Node(ARGS.binary, cls.datadir, cls.b_id,
                          ["--rpc-port", "0", "--connect", "127.0.0.1:%d" % cls.a_id])
        cls.a, cls.b = Client(cls.a_node), Client(cls.b_node)
        wait_until(lambda: cls.b.call("getblockcount") == 0, "B to adopt A's genesis")

    @classmethod
    def tearDownClass(cls):
        cls.b_node.close()
        cls.a_node.close()
        shutil.rmtree(cls.work, ignore_errors=True)

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

    def test_wallet_history_parameters_get_cores_codes(self):
        a = self.a
        self.assertEqual(a.error("listtransactions", "*", -1), (-8, "Negative count"))
        self.assertEqual(a.error("listtransactions", "*", 1, -1), (-8, "Negative from"))
        self.assertEqual(a.error("listtransactions", "*", "x")[0], -3)
        self.assertEqual(a.error("gettransaction", "00" * 32),
                         (-5, "Invalid or non-wallet transaction id"))
        self.assertEqual(a.error("gettransaction", "xyz")[0], -8)
        self.assertEqual(a.error("gettransaction")[0], -1)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    ARGS, rest = parser.parse_known_args()
    rpc_test.ARGS = ARGS
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
