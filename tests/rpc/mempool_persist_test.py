#!/usr/bin/env python3
"""The mempool survives a restart (Core's -persistmempool, mempool.dat, savemempool).

A node on a small quick chain pays from its wallet through RPC (a payment and a second one
spending the first one's change: a parent and its child), is stopped with SIGTERM and started
again: both are back in getrawmempool, the wallet knows them as its own again (it announces them
and may spend their change), and generatetoaddress mines them. A payment whose input a block
spent while the node was down (that block reached the node's store from a copy of it that paid
otherwise) is dropped at the reload with the count in the log; `--no-persistmempool` starts
empty and leaves mempool.dat alone; an entry older than 336 hours is dropped as expired; a
damaged file is reported and ignored.

Usage: mempool_persist_test.py --binary build/actorchain
"""
import hashlib
import os
import shutil
import struct
import time
import unittest

import rpc_test
from rpc_test import STRANGER, Node, WorkDirTest, free_port, new_chain
from two_nodes_test import Client

ARGS = None
LOADED = r"loaded (\d+) of (\d+) mempool txs \((\d+) already confirmed or invalid, (\d+) expired\)"


def mempool_file(entries, version=1):
    """mempool.dat as chain/mempool_file.hpp documents it: [(entry time, raw tx hex)]."""
    body = b"ACMEMPL\0" + struct.pack("<I", version) + bytes([len(entries)])
    for entry_time, raw_hex in entries:
        body += struct.pack("<q", entry_time) + bytes.fromhex(raw_hex)
    return body + hashlib.sha256(hashlib.sha256(body).digest()).digest()


class MempoolPersistence(WorkDirTest):
    def setUp(self):
        super().setUp()
        self.node_id = free_port()
        self.address = new_chain(self.datadir, self.node_id)
        self.node_dir = os.path.join(self.datadir, str(self.node_id))
        self.dat = os.path.join(self.node_dir, "mempool.dat")

    def start(self, *extra):
        node = Node(ARGS.binary, self.datadir, self.node_id,
                    ["--rpc-port", "0", "--max-outbound", "0"] + list(extra))
        self.addCleanup(node.close)
        return node, Client(node)

    def read_dat(self):
        with open(self.dat, "rb") as f:
            return f.read()

    def loaded_line(self, node):
        return node.wait_for(LOADED).split("] ", 1)[-1]

    def test_payments_survive_a_restart_and_get_mined(self):
        node, rpc = self.start()
        self.assertEqual(self.loaded_line(node),
                         "loaded 0 of 0 mempool txs (0 already confirmed or invalid, 0 expired)")
        self.assertIs(rpc.call("getmempoolinfo")["loaded"], True)
        parent = rpc.call("sendtoaddress", STRANGER, 1)
        child = rpc.call("sendtoaddress", STRANGER, 2)  # spends the parent's change
        self.assertIn(parent, [i["txid"] for i in rpc.call("getrawtransaction", child, True)["vin"]])
        self.assertEqual(rpc.call("savemempool"), {"filename": os.path.abspath(self.dat)})
        self.assertTrue(os.path.isfile(self.dat))
        self.assertEqual(node.stop(), 0)
        self.assertIn("saved 2 mempool txs to " + os.path.abspath(self.dat), node.text())

        node, rpc = self.start()
        self.assertEqual(self.loaded_line(node),
                         "loaded 2 of 2 mempool txs (0 already confirmed or invalid, 0 expired)")
        self.assertEqual(sorted(rpc.call("getrawmempool")), sorted([parent, child]))
        info = rpc.call("getmempoolinfo")
        self.assertEqual((info["loaded"], info["size"]), (True, 2))
        node.wait_for(r"wallet: announcing 2 own unconfirmed txs from the reloaded mempool")
        # The wallet spends the child's change: it knows its payments again, so it neither
        # double-spends their inputs nor loses their change.
        third = rpc.call("sendtoaddress", STRANGER, 3)
        self.assertEqual(rpc.call("getmempoolinfo")["size"], 3)
        [block] = rpc.call("generatetoaddress", 1, self.address)
        self.assertEqual(sorted(rpc.call("getblock", block)["tx"][1:]),
                         sorted([parent, child, third]))
        self.assertEqual(rpc.call("getrawmempool"), [])

    def test_a_payment_whose_input_a_block_spent_meanwhile_is_dropped(self):
        # The other history: a copy of this node, before the payment, that pays otherwise.
        other_id = free_port()
        other_dir = os.path.join(self.datadir, str(other_id))
        shutil.copytree(self.node_dir, other_dir,
                        ignore=shutil.ignore_patterns("peers.dat", ".cookie"))
        node, rpc = self.start()
        paid = rpc.call("sendtoaddress", STRANGER, 1)
        self.assertEqual(node.stop(), 0)

        other = Node(ARGS.binary, self.datadir, other_id, ["--rpc-port", "0",
                                                           "--max-outbound", "0"])
        self.addCleanup(other.close)
        other_rpc = Client(other)
        conflict = other_rpc.call("sendtoaddress", STRANGER, 2)  # the same coin: the genesis's
        [block] = other_rpc.call("generatetoaddress", 1, STRANGER)
        self.assertEqual(other.stop(), 0)
        # The block reaches the stopped node's store.
        shutil.rmtree(os.path.join(self.node_dir, "chainstate"))
        shutil.copytree(os.path.join(other_dir, "chainstate"),
                        os.path.join(self.node_dir, "chainstate"))

        node, rpc = self.start()
        self.assertEqual(self.loaded_line(node),
                         "loaded 0 of 1 mempool txs (1 already confirmed or invalid, 0 expired)")
        self.assertEqual(rpc.call("getbestblockhash"), block)
        self.assertIn(conflict, rpc.call("getblock", block)["tx"])
        self.assertEqual(rpc.call("getrawmempool"), [])
        self.assertNotIn(paid, rpc.call("getrawmempool"))

    def test_no_persistmempool_starts_empty_and_leaves_the_file(self):
        node, rpc = self.start()
        paid = rpc.call("sendtoaddress", STRANGER, 1)
        self.assertEqual(node.stop(), 0)
        saved = self.read_dat()

        node, rpc = self.start("--no-persistmempool")
        self.assertEqual(rpc.call("getrawmempool"), [])
        self.assertIs(rpc.call("getmempoolinfo")["loaded"], True)
        self.assertEqual(node.stop(), 0)
        self.assertNotRegex(node.text(), LOADED)
        self.assertNotIn("saved", node.text())
        self.assertEqual(self.read_dat(), saved)

        node, rpc = self.start("--persistmempool")
        self.loaded_line(node)
        self.assertEqual(rpc.call("getrawmempool"), [paid])

    def test_expired_entries_and_damaged_files_are_dropped(self):
        node, rpc = self.start()
        paid = rpc.call("sendtoaddress", STRANGER, 1)
        raw = rpc.call("getrawtransaction", paid)
        self.assertEqual(node.stop(), 0)

        hour = 3600
        with open(self.dat, "wb") as f:  # entered 337 hours ago: past Core's 336
            f.write(mempool_file([(int(time.time()) - 337 * hour, raw)]))
        node, rpc = self.start()
        self.assertEqual(self.loaded_line(node),
                         "loaded 0 of 1 mempool txs (0 already confirmed or invalid, 1 expired)")
        self.assertEqual(rpc.call("getrawmempool"), [])
        self.assertEqual(node.stop(), 0)

        with open(self.dat, "wb") as f:  # 335 hours: still loaded, with that entry time
            f.write(mempool_file([(int(time.time()) - 335 * hour, raw)]))
        node, rpc = self.start()
        self.assertEqual(self.loaded_line(node),
                         "loaded 1 of 1 mempool txs (0 already confirmed or invalid, 0 expired)")
        self.assertEqual(rpc.call("getrawmempool"), [paid])
        self.assertEqual(node.stop(), 0)

        damaged = {
            "truncated": mempool_file([(int(time.time()), raw)])[:-40],
            "newer": mempool_file([(int(time.time()), raw)], version=2),
            "garbage": os.urandom(300),
        }
        reasons = {"truncated": "mempool-file-corrupt", "newer": "mempool-file-version-unsupported",
                   "garbage": "mempool-file-corrupt"}
        for name, contents in damaged.items():
            with self.subTest(name):
                with open(self.dat, "wb") as f:
                    f.write(contents)
                node, rpc = self.start()
                line = node.wait_for(r"cannot load .*mempool\.dat")
                self.assertIn(reasons[name], line)
                self.assertIn("(starting with an empty mempool)", line)
                self.assertEqual(rpc.call("getrawmempool"), [])
                self.assertIs(rpc.call("getmempoolinfo")["loaded"], True)
                self.assertEqual(node.stop(), 0)


if __name__ == "__main__":
    rpc_test.run_suite()
