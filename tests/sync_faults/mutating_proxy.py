"""A TCP proxy between two actorchain nodes that damages wire messages on purpose.

It cuts each direction's byte stream into frames (24-byte header: magic, command, length,
checksum; then the payload) and passes them on, except the ones a rule picks:

  Rule(direction, command, nth, damage)   damages exactly the nth (1-based) message `command`
                                          sent in `direction` ("to_server": from the connecting
                                          node; "to_client": from the listening one)
  Campaign(rate, directions)              damages each frame with probability `rate`, with a
                                          damage class drawn from those that apply to it

Damage classes (DAMAGES). Unless the class is about the header itself, the length and the
checksum are recomputed, so the damage reaches the decoders and validation:
  bit-flip, truncate, extend, count-prefix (the payload's first CompactSize count off by one),
  swap-txs, drop-tx, duplicate-tx (block payloads), cve-2012-2459 (a block whose last
  transactions are repeated so the merkle root stays the same), command-swap, reorder (held
  back until the next frame has gone), drop-frame, duplicate-frame, delay-frame (2 s),
  bad-checksum, bad-magic, bad-length (the header's length off by one).

Counts of what was damaged, by class and command, are in `counts`. Python 3 standard library
only; listens on an ephemeral port of 127.0.0.1.
"""

import hashlib
import random
import socket
import struct
import threading
import time

HEADER_BYTES = 24

DAMAGES = [
    "bit-flip", "truncate", "extend", "count-prefix", "swap-txs", "drop-tx", "duplicate-tx",
    "cve-2012-2459", "command-swap", "reorder", "drop-frame", "duplicate-frame", "delay-frame",
    "bad-checksum", "bad-magic", "bad-length",
]
BLOCK_DAMAGES = {"swap-txs", "drop-tx", "duplicate-tx", "cve-2012-2459"}
DELAY_SECONDS = 2.0


def sha256d(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def read_compact(data, at):
    """(value, offset after it) of the CompactSize at `at`, or None past the end."""
    if at >= len(data):
        return None
    first = data[at]
    if first < 0xFD:
        return first, at + 1
    size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
    if at + 1 + size > len(data):
        return None
    return int.from_bytes(data[at + 1:at + 1 + size], "little"), at + 1 + size


def compact(value):
    if value < 0xFD:
        return bytes([value])
    if value <= 0xFFFF:
        return b"\xfd" + struct.pack("<H", value)
    if value <= 0xFFFFFFFF:
        return b"\xfe" + struct.pack("<I", value)
    return b"\xff" + struct.pack("<Q", value)


def split_block(payload):
    """(80-byte header, [raw transactions]) of a block payload, or None when it does not parse."""
    if len(payload) < 81:
        return None
    count = read_compact(payload, 80)
    if count is None:
        return None
    n, at = count
    txs = []
    for _ in range(n):
        start = at
        at += 4  # version
        inputs = read_compact(payload, at)
        if inputs is None:
            return None
        k, at = inputs
        for _ in range(k):
            at += 36
            script = read_compact(payload, at)
            if script is None:
                return None
            at = script[1] + script[0] + 4
        outputs = read_compact(payload, at)
        if outputs is None:
            return None
        k, at = outputs
        for _ in range(k):
            at += 8
            script = read_compact(payload, at)
            if script is None:
                return None
            at = script[1] + script[0]
        at += 4  # lock time
        if at > len(payload):
            return None
        txs.append(payload[start:at])
    return payload[:80], txs


def join_block(header, txs):
    return header + compact(len(txs)) + b"".join(txs)


def cve_duplicate(txs):
    """`txs` with trailing ones repeated so the merkle root is unchanged, or None if impossible.

    At each level of the tree an odd count pairs the last node with itself; repeating the
    transactions under that last node yields the same root. Only when a level holds more than
    one node and an odd count is there such a suffix."""
    count, width = len(txs), 1
    while count > 1:
        if count % 2 == 1:
            return txs + txs[(count - 1) * width:]
        count = (count + 1) // 2
        width *= 2
    return None


class Frame:
    def __init__(self, raw_header, payload):
        self.magic = raw_header[:4]
        self.command = raw_header[4:16].rstrip(b"\0").decode("ascii", "replace")
        self.length = struct.unpack("<I", raw_header[16:20])[0]
        self.checksum = raw_header[20:24]
        self.payload = payload

    def encode(self, recompute=True):
        name = self.command.encode("ascii", "replace")[:12].ljust(12, b"\0")
        length = len(self.payload) if recompute else self.length
        checksum = sha256d(self.payload)[:4] if recompute else self.checksum
        return self.magic + name + struct.pack("<I", length) + checksum + self.payload


def applicable(frame, damage):
    if damage in BLOCK_DAMAGES:
        if frame.command != "block":
            return False
        parts = split_block(frame.payload)
        if parts is None:
            return False
        txs = parts[1]
        if damage == "cve-2012-2459":
            return cve_duplicate(txs) is not None
        return len(txs) >= (2 if damage in ("swap-txs", "drop-tx") else 1)
    if damage == "count-prefix":
        return frame.command in ("inv", "getdata", "notfound", "block", "getblocks", "addr")
    if damage in ("bit-flip", "truncate"):
        return len(frame.payload) > 0
    return True


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}  # (damage, command) -> how many

    def add(self, damage, command):
        with self.lock:
            self.counts[(damage, command)] = self.counts.get((damage, command), 0) + 1

    def total(self):
        with self.lock:
            return sum(self.counts.values())

    def by_damage(self):
        out = {}
        with self.lock:
            for (damage, _), n in self.counts.items():
                out[damage] = out.get(damage, 0) + n
        return out


class Rule:
    """Damage exactly the nth message `command` sent in `direction`."""

    def __init__(self, direction, command, nth, damage):
        assert damage in DAMAGES, damage
        self.direction, self.command, self.nth, self.damage = direction, command, nth, damage
        self.seen = 0
        self.fired = threading.Event()

    def pick(self, direction, frame, rng):
        if direction != self.direction or frame.command != self.command or self.fired.is_set():
            return None
        if not applicable(frame, self.damage):
            return None
        self.seen += 1
        if self.seen != self.nth:
            return None
        self.fired.set()
        return self.damage


class Campaign:
    """Damage each frame with probability `rate` (seeded), in the given directions."""

    def __init__(self, rate, directions=("to_server", "to_client"), damages=DAMAGES):
        self.rate, self.directions, self.damages = rate, directions, list(damages)

    def pick(self, direction, frame, rng):
        if direction not in self.directions or rng.random() >= self.rate:
            return None
        choices = [d for d in self.damages if applicable(frame, d)]
        return rng.choice(choices) if choices else None


def damage_frame(frame, damage, rng):
    """The bytes to send instead of `frame` (b"" to drop it); (bytes, hold) for reorder."""
    payload = bytearray(frame.payload)
    if damage == "bit-flip":
        parsed = read_compact(bytes(payload), 0)
        if frame.command in ("inv", "getdata", "notfound") and parsed and parsed[0] > 0 \
                and parsed[1] + parsed[0] * 36 <= len(payload):
            # Inside one item's hash: an id nobody has (the type and count have their classes).
            at = parsed[1] + rng.randrange(parsed[0]) * 36 + 4 + rng.randrange(32)
            payload[at] ^= 1 << rng.randrange(8)
        else:
            bit = rng.randrange(len(payload) * 8)
            payload[bit // 8] ^= 1 << (bit % 8)
    elif damage == "truncate":
        del payload[rng.randrange(len(payload)):]
    elif damage == "extend":
        payload += bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif damage == "count-prefix":
        at = 80 if frame.command == "block" else (4 if frame.command == "getblocks" else 0)
        parsed = read_compact(bytes(payload), at)
        if parsed is None:
            payload += b"\x01"
        else:
            value, end = parsed
            value = value + 1 if value == 0 or rng.random() < 0.5 else value - 1
            payload[at:end] = compact(value)
    elif damage in BLOCK_DAMAGES:
        header, txs = split_block(bytes(payload))
        if damage == "swap-txs":
            i, j = rng.sample(range(len(txs)), 2)
            txs[i], txs[j] = txs[j], txs[i]
        elif damage == "drop-tx":
            del txs[rng.randrange(len(txs))]
        elif damage == "duplicate-tx":
            i = rng.randrange(len(txs))
            txs.insert(i, txs[i])
        else:
            txs = cve_duplicate(txs)
        payload = bytearray(join_block(header, txs))
    elif damage == "command-swap":
        others = ["tx", "block", "inv", "getdata", "notfound", "getblocks", "ping", "addr"]
        frame.command = rng.choice([c for c in others if c != frame.command])
    frame.payload = bytes(payload)
    if damage == "bad-checksum":
        frame.checksum = bytes(b ^ 0xFF for b in sha256d(frame.payload)[:4])
        return frame.encode(recompute=False)
    if damage == "bad-magic":
        frame.magic = bytes(b ^ 0x5A for b in frame.magic)
    if damage == "bad-length":
        frame.length = len(frame.payload) + (rng.choice([-1, 1]) if frame.payload else 1)
        frame.checksum = sha256d(frame.payload)[:4]
        return frame.encode(recompute=False)
    if damage == "drop-frame":
        return b""
    out = frame.encode()
    if damage == "duplicate-frame":
        return out + out
    return out


class MutatingProxy:
    """Listens on 127.0.0.1 (ephemeral port) and forwards every connection to `target_port`."""

    def __init__(self, target_port, rule, seed=1):
        self.target = ("127.0.0.1", target_port)
        self.rule = rule
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.stats = Stats()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.errors = []  # exceptions that ended a pump thread, other than socket errors
        self._sockets = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self.connections += 1
                self._sockets += [client, server]
            for source, sink, direction in ((client, server, "to_server"),
                                            (server, client, "to_client")):
                threading.Thread(target=self._pump, args=(source, sink, direction),
                                 daemon=True).start()

    def _choose(self, direction, frame):
        with self.rng_lock:
            damage = self.rule.pick(direction, frame, self.rng) if self.rule else None
            if damage is None:
                return None, None
            seed = self.rng.random()
        return damage, random.Random(seed)

    def _pump(self, source, sink, direction):
        buffer = b""
        held = b""  # a reordered frame, sent after the next one
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                buffer += data
                while len(buffer) >= HEADER_BYTES:
                    length = struct.unpack("<I", buffer[16:20])[0]
                    if len(buffer) < HEADER_BYTES + length:
                        break
                    frame = Frame(buffer[:HEADER_BYTES], buffer[HEADER_BYTES:HEADER_BYTES + length])
                    raw = buffer[:HEADER_BYTES + length]
                    buffer = buffer[HEADER_BYTES + length:]
                    damage, rng = self._choose(direction, frame)
                    if damage is None:
                        sink.sendall(raw + held)
                        held = b""
                        continue
                    self.stats.add(damage, frame.command)
                    if damage == "reorder":
                        held += raw
                        continue
                    if damage == "delay-frame":
                        time.sleep(DELAY_SECONDS)
                    sink.sendall(damage_frame(frame, damage, rng) + held)
                    held = b""
                if buffer and len(buffer) >= 20 and struct.unpack("<I", buffer[16:20])[0] > 64 << 20:
                    sink.sendall(buffer)  # not a frame we can cut: pass it on as it is
                    buffer = b""
        except OSError:
            pass
        except Exception as error:  # a bug of the proxy itself: the test reports it
            self.errors.append("%s %s: %r" % (direction, type(error).__name__, error))
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def drop_connections(self):
        """Closes every connection made so far, both ends; new ones are still accepted."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass

    def close(self):
        self.listener.close()
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.close()
                except OSError:
                    pass
