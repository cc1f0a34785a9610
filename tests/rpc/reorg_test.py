#!/usr/bin/env python3
"""A reorganisation seen through the wallet's history and the transaction index.

Node A (--txindex, its own wallet) and node B start from the same genesis (B's store is a copy
of A's) and mine apart: A confirms a payment of its wallet in block a1 (the coinbase paying
its wallet too); B mines three blocks without it. Then A connects to B and follows B's longer
chain. listtransactions, gettransaction and getrawtransaction must follow: the payment is
unconfirmed again (back in the mempool), a1's coinbase is an orphan in the wallet (Core's
category, 0 confirmations) and gone from the index (found only with a1's hash given, not in
the active chain); once A mines again, the payment is confirmed in the new block.

Usage: reorg_test.py --binary build/actorchain
"""
import os
import shutil
import unittest

import rpc_test
from rpc_test import STRANGER, Node, WorkDirTest, free_port, new_chain
from two_nodes_test import Client, wait_until

ARGS = None


class Reorg(WorkDirTest):
    def setUp(self):
        super().setUp()
        datadir = self.datadir
        a_id, self.b_id = free_port(), free_port()
        self.address = new_chain(datadir, a_id)
        # B: the same store (so the same genesis), no wallet of its own.
        shutil.copytree(os.path.join(datadir, str(a_id)), os.path.join(datadir, str(self.b_id)),
                        ignore=shutil.ignore_patterns("wallet.dat", "peers.dat", ".cookie"))
        alone = ["--rpc-port", "0", "--max-outbound", "0"]
        self.a_node = Node(ARGS.binary, datadir, a_id, alone + ["--txindex"])
        self.addCleanup(self.a_node.close)
        self.b_node = Node(ARGS.binary, datadir, self.b_id, alone)
        self.addCleanup(self.b_node.close)
        self.a, self.b = Client(self.a_node), Client(self.b_node)

    def test_history_and_txindex_follow_the_longer_chain(self):
        a, b = self.a, self.b
        self.assertEqual(a.call("getbestblockhash"), b.call("getbestblockhash"))

        paid = a.call("sendtoaddress", STRANGER, 1)
        [a1] = a.call("generatetoaddress", 1, self.address)
        a1_block = a.call("getblock", a1)
        coinbase = a1_block["tx"][0]
        self.assertEqual(a1_block["tx"][1:], [paid])
        tx = a.call("gettransaction", paid)
        self.assertEqual((tx["confirmations"], tx["blockhash"], tx["blockheight"]), (1, a1, 1))
        self.assertEqual(a.call("getrawtransaction", paid, True)["blockhash"], a1)
        self.assertEqual(a.call("getrawtransaction", coinbase, True)["blockhash"], a1)
        self.assertIn(coinbase, [e["txid"] for e in a.call("listtransactions")])

        b_blocks = b.call("generatetoaddress", 3, STRANGER)
        self.assertIsNone(a.call("addnode", "127.0.0.1:%d" % self.b_id, "onetry"))
        wait_until(lambda: a.call("getbestblockhash") == b_blocks[-1], "A to follow B's chain")

        # The payment is unconfirmed again: back in A's mempool, no block in its entries.
        wait_until(lambda: paid in a.call("getrawmempool"), "the payment back in the mempool")
        tx = a.call("gettransaction", paid)
        self.assertEqual(tx["confirmations"], 0)
        for field in ("blockhash", "blockheight", "blockindex"):
            self.assertNotIn(field, tx)
        entries = {e["txid"]: e for e in a.call("listtransactions")}
        self.assertEqual(entries[paid]["confirmations"], 0)
        self.assertNotIn("blockhash", entries[paid])
        raw = a.call("getrawtransaction", paid, True)
        self.assertNotIn("blockhash", raw)
        self.assertNotIn("confirmations", raw)
        # a1's coinbase left the active chain: the wallet keeps it as Core does, an "orphan"
        # with no block and 0 confirmations; the index no longer finds it.
        orphan = entries[coinbase]
        self.assertEqual((orphan["category"], orphan["amount"], orphan["confirmations"],
                          orphan["generated"], orphan["trusted"], orphan["address"]),
                         ("orphan", 10, 0, True, False, self.address))
        self.assertNotIn("blockhash", orphan)
        tx = a.call("gettransaction", coinbase)
        self.assertEqual((tx["amount"], tx["confirmations"],
                          [d["category"] for d in tx["details"]]), (10, 0, ["orphan"]))
        self.assertNotIn("blockhash", tx)
        self.assertEqual(a.error("getrawtransaction", coinbase)[0], -5)
        self.assertIs(a.call("getrawtransaction", coinbase, True, a1)["in_active_chain"], False)
        # B's blocks are the active chain in the index.
        b1_coinbase = a.call("getblock", b_blocks[0])["tx"][0]
        found = a.call("getrawtransaction", b1_coinbase, True)
        self.assertEqual((found["blockhash"], found["confirmations"]), (b_blocks[0], 3))

        # A mines again: the payment is confirmed in the new block, and found there.
        [a5] = a.call("generatetoaddress", 1, STRANGER)
        tx = a.call("gettransaction", paid)
        self.assertEqual((tx["confirmations"], tx["blockhash"], tx["blockheight"]), (1, a5, 4))
        self.assertEqual(a.call("getrawtransaction", paid, True)["blockhash"], a5)
        entries = {e["txid"]: e for e in a.call("listtransactions")}
        self.assertEqual(entries[paid]["blockhash"], a5)
        self.assertEqual(entries[coinbase]["category"], "orphan")  # for good


if __name__ == "__main__":
    rpc_test.run_suite()
