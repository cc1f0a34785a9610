#!/usr/bin/env python3
"""The tutorial's commands print the same whether their node runs or not.

createwallet, listaddresses, dumpprivkey, getbalance, printchain and send --mine open the node's files
when it is stopped and go through its JSON-RPC when it runs (the running node holds the
store; its wallet actor owns wallet.dat). Each command's stdout, stderr and exit code are
compared between the two, on the same chain, including their errors.

Usage: cli_parity_test.py --binary build/actorchain
"""
import json
import unittest

import rpc_test
from rpc_test import STRANGER, Node, WorkDirTest, free_port, new_chain, run_cli

ARGS = None


class CliParity(WorkDirTest):
    def setUp(self):
        super().setUp()
        self.node_id = free_port()
        self.node = None

    def tearDown(self):
        if self.node:
            self.node.close()

    def cli(self, *args, node_id=None):
        extra = ["--rpc-port", str(self.node.port)] if self.node else []
        r = run_cli(self.datadir, node_id or self.node_id, *extra, *args)
        return r.returncode, r.stdout, r.stderr

    def start(self):
        self.node = Node(ARGS.binary, self.datadir, self.node_id, ["--rpc-port", "0"])

    def stop(self):
        code, out, err = self.cli("rpc", "stop")
        self.assertEqual((code, out), (0, "actorchain stopping\n"), err)
        self.assertEqual(self.node.process.wait(30), 0)
        self.node = None

    def outputs(self, commands):
        return {" ".join(c): self.cli(*c) for c in commands}

    def assert_same(self, commands):
        """Runs `commands` with the node running and after stopping it: same everything."""
        running = self.outputs(commands)
        self.stop()
        stopped = self.outputs(commands)
        for command in running:
            self.assertEqual(running[command], stopped[command], command)
        return stopped

    def test_every_command_prints_the_same_running_or_stopped(self):
        first = new_chain(self.datadir, self.node_id)
        second = self.cli("createwallet")[1].splitlines()[-1]
        commands = [["listaddresses"], ["getbalance", "--address", first],
                    ["getbalance", "--address", second], ["getbalance", "--address", STRANGER],
                    ["getbalance", "--address", "bad"], ["printchain"], ["printchain", "--hex"],
                    ["dumpprivkey", "--address", first], ["dumpprivkey", "--address", STRANGER],
                    ["dumpprivkey", "--address", "bad"]]
        # A shortfall is told in one wording and unit, running or stopped.
        short = ["send", "--from", first, "--to", STRANGER, "--amount", "100"]
        stopped = self.outputs(commands + [short])
        self.assertEqual(stopped[" ".join(short)],
                         (1, "", "error: insufficient-funds: have 10.00000000 coins confirmed + "
                                 "0.00000000 pending, need 100.00000000\n"))
        self.assertEqual(stopped["listaddresses"], (0, "%s\n%s\n" % (first, second), ""))
        self.assertEqual(stopped["getbalance --address " + first], (0, "10.00000000\n", ""))
        self.assertEqual(stopped["dumpprivkey --address " + STRANGER],
                         (1, "", "error: unknown-address: %s is not in this node's wallet\n"
                          % STRANGER))
        self.start()
        running = self.outputs(commands + [short])
        self.assertEqual(running, stopped)

        # The running node's chain and wallet change: a key made through its RPC, blocks mined
        # by it, a payment waiting in its mempool; the stopped node then shows the same.
        third = self.cli("createwallet")[1].splitlines()[-1]
        self.assertNotIn(third, (first, second))
        self.assertEqual(self.cli("rpc", "generatetoaddress", "2", third)[0], 0)
        self.assertEqual(self.cli("send", "--from", first, "--to", STRANGER, "--amount",
                                  "2.5")[0], 0)
        commands += [["getbalance", "--address", third], ["dumpprivkey", "--address", third]]
        after = self.assert_same(commands)
        self.assertEqual(after["listaddresses"][1], "%s\n%s\n%s\n" % (first, second, third))
        self.assertEqual(after["getbalance --address " + third], (0, "20.00000000\n", ""))
        self.assertEqual(after["printchain"][1].count("\nblock "), 2)  # 3 blocks, tip first

    def test_send_mine_prints_the_same_running_or_stopped(self):
        # Running, the node mines the block (generatetoaddress to the first sender) after its
        # wallet made the payment; stopped, the command mines it. Same lines, same reward.
        first = new_chain(self.datadir, self.node_id)
        send = ["send", "--from", first, "--to", STRANGER, "--amount", "1", "--mine"]
        self.start()
        running = self.cli(*send)
        running_balance = self.cli("getbalance", "--address", first)
        self.stop()
        stopped = self.cli(*send)
        stopped_balance = self.cli("getbalance", "--address", first)
        for (code, out, err), height in ((running, 1), (stopped, 2)):
            self.assertEqual((code, err), (0, ""), out)
            self.assertRegex(out, r"\Amined block [0-9a-f]{64} at height %d\n[0-9a-f]{64}\n\Z"
                             % height)
        # 10 - 1 + the 10-coin reward, each time; the block holds the payment.
        self.assertEqual(running_balance, (0, "19.00000000\n", ""))
        self.assertEqual(stopped_balance, (0, "28.00000000\n", ""))
        code, chain, _ = self.cli("printchain")
        for out in (running[1], stopped[1]):
            block, txid = out.split()[2], out.splitlines()[1]
            self.assertIn(block, chain)
            self.assertIn(txid, chain)

    def test_send_through_the_running_node_pays_from_the_address_at_the_fee_rate(self):
        # Both keys hold coins: the payment must spend the --from key's coin only, give the
        # change back to it, and pay at least --fee-rate (2 sat/byte), as a stopped node's send.
        first = new_chain(self.datadir, self.node_id)
        second = self.cli("createwallet")[1].splitlines()[-1]
        self.start()
        code, out, err = self.cli("rpc", "generatetoaddress", "1", second)
        self.assertEqual(code, 0, err)
        [funding] = json.loads(out)
        second_coin = self.rpc_json("getblock", funding, "1")["tx"][0]
        code, out, err = self.cli("send", "--from", second, "--to", STRANGER, "--amount", "1",
                                  "--fee-rate", "2000", "--mine")
        self.assertEqual((code, err), (0, ""), out)
        mined, txid = out.split()[2], out.splitlines()[1]
        coinbase, payment = self.rpc_json("getblock", mined, "2")["tx"]
        self.assertEqual(payment["txid"], txid)
        self.assertEqual([spent["txid"] for spent in payment["vin"]], [second_coin])
        self.assertEqual([o["scriptPubKey"]["address"] for o in payment["vout"]],
                         [STRANGER, second])
        fee_sats = round((10 - sum(o["value"] for o in payment["vout"])) * 1e8)
        self.assertGreaterEqual(fee_sats, 2 * payment["size"])
        # The reward (10 coins and the fee) goes to the first sender, as with the node stopped.
        self.assertEqual(coinbase["vout"][0]["scriptPubKey"]["address"], second)
        self.assertEqual(round(coinbase["vout"][0]["value"] * 1e8), 10 * 10 ** 8 + fee_sats)
        # What sendtoaddress cannot honour is refused, never ignored.
        self.assertEqual(self.cli("rpc", "sendtoaddress", STRANGER, "1", "a comment"),
                         (1, "", "error: rpc-error: comment is not supported by actorchain "
                                 "(code -8)\n"))

    def test_without_fee_rate_sendtoaddress_pays_the_default_rate_of_send(self):
        # On regtest the command line's send pays 1 sat/byte unless --fee-rate says otherwise;
        # sendtoaddress without fee_rate pays the same (Core too falls back to a fee rate).
        self.node = Node(ARGS.binary, self.datadir, self.node_id, ["--rpc-port", "0"],
                         chain="regtest")
        own = self.node.cli("rpc", "getnewaddress")
        self.assertEqual(own.returncode, 0, own.stderr)
        address = own.stdout.strip()
        mined = self.node.cli("rpc", "generatetoaddress", "101", address)
        self.assertEqual(mined.returncode, 0, mined.stderr)
        # Of the 101 coinbases, those of heights 1 and 2 may be spent in block 102 (102 - 2 >=
        # 100): the wallet counts and spends no other, as the stopped send (Core's wallet waits
        # one block more, and says 50).
        self.assertEqual(self.node.cli("rpc", "getbalance").stdout, "100.00000000\n")

        def fee_sats(txid):
            entry = self.node.cli("rpc", "gettransaction", txid)
            self.assertEqual(entry.returncode, 0, entry.stderr)
            return -round(json.loads(entry.stdout)["fee"] * 1e8)

        paid = self.node.cli("rpc", "sendtoaddress", STRANGER, "1")  # STRANGER: regtest's too
        self.assertEqual(paid.returncode, 0, paid.stderr)
        # One coin in, payment and change out: at most 226 bytes, at 1 sat/byte.
        self.assertEqual(fee_sats(paid.stdout.strip()), 226)
        # The CLI spends the payment's change (pending), again one coin in.
        sent = self.node.cli("send", "--from", address, "--to", STRANGER, "--amount", "1")
        self.assertEqual(sent.returncode, 0, sent.stderr)
        self.assertEqual(fee_sats(sent.stdout.strip()), 226)

    def rpc_json(self, *args):
        code, out, err = self.cli("rpc", *args)
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def test_a_running_node_is_asked_through_its_rpc(self):
        address = new_chain(self.datadir, self.node_id)
        self.start()
        # Wrong credentials: every command fails at the RPC, none goes around it to the files.
        for command in (["createwallet"], ["listaddresses"], ["dumpprivkey", "--address", address],
                        ["getbalance", "--address", address], ["printchain"]):
            code, out, err = self.cli("--rpc-user", "x", "--rpc-password", "y", *command)
            self.assertEqual((code, out), (1, ""), command)
            self.assertTrue(err.startswith("error: rpc-unauthorized: "), (command, err))
        self.assertEqual(self.cli("listaddresses"), (0, address + "\n", ""))

    def test_a_node_without_chain_or_keys_says_so_the_same_way(self):
        commands = [["listaddresses"], ["printchain"], ["getbalance", "--address", STRANGER]]
        stopped = self.outputs(commands)
        self.assertEqual(stopped["listaddresses"], (0, "", ""))
        self.assertTrue(stopped["printchain"][2].startswith("error: no-chain: "))
        self.start()
        self.assertEqual(self.assert_same(commands), stopped)


if __name__ == "__main__":
    rpc_test.run_suite()
