"""Sync that no peer can poison or stall: a fresh node syncs through a mutating proxy.

Source node S holds a quick-chain of CHAIN_BLOCKS blocks after the genesis: the first ones with
one payment each (two transactions), the rest with two or four payments (three or five
transactions: an odd count, so a CVE-2012-2459 duplicate of them exists). A fresh node B syncs
from it through tests/sync_faults/mutating_proxy.py. The findings of issue 14, each damaging
exactly one message:
  1. a block whose transactions were swapped in transit (merkle-root-mismatch), and
  1b. a CVE-2012-2459 duplicate of a block (merkle-mutated): B must not refuse the genuine
     block for good;
  2. a damaged genesis: B must not punish the honest peer for the blocks after it;
  3. a bogus hash in an inv (notfound from everyone): B must not stall behind it;
  4. the inv answering B's getblocks lost: B must not stay idle.
In 1-3 an honest node H (a copy of S's chain) connects to B later; B must reach S's tip without
a restart and never charge or drop H. In 4, B has only the proxy.
  5. the proxy drops B's connection: S's version names S's own address, not the proxy's; B
     must still see its bootstrap peer (the proxy) as gone and dial it again.

Then a seeded campaign (--campaign SECONDS, or --campaign-rounds N with seeds 1..N): both
directions, several rates, every damage class; in each round B runs behind the proxy a few
times (redialling it as its connections die), is stopped with SIGTERM (exit 0), its store must
pass verifychain, and at the end it syncs directly from S to S's tip. Prints counts of mutations
by class and of B's responses.

Usage: sync_faults_test.py --binary build/actorchain [--only N]... [--no-findings]
                           [--campaign SECONDS | --campaign-rounds N]
Exits non-zero on any failure; prints "N passed, N failed".
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "decoders"))

from mutating_proxy import Campaign, DAMAGES, MutatingProxy, Rule  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from node_process import NodeProcess  # noqa: E402
from ports import free_port  # noqa: E402
from scenario import last_line, run_command  # noqa: E402

SIMPLE_BLOCKS = 2         # blocks with one payment, mined by `send --mine` (funds the rest)
CHAIN_BLOCKS = 24         # blocks after the genesis in all
IDLE_TIMEOUT_SECONDS = 2  # B's --sync-idle-timeout: a lost message costs it this long
CAMPAIGN_CYCLES = 6          # runs of B behind the proxy in a campaign round
CAMPAIGN_CYCLE_SECONDS = 6   # how long B runs behind the proxy before it is stopped


def Node(binary, datadir, node_id, args):
    """`actorchain --chain quick startnode`, its RPC on a port of its own choosing."""
    return NodeProcess(binary, datadir, node_id, ["--rpc-port", "0"] + list(args), chain="quick")


class World:
    """S's chain, built once; a copy of it for each honest peer."""

    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir
        self.datadir = os.path.join(workdir, "data")
        self.source_id = free_port()
        self.tip_height = CHAIN_BLOCKS
        address = self.cmd(self.source_id, ["createwallet"])
        payee = self.cmd(free_port(), ["createwallet"])
        self.cmd(self.source_id, ["createblockchain", "--address", address])
        for _ in range(SIMPLE_BLOCKS):
            self.cmd(self.source_id, ["send", "--from", address, "--to", payee, "--amount", "1",
                                      "--mine"])
        self._mine_odd_blocks(address, payee)
        # Honest peers start from copies of S's store, taken while S is not running.
        self.honest_ids = [self._copy_store() for _ in range(5)]
        self.source = None

    def _mine_odd_blocks(self, address, payee):
        """The rest of the chain through S's RPC: two or four payments a block, so three or
        five transactions with the coinbase."""
        source = Node(self.binary, self.datadir, self.source_id, ["--connect", "none"])
        try:
            bound = source.wait_for("rpc server bound to", 30)
            if not bound:
                raise RuntimeError("source RPC did not start:\n" + source.text())
            rpc_port = bound.rsplit(":", 1)[1].strip()
            for height in range(SIMPLE_BLOCKS + 1, CHAIN_BLOCKS + 1):
                for _ in range(2 if height % 2 else 4):
                    self.cmd(self.source_id, ["--rpc-port", rpc_port, "rpc", "sendtoaddress",
                                              payee, "0.1"])
                self.cmd(self.source_id, ["--rpc-port", rpc_port, "rpc", "generatetoaddress",
                                          "1", address])
            if not source.wait_for(tip_line(CHAIN_BLOCKS), 30):
                raise RuntimeError("source did not mine its chain:\n" + source.text())
        finally:
            if source.stop() != 0:
                raise RuntimeError("source did not stop cleanly:\n" + source.text())

    def _copy_store(self):
        node_id = free_port()
        shutil.copytree(os.path.join(self.datadir, str(self.source_id), "chainstate"),
                        os.path.join(self.datadir, str(node_id), "chainstate"))
        return node_id

    def cmd(self, node_id, args):
        return last_line(self.binary, self.datadir, node_id, ["--chain", "quick"] + args)

    def start_source(self):
        self.source = Node(self.binary, self.datadir, self.source_id,
                           ["--connect", "127.0.0.1:%d" % self.source_id])
        if not self.source.wait_for("listening on", 30):
            raise RuntimeError("source did not start:\n" + self.source.text())

    def honest_copy(self):
        """A node id whose store holds S's chain."""
        return self.honest_ids.pop()

    def start(self, node_id, connect, extra=()):
        args = []
        for port in connect:
            args += ["--connect", "127.0.0.1:%d" % port]
        node = Node(self.binary, self.datadir, node_id, args + list(extra))
        if not node.wait_for("listening on", 30):
            raise RuntimeError("node %d did not start:\n%s" % (node_id, node.text()))
        return node

    def verifychain(self, node_id):
        done = run_command(self.binary, self.datadir, node_id, ["--chain", "quick", "verifychain"])
        return done.returncode == 0, done.stdout + done.stderr


def tip_line(height):
    """What a node logs when its tip is at `height` ("new tip height=N hash=...", or at start
    "listening on ..., tip height=N hash=..."); a peer's version line ("height=N from=") is not
    one."""
    return "tip height=%d hash=" % height


def charged_or_dropped(lines, proxy_ports):
    """B's lines that charge or drop a peer other than the proxied connections."""
    bad = []
    for line in lines:
        if "misbehaving" not in line and "disconnecting" not in line:
            continue
        if not any("127.0.0.1:%d" % port in line for port in proxy_ports):
            bad.append(line)
    return bad


def finding(world, number, rule, honest_later):
    """One finding's scenario; a list of failure messages (empty: passed)."""
    failures = []
    proxy = MutatingProxy(world.source.port_target, rule, seed=number)
    b_id = free_port()
    nodes = []
    try:
        # Only the proxy: B would otherwise learn S's own address (its version, getaddr) and
        # fill an outbound slot with it, around the proxy.
        b = world.start(b_id, [proxy.port], ["--sync-idle-timeout", str(IDLE_TIMEOUT_SECONDS),
                                             "--max-outbound", "0"])
        nodes.append(b)
        if not rule.fired.wait(30):
            return ["the proxy never saw message %d %s %s" % (rule.nth, rule.direction,
                                                              rule.command)]
        if honest_later:
            # Let B act on the damage before the honest peer turns up.
            if rule.command == "block":
                b.wait_until(lambda lines: any(l and ("rejected block" in l or
                                                      "refused genesis" in l) for l in lines), 5)
            else:  # the bogus hash asked for and answered notfound
                b.wait_for("notfound", 5)
            h = world.start(world.honest_copy(), [b_id])
            nodes.append(h)
        if not b.wait_for(tip_line(world.tip_height), 60):
            failures.append("B did not reach height %d (at %d):\n%s"
                            % (world.tip_height, b.height(), b.text()))
        bad = charged_or_dropped(b.all_lines(), [proxy.port])
        if bad:
            failures.append("B charged or dropped an honest peer:\n" + "\n".join(bad))
    finally:
        for node in nodes:
            code = node.stop()
            if code != 0:
                failures.append("node %d exited %d on SIGTERM" % (node.node_id, code))
        proxy.close()
    return failures


RESPONSES = [
    ("charged", "misbehaving"),
    ("disconnected", "disconnecting"),
    ("block refused", "rejected block"),
    ("tx refused", "rejected tx"),
    ("bad framing", "bad framing"),
    ("undecodable", "undecodable"),
    ("unrequested", "unrequested block"),
    ("stalling", "stalling"),
]


def campaign(world, seconds=None, rounds=None):
    """Seeded rounds at several rates, both directions, for `rounds` rounds (seeds 1..rounds) or
    within `seconds`; failures list."""
    failures = []
    mutations = {}
    responses = {name: 0 for name, _ in RESPONSES}
    rates = [0.05, 0.15, 0.3]
    deadline = time.monotonic() + seconds if seconds else None
    done = 0
    for seed in range(1, 1000):
        if rounds is not None and done >= rounds:
            break
        if deadline is not None and time.monotonic() > deadline:
            break
        rate = rates[(seed - 1) % len(rates)]
        proxy = MutatingProxy(world.source.port_target, Campaign(rate), seed=seed)
        b_id = free_port()
        try:
            # B runs behind the proxy for a while, redialling it as its connections die, is
            # stopped and checked, and runs again; once synced, a fresh B starts from nothing, so
            # every cycle has blocks to damage.
            for cycle in range(CAMPAIGN_CYCLES):
                b = world.start(b_id, [proxy.port], ["--sync-idle-timeout",
                                                     str(IDLE_TIMEOUT_SECONDS),
                                                     "--max-outbound", "0"])
                b.wait_for(tip_line(world.tip_height), CAMPAIGN_CYCLE_SECONDS)
                lines = b.all_lines()
                for name, needle in RESPONSES:
                    responses[name] += sum(1 for l in lines if needle in l)
                code = b.stop()
                if code != 0:
                    failures.append("seed %d: B exited %d on SIGTERM:\n%s"
                                    % (seed, code, b.text()))
                ok, out = world.verifychain(b_id)
                # A node that never adopted a genesis (its copy was damaged) has nothing to check.
                if not ok and "no-chain" not in out:
                    failures.append("seed %d: verifychain failed: %s" % (seed, out))
                if deadline is not None and time.monotonic() > deadline:
                    break
                if b.height() >= world.tip_height and cycle + 1 < CAMPAIGN_CYCLES:
                    b_id = free_port()
        finally:
            proxy.close()
        if proxy.errors:
            failures.append("seed %d: the proxy failed: %s" % (seed, "; ".join(proxy.errors)))
        for (damage, _), n in proxy.stats.counts.items():
            mutations[damage] = mutations.get(damage, 0) + n
        print("campaign round %d (rate %.2f): %d mutations over %d connections"
              % (seed, rate, proxy.stats.total(), proxy.connections))
        # Directly from S, no proxy: B reaches S's tip.
        b = world.start(b_id, [world.source.port_target])
        if not b.wait_for(tip_line(world.tip_height), 60) and b.height() < world.tip_height:
            failures.append("seed %d: B did not reach the tip directly:\n%s" % (seed, b.text()))
        code = b.stop()
        if code != 0:
            failures.append("seed %d: B exited %d on SIGTERM after the direct sync" % (seed, code))
        done += 1
    total = sum(mutations.values())
    print("campaign: %d rounds, %d mutations" % (done, total))
    for damage in DAMAGES:
        print("  mutations %-16s %d" % (damage, mutations.get(damage, 0)))
    for name, _ in RESPONSES:
        print("  responses %-16s %d" % (name, responses[name]))
    # The campaign is only worth its time when it damages a good deal in every round.
    if done and total < 10 * done:
        failures.append("only %d mutations in %d rounds" % (total, done))
    return failures


def connection_drop(world):
    """Finding 5: B's bootstrap peer is the proxy, whose far end (S) names another address in
    its version. When the proxy drops the connection, B must see that peer gone and redial it."""
    failures = []
    proxy = MutatingProxy(world.source.port_target, None)
    b_id = free_port()
    b = None
    try:
        b = world.start(b_id, [proxy.port], ["--max-outbound", "0"])
        connected = "peer 127.0.0.1:%d connected (bootstrap)" % proxy.port
        if not b.wait_for(tip_line(world.tip_height), 60):
            failures.append("B did not sync through the proxy:\n" + b.text())
            return failures
        proxy.drop_connections()
        if not b.wait_for("peer 127.0.0.1:%d gone (bootstrap)" % proxy.port, 30):
            failures.append("B never saw its bootstrap peer go:\n" + b.text())
        elif not b.wait_until(lambda lines: sum(1 for l in lines if l and connected in l) >= 2,
                              30):
            failures.append("B never redialled its bootstrap peer:\n" + b.text())
    finally:
        if b:
            code = b.stop()
            if code != 0:
                failures.append("node %d exited %d on SIGTERM" % (b.node_id, code))
        proxy.close()
    return failures


FINDINGS = {
    "1": ("a block's transactions swapped in transit",
          lambda: Rule("to_client", "block", 3, "swap-txs"), True),
    "1b": ("a CVE-2012-2459 duplicate of a block",
           lambda: Rule("to_client", "block", 1, "cve-2012-2459"), True),
    "2": ("a damaged genesis",
          lambda: Rule("to_client", "block", 1, "duplicate-tx"), True),
    "3": ("a bogus hash in an inv",
          lambda: Rule("to_client", "inv", 1, "bit-flip"), True),
    "4": ("the inv answering getblocks lost",
          lambda: Rule("to_client", "inv", 1, "drop-frame"), False),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--only", action="append", help="a finding (1, 1b, 2, 3, 4, 5)")
    parser.add_argument("--no-findings", action="store_true", help="only the campaign")
    parser.add_argument("--campaign", type=float, default=0, help="seconds of campaign")
    parser.add_argument("--campaign-rounds", type=int, default=0, help="rounds of campaign")
    args = parser.parse_args()
    passed = failed = 0
    workdir = tempfile.mkdtemp(prefix="sync-faults-")
    world = None

    def report(title, started, failures):
        nonlocal passed, failed
        print("%s: %s in %.1f s" % (title, "ok" if not failures else "FAILED",
                                    time.monotonic() - started))
        for failure in failures:
            print("  " + failure.replace("\n", "\n  "))
        passed, failed = (passed + 1, failed) if not failures else (passed, failed + 1)
        sys.stdout.flush()

    def wanted(number):
        return not args.no_findings and (not args.only or number in args.only)

    try:
        world = World(args.binary, workdir)
        world.start_source()
        world.source.port_target = world.source_id
        for number, (title, make_rule, honest_later) in FINDINGS.items():
            if not wanted(number):
                continue
            started = time.monotonic()
            failures = finding(world, int(number.rstrip("b")), make_rule(), honest_later)
            report("finding %s (%s)" % (number, title), started, failures)
        if wanted("5"):
            started = time.monotonic()
            report("finding 5 (a dropped connection to a peer known by another address)",
                   started, connection_drop(world))
        if args.campaign > 0 or args.campaign_rounds > 0:
            started = time.monotonic()
            failures = campaign(world, seconds=args.campaign or None,
                                rounds=args.campaign_rounds or None)
            report("campaign", started, failures)
    finally:
        if world and world.source:
            world.source.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
