#!/usr/bin/env python3
"""Pruning (Core's -prune, -fastprune and pruneblockchain) on regtest, as an operator of a
small disk uses it.

A node with --prune 1 --fastprune (block files of 64 KiB) mines 700 blocks, then prunes by hand:
whole files of blocks at least 288 below the tip go, getblock says the data was pruned (the
headers stay), the genesis block stays, getblockchaininfo and getnetworkinfo report it, and a
kill -9 and restart keep it all; such a store is neither reindexed nor started without --prune.
A peer that fell behind catches up from the pruned node; a fresh one says why it cannot. A node without --prune refuses
pruneblockchain, and the options Core refuses are refused.

Usage: prune_test.py --binary build/actorchain
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import rpc_test
from rpc_test import Node, free_port, new_wallet
from two_nodes_test import Client, wait_until

ARGS = None
KEEP = 288  # the blocks below the tip that are never pruned


def start(datadir, node_id, *extra):
    return Node(ARGS.binary, datadir, node_id, ["--rpc-port", "0"] + list(extra), chain="regtest")


def run_startnode(datadir, node_id, *extra):
    return subprocess.run([ARGS.binary, "--chain", "regtest", "--datadir", datadir, "startnode",
                           "--rpc-port", "0", "--connect", "127.0.0.1:1"] + list(extra),
                          env=dict(os.environ, NODE_ID=str(node_id)), capture_output=True,
                          text=True, timeout=60)


class Prune(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="rpc-prune-")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.datadir = os.path.join(self.work, "data")
        self.node_id = free_port()
        self.address = new_wallet(self.datadir, self.node_id, "regtest")

    def test_pruning_by_hand_deletes_old_files_and_survives_a_kill(self):
        node = start(self.datadir, self.node_id, "--prune", "1", "--fastprune")
        self.addCleanup(node.close)
        c = Client(node)
        hashes = [c.call("getblockhash", 0)] + c.call("generatetoaddress", 700, self.address)
        info = c.call("getblockchaininfo")
        self.assertTrue(info["pruned"])
        self.assertFalse(info["automatic_pruning"])
        self.assertNotIn("prune_target_size", info)
        self.assertEqual(info["pruneheight"], 0)
        size_before = info["size_on_disk"]
        self.assertEqual(c.call("getnetworkinfo")["localservices"], "0000000000000400")

        self.assertEqual(c.error("pruneblockchain", -1), (-8, "Negative block height."))
        self.assertEqual(c.error("pruneblockchain", 701),
                         (-8, "Blockchain is shorter than the attempt to prune!"))
        # A UNIX time instead of a height, as Core: none reached yet; or before every block.
        self.assertEqual(c.error("pruneblockchain", 4000000000),
                         (-8, "Could not find block with at least the specified timestamp."))
        self.assertEqual(c.call("pruneblockchain", 1000000001), -1)
        self.assertEqual(c.call("getblockchaininfo")["pruneheight"], 0)
        # Asked for more, it keeps the last 288 blocks and deletes only whole files.
        last = c.call("pruneblockchain", 700)
        self.assertGreater(last, 100)
        self.assertLessEqual(last, 700 - KEEP)
        info = c.call("getblockchaininfo")
        self.assertEqual(info["pruneheight"], last + 1)
        self.assertLess(info["size_on_disk"], size_before)
        self.assertEqual(c.error("getblock", hashes[1]), (-1, "Block not available (pruned data)"))
        self.assertEqual(c.error("getblock", hashes[last]),
                         (-1, "Block not available (pruned data)"))
        self.assertEqual(c.call("getblockheader", hashes[1])["height"], 1)
        self.assertEqual(c.call("getblock", hashes[0])["height"], 0)  # the genesis stays
        self.assertEqual(c.call("getblock", hashes[last + 1])["height"], last + 1)
        self.assertEqual(c.call("getblock", hashes[700])["height"], 700)

        # printchain, through the node and from the store: down to the pruned blocks.
        for printed in (node.cli("printchain"), self.printchain_stopped(node)):
            self.assertEqual(printed.returncode, 0, printed.stderr)
            self.assertEqual(printed.stdout.count("height="), 700 - last)
            self.assertIn("blocks at height %d and below were pruned" % last, printed.stderr)

        # kill -9, restart: the same, and the chain goes on.
        node.close()
        node = start(self.datadir, self.node_id, "--prune", "1", "--fastprune")
        self.addCleanup(node.close)
        c = Client(node)
        self.assertEqual(c.call("getblockchaininfo")["pruneheight"], last + 1)
        self.assertEqual(c.error("getblock", hashes[1])[1], "Block not available (pruned data)")
        self.assertEqual(c.call("getblock", hashes[0])["height"], 0)
        c.call("generatetoaddress", 1, self.address)
        self.assertEqual(c.call("getblockcount"), 701)

        # A reindex needs every block: refused, and nothing touched.
        node.close()
        refused = run_startnode(self.datadir, self.node_id, "--reindex")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("reindex-pruned", refused.stderr)
        # Nor started as a node that has every block.
        unpruned = run_startnode(self.datadir, self.node_id)
        self.assertEqual(unpruned.returncode, 1)
        self.assertIn("store-pruned", unpruned.stderr)
        node = start(self.datadir, self.node_id, "--prune", "1", "--fastprune")
        self.addCleanup(node.close)
        self.assertEqual(Client(node).call("getblockcount"), 701)

    def printchain_stopped(self, node):
        """printchain from the store alone: the node is killed first."""
        node.close()
        return subprocess.run([ARGS.binary, "--chain", "regtest", "--datadir", self.datadir,
                               "printchain"], env=dict(os.environ, NODE_ID=str(self.node_id)),
                              capture_output=True, text=True, timeout=60)

    def test_a_peer_behind_catches_up_from_a_pruned_node(self):
        a_node = start(self.datadir, self.node_id, "--prune", "1", "--fastprune")
        self.addCleanup(a_node.close)
        a = Client(a_node)
        b_id = free_port()
        b_args = ["--connect", "127.0.0.1:%d" % self.node_id]
        b_node = start(self.datadir, b_id, *b_args)
        self.addCleanup(b_node.close)
        b = Client(b_node)
        wait_until(lambda: len(b.call("getpeerinfo")) == 1, "B to connect to A")
        [peer] = b.call("getpeerinfo")
        self.assertEqual(peer["services"], "0000000000000400")
        self.assertEqual(peer["servicesnames"], ["NETWORK_LIMITED"])
        tip = a.call("generatetoaddress", 700, self.address)[-1]
        wait_until(lambda: b.call("getbestblockhash") == tip, "B to sync A's 700 blocks", 60)
        b_node.close()

        self.assertGreater(a.call("pruneblockchain", 700), 100)
        tip = a.call("generatetoaddress", 5, self.address)[-1]
        b_node = start(self.datadir, b_id, *b_args)
        self.addCleanup(b_node.close)
        b = Client(b_node)
        wait_until(lambda: b.call("getbestblockhash") == tip, "B to catch up from pruned A", 60)

        # A node with nothing but the genesis cannot sync from A alone, and its log says why.
        c_node = start(self.datadir, free_port(), *b_args)
        self.addCleanup(c_node.close)
        c_node.wait_for(r"peer 127\.0\.0\.1:%d is pruned \(NETWORK_LIMITED\): it serves its "
                        r"last 288 blocks only, and we are 705 behind it" % self.node_id)

    def test_without_prune_mode_nothing_is_pruned(self):
        node = start(self.datadir, self.node_id)
        self.addCleanup(node.close)
        c = Client(node)
        c.call("generatetoaddress", 3, self.address)
        self.assertEqual(c.error("pruneblockchain", 1),
                         (-1, "Cannot prune blocks because node is not in prune mode."))
        info = c.call("getblockchaininfo")
        self.assertFalse(info["pruned"])
        self.assertNotIn("pruneheight", info)
        self.assertGreater(info["size_on_disk"], 0)
        self.assertEqual(c.call("getnetworkinfo")["localservices"], "0000000000000001")

    def test_options_core_refuses_are_refused(self):
        too_small = run_startnode(self.datadir, self.node_id, "--prune", "100")
        self.assertEqual(too_small.returncode, 2)
        self.assertIn("at least 550 MiB", too_small.stderr)
        with_index = run_startnode(self.datadir, self.node_id, "--prune", "550", "--txindex")
        self.assertEqual(with_index.returncode, 2)
        self.assertIn("--txindex", with_index.stderr)


if __name__ == "__main__":
    rpc_test.run_suite()
