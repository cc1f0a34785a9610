#!/usr/bin/env python3
"""Core's mempool RPCs on a parent and its child in the mempool.

A node on a small quick chain pays twice from its wallet, with fees (the second payment
spends the first one's change: a parent and its child). getmempoolentry, getrawmempool true,
getmempoolancestors / getmempooldescendants and getmempoolinfo then tell, with Core's field
names and units, the pair's links (depends, spentby), fees (base, modified, ancestor,
descendant, in BTC), counts and sizes, entry time and height; the same through npm's
bitcoin-core client.

Usage: mempool_rpc_test.py --binary build/actorchain [--work DIR]
"""
import time

import rpc_test
from rpc_test import STRANGER, Node, WorkDirTest, free_port, new_chain, run_npm_checks
from two_nodes_test import Client

ARGS = None


def sats(btc):
    return round(btc * 10**8)


class MempoolEntries(WorkDirTest):
    def setUp(self):
        super().setUp()
        node_id = free_port()
        new_chain(self.datadir, node_id)
        self.node = Node(ARGS.binary, self.datadir, node_id,
                         ["--rpc-port", "0", "--max-outbound", "0"])
        self.addCleanup(self.node.close)
        self.rpc = Client(self.node)

    def fee_of(self, txid):
        """Inputs minus outputs, in satoshis: the chain's coins (gettxout without the mempool)
        or, for a pooled parent's, that parent's output."""
        tx = self.rpc.call("getrawtransaction", txid, True)
        paid_in = 0
        for vin in tx["vin"]:
            coin = self.rpc.call("gettxout", vin["txid"], vin["vout"], False)
            if coin is None:
                parent = self.rpc.call("getrawtransaction", vin["txid"], True)
                coin = parent["vout"][vin["vout"]]
            paid_in += sats(coin["value"])
        return paid_in - sum(sats(out["value"]) for out in tx["vout"])

    def size_of(self, txid):
        return len(self.rpc.call("getrawtransaction", txid)) // 2

    def test_a_parent_and_its_child(self):
        rpc = self.rpc
        height = rpc.call("getblockcount")
        before = int(time.time())
        # Paying 5 and 20 sat/vB (the quick chain's default is none): the child spends the
        # parent's change.
        parent = rpc.call("sendtoaddress", STRANGER, 1, "", "", False, None, None, "unset",
                          None, 5)
        child = rpc.call("sendtoaddress", STRANGER, 2, "", "", False, None, None, "unset",
                         None, 20)
        after = int(time.time())
        fee = {parent: self.fee_of(parent), child: self.fee_of(child)}
        size = {parent: self.size_of(parent), child: self.size_of(child)}
        self.assertGreater(fee[parent], 0)
        self.assertGreater(fee[child], 0)

        entry = {txid: rpc.call("getmempoolentry", txid) for txid in (parent, child)}
        for txid, e in entry.items():
            self.assertEqual((e["vsize"], e["weight"]), (size[txid], 4 * size[txid]))
            self.assertEqual(e["wtxid"], txid)  # no witnesses
            self.assertEqual(e["height"], height)
            self.assertTrue(before <= e["time"] <= after, (before, e["time"], after))
            self.assertEqual(sats(e["fees"]["base"]), fee[txid])
            self.assertEqual(sats(e["fees"]["modified"]), fee[txid])
            self.assertIs(e["bip125-replaceable"], False)
        p, c = entry[parent], entry[child]
        self.assertEqual((p["depends"], p["spentby"]), ([], [child]))
        self.assertEqual((c["depends"], c["spentby"]), ([parent], []))
        both_fees, both_sizes = fee[parent] + fee[child], size[parent] + size[child]
        self.assertEqual((p["ancestorcount"], p["ancestorsize"]), (1, size[parent]))
        self.assertEqual((p["descendantcount"], p["descendantsize"]), (2, both_sizes))
        self.assertEqual((c["ancestorcount"], c["ancestorsize"]), (2, both_sizes))
        self.assertEqual((c["descendantcount"], c["descendantsize"]), (1, size[child]))
        self.assertEqual(sats(p["fees"]["ancestor"]), fee[parent])
        self.assertEqual(sats(p["fees"]["descendant"]), both_fees)
        self.assertEqual(sats(c["fees"]["ancestor"]), both_fees)
        self.assertEqual(sats(c["fees"]["descendant"]), fee[child])

        self.assertEqual(rpc.call("getrawmempool", True), entry)
        self.assertEqual(rpc.call("getrawmempool"), [parent, child])  # parents first
        self.assertEqual(rpc.call("getmempoolancestors", child), [parent])
        self.assertEqual(rpc.call("getmempoolancestors", child, True), {parent: p})
        self.assertEqual(rpc.call("getmempoolancestors", parent), [])
        self.assertEqual(rpc.call("getmempooldescendants", parent), [child])
        self.assertEqual(rpc.call("getmempooldescendants", parent, True), {child: c})
        self.assertEqual(rpc.call("getmempooldescendants", child, True), {})
        for method in ("getmempoolentry", "getmempoolancestors", "getmempooldescendants"):
            self.assertEqual(rpc.error(method, "11" * 32), (-5, "Transaction not in mempool"))

        info = rpc.call("getmempoolinfo")
        self.assertEqual((info["loaded"], info["size"], info["bytes"]), (True, 2, both_sizes))
        self.assertEqual(sats(info["total_fee"]), both_fees)
        self.assertGreaterEqual(info["usage"], both_sizes)
        self.assertEqual(info["maxmempool"], 50_000_000)
        self.assertEqual((info["mempoolminfee"], info["minrelaytxfee"]), (0, 0))

        run_npm_checks(self, "bitcoin_core_mempool.js", self.work, self.node.port,
                       rpc.credentials, parent=parent, child=child,
                       fees=[fee[parent], fee[child]])

        # Once the parent is mined, the child has no pooled relatives left.
        [block] = rpc.call("generatetoaddress", 1, STRANGER)
        self.assertEqual(rpc.call("getrawmempool"), [])
        self.assertEqual(rpc.call("getmempoolinfo")["total_fee"], 0)
        self.assertEqual(sorted(rpc.call("getblock", block)["tx"][1:]), sorted([parent, child]))


if __name__ == "__main__":
    rpc_test.run_suite("where the npm bitcoin-core client is installed")
