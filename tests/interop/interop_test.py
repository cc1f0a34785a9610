#!/usr/bin/env python3
"""actorchain and a real bcoin 1.0.2 node on regtest, syncing from each other both ways.

bcoin (npm, pinned in tests/interop/package.json, installed here with `npm ci --ignore-scripts`
and run with NODE_BACKEND=js, so nothing native is built) mines BLOCKS blocks; its wallet pays
P2PKH, P2PK and 2-of-3 P2SH multisig outputs and bcoin's library spends the last two
(bcoin_tx.js). A fresh actorchain syncs from it to the same tip, `verifychain` passes, and every
coin of bcoin's wallet is the same coin in actorchain's set. Blocks breaking the script and sigop
rules are refused by both (a BIP68 one by actorchain; bcoin 1.0.2's regtest enforces CSV only
from height 432). Then a bcoin transaction is relayed
to actorchain and mined there, an actorchain transaction is relayed to bcoin, actorchain mines 20
blocks, the first bcoin follows them; that bcoin mines one more, announces it to actorchain by
its header (BIP130: actorchain sent it sendheaders) and actorchain fetches it (bcoin asked for
actorchain's blocks as BIP152 compact blocks, and the last one traveled as a cmpctblock); a fresh
bcoin syncs them all from actorchain alone and accepts an actorchain transaction into its mempool.

As root the whole run happens inside a network namespace made for it (only its loopback is up,
so bcoin's external-address lookup fails at once and nothing leaves the machine); the namespace
and every process are removed at the end, also on failure. Otherwise it runs on 127.0.0.1.
States are awaited by polling the nodes' RPC under an overall deadline.

Usage: interop_test.py --binary build/actorchain [--work DIR] [--blocks 300]
Exit 0 when every step held; the failing step and both nodes' last log lines otherwise.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COIN = 100_000_000
API_KEY = "interop"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def log(text):
    print("interop: " + text, flush=True)


sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
# Ports outside the kernel's ephemeral range, claimed across concurrent test processes: a
# node's outgoing connection can never take one before the node meant to listen there binds it.
from ports import free_port  # noqa: E402
from wire_peer import WirePeer, coinbase, mine_block  # noqa: E402


# ---- addresses: bcoin's regtest prints P2PKH with version 0x3c ('R'), Core's (ours) 0x6f ----
def b58decode_check(text):
    n = 0
    for c in text:
        n = n * 58 + B58.index(c)
    raw = n.to_bytes(25, "big")
    assert hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:], text
    return raw[0], raw[1:21]


def b58encode_check(version, payload):
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def to_version(address, version):
    return b58encode_check(version, b58decode_check(address)[1])


def p2pkh_script(address):
    return "76a914" + b58decode_check(address)[1].hex() + "88ac"


# ---- JSON over HTTP with Basic auth ----
def http_json(port, method, path, body, credentials, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json",
               "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, text


def rpc(port, credentials, method, *params):
    status, text = http_json(port, "POST", "/", {"method": method, "params": list(params),
                                                 "id": 1}, credentials)
    reply = json.loads(text)
    if reply.get("error"):
        raise AssertionError("%s%r on port %d: %s" % (method, params, port, reply["error"]))
    return reply["result"]


def await_state(what, probe, timeout=120):
    """Polls probe() (every 100 ms) until it returns a true value; fails after timeout s."""
    deadline = time.time() + timeout
    last_error = None
    while time.time() < deadline:
        try:
            value = probe()
            if value:
                return value
        except (OSError, AssertionError, ValueError) as e:
            last_error = e
        time.sleep(0.1)
    raise AssertionError("timed out after %d s waiting for %s (last error: %s)"
                         % (timeout, what, last_error))



def log_has(path, needle):
    with open(path, errors="replace") as f:
        return needle in f.read()


class Process:
    def __init__(self, name, argv, env, logfile):
        self.name, self.logfile = name, logfile
        self.out = open(logfile, "w")
        self.proc = subprocess.Popen(argv, env=env, stdout=self.out, stderr=subprocess.STDOUT)

    def tail(self, n=25):
        if not hasattr(self, "proc"):
            return "  [%s] (not started)" % self.name
        with open(self.logfile, errors="replace") as f:
            lines = f.read().splitlines()
        return "\n".join("  [%s] %s" % (self.name, l) for l in lines[-n:])

    def stop(self):
        if not hasattr(self, "proc"):
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


class Bcoin(Process):
    def __init__(self, name, npm_dir, work, only, workers=False):
        self.port, self.http_port, self.wallet_port = free_port(), free_port(), free_port()
        prefix = os.path.join(work, name)
        os.makedirs(prefix, exist_ok=True)
        argv = ["node", os.path.join(npm_dir, "node_modules", "bcoin", "bin", "node"),
                "--network=regtest", "--memory=true", "--prefix=" + prefix,
                "--workers=%s" % ("true" if workers else "false"),
                "--listen=true", "--host=127.0.0.1", "--port=%d" % self.port,
                "--http-port=%d" % self.http_port, "--wallet-http-port=%d" % self.wallet_port,
                "--api-key=" + API_KEY, "--only=" + only, "--log-console=true",
                "--log-level=debug"]
        super().__init__(name, argv, dict(os.environ, NODE_BACKEND="js"),
                         os.path.join(work, name + ".log"))
        await_state(name + "'s RPC", lambda: self.rpc("getblockcount") is not None, 60)

    def rpc(self, method, *params):
        return rpc(self.http_port, "x:" + API_KEY, method, *params)

    def wallet(self, method, path, body=None):
        status, text = http_json(self.wallet_port, method, "/wallet/primary" + path, body,
                                 "x:" + API_KEY)
        if status != 200:
            raise AssertionError("bcoin wallet %s %s: HTTP %d %s" % (method, path, status, text))
        return json.loads(text)

    def wallet_synced(self):
        """True once the wallet has taken in the tip block (bcoin's wallet follows its chain
        asynchronously); every block here pays a coinbase to this wallet."""
        tip = self.rpc("getblock", self.rpc("getbestblockhash"))
        status, text = http_json(self.wallet_port, "GET", "/wallet/primary/tx/" + tip["tx"][0],
                                 None, "x:" + API_KEY)
        return status == 200 and json.loads(text).get("height") == tip["height"]

    def new_address(self):
        return self.wallet("POST", "/address", {"account": "default"})["address"]

    def pay(self, outputs):
        """outputs: [(address or None, script hex or None, satoshis)] -> wallet tx JSON"""
        out = []
        for address, script, value in outputs:
            entry = {"value": value}
            if address:
                entry["address"] = address
            else:
                entry["script"] = script
            out.append(entry)
        return self.wallet("POST", "/send", {"outputs": out})


class Actorchain(Process):
    """An actorchain node: its wallet is made at once, the node runs from start()."""

    def __init__(self, name, binary, work):
        self.name, self.binary, self.node_id = name, binary, free_port()
        self.work, self.datadir = work, os.path.join(work, name)
        self.env = dict(os.environ, NODE_ID=str(self.node_id))
        self.address = self.cli("createwallet").stdout.strip().splitlines()[-1]

    def start(self, connect):
        self.rpc_port = free_port()
        super().__init__(self.name, [self.binary, "--chain", "regtest", "--datadir",
                                     self.datadir, "startnode", "--listen", "127.0.0.1",
                                     "--connect", connect, "--rpc-port", str(self.rpc_port)],
                         self.env, os.path.join(self.work, self.name + ".log"))
        cookie = os.path.join(self.datadir, str(self.node_id), ".cookie")
        await_state(self.name + "'s cookie", lambda: os.path.exists(cookie), 30)
        with open(cookie) as f:
            self.credentials = f.read().strip()
        await_state(self.name + "'s RPC", lambda: self.rpc("getblockcount") is not None, 30)

    def cli(self, *args):
        return subprocess.run([self.binary, "--chain", "regtest", "--datadir", self.datadir]
                              + list(args), env=self.env, capture_output=True, text=True,
                              check=True, timeout=60)

    def rpc(self, method, *params):
        return rpc(self.rpc_port, self.credentials, method, *params)


def bcoin_tx(npm_dir, request):
    done = subprocess.run(["node", os.path.join(HERE, "bcoin_tx.js")], input=json.dumps(request),
                          env=dict(os.environ, NODE_BACKEND="js",
                                   NODE_PATH=os.path.join(npm_dir, "node_modules")),
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError("bcoin_tx.js %s: %s" % (request["op"], done.stderr))
    return json.loads(done.stdout)


def same_tip(a, b):
    return lambda: a.rpc("getbestblockhash") == b.rpc("getbestblockhash")


def scenario(args, npm_dir, work, procs):
    # actorchain's wallet key exists before its node runs: bcoin pays it.
    ac1 = Actorchain("actorchain1", args.binary, work)
    # bcoin mines, its wallet pays the three kinds of script, bcoin's library spends two.
    b1 = Bcoin("bcoin1", npm_dir, work, "127.0.0.1:%d" % ac1.node_id)
    procs.append(b1)
    miner_address = b1.new_address()
    b1.rpc("generatetoaddress", 110, miner_address)
    keys = bcoin_tx(npm_dir, {"op": "keys", "count": 3})
    scripts = bcoin_tx(npm_dir, {"op": "scripts", "pubs": keys["pubs"]})
    # An output to key 1's P2PK script stays unspent: the rule-breaking blocks spend it.
    reserve_script = bcoin_tx(npm_dir, {"op": "scripts", "pubs": keys["pubs"][1:]})["p2pk"]
    funding = b1.pay([(b1.new_address(), None, 10 * COIN), (None, scripts["p2pk"], 5 * COIN),
                      (None, scripts["p2sh"], 5 * COIN),
                      (to_version(ac1.address, 0x3c), None, 20 * COIN),
                      (None, reserve_script, 5 * COIN)])
    b1.rpc("generatetoaddress", 1, miner_address)
    funding_hex = funding["tx"]
    spends = []
    for script, privs, redeem in ((scripts["p2pk"], keys["privs"][:1], None),
                                  (scripts["p2sh"], keys["privs"][1:], scripts["redeem"])):
        spend = bcoin_tx(npm_dir, {"op": "spend", "tx": funding_hex,
                                   "pays": script, "privs": privs,
                                   "redeem": redeem, "to": p2pkh_script(b1.new_address()),
                                   "fee": 10_000})
        assert b1.rpc("sendrawtransaction", spend["hex"]) == spend["txid"]
        spends.append(spend)
    b1.rpc("generatetoaddress", 1, miner_address)
    b1.rpc("generatetoaddress", args.blocks - b1.rpc("getblockcount"), miner_address)
    assert b1.rpc("getblockcount") == args.blocks
    await_state("bcoin1's mempool to empty", lambda: b1.rpc("getrawmempool") == [], 30)
    log("bcoin mined %d blocks; P2PKH, P2PK and P2SH 2-of-3 multisig paid and spent (%s)"
        % (args.blocks, ", ".join(s["txid"][:8] for s in spends)))

    # A fresh actorchain syncs from bcoin.
    started = time.time()
    procs.append(ac1)
    ac1.start("127.0.0.1:%d" % b1.port)
    await_state("actorchain1 at bcoin1's tip", same_tip(ac1, b1))
    log("actorchain synced %d blocks from bcoin in %.1f s" % (args.blocks, time.time() - started))
    assert ac1.rpc("verifychain") is True, "verifychain failed"
    await_state("bcoin1's wallet at its tip", b1.wallet_synced, 30)
    coins = b1.wallet("GET", "/coin")
    total = 0
    for coin in coins:
        out = ac1.rpc("gettxout", coin["hash"], coin["index"])
        assert out is not None, "bcoin's coin %s:%d is not in actorchain's set" % (
            coin["hash"], coin["index"])
        assert round(out["value"] * COIN) == coin["value"], (out, coin)
        assert out["scriptPubKey"]["hex"] == coin["script"], (out, coin)
        total += coin["value"]
    assert total == b1.wallet("GET", "/balance")["confirmed"], "bcoin's balance is not its coins"
    in_112 = ac1.rpc("getblock", ac1.rpc("getblockhash", 112))["tx"]
    for spend in spends:
        assert ac1.rpc("gettxout", funding["hash"], spend["vout"]) is None
        assert spend["txid"] in in_112, in_112
    assert ac1.rpc("getbalance") == 20.0, ac1.rpc("getbalance")
    log("verifychain passed; bcoin's %d coins (%.8f) are the same in actorchain's set"
        % (len(coins), total / COIN))

    # Blocks that break a rule: bcoin refuses each through submitblock, actorchain when a peer
    # offers it (inv, getdata, block); neither tip moves. BIP68 is actorchain's alone: bcoin
    # 1.0.2's regtest deploys CSV by BIP9 signalling (active from height 432, like segwit),
    # Core's current regtest (ours) from height 1, so bcoin would take that block here.
    tip = ac1.rpc("getblockheader", ac1.rpc("getbestblockhash"))
    reserve = {"op": "spend", "tx": funding["tx"], "pays": reserve_script, "privs": keys["privs"][1:2],
               "redeem": None, "to": p2pkh_script(b1.new_address()), "fee": 10_000}
    bad_signature = bytearray.fromhex(bcoin_tx(npm_dir, reserve)["hex"])
    bad_signature[4 + 1 + 36 + 1 + 1 + 10] ^= 0x01  # inside the signature's R
    locked = bcoin_tx(npm_dir, dict(reserve, version=2, sequence=1000))  # BIP68: 1,000 blocks
    bad_blocks = {  # rule: (txs after the coinbase, our reason, bcoin enforces it here)
        "script": ([bytes(bad_signature)], "script-eval-false", True),
        "BIP68": ([bytes.fromhex(locked["hex"])], "bad-txns-nonfinal", False),
        # The coinbase's output holds 20,001 CHECKSIGs: a sigop cost of 80,004.
        "sigops": ([], "bad-blk-sigops", True),
    }
    for rule, (txs, reason, bcoin_enforces) in bad_blocks.items():
        output_script = b"\xac" * 20_001 if rule == "sigops" else b"\x51"
        raw, block_hash = mine_block(tip["hash"], tip["time"], tip["height"] + 1,
                                     [coinbase(tip["height"] + 1, output_script)] + txs)
        verdict = b1.rpc("submitblock", raw.hex()) if bcoin_enforces else "not offered"
        assert verdict is not None, "bcoin accepted the block breaking the %s rule" % rule
        peer = WirePeer(ac1.node_id)
        try:
            peer.offer_block(raw, block_hash)
            needle = "rejected block %s: %s" % (block_hash, reason)
            await_state("actorchain1's line '%s'" % needle, lambda: log_has(ac1.logfile, needle), 30)
        finally:
            peer.close()
        log("block breaking the %s rule: bcoin %s, actorchain rejected: %s" % (rule, verdict, reason))
    assert ac1.rpc("getbestblockhash") == tip["hash"] == b1.rpc("getbestblockhash")

    # A bcoin transaction is relayed to actorchain and mined there; one of actorchain's to bcoin.
    from_bcoin = b1.pay([(to_version(ac1.address, 0x3c), None, 2 * COIN)])["hash"]
    await_state("bcoin1's tx in actorchain1's mempool",
                lambda: from_bcoin in ac1.rpc("getrawmempool"), 60)
    bcoin_address = b1.new_address()
    from_actorchain = ac1.rpc("sendtoaddress", to_version(bcoin_address, 0x6f), 3)
    await_state("actorchain1's tx in bcoin1's mempool",
                lambda: from_actorchain in b1.rpc("getrawmempool"), 60)
    log("relayed: bcoin tx %s to actorchain, actorchain tx %s to bcoin"
        % (from_bcoin[:8], from_actorchain[:8]))
    mined = ac1.rpc("generatetoaddress", 20, ac1.address)
    first = ac1.rpc("getblock", mined[0])
    assert from_bcoin in first["tx"] and from_actorchain in first["tx"], first["tx"]
    await_state("bcoin1 at actorchain1's tip", same_tip(b1, ac1))
    await_state("bcoin1's mempool to empty", lambda: b1.rpc("getrawmempool") == [], 30)
    log("actorchain mined 20 blocks with both transactions; bcoin1 followed")

    # BIP152: both sent sendcmpct version 1 (bcoin speaks it to a peer without NODE_WITNESS).
    # bcoin asks for new blocks by getdata MSG_CMPCT_BLOCK, so actorchain sends a recent one as a
    # cmpctblock, which bcoin rebuilds from its mempool (and a blocktxn for what it lacks): the
    # tip it followed to is actorchain's last block, which traveled as a compact block.
    last = mined[-1][:8]
    with open(ac1.logfile, errors="replace") as f:
        compact_sent = [l for l in f if re.search(r"-> \S+ cmpctblock " + last, l)]
    assert compact_sent, "actorchain1 sent no cmpctblock for its tip " + last
    with open(ac1.logfile, errors="replace") as f:
        text = f.read()
    assert re.search(r"<- \S+ sendcmpct high_bandwidth=0 v=1", text), "bcoin sent no sendcmpct"
    log("block %s traveled to bcoin1 as a compact block (BIP152): %s"
        % (last, compact_sent[0].split("cmpctblock ", 1)[1].strip()))

    # BIP130: actorchain sent bcoin sendheaders, so bcoin announces a block it mines to actorchain
    # by its header, and actorchain fetches it. bcoin 1.0.2 never sends sendheaders (and reads
    # headers only during a checkpoint sync), so actorchain announced its blocks to bcoin by inv.
    announced = b1.rpc("generatetoaddress", 1, miner_address)[0]
    await_state("actorchain1 at bcoin1's tip", same_tip(ac1, b1))
    short = announced[:8]
    # bcoin1 may be connected to actorchain1 twice (each dialled the other): the headers may come
    # on either connection, and actorchain asks on the one it picks.
    announce = re.compile(r"<- (\S+) headers count=1 first=" + short)

    def headers_then_getdata():
        with open(ac1.logfile, errors="replace") as f:
            lines = f.read().splitlines()
        got = [i for i, l in enumerate(lines) if announce.search(l)]
        asked = [i for i, l in enumerate(lines)
                 if re.search(r"-> \S+ getdata ", l) and "first=" + short in l]
        return got and asked and got[0] < asked[0]
    await_state("bcoin1's headers announcement to actorchain1, then actorchain1's getdata",
                headers_then_getdata, 30)
    log("bcoin1 announced block %s to actorchain by its header (BIP130); actorchain fetched it"
        % short)

    # A fresh bcoin syncs from actorchain alone, and takes an actorchain transaction.
    started = time.time()
    b2 = Bcoin("bcoin2", npm_dir, work, "127.0.0.1:%d" % ac1.node_id)
    procs.append(b2)
    await_state("bcoin2 at actorchain1's tip", same_tip(b2, ac1))
    log("a fresh bcoin synced %d blocks from actorchain in %.1f s"
        % (args.blocks + 21, time.time() - started))
    late = ac1.rpc("sendtoaddress", to_version(bcoin_address, 0x6f), 1)
    await_state("actorchain1's tx in bcoin2's mempool", lambda: late in b2.rpc("getrawmempool"),
                60)
    log("bcoin2 accepted actorchain tx %s into its mempool" % late[:8])



def timed_sync(what, node, source, started):
    """Awaits node at source's tip (polled every 20 ms); seconds since `started`."""
    deadline = time.time() + 600
    target = source.rpc("getbestblockhash")
    while node.rpc("getbestblockhash") != target:
        if time.time() > deadline:
            raise AssertionError("%s did not reach the tip in 600 s" % what)
        time.sleep(0.02)
    return time.time() - started


def bench(args, npm_dir, work, procs):
    """Side by side: one regtest chain of args.blocks blocks with mixed scripts, made by bcoin,
    synced by a fresh actorchain from bcoin, then served by that actorchain to a fresh
    actorchain and to a fresh bcoin (with its worker pool, as it runs by default)."""
    source = Bcoin("bcoin-source", npm_dir, work, "127.0.0.1:%d" % free_port())
    procs.append(source)
    miner = source.new_address()
    source.rpc("generatetoaddress", 110, miner)
    keys = bcoin_tx(npm_dir, {"op": "keys", "count": 3})
    scripts = bcoin_tx(npm_dir, {"op": "scripts", "pubs": keys["pubs"]})
    txs = 0
    while source.rpc("getblockcount") < args.blocks:
        for _ in range(args.txs_per_block):
            source.pay([(source.new_address(), None, COIN), (None, scripts["p2pk"], COIN // 2),
                        (None, scripts["p2sh"], COIN // 4)])
            txs += 1
        source.rpc("generatetoaddress", 1, miner)
    log("bench chain: %d blocks, %d payments (each P2PKH + P2PK + P2SH multisig outputs)"
        % (args.blocks, txs))
    rows = []

    def measure(label, make, source_node):
        started = time.time()
        node = make()
        ready = time.time()
        seconds = timed_sync(label, node, source_node, started)
        rows.append((label, seconds))
        log("%s: %.2f s from process start (its RPC answered after %.2f s), %.0f blocks/s"
            % (label, seconds, ready - started, args.blocks / seconds))
        return node

    def actorchain(name, source_node):
        node = Actorchain(name, args.binary, work)
        procs.append(node)
        node.start("127.0.0.1:%d" % (source_node.port if isinstance(source_node, Bcoin)
                                     else source_node.node_id))
        return node

    served = measure("actorchain from bcoin", lambda: actorchain("ac-from-bcoin", source),
                     source)
    for p in procs:  # the source is no longer needed: its CPU stays out of what follows
        if p is source:
            p.stop()
    measure("actorchain from actorchain", lambda: actorchain("ac-from-ac", served), served)
    procs[-1].stop()

    def fresh_bcoin():
        node = Bcoin("bcoin-from-ac", npm_dir, work, "127.0.0.1:%d" % served.node_id, True)
        procs.append(node)
        return node

    measure("bcoin from actorchain", fresh_bcoin, served)
    log("ratio, bcoin's time over actorchain's, syncing from the same actorchain: %.1fx"
        % (rows[2][1] / rows[1][1]))

def install_bcoin(npm_dir):
    os.makedirs(npm_dir, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(HERE, name), npm_dir)
    if not os.path.isfile(os.path.join(npm_dir, "node_modules", "bcoin", "package.json")):
        log("installing bcoin 1.0.2 with npm ci --ignore-scripts into " + npm_dir)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                       cwd=npm_dir, check=True, timeout=600)


def run_inside(args):
    work = args.work_run
    procs = []
    try:
        (bench if args.bench else scenario)(args, args.npm_dir, work, procs)
        return 0
    except Exception as e:  # every failure ends with both nodes' last lines
        log("FAILED: %s: %s" % (type(e).__name__, e))
        for p in procs:
            print(p.tail(), flush=True)
        return 1
    finally:
        for p in reversed(procs):
            p.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", help="keeps the npm install here between runs")
    parser.add_argument("--blocks", type=int, default=300)
    parser.add_argument("--bench", action="store_true",
                        help="the side-by-side sync benchmark instead of the test")
    parser.add_argument("--txs-per-block", type=int, default=4, help="--bench's payments")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--npm-dir", help=argparse.SUPPRESS)
    parser.add_argument("--work-run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 113 <= args.blocks < 432 or (not args.bench and args.blocks >= 412):
        parser.error("--blocks between 113 and 411, 431 with --bench (bcoin's regtest "
                     "activates segwit at 432 and then dials only NODE_WITNESS peers)")
    if args.inside:
        return run_inside(args)

    # ctest's timeout and a user's kill end the run through the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("interop: terminated"))
    args.binary = os.path.abspath(args.binary)
    base = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="interop-")
    npm_dir = os.path.join(base, "npm")
    install_bcoin(npm_dir)
    work_run = tempfile.mkdtemp(prefix="run-", dir=base)
    inner = [sys.executable, os.path.abspath(__file__), "--inside", "--binary", args.binary,
             "--blocks", str(args.blocks), "--npm-dir", npm_dir, "--work-run", work_run,
             "--txs-per-block", str(args.txs_per_block)] + (["--bench"] if args.bench else [])
    namespace = None
    if os.geteuid() == 0 and shutil.which("ip"):
        namespace = "acinterop%d" % os.getpid()
        made = subprocess.run(["ip", "netns", "add", namespace], capture_output=True, text=True)
        if made.returncode != 0:
            log("no network namespace (%s); running on this host's 127.0.0.1"
                % made.stderr.strip())
            namespace = None
    child = None
    try:
        if namespace:
            subprocess.run(["ip", "-n", namespace, "link", "set", "lo", "up"], check=True)
            inner = ["ip", "netns", "exec", namespace] + inner
            log("running in network namespace " + namespace)
        child = subprocess.Popen(inner, start_new_session=True)
        return child.wait(timeout=3600)
    finally:
        if child is not None:
            try:  # the inner run's session: its nodes too, should it have died early
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.wait()
        if namespace:
            subprocess.run(["ip", "netns", "del", namespace], check=False)
        shutil.rmtree(work_run, ignore_errors=True)
        if not args.work:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
