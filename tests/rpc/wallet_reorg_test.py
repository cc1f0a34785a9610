#!/usr/bin/env python3
"""The wallet's own payments across a reorganisation, and abandontransaction, on regtest.

One node with its wallet: coinbases mature, a payment confirmed in a block, the block
invalidated (invalidateblock): the payment is back in the mempool and the wallet's pending
payment again (its input not listed, its change listed unconfirmed, the balance theirs), so a
new payment needing more than one coin spends that change rather than the payment's input
(which the mempool would refuse as a conflict); reconsiderblock confirms the first again.

abandontransaction: a payment lost with the mempool (a restart with --no-persistmempool) keeps
its input reserved (a payment needing it fails: insufficient funds) until it is abandoned; then
the input is listed and spent again, and wallet.dat keeps the mark across a restart. Core's
errors: -5 for a transaction not the wallet's, -8 for one in the mempool or confirmed; the same
through npm's bitcoin-core client (abandonTransaction).

Usage: wallet_reorg_test.py --binary build/actorchain [--work DIR]
"""
import os
import shutil
import tempfile
import unittest

import rpc_test
from rpc_test import STRANGER, Node, free_port, new_wallet, run_npm_checks
from two_nodes_test import Client, wait_until

ARGS = None
MATURITY = 100  # regtest's coinbase maturity


def mempool(client):
    return set(client.call("getrawmempool"))


def spent_by_mempool(client):
    """The outpoints the mempool's transactions spend."""
    spent = set()
    for txid in client.call("getrawmempool"):
        for vin in client.call("getrawtransaction", txid, True)["vin"]:
            spent.add((vin["txid"], vin["vout"]))
    return spent


def listed(client, minconf=0):
    return {(u["txid"], u["vout"]): u for u in client.call("listunspent", minconf)}


class WalletNode(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="rpc-wallet-reorg-")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.datadir = os.path.join(self.work, "data")
        self.node_id = free_port()
        self.address = new_wallet(self.datadir, self.node_id, "regtest")
        self.start()

    def start(self):
        """Starts the node (again); its mempool is not kept across a restart."""
        self.node = Node(ARGS.binary, self.datadir, self.node_id,
                         ["--rpc-port", "0", "--no-persistmempool"], chain="regtest")
        self.addCleanup(self.node.close)
        self.client = Client(self.node)

    def restart(self):
        self.assertEqual(self.node.stop(), 0)
        self.start()

    def mine(self, count):
        return self.client.call("generatetoaddress", count, self.address)

    def assert_reserved(self):
        """No coin the wallet lists is spent by a pooled transaction; the balance is theirs."""
        c = self.client
        coins = listed(c)
        self.assertFalse(set(coins) & spent_by_mempool(c))
        total = sum(round(u["amount"] * 1e8) for u in coins.values())
        self.assertEqual(round(c.call("getbalance") * 1e8), total)

    def test_a_payment_an_invalidation_unconfirms_is_the_wallets_pending_payment_again(self):
        c = self.client
        self.mine(MATURITY + 1)  # the coinbases of heights 1 and 2 may be spent in block 102
        self.assertEqual(len(listed(c, 1)), 2)
        first = c.call("sendtoaddress", STRANGER, 1)
        [block] = self.mine(1)
        self.assertEqual(c.call("getblock", block)["tx"][1:], [first])
        spent = {(vin["txid"], vin["vout"])
                 for vin in c.call("getrawtransaction", first, True, block)["vin"]}

        self.assertIsNone(c.call("invalidateblock", block))
        wait_until(lambda: mempool(c) == {first}, "the payment back in the mempool")
        coins = listed(c)
        self.assertFalse(set(coins) & spent, "the payment's input is listed as unspent")
        change = [u for u in coins.values() if u["txid"] == first]
        self.assertEqual([u["confirmations"] for u in change], [0])
        self.assert_reserved()
        self.assertEqual(c.call("gettransaction", first)["confirmations"], 0)

        # Needs two coins: the other coinbase and the first payment's change.
        second = c.call("sendtoaddress", STRANGER, 60)
        self.assertEqual(mempool(c), {first, second})
        self.assert_reserved()

        self.assertIsNone(c.call("reconsiderblock", block))
        wait_until(lambda: mempool(c) == {second}, "the first payment confirmed again")
        self.assertEqual(c.call("gettransaction", first)["confirmations"], 1)
        self.assert_reserved()
        self.mine(1)
        self.assertEqual(mempool(c), set())
        self.assertEqual(c.call("gettransaction", second)["confirmations"], 1)
        self.assert_reserved()

    def test_abandontransaction_releases_the_inputs_of_a_lost_payment(self):
        c = self.client
        self.mine(MATURITY + 1)  # the coinbases of heights 1 and 2 may be spent in block 102
        lost = c.call("sendtoaddress", STRANGER, 1)
        spent = {(vin["txid"], vin["vout"])
                 for vin in c.call("getrawtransaction", lost, True)["vin"]}
        self.assertEqual(c.error("abandontransaction", lost),
                         (-8, "Transaction not eligible for abandonment"))
        self.assertEqual(c.error("abandontransaction", "11" * 32),
                         (-5, "Invalid or non-wallet transaction id"))
        coinbase = c.call("getblock", c.call("getblockhash", 1))["tx"][0]
        self.assertEqual(c.error("abandontransaction", coinbase)[0], -8)  # confirmed

        self.restart()
        c = self.client
        self.assertEqual(mempool(c), set())
        self.assertFalse(set(listed(c)) & spent, "the lost payment's input is listed")
        self.assertEqual(c.error("sendtoaddress", STRANGER, 60)[0], -6)

        self.assertIsNone(c.call("abandontransaction", lost))
        self.assertTrue(spent <= set(listed(c)), "the abandoned payment's input is not listed")
        self.assert_reserved()
        paid = c.call("sendtoaddress", STRANGER, 60)
        self.assertEqual(mempool(c), {paid})
        self.assert_reserved()

        # The mark is kept in wallet.dat: abandoning again is no error after a restart.
        self.restart()
        self.assertIsNone(self.client.call("abandontransaction", lost))
        run_npm_checks(self, "bitcoin_core_abandon.js", self.work, self.node.port,
                       self.client.credentials, lost=lost, unknown="11" * 32)


if __name__ == "__main__":
    rpc_test.run_suite("where the npm bitcoin-core client is installed")
