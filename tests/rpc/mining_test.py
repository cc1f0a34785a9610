#!/usr/bin/env python3
"""Mining by outside software: getblocktemplate and submitblock, as a pool's software drives
Core's.

A node on the quick chain holds two payments in its mempool. The test builds a block from
getblocktemplate alone, as an outside miner would (its own coinbase, python-bitcoinlib for the
formats, a nonce ground in Python against the template's target), and hands it back with
submitblock; then checks BIP22's answers for a duplicate, a damaged block and a stale one, and
Core's errors for bad input.

Usage: mining_test.py --binary build/actorchain
"""
import hashlib
import os
import struct
import unittest

import rpc_test
from rpc_test import STRANGER, Node, WorkDirTest, free_port, new_chain
from two_nodes_test import Client

from bitcoin.core import CBlock, CMutableTransaction, CMutableTxIn, CMutableTxOut, COutPoint
from bitcoin.core import CTransaction
from bitcoin.core.script import CScript, OP_TRUE

ARGS = None


def sha256d(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def block_from_template(template, tag=b"outside miner", coinbase_value=None):
    """A block on the template's parent with all its transactions and a coinbase of our own
    paying OP_TRUE, its nonce ground until the header meets the template's target."""
    height = template["height"]
    coinbase = CMutableTransaction(
        [CMutableTxIn(COutPoint(), CScript([height, tag]), 0xffffffff)],
        [CMutableTxOut(template["coinbasevalue"] if coinbase_value is None else coinbase_value,
                       CScript([OP_TRUE]))])
    txs = [CTransaction.from_tx(coinbase)]
    txs += [CTransaction.deserialize(bytes.fromhex(t["data"])) for t in template["transactions"]]
    block = CBlock(nVersion=template["version"],
                   hashPrevBlock=bytes.fromhex(template["previousblockhash"])[::-1],
                   nTime=template["curtime"], nBits=int(template["bits"], 16), nNonce=0, vtx=txs)
    block = CBlock(nVersion=block.nVersion, hashPrevBlock=block.hashPrevBlock,
                   hashMerkleRoot=block.calc_merkle_root(), nTime=block.nTime,
                   nBits=block.nBits, nNonce=0, vtx=txs)
    target = int(template["target"], 16)
    header = bytearray(block.get_header().serialize())
    for nonce in range(1 << 32):
        struct.pack_into("<I", header, 76, nonce)
        if int.from_bytes(sha256d(bytes(header)), "little") <= target:
            break
    raw = bytes(header) + block.serialize()[80:]
    return raw, sha256d(bytes(header))[::-1].hex()


class Mining(WorkDirTest):
    def setUp(self):
        super().setUp()
        node_id = free_port()
        self.address = new_chain(self.datadir, node_id)
        self.node = Node(ARGS.binary, self.datadir, node_id, ["--rpc-port", "0",
                                                             "--max-outbound", "0"])
        self.addCleanup(self.node.close)
        self.rpc = Client(self.node)

    def test_a_block_built_from_the_template_becomes_the_tip(self):
        rpc = self.rpc
        # Two payments paying 2 sat/vB (Core's fee_rate, the tenth parameter).
        paid = [rpc.call("sendtoaddress", STRANGER, amount, "", "", False, None, None, "unset",
                         False, 2) for amount in (1, 2)]
        tip = rpc.call("getbestblockhash")
        template = rpc.call("getblocktemplate", {"rules": []})

        self.assertEqual(template["previousblockhash"], tip)
        self.assertEqual(template["height"], rpc.call("getblockcount") + 1)
        self.assertEqual(template["bits"], rpc.call("getblockheader", tip)["bits"])
        self.assertEqual(template["noncerange"], "00000000ffffffff")
        self.assertGreaterEqual(template["curtime"], template["mintime"])
        self.assertEqual(sorted(t["txid"] for t in template["transactions"]), sorted(paid))
        # Every transaction's fee is what its inputs pay beyond its outputs, and the coinbase
        # may claim the subsidy plus all of them.
        fees = 0
        seen = []
        for entry in template["transactions"]:
            tx = CTransaction.deserialize(bytes.fromhex(entry["data"]))
            self.assertEqual(sha256d(tx.serialize())[::-1].hex(), entry["txid"])
            self.assertEqual(entry["weight"], 4 * len(tx.serialize()))
            # Legacy counting: each P2PKH output's OP_CHECKSIG, 4 each; no P2SH input.
            self.assertEqual(entry["sigops"], 4 * len(tx.vout))
            spent_in_template = [seen.index(i.prevout.hash[::-1].hex()) + 1 for i in tx.vin
                                 if i.prevout.hash[::-1].hex() in seen]
            self.assertEqual(sorted(entry["depends"]), sorted(set(spent_in_template)))
            value_in = 0
            for txin in tx.vin:
                prev = txin.prevout.hash[::-1].hex()
                if prev in seen:
                    parent = CTransaction.deserialize(bytes.fromhex(
                        template["transactions"][seen.index(prev)]["data"]))
                    value_in += parent.vout[txin.prevout.n].nValue
                else:
                    value_in += self.coin_value(prev, txin.prevout.n)
            self.assertEqual(entry["fee"], value_in - sum(o.nValue for o in tx.vout))
            self.assertGreater(entry["fee"], 0)
            fees += entry["fee"]
            seen.append(entry["txid"])
        subsidy = 10 * 10**8
        self.assertEqual(template["coinbasevalue"], subsidy + fees)

        raw, block_hash = block_from_template(template)
        self.assertIsNone(rpc.call("submitblock", raw.hex()))
        self.assertEqual(rpc.call("getbestblockhash"), block_hash)
        self.assertEqual(rpc.call("getblock", block_hash)["tx"][1:], [t["txid"] for t in
                                                                      template["transactions"]])
        self.assertEqual(rpc.call("getrawmempool"), [])
        # BIP22's answers: the same block again; a block on a parent that is no longer the tip
        # (valid, but a side branch here).
        self.assertEqual(rpc.call("submitblock", raw.hex()), "duplicate")
        stale, _ = block_from_template(template, tag=b"late miner")
        self.assertEqual(rpc.call("submitblock", stale.hex()), "inconclusive")
        self.assertEqual(rpc.call("getbestblockhash"), block_hash)

    def coin_value(self, txid, n):
        """The value of an output unspent in the chain (gettxout without the mempool), in
        satoshis."""
        out = self.rpc.call("gettxout", txid, n, False)
        return round(out["value"] * 10**8)

    def test_refusals_as_core_words_and_errors(self):
        rpc = self.rpc
        template = rpc.call("getblocktemplate")
        greedy, _ = block_from_template(template, coinbase_value=template["coinbasevalue"] + 1)
        self.assertEqual(rpc.call("submitblock", greedy.hex()), "coinbase-too-large")
        raw, _ = block_from_template(template)
        damaged = bytearray(raw)
        damaged[36] ^= 1  # the merkle root
        self.assertIn(rpc.call("submitblock", bytes(damaged).hex()),
                      ("merkle-root-mismatch", "high-hash"))
        self.assertEqual(rpc.error("submitblock", "00"), (-22, "Block decode failed"))
        self.assertEqual(rpc.error("submitblock", "zz"), (-22, "Block decode failed"))
        self.assertEqual(rpc.error("getblocktemplate", {"mode": "proposal"}),
                         (-8, "Invalid mode"))
        self.assertEqual(rpc.error("getblocktemplate", "template")[0], -3)
        # None of it moved the tip; the honest block still goes in.
        self.assertEqual(rpc.call("getbestblockhash"), template["previousblockhash"])
        self.assertIsNone(rpc.call("submitblock", raw.hex()))


if __name__ == "__main__":
    rpc_test.run_suite()
