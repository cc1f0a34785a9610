#!/usr/bin/env python3
"""JSON-RPC of a running node, driven as Core's users drive bitcoind.

Starts `actorchain startnode` on a small quick chain (three blocks mined through
generatetoaddress) and checks, through Python's http.client with Basic auth (what Core's
AuthServiceProxy does): every method's result against the block data, Core's error codes for
bad inputs, bad credentials, 200 concurrent connections, a slow client, the work-queue bound
(HTTP 503), the cookie file, `actorchain rpc`, and a clean `stop`. Then the npm bitcoin-core
client (tests/rpc/package.json, installed here with `npm ci`) drives the same node.

Usage: rpc_test.py --binary build/actorchain [--work DIR]
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = None


# One port picker and node runner for every test process.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from node_process import NodeExited, NodeProcess  # noqa: E402
from ports import free_port  # noqa: E402


def sha256d(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def display_hex(digest):
    return digest[::-1].hex()


class Node(NodeProcess):
    """A running node (quick chain unless `chain`) with its RPC port, cookie and CLI; killed
    on close."""

    def __init__(self, binary, datadir, node_id, extra, chain="quick"):
        super().__init__(binary, datadir, node_id, ["--connect", "127.0.0.1:1"] + extra,
                         chain=chain)
        try:
            line = self.wait_for(r"rpc server bound to 127\.0\.0\.1:(\d+)")
        except BaseException:
            self.kill()
            raise
        self.port = int(re.search(r":(\d+)$", line).group(1))

    def wait_for(self, pattern, timeout=20):
        """The first line matching the regular expression `pattern`; fails the test if none."""
        try:
            return self.expect(pattern, timeout, regex=True)
        except NodeExited as failure:
            raise AssertionError(str(failure)) from None

    def cookie_path(self):
        return os.path.join(self.datadir, str(self.node_id), ".cookie")

    def cookie(self):
        with open(self.cookie_path()) as f:
            return f.read().strip()

    def cli(self, *args):
        return subprocess.run([self.binary] + self.chain_args() + ["--datadir", self.datadir,
                              "--rpc-port", str(self.port)] + list(args),
                              env=self.env, capture_output=True, text=True, timeout=60)

    def close(self):
        self.kill()


def request(port, body, credentials, method="POST", path="/", timeout=10, headers=None):
    """One HTTP request on a fresh connection: (status, headers, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    all_headers = {"Content-Type": "application/json"}
    if credentials is not None:
        token = base64.b64encode(credentials.encode()).decode()
        all_headers["Authorization"] = "Basic " + token
    all_headers.update(headers or {})
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, dict(response.getheaders()), text


STRANGER = "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn"  # valid on the quick chain, in no wallet here


def run_cli(datadir, node_id, *args, chain="quick", **run_options):
    """`actorchain` on `chain` as node `node_id` (its files, or its RPC while it runs)."""
    return subprocess.run([ARGS.binary, "--chain", chain, "--datadir", datadir] + list(args),
                          env=dict(os.environ, NODE_ID=str(node_id)), capture_output=True,
                          text=True, timeout=60, **run_options)


def new_wallet(datadir, node_id, chain="quick"):
    """A key in node `node_id`'s wallet on `chain`: its address."""
    return run_cli(datadir, node_id, "createwallet", chain=chain,
                   check=True).stdout.splitlines()[-1]


def new_chain(datadir, node_id):
    """A key in node `node_id`'s wallet and a chain whose genesis pays it: its address."""
    address = new_wallet(datadir, node_id)
    run_cli(datadir, node_id, "createblockchain", "--address", address, check=True)
    return address


class WorkDirTest(unittest.TestCase):
    """A test with a fresh work folder (self.work, removed after it) and self.datadir in it."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="%s-" % type(self).__name__)
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)  # after tearDown
        self.datadir = os.path.join(self.work, "data")


def npm_modules(npm_dir):
    """The node_modules folder of tests/rpc/package.json, installed into npm_dir once."""
    os.makedirs(npm_dir, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(HERE, name), npm_dir)
    if not os.path.isdir(os.path.join(npm_dir, "node_modules", "bitcoin-core")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                       cwd=npm_dir, check=True, capture_output=True, timeout=300)
    return os.path.join(npm_dir, "node_modules")


def run_npm_checks(test, script, work, port, credentials, **expect):
    """Runs tests/rpc/`script` (checks through the npm bitcoin-core client, expected_client.js)
    against the node at `port`, EXPECT holding `expect` and the credentials; fails `test`
    unless every check passes. The npm install goes to --work, or else into `work`."""
    modules = npm_modules(os.path.join(ARGS.work or work, "rpc-npm"))
    username, password = credentials.split(":", 1)
    expect = dict(expect, port=port, username=username, password=password)
    r = subprocess.run(["node", os.path.join(HERE, script)],
                       env=dict(os.environ, EXPECT=json.dumps(expect), NODE_PATH=modules),
                       capture_output=True, text=True, timeout=120)
    test.assertEqual(r.returncode, 0, r.stdout + r.stderr)


def run_suite(work_help=None):
    """Parses --binary (and --work, when `work_help` says what it keeps), gives them to the
    running test script and to these helpers, and runs the script's tests."""
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    if work_help:
        parser.add_argument("--work", help=work_help)
    ARGS, rest = parser.parse_known_args()
    if not work_help:
        ARGS.work = None
    sys.modules["__main__"].ARGS = ARGS
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)


class RpcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="rpc-test-")
        cls.node_id = free_port()
        cls.datadir = os.path.join(cls.work, "data")
        cls.address = new_chain(cls.datadir, cls.node_id)
        cls.node = Node(ARGS.binary, cls.datadir, cls.node_id,
                        ["--rpc-port", "0", "--rpc-workqueue", "256", "--rpc-servertimeout", "2"])
        cls.credentials = cls.node.cookie()
        cls.hashes = [cls.call("getblockhash", [0])]
        cls.hashes += cls.call("generatetoaddress", [3, cls.address])

    @classmethod
    def tearDownClass(cls):
        cls.node.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def call(cls, method, params=None):
        status, _, text = request(cls.node.port, json.dumps(
            {"jsonrpc": "1.0", "id": "t", "method": method, "params": params or []}),
            cls.credentials)
        body = json.loads(text)
        if status != 200:
            raise AssertionError("%s -> HTTP %d %s" % (method, status, text))
        return body["result"]

    def error_of(self, method, params=None, expect_status=500):
        status, headers, text = request(self.node.port, json.dumps(
            {"id": 5, "method": method, "params": params if params is not None else []}),
            self.credentials)
        self.assertEqual(status, expect_status, text)
        self.assertEqual(headers.get("Content-Type"), "application/json")
        body = json.loads(text)
        self.assertIsNone(body["result"])
        self.assertEqual(body["id"], 5)
        return body["error"]["code"], body["error"]["message"]

    def raw_block(self, block_hash):
        return bytes.fromhex(self.call("getblock", [block_hash, 0]))

    # ---- authentication and the cookie -------------------------------------------------
    def test_cookie_is_private_and_well_formed(self):
        mode = os.stat(self.node.cookie_path()).st_mode & 0o777
        self.assertEqual(mode, 0o600)
        self.assertRegex(self.credentials, r"^__cookie__:[0-9a-f]{64}$")

    def test_missing_or_wrong_credentials_get_401(self):
        for credentials in (None, "__cookie__:" + "0" * 64, "user:pass", ""):
            status, headers, _ = request(self.node.port, '{"method":"getblockcount"}',
                                         credentials)
            self.assertEqual(status, 401, credentials)
            self.assertEqual(headers.get("WWW-Authenticate"), 'Basic realm="jsonrpc"')
        status, _, _ = request(self.node.port, '{"method":"getblockcount"}', None,
                               headers={"Authorization": "Bearer abc"})
        self.assertEqual(status, 401)

    # ---- chain -------------------------------------------------------------------------
    def test_heights_and_hashes_match_the_blocks(self):
        self.assertEqual(self.call("getblockcount"), 3)
        self.assertEqual(self.call("getbestblockhash"), self.hashes[3])
        for height, block_hash in enumerate(self.hashes):
            self.assertEqual(self.call("getblockhash", [height]), block_hash)
            raw = self.raw_block(block_hash)
            self.assertEqual(display_hex(sha256d(raw[:80])), block_hash)
            self.assertEqual(self.call("getblockheader", [block_hash, False]), raw[:80].hex())

    def test_getblock_verbose_fields(self):
        block = self.call("getblock", [self.hashes[2], 1])
        raw = self.raw_block(self.hashes[2])
        self.assertEqual(block["hash"], self.hashes[2])
        self.assertEqual(block["height"], 2)
        self.assertEqual(block["confirmations"], 2)
        self.assertEqual(block["previousblockhash"], self.hashes[1])
        self.assertEqual(block["nextblockhash"], self.hashes[3])
        self.assertEqual(block["size"], len(raw))
        self.assertEqual(block["merkleroot"], display_hex(raw[36:68]))
        self.assertEqual(block["bits"], "207fffff")
        self.assertEqual(block["nTx"], 1)
        coinbase_raw = raw[81:]  # one transaction: compact size 1 then the coinbase
        self.assertEqual(block["tx"], [display_hex(sha256d(coinbase_raw))])
        header = self.call("getblockheader", [self.hashes[2]])
        for key in ("hash", "height", "confirmations", "previousblockhash", "nextblockhash",
                    "merkleroot", "time", "bits", "chainwork"):
            self.assertEqual(header[key], block[key], key)
        self.assertNotIn("previousblockhash", self.call("getblock", [self.hashes[0]]))

    def test_getblock_verbosity_2_and_amounts_with_8_decimals(self):
        status, _, text = request(self.node.port, json.dumps(
            {"id": 1, "method": "getblock", "params": [self.hashes[3], 2]}), self.credentials)
        self.assertEqual(status, 200)
        self.assertIn('"value":10.00000000', text)
        tx = json.loads(text)["result"]["tx"][0]
        self.assertEqual(tx["vin"][0]["coinbase"][:2], "53")  # BIP34: height 3 as OP_3
        self.assertEqual(tx["vout"][0]["scriptPubKey"]["address"], self.address)
        self.assertEqual(tx["vout"][0]["scriptPubKey"]["type"], "pubkeyhash")

    def test_chaintips_difficulty_info_and_verifychain(self):
        self.assertEqual(self.call("getchaintips"),
                         [{"height": 3, "hash": self.hashes[3], "branchlen": 0,
                           "status": "active"}])
        info = self.call("getblockchaininfo")
        self.assertEqual((info["chain"], info["blocks"], info["bestblockhash"]),
                         ("quick", 3, self.hashes[3]))
        self.assertEqual(info["chainwork"], "%064x" % 8)  # 4 blocks of work 2 each
        self.assertGreater(self.call("getdifficulty"), 0)
        self.assertIs(self.call("verifychain"), True)
        mining = self.call("getmininginfo")
        self.assertEqual((mining["blocks"], mining["pooledtx"]), (3, 0))

    def test_gettxout_and_raw_transactions(self):
        block = self.call("getblock", [self.hashes[1], 2])
        coinbase = block["tx"][0]
        out = self.call("gettxout", [coinbase["txid"], 0])
        self.assertEqual(out["confirmations"], 3)
        self.assertEqual(out["bestblock"], self.hashes[3])
        self.assertEqual(out["value"], 10)
        self.assertIs(out["coinbase"], True)
        self.assertIsNone(self.call("gettxout", [coinbase["txid"], 1]))
        decoded = self.call("decoderawtransaction", [coinbase["hex"]])
        self.assertEqual(decoded["txid"], coinbase["txid"])
        self.assertEqual(self.call("getrawtransaction", [coinbase["txid"], False, self.hashes[1]]),
                         coinbase["hex"])
        verbose = self.call("getrawtransaction", [coinbase["txid"], True, self.hashes[1]])
        self.assertEqual((verbose["blockhash"], verbose["confirmations"]), (self.hashes[1], 3))
        self.assertEqual(self.error_of("getrawtransaction", [coinbase["txid"]])[0], -5)

    def test_sendrawtransaction_refusals_have_cores_codes(self):
        self.assertEqual(self.error_of("sendrawtransaction", ["zz"])[0], -22)
        # Spends an output nobody has: inputs missing (-25).
        tx = bytes.fromhex("01000000" "01" + "11" * 32 + "00000000" "00" "ffffffff"
                           "01" + (100).to_bytes(8, "little").hex() + "00" "00000000")
        self.assertEqual(self.error_of("sendrawtransaction", [tx.hex()])[0], -25)
        # A coinbase is never accepted into the mempool (-26).
        coinbase = self.call("getblock", [self.hashes[1], 2])["tx"][0]["hex"]
        self.assertEqual(self.error_of("sendrawtransaction", [coinbase])[0], -26)

    def test_mempool_network_and_control(self):
        self.assertEqual(self.call("getrawmempool"), [])
        self.assertEqual(self.call("getrawmempool", [True]), {})
        self.assertEqual(self.call("getmempoolinfo")["size"], 0)
        self.assertEqual(self.error_of("getmempoolentry", ["00" * 32])[0], -5)
        self.assertEqual(self.call("getconnectioncount"), 0)
        self.assertEqual(self.call("getpeerinfo"), [])
        self.assertEqual(self.call("getnetworkinfo")["connections"], 0)
        self.assertIsNone(self.call("ping"))
        totals = self.call("getnettotals")
        self.assertEqual(list(totals), ["totalbytesrecv", "totalbytessent", "timemillis",
                                        "uploadtarget"])
        self.assertAlmostEqual(totals["timemillis"] / 1000, time.time(), delta=60)
        self.assertEqual(totals["uploadtarget"], {
            "timeframe": 86400, "target": 0, "target_reached": False,
            "serve_historical_blocks": True, "bytes_left_in_cycle": 0, "time_left_in_cycle": 0})
        self.assertGreaterEqual(self.call("uptime"), 0)
        self.assertTrue(self.call("validateaddress", [self.address])["isvalid"])
        self.assertFalse(self.call("validateaddress", ["nope"])["isvalid"])
        help_text = self.call("help")
        for method in ("getblockchaininfo", "getblock", "sendrawtransaction", "stop", "help",
                       "generatetoaddress", "getpeerinfo", "getnettotals", "ping"):
            self.assertRegex(help_text, r"(?m)^%s\b" % method)
        self.assertEqual(self.call("help", ["getblockhash"]), "getblockhash height")

    # ---- bad input ---------------------------------------------------------------------
    def test_bad_parameters_get_cores_codes(self):
        self.assertEqual(self.error_of("getblockhash", [99]), (-8, "Block height out of range"))
        self.assertEqual(self.error_of("getblockhash", ["x"])[0], -3)
        self.assertEqual(self.error_of("getblockhash", [])[0], -1)
        self.assertEqual(self.error_of("getblockcount", [1])[0], -1)
        self.assertEqual(self.error_of("getblock", ["abc"])[0], -8)
        self.assertEqual(self.error_of("getblock", ["00" * 32]), (-5, "Block not found"))
        self.assertEqual(self.error_of("generatetoaddress", [1, "bad"])[0], -5)
        self.assertEqual(self.error_of("nosuch", expect_status=404)[0], -32601)
        self.assertEqual(self.error_of("help", ["nosuch"])[0], -1)

    def test_malformed_bodies_and_envelopes(self):
        for body in ("", "{", "[1,", "nul", "\"x\""):
            status, _, text = request(self.node.port, body, self.credentials)
            self.assertEqual(status, 500, body)
            self.assertEqual(json.loads(text)["error"]["code"], -32700)
        status, _, text = request(self.node.port, '{"id":9,"params":[]}', self.credentials)
        self.assertEqual((status, json.loads(text)["error"]["code"], json.loads(text)["id"]),
                         (400, -32600, 9))
        status, _, text = request(self.node.port, json.dumps(
            [{"id": 1, "method": "getblockcount"}, {"id": 2, "method": "nosuch"}, 7]),
            self.credentials)
        self.assertEqual(status, 200)
        batch = json.loads(text)
        self.assertEqual(batch[0], {"result": 3, "error": None, "id": 1})
        self.assertEqual((batch[1]["error"]["code"], batch[2]["error"]["code"]),
                         (-32601, -32600))
        status, _, text = request(self.node.port, json.dumps(
            {"jsonrpc": "2.0", "id": "a", "method": "getblockcount"}), self.credentials)
        self.assertEqual(json.loads(text), {"jsonrpc": "2.0", "result": 3, "id": "a"})
        status, _, text = request(self.node.port, json.dumps(
            {"jsonrpc": "2.0", "method": "getblockcount"}), self.credentials)
        self.assertEqual((status, text), (204, ""))
        status, _, _ = request(self.node.port, None, self.credentials, method="GET")
        self.assertEqual(status, 405)

    def test_huge_and_truncated_bodies(self):
        huge = '{"method":"getblockcount","params":["' + "a" * (33 * 1024 * 1024) + '"]}'
        try:
            status, _, text = request(self.node.port, huge, self.credentials, timeout=30)
            self.assertEqual(status, 413)
            self.assertEqual(json.loads(text)["error"]["code"], -32600)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may close before reading it all: refused either way
        # Announces 100 bytes, sends 10 and goes quiet: dropped after the server timeout.
        with socket.create_connection(("127.0.0.1", self.node.port), timeout=10) as s:
            token = base64.b64encode(self.credentials.encode()).decode()
            s.sendall(("POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n"
                       "Content-Length: 100\r\n\r\n{\"method\"" % token).encode())
            started = time.time()
            data = s.recv(4096)
            self.assertLess(time.time() - started, 9)
            self.assertNotIn(b"200 OK", data)
        self.assertEqual(self.call("getblockcount"), 3)

    def test_a_slow_client_does_not_hold_up_others(self):
        slow = socket.create_connection(("127.0.0.1", self.node.port), timeout=10)
        slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        started = time.time()
        self.assertEqual(self.call("getblockcount"), 3)
        self.assertLess(time.time() - started, 1.5)
        self.assertEqual(slow.recv(4096)[:0], b"")  # closed by the server's read timeout
        slow.close()

    def test_two_hundred_concurrent_connections(self):
        results = []
        lock = threading.Lock()

        def one():
            try:
                status, _, text = request(self.node.port, json.dumps(
                    {"id": 1, "method": "getblockcount"}), self.credentials, timeout=30)
                outcome = (status, json.loads(text)["result"])
            except Exception as e:  # noqa: BLE001 - recorded and asserted below
                outcome = ("exception", repr(e))
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=one) for _ in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(len(results), 200)
        self.assertEqual(set(results), {(200, 3)})

    # ---- the command line through RPC --------------------------------------------------
    def test_cli_rpc_command(self):
        r = self.node.cli("rpc", "getblockhash", "2")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, self.hashes[2]))
        r = self.node.cli("rpc", "getblock", self.hashes[1])
        self.assertEqual(json.loads(r.stdout)["height"], 1)
        r = self.node.cli("rpc", "getbalance")  # an amount, printed as bitcoin-cli prints it
        self.assertRegex(r.stdout, r"\A[0-9]+\.[0-9]{8}\n\Z")
        r = self.node.cli("rpc", "getblockhash", "99")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stderr, "error: rpc-error: Block height out of range (code -8)\n")
        r = self.node.cli("--rpc-user", "x", "--rpc-password", "y", "rpc", "getblockcount")
        self.assertEqual(r.stderr.splitlines()[0].split(":")[:2], ["error", " rpc-unauthorized"])

    def test_cli_errors_are_one_line(self):
        r = self.node.cli("startnode", "--connect", "127.0.0.1:1")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stderr.splitlines()[-1],
                         "error: store-locked: node %d is already running and holds %s/%d"
                         % (self.node_id, self.datadir, self.node_id))
        other = dict(self.node.env, NODE_ID=str(free_port()))
        r = subprocess.run([ARGS.binary, "--chain", "quick", "--datadir", self.datadir + "-busy",
                            "startnode", "--connect", "127.0.0.1:1", "--rpc-port",
                            str(self.node.port)], env=other, capture_output=True, text=True,
                           timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stderr.splitlines()[-1],
                         "error: rpc-port-in-use: 127.0.0.1:%d is already in use" % self.node.port)
        r = self.node.cli("nosuchcommand")
        self.assertEqual((r.returncode, r.stderr),
                         (2, "error: bad-arguments: unknown command 'nosuchcommand' (see --help)\n"))
        r = self.node.cli("getbalance")
        self.assertEqual(len(r.stderr.splitlines()), 1)
        self.assertTrue(r.stderr.startswith("error: bad-arguments: "), r.stderr)
        # A typo is named, not hidden behind the option it was meant to be ("--address is
        # required"), with '=' or as the tutorial's single dash, and several in the order given.
        for typo in (["--adress", self.address], ["--adress=" + self.address],
                     ["-adress", self.address]):
            r = self.node.cli("getbalance", *typo)
            self.assertEqual((r.returncode, r.stderr),
                             (2, "error: bad-arguments: unknown option '--adress' for getbalance "
                                 "(see getbalance --help)\n"))
        r = self.node.cli("send", "--from", self.address, "--to", self.address, "--amount", "1",
                          "--fee-rat", "5", "--mime")
        self.assertEqual((r.returncode, r.stderr),
                         (2, "error: bad-arguments: unknown options '--fee-rat', '--mime' for "
                             "send (see send --help)\n"))

    # ---- the npm bitcoin-core client ---------------------------------------------------
    def test_npm_bitcoin_core_client(self):
        best = self.call("getblock", [self.hashes[3], 1])
        run_npm_checks(self, "bitcoin_core_client.js", self.work, self.node.port,
                       self.credentials, height=3, best=self.hashes[3], hashes=self.hashes,
                       best_coinbase=best["tx"][0], address=self.address)

    # ---- the wallet (changes the chain: after every test that pins it) ---------------------
    def test_zy_wallet_pays_twice_before_the_block_and_balances_are_exact(self):
        # createwallet's key mined the genesis (10) and three blocks (30); it is the wallet's.
        self.assertEqual(self.call("getbalance"), 40)
        fresh = self.call("getnewaddress")
        self.assertNotEqual(fresh, self.address)
        stranger = STRANGER
        first = self.call("sendtoaddress", [fresh, 3])
        second = self.call("sendtoaddress", [stranger, "36.5"])  # needs the first's change
        self.assertEqual(sorted(self.call("getrawmempool")), sorted([first, second]))
        spent = self.call("getrawtransaction", [second, True])["vin"]
        self.assertIn(first, [i["txid"] for i in spent])
        self.assertEqual(self.call("getbalance"), 3.5)
        self.assertEqual(self.call("getbalances")["mine"]["trusted"], 3.5)
        self.assertEqual(self.call("getbalance", ["*", 1]), 0)  # all of it waits for a block
        code, message = self.error_of("sendtoaddress", [stranger, 4])
        self.assertEqual(code, -6)
        self.assertEqual(message, "Insufficient funds: have 0.00000000 coins confirmed + "
                                  "3.50000000 pending, need 4.00000000")
        self.assertEqual(self.error_of("sendtoaddress", [stranger, 0])[0], -3)
        self.assertEqual(self.error_of("sendtoaddress", ["bad", 1])[0], -5)
        block = self.call("generatetoaddress", [1, stranger])[0]
        self.assertEqual(len(self.call("getblock", [block])["tx"]), 3)
        self.assertEqual(self.call("getrawmempool"), [])
        self.assertEqual(self.call("getbalance", ["*", 1]), 3.5)
        unspent = self.call("listunspent")
        self.assertEqual(sum(u["amount"] for u in unspent), 3.5)
        self.assertTrue(all(u["confirmations"] == 1 for u in unspent))
        self.assertRegex(self.call("dumpprivkey", [fresh]), r"^c[1-9A-HJ-NP-Za-km-z]{51}$")
        self.assertEqual(self.error_of("dumpprivkey", [stranger])[0], -4)

    def test_zz0_cli_send_goes_through_the_running_nodes_rpc(self):
        stranger = STRANGER
        # The --from address holds 0.5 (test_zy's change); only its coins may pay.
        r = self.node.cli("send", "--from", self.address, "--to", stranger, "--amount", "0.25")
        self.assertEqual(r.returncode, 0, r.stderr)
        txid = r.stdout.strip().splitlines()[-1]
        self.assertRegex(txid, r"^[0-9a-f]{64}$")
        self.assertIn(txid, self.call("getrawmempool"))
        r = self.node.cli("send", "--from", self.address, "--to", stranger, "--amount", "100")
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"^error: insufficient-funds: have [0-9.]+ coins confirmed \+ "
                                   r"[0-9.]+ pending, need 100\.00000000\n$")
        r = self.node.cli("send", "--from", self.address, "--to", stranger, "--amount", "30000000")
        self.assertEqual(r.stderr, "error: bad-amount: 30000000 coins is more than the supply "
                                   "(21000000 coins)\n")

    # ---- last: the work-queue bound and a clean stop (own nodes) -----------------------
    def test_zz_full_work_queue_answers_503_and_recovers(self):
        node = Node(ARGS.binary, self.datadir + "-small", free_port(),
                    ["--rpc-port", "0", "--rpc-threads", "1", "--rpc-workqueue", "1",
                     "--rpc-servertimeout", "2"])
        try:
            credentials = node.cookie()
            # One idle connection holds the only thread, the next waits in the queue (each
            # given time to be accepted and placed before the next arrives).
            idle = []
            for _ in range(2):
                idle.append(socket.create_connection(("127.0.0.1", node.port)))
                time.sleep(0.3)
            status, _, text = request(node.port, '{"method":"getblockcount"}', credentials)
            self.assertEqual(status, 503, text)
            for s in idle:
                s.close()
            deadline = time.time() + 10
            while True:
                status, _, _ = request(node.port, '{"method":"uptime"}', credentials)
                if status == 200 or time.time() > deadline:
                    break
                time.sleep(0.1)
            self.assertEqual(status, 200)
        finally:
            node.close()

    def test_zz_stop_is_clean_and_removes_the_cookie(self):
        node = Node(ARGS.binary, self.datadir + "-stop", free_port(), ["--rpc-port", "0"])
        try:
            status, _, text = request(node.port, '{"id":1,"method":"stop"}', node.cookie())
            self.assertEqual(json.loads(text)["result"], "actorchain stopping")
            self.assertEqual(node.process.wait(20), 0)
            self.assertFalse(os.path.exists(node.cookie_path()))
        finally:
            node.close()


if __name__ == "__main__":
    run_suite(work_help="keeps the npm install here between runs")
