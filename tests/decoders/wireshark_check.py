#!/usr/bin/python3
"""Captures a real actorchain run with tshark and checks that Wireshark decodes every message.

Runs tests/decoders/scenario.py with the central node on a fresh port P while tshark captures
`port P` on the loopback interface, then reads the capture back with the bitcoin dissector
forced on P (Decode As: `-d tcp.port==P,bitcoin`; the dissector's heuristic would only claim
Bitcoin's own network magics, so our demo magic needs it). Fails when a frame is malformed or
raises an expert warning, when a message's command has no dissected body, or when a command the
nodes send in the scenario is missing. The byte streams of the capture are also handed to
python-bitcoinlib (check_with_bitcoinlib.py) when it is installed.
Needs root (capture) and tshark; exits 77 (skip) without them.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402

# A field each command's dissected body carries: present only when Wireshark parsed the payload
# as that message (verack has no payload).
BODY_FIELD = {
    "version": "bitcoin.version.version",
    "addr": "bitcoin.addr.count",
    "inv": "bitcoin.inv.count",
    "getdata": "bitcoin.getdata.count",
    "notfound": "bitcoin.notfound.count",
    "getblocks": "bitcoin.getblocks.count",
    "tx": "bitcoin.tx.version",
    "block": "bitcoin.block.version",
    "ping": "bitcoin.ping.nonce",
    "pong": "bitcoin.pong.nonce",
    "headers": "bitcoin.headers.count",
    "verack": None,
    "getaddr": None,
    # BIP130, no payload. Wireshark 4.0's dissector does not know the command: it flags the
    # frame "Unknown command", a warning tolerated for this command alone.
    "sendheaders": None,
    # BIP152's compact blocks: unknown to Wireshark 4.0 as well (same tolerance); their bodies
    # are checked by python-bitcoinlib below, with the codecs check_with_bitcoinlib.py adds.
    "sendcmpct": None,
    "cmpctblock": None,
    "getblocktxn": None,
    "blocktxn": None,
}
UNKNOWN_TO_WIRESHARK = {"sendheaders", "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn"}
# What the central node sends in the scenario (frames from port P).
EXPECTED_FROM_CENTRAL = {"version", "verack", "addr", "inv", "block", "tx", "pong", "notfound",
                         "sendcmpct"}
# What the other actorchain parties send to it (wallet, miner, send's hand-over client); one of
# ANNOUNCEMENTS: a new block goes to the central node by headers (BIP130) when the central node
# is known to have its parent, by inv otherwise; and one of BLOCK_BODIES: the central node asks
# for a block announced by headers on its tip as a cmpctblock (BIP152 low bandwidth), for
# others whole.
EXPECTED_TO_CENTRAL = {"version", "verack", "getblocks", "getdata", "tx", "ping"}
ANNOUNCEMENTS = {"inv", "headers"}
BLOCK_BODIES = {"block", "cmpctblock"}
SENTINEL = b"actorchain-capture-end"


class Capture:
    """tshark writing `port P` on lo to a file, printing a summary line per packet."""

    def __init__(self, port, path):
        self.process = subprocess.Popen(
            ["tshark", "-i", "lo", "-f", "port %d" % port, "-w", path, "-P", "-l"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stdout, self.stderr = [], []
        self.changed = threading.Condition()
        for stream, lines in ((self.process.stdout, self.stdout),
                              (self.process.stderr, self.stderr)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()

    def _read(self, stream, lines):
        for line in stream:
            with self.changed:
                lines.append(line)
                self.changed.notify_all()

    def wait_for(self, lines, needle, timeout):
        with self.changed:
            return self.changed.wait_for(lambda: any(needle in l for l in lines), timeout)

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        self.process.wait(30)


def fields(pcap, port, names):
    done = subprocess.run(
        ["tshark", "-r", pcap, "-d", "tcp.port==%d,bitcoin" % port, "-Y", "bitcoin",
         "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
        + sum((["-e", name] for name in names), []),
        capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError("tshark -r failed: " + done.stderr)
    return [line.split("\t") for line in done.stdout.splitlines()]


def main():
    if len(sys.argv) != 2:
        print("usage: wireshark_check.py ACTORCHAIN_BINARY")
        return 2
    binary = sys.argv[1]
    if os.geteuid() != 0:
        print("SKIP: capturing on lo needs root")
        return 77
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77

    with tempfile.TemporaryDirectory(prefix="actorchain-wireshark-") as workdir:
        pcap = os.path.join(workdir, "run.pcap")
        port = scenario.free_port()
        capture = Capture(port, pcap)
        try:
            if not capture.wait_for(capture.stderr, "Capturing on", 30):
                print("FAIL tshark did not start capturing:\n" + "".join(capture.stderr))
                return 1
            scenario.run(binary, workdir, port)
            # tshark has written everything once it has seen a datagram sent after the run.
            # It prints every packet of the run before that one: under load that took over 10 s.
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                for _ in range(120):
                    udp.sendto(SENTINEL, ("127.0.0.1", port))
                    if capture.wait_for(capture.stdout, "UDP", 1):
                        break
                else:
                    print("FAIL tshark never showed the end-of-run datagram")
                    return 1
        finally:
            capture.stop()

        names = ["tcp.srcport", "bitcoin.command", "_ws.malformed", "_ws.expert.severity",
                 "_ws.expert.message"]
        names += sorted(f for f in BODY_FIELD.values() if f)
        rows = fields(pcap, port, names)
        errors = []
        from_central, to_central = set(), set()
        messages = 0
        for row in rows:
            row += [""] * (len(names) - len(row))
            value = dict(zip(names, row))
            commands = [c for c in value["bitcoin.command"].split("|") if c]
            messages += len(commands)
            if value["_ws.malformed"]:
                errors.append("malformed frame with %s" % commands)
            severities = [s for s in value["_ws.expert.severity"].split("|") if s]
            # Expert severities: 0x00400000 warn, 0x00800000 error (chat/note are fine).
            unknown_only = (set(commands) & UNKNOWN_TO_WIRESHARK and all(
                m == "Unknown command" for m in value["_ws.expert.message"].split("|") if m))
            if any(int(s, 0) >= 0x00400000 for s in severities) and not unknown_only:
                errors.append("expert warning on frame with %s: %s"
                              % (commands, value["_ws.expert.message"]))
            for command in commands:
                if command not in BODY_FIELD:
                    errors.append("command %r is not one the check knows" % command)
                    continue
                body = BODY_FIELD[command]
                if body and not value[body]:
                    errors.append("%s without a dissected body" % command)
                (from_central if value["tcp.srcport"] == str(port) else to_central).add(command)
        for missing in sorted(EXPECTED_FROM_CENTRAL - from_central):
            errors.append("the central node never sent %s" % missing)
        for missing in sorted(EXPECTED_TO_CENTRAL - to_central):
            errors.append("the other nodes never sent %s" % missing)
        if not ANNOUNCEMENTS & to_central:
            errors.append("the other nodes never announced a block (inv or headers)")
        if not BLOCK_BODIES & to_central:
            errors.append("the other nodes never sent a block (block or cmpctblock)")
        print("wireshark decoded %d messages; central sent: %s; others sent: %s"
              % (messages, " ".join(sorted(from_central)), " ".join(sorted(to_central))))

        errors += bitcoinlib_on_capture(pcap, workdir, messages)
        for error in errors:
            print("FAIL " + error)
        return 1 if errors or messages == 0 else 0


def bitcoinlib_on_capture(pcap, workdir, wireshark_messages):
    """Hands every TCP stream of the capture, per direction, to check_with_bitcoinlib.py, which
    must find as many messages as Wireshark did."""
    try:
        import bitcoin  # noqa: F401
    except ImportError:
        print("note: python-bitcoinlib not installed; capture not cross-checked with it")
        return []
    listed = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.stream"],
                            capture_output=True, text=True, timeout=60).stdout.split()
    paths = []
    for stream in sorted({int(s) for s in listed if s}):
        done = subprocess.run(["tshark", "-r", pcap, "-q", "-z", "follow,tcp,raw,%d" % stream],
                              capture_output=True, text=True, timeout=60)
        directions = {False: bytearray(), True: bytearray()}
        # Header and separator lines are not hex; data lines of the second node are indented.
        for line in done.stdout.splitlines():
            text = line.strip()
            if not text or not all(c in "0123456789abcdef" for c in text):
                continue
            directions[line.startswith("\t")].extend(bytes.fromhex(text))
        for second, data in directions.items():
            if data:
                path = os.path.join(workdir, "stream%d.%d" % (stream, int(second)))
                with open(path, "wb") as out:
                    out.write(data)
                paths.append(path)
    checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_with_bitcoinlib.py")
    done = subprocess.run([sys.executable, checker] + paths, capture_output=True, text=True,
                          timeout=60)
    print("bitcoinlib on the capture: " + done.stdout.strip().splitlines()[0]
          if done.stdout.strip() else "bitcoinlib printed nothing")
    if done.returncode != 0:
        return ["bitcoinlib on the capture: " + done.stdout.strip()]
    expected = "decoded %d frames" % wireshark_messages
    if expected not in done.stdout:
        return ["bitcoinlib and Wireshark disagree on the message count: " + done.stdout.strip()]
    return []


if __name__ == "__main__":
    sys.exit(main())
