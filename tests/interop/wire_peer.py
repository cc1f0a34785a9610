"""Just enough of Bitcoin's P2P protocol, on regtest, for tests that play a peer: framing,
the handshake, and hand-made blocks (shared by interop_test.py and protocol_test.py)."""
import hashlib
import socket
import struct
import time

REGTEST_MAGIC = bytes.fromhex("fabfb5da")


def sha256d(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def compact_size(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    return b"\xfe" + struct.pack("<I", n)


def push(data):
    assert len(data) < 0x4c
    return bytes([len(data)]) + data


def script_number(n):
    out = bytearray()
    while n:
        out.append(n & 0xff)
        n >>= 8
    if out and out[-1] & 0x80:
        out.append(0)
    return bytes(out)


def coinbase(height, output_script):
    """A coinbase paying nothing (so never over the subsidy), its height first (BIP34)."""
    script_sig = push(script_number(height)) + b"\x51"
    return (struct.pack("<i", 1) + b"\x01" + b"\0" * 32 + b"\xff" * 4 + compact_size(
        len(script_sig)) + script_sig + b"\xff" * 4 + b"\x01" + struct.pack("<q", 0) +
        compact_size(len(output_script)) + output_script + b"\0" * 4)


def merkle_root(txids):
    level = list(txids)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def mine_block(tip_hash_hex, tip_time, height, txs):
    """A regtest block on the tip (bits 207fffff: about two tries) -> (raw, display hash)."""
    root = merkle_root([sha256d(tx) for tx in txs])
    time_field = max(tip_time + 1, int(time.time()))
    for nonce in range(1 << 20):
        header = (struct.pack("<i", 0x20000000) + bytes.fromhex(tip_hash_hex)[::-1] + root +
                  struct.pack("<III", time_field, 0x207fffff, nonce))
        digest = sha256d(header)
        if int.from_bytes(digest[::-1], "big") <= 0x7fffff << (8 * (0x20 - 3)):
            raw = header + compact_size(len(txs)) + b"".join(txs)
            return raw, digest[::-1].hex()
    raise AssertionError("no proof of work found")


class WirePeer:
    """One connection to a node: handshake, then messages sent and awaited by command."""

    def __init__(self, port, host="127.0.0.1", relay=True, protocol=70015, source=None):
        """`relay`: the version's relay flag (BIP37; false asks for no transaction invs);
        `source`: the local address to connect from (127.0.0.2, ...)."""
        self.sock = socket.create_connection((host, port), timeout=30,
                                             source_address=(source, 0) if source else None)
        self.buffer = b""
        version = (struct.pack("<iQq", protocol, 0, int(time.time())) + b"\0" * 26 +
                   b"\0" * 26 + struct.pack("<Q", 0x1234567890abcdef) + push(b"/interop-test/") +
                   struct.pack("<i", 0) + (b"\1" if relay else b"\0"))
        self.send("version", version)
        self.their_version = None  # the node's version payload
        seen = set()
        while not {"version", "verack"} <= seen:
            command, payload = self.receive()
            seen.add(command)
            if command == "version":
                self.their_version = payload
                self.send("verack", b"")

    def send(self, command, payload):
        self.sock.sendall(REGTEST_MAGIC + command.encode().ljust(12, b"\0") +
                          struct.pack("<I", len(payload)) + sha256d(payload)[:4] + payload)

    def receive(self):
        while True:
            if len(self.buffer) >= 24:
                length = struct.unpack("<I", self.buffer[16:20])[0]
                if len(self.buffer) >= 24 + length:
                    command = self.buffer[4:16].rstrip(b"\0").decode()
                    payload = self.buffer[24:24 + length]
                    self.buffer = self.buffer[24 + length:]
                    if command == "ping":
                        self.send("pong", payload)
                    return command, payload
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("the node closed the connection")
            self.buffer += chunk

    def wait_for(self, command, accept=lambda payload: True):
        """The payload of the next `command` message that `accept`s it (others are skipped)."""
        while True:
            got, payload = self.receive()
            if got == command and accept(payload):
                return payload

    def offer_block(self, raw, block_hash):
        self.send("inv", b"\x01" + struct.pack("<I", 2) + bytes.fromhex(block_hash)[::-1])
        while True:
            command, payload = self.receive()
            if command == "getdata" and bytes.fromhex(block_hash)[::-1] in payload:
                self.send("block", raw)
                return

    def close(self):
        self.sock.close()


def read_compact_size(data, offset):
    first = data[offset]
    if first < 0xfd:
        return first, offset + 1
    size = {0xfd: 2, 0xfe: 4, 0xff: 8}[first]
    return int.from_bytes(data[offset + 1:offset + 1 + size], "little"), offset + 1 + size


def inventory(payload):
    """An inv / getdata / notfound payload -> [(type, display hash)]."""
    count, offset = read_compact_size(payload, 0)
    items = []
    for _ in range(count):
        kind = struct.unpack("<I", payload[offset:offset + 4])[0]
        items.append((kind, payload[offset + 4:offset + 36][::-1].hex()))
        offset += 36
    return items


def header_hashes(payload):
    """A headers payload -> display hashes, in order."""
    count, offset = read_compact_size(payload, 0)
    hashes = []
    for _ in range(count):
        hashes.append(sha256d(payload[offset:offset + 80])[::-1].hex())
        offset += 81
    return hashes


def locator_payload(hashes, stop=None):
    """getblocks / getheaders: version, locator (display hashes), stop (zero: none)."""
    out = struct.pack("<I", 70015) + compact_size(len(hashes))
    out += b"".join(bytes.fromhex(h)[::-1] for h in hashes)
    return out + (bytes.fromhex(stop)[::-1] if stop else b"\0" * 32)
