#!/usr/bin/env python3
"""invalidateblock and reconsiderblock on regtest, as an operator or a reorganisation test uses
them in Bitcoin Core.

One node: 101 blocks to its wallet (so coinbases are mature), then ten blocks, payments in the
5th and 6th. Invalidating the 5th cuts the chain back to the 4th (getchaintips shows the rest
as "invalid"); the first payment goes back to the mempool, the second (spending a coinbase not
mature on the shorter chain) does not; two blocks mined on the new tip confirm the first with a
third payment; reconsidering the 5th brings the longer chain back and the third payment back
to the mempool. Core's errors, and the same calls through npm's bitcoin-core
client.

Two nodes: B follows A, invalidates one of A's blocks and refuses A's next block on that
branch, without disconnecting or scoring A; reconsidering follows A again.

Usage: invalidate_test.py --binary build/actorchain [--work DIR]
"""
import json
import os
import shutil
import tempfile
import unittest

import rpc_test
from rpc_test import STRANGER, Node, free_port, new_wallet, request, run_npm_checks
from two_nodes_test import Client, wait_until

ARGS = None
MATURITY = 100  # regtest's coinbase maturity


def mempool(client):
    return set(client.call("getrawmempool"))


def pay_from(client, address, amount):
    """sendtoaddress with actorchain's from_address, by name: pays from `address`'s coins."""
    status, _, text = request(client.node.port, json.dumps(
        {"id": 1, "method": "sendtoaddress",
         "params": {"address": STRANGER, "amount": amount, "from_address": address}}),
        client.credentials)
    body = json.loads(text)
    if status != 200:
        raise AssertionError("sendtoaddress -> HTTP %d %s" % (status, text))
    return body["result"]


class InvalidateOneNode(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="rpc-invalidate-")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        datadir = os.path.join(self.work, "data")
        node_id = free_port()
        self.address = new_wallet(datadir, node_id, "regtest")
        self.spare = new_wallet(datadir, node_id, "regtest")
        self.late = new_wallet(datadir, node_id, "regtest")
        self.node = Node(ARGS.binary, datadir, node_id, ["--rpc-port", "0"], chain="regtest")
        self.addCleanup(self.node.close)
        self.client = Client(self.node)

    def mine(self, count):
        return self.client.call("generatetoaddress", count, self.address)

    def test_invalidate_then_reconsider_reorganises_and_returns_transactions(self):
        c = self.client
        # Coinbases for three payers: `spare`'s at height 1, `late`'s at height 7 (mature for
        # block 107, not for 106), `address`'s all others.
        c.call("generatetoaddress", 1, self.spare)
        self.mine(5)
        c.call("generatetoaddress", 1, self.late)
        self.mine(MATURITY - 6)
        base = c.call("getblockcount")
        self.assertEqual(base, MATURITY + 1)
        blocks = self.mine(4)
        paid = [pay_from(c, self.address, 1)]
        blocks += self.mine(1)
        paid.append(pay_from(c, self.late, 2))
        blocks += self.mine(5)
        self.assertEqual(c.call("getblockcount"), base + 10)
        self.assertEqual(c.call("getblock", blocks[4])["tx"][1:], paid[:1])
        self.assertEqual(c.call("getblock", blocks[5])["tx"][1:], paid[1:])

        self.assertIsNone(c.call("invalidateblock", blocks[4]))
        self.assertEqual(c.call("getblockcount"), base + 4)
        self.assertEqual(c.call("getbestblockhash"), blocks[3])
        tips = c.call("getchaintips")
        self.assertEqual(tips[0], {"height": base + 4, "hash": blocks[3], "branchlen": 0,
                                   "status": "active"})
        self.assertIn({"height": base + 10, "hash": blocks[9], "branchlen": 6,
                       "status": "invalid"}, tips)
        self.assertEqual(c.call("getblockheader", blocks[4])["confirmations"], -1)
        # The first payment is back in the mempool; the second spends a coinbase that is not
        # mature on the shorter chain: not valid there, so not back.
        wait_until(lambda: paid[0] in mempool(c), "the first payment back in the mempool")
        self.assertEqual(mempool(c), {paid[0]})

        # Two blocks on the new tip confirm it, with a payment made since (from a key of its own;
        # wallet_reorg_test.py checks the wallet's view of its payments across invalidateblock).
        paid.append(pay_from(c, self.spare, 3))
        fork = self.mine(2)
        self.assertEqual(c.call("getblockcount"), base + 6)
        self.assertEqual(set(c.call("getblock", fork[0])["tx"][1:]), {paid[0], paid[2]})
        wait_until(lambda: mempool(c) == set(), "the mempool to empty")

        self.assertIsNone(c.call("reconsiderblock", blocks[4]))
        self.assertEqual(c.call("getblockcount"), base + 10)
        self.assertEqual(c.call("getbestblockhash"), blocks[9])
        tips = c.call("getchaintips")
        self.assertEqual(tips[0]["hash"], blocks[9])
        self.assertIn({"height": base + 6, "hash": fork[1], "branchlen": 2,
                       "status": "valid-fork"}, tips)
        # The first two are confirmed again in blocks 5 and 6; the third is in none of them.
        wait_until(lambda: mempool(c) == {paid[2]}, "the third payment back in the mempool")
        self.assertTrue(c.call("verifychain"))

    def test_core_errors_and_the_npm_client(self):
        c = self.client
        genesis = c.call("getblockhash", 0)
        blocks = self.mine(3)
        self.assertEqual(c.error("invalidateblock", "11" * 32), (-5, "Block not found"))
        self.assertEqual(c.error("reconsiderblock", "11" * 32), (-5, "Block not found"))
        code, _ = c.error("invalidateblock", genesis)
        self.assertEqual(code, -8)
        self.assertEqual(c.error("invalidateblock", "xyz")[0], -8)
        self.assertEqual(c.error("invalidateblock")[0], -1)
        self.assertEqual(c.call("getblockcount"), 3)
        self.assertIsNone(c.call("reconsiderblock", genesis))  # nothing marked: no change
        self.assertEqual(c.call("getblockcount"), 3)
        run_npm_checks(self, "bitcoin_core_invalidate.js", self.work, self.node.port,
                       c.credentials, blocks=blocks)


class InvalidateWithAPeer(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="rpc-invalidate-peer-")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        datadir = os.path.join(self.work, "data")
        a_id, b_id = free_port(), free_port()
        self.a_node = Node(ARGS.binary, datadir, a_id, ["--rpc-port", "0"], chain="regtest")
        self.addCleanup(self.a_node.close)
        self.b_node = Node(ARGS.binary, datadir, b_id,
                           ["--rpc-port", "0", "--connect", "127.0.0.1:%d" % a_id],
                           chain="regtest")
        self.addCleanup(self.b_node.close)
        self.a, self.b = Client(self.a_node), Client(self.b_node)

    def test_a_peer_on_the_invalidated_branch_is_neither_dropped_nor_scored(self):
        a, b = self.a, self.b
        wait_until(lambda: len(b.call("getpeerinfo")) == 1, "B to connect to A")
        blocks = a.call("generatetoaddress", 5, STRANGER)
        wait_until(lambda: b.call("getbestblockhash") == blocks[-1], "B to follow A")
        [peer] = b.call("getpeerinfo")

        self.assertIsNone(b.call("invalidateblock", blocks[2]))
        self.assertEqual(b.call("getbestblockhash"), blocks[1])
        since = self.b_node.mark()
        [sixth] = a.call("generatetoaddress", 1, STRANGER)
        self.b_node.expect("rejected block %s: bad-prevblk (invalidated-by-hand)" % sixth,
                           timeout=30, since=since)
        [after] = b.call("getpeerinfo")
        self.assertEqual((after["id"], after["misbehaviour_score"]), (peer["id"], 0))
        self.assertEqual(b.call("getbestblockhash"), blocks[1])
        self.assertIn({"height": 6, "hash": sixth, "branchlen": 4, "status": "invalid"},
                      b.call("getchaintips"))

        # Taking the mark back follows A again, with the block refused meanwhile.
        self.assertIsNone(b.call("reconsiderblock", blocks[2]))
        self.assertEqual(b.call("getbestblockhash"), sixth)
        [seventh] = a.call("generatetoaddress", 1, STRANGER)
        wait_until(lambda: b.call("getbestblockhash") == seventh, "B to take A's next block")
        self.assertEqual(b.call("getpeerinfo")[0]["misbehaviour_score"], 0)


if __name__ == "__main__":
    rpc_test.run_suite("where the npm bitcoin-core client is installed")
