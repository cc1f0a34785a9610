#!/usr/bin/python3
"""Decodes actorchain wire traffic with an independent implementation: python-bitcoinlib.

  check_with_bitcoinlib.py --binary PATH/actorchain
      runs tests/decoders/scenario.py with a recording proxy in front of the central node and
      decodes every byte both sides sent;
  check_with_bitcoinlib.py [--magic HEX] STREAM...
      decodes raw one-direction byte streams (e.g. recorded by record_proxy.py).

Every frame must be deserialized by bitcoin.messages.MsgSerializable.stream_deserialize with a
command bitcoinlib knows, and serializing the decoded message again must give back the exact
bytes (so no field was skipped or misread). With --binary, the commands our nodes sent must also
cover the flows of the scenario. Exit 0 on success, 1 on failure, 77 when bitcoinlib is missing.
"""

import argparse
import io
import os
import struct
import sys
import tempfile

try:
    import bitcoin
    import bitcoin.core
    import bitcoin.core.serialize
    import bitcoin.messages
except ImportError:
    print("SKIP: python-bitcoinlib is not installed (Debian: python3-bitcoinlib)")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

DEMO_MAGIC = "ac70c41a"
# What the nodes of the scenario must send (ping only comes after the 60 s keepalive).
EXPECTED_FROM_NODES = {"version", "verack", "addr", "getblocks", "inv", "getdata", "block", "tx",
                       "pong", "notfound", "sendheaders", "sendcmpct"}


class msg_sendheaders(bitcoin.messages.MsgSerializable):
    """BIP130's sendheaders (no payload): python-bitcoinlib 0.11 predates it."""
    command = b"sendheaders"

    @classmethod
    def msg_deser(cls, f, protover=bitcoin.messages.PROTO_VERSION):
        return cls()

    def msg_ser(self, f):
        pass


class msg_headers(bitcoin.messages.msg_headers):
    """Bitcoin Core's headers message: each header followed by its (zero) transaction count.
    python-bitcoinlib 0.11 reads and writes the 80 header bytes alone, so it would misread every
    header after the first; this reads the count and requires it to be zero."""

    @classmethod
    def msg_deser(cls, f, protover=bitcoin.messages.PROTO_VERSION):
        c = cls()
        for _ in range(bitcoin.core.serialize.VarIntSerializer.stream_deserialize(f)):
            c.headers.append(bitcoin.core.CBlockHeader.stream_deserialize(f))
            if bitcoin.core.serialize.VarIntSerializer.stream_deserialize(f) != 0:
                raise ValueError("a header with a transaction count")
        return c

    def msg_ser(self, f):
        bitcoin.core.serialize.VarIntSerializer.stream_serialize(len(self.headers), f)
        for header in self.headers:
            header.stream_serialize(f)
            bitcoin.core.serialize.VarIntSerializer.stream_serialize(0, f)


# BIP152 compact blocks, which python-bitcoinlib 0.11 predates: read as the BIP lays them out, and
# written back the same way, so a frame that re-serializes to its own bytes was read whole.
VarInt = bitcoin.core.serialize.VarIntSerializer
CTransaction = bitcoin.core.CTransaction


def read_exact(f, size):
    data = f.read(size)
    if len(data) != size:
        raise ValueError("truncated payload")
    return data


def read_list(f, read_item):
    """A CompactSize count, then that many items."""
    return [read_item(f) for _ in range(VarInt.stream_deserialize(f))]


def write_list(f, items, write_item):
    VarInt.stream_serialize(len(items), f)
    for item in items:
        write_item(item, f)


class msg_sendcmpct(bitcoin.messages.MsgSerializable):
    """BIP152's sendcmpct: a one-byte high-bandwidth flag and a version."""
    command = b"sendcmpct"

    @classmethod
    def msg_deser(cls, f, protover=bitcoin.messages.PROTO_VERSION):
        c = cls()
        c.announce = read_exact(f, 1)[0]
        if c.announce > 1:
            raise ValueError("sendcmpct flag is neither 0 nor 1")
        c.version = struct.unpack("<Q", read_exact(f, 8))[0]
        return c

    def msg_ser(self, f):
        f.write(bytes([self.announce]) + struct.pack("<Q", self.version))


class msg_cmpctblock(bitcoin.messages.MsgSerializable):
    """BIP152's cmpctblock: header, nonce, 6-byte short ids, prefilled txs (differential index)."""
    command = b"cmpctblock"

    @classmethod
    def msg_deser(cls, f, protover=bitcoin.messages.PROTO_VERSION):
        c = cls()
        c.header = bitcoin.core.CBlockHeader.stream_deserialize(f)
        c.nonce = read_exact(f, 8)
        c.short_ids = read_list(f, lambda f: read_exact(f, 6))
        c.prefilled = read_list(
            f, lambda f: (VarInt.stream_deserialize(f), CTransaction.stream_deserialize(f)))
        return c

    def msg_ser(self, f):
        self.header.stream_serialize(f)
        f.write(self.nonce)
        write_list(f, self.short_ids, lambda short_id, f: f.write(short_id))
        write_list(f, self.prefilled, lambda prefilled, f: (
            VarInt.stream_serialize(prefilled[0], f), prefilled[1].stream_serialize(f)))


class msg_getblocktxn(bitcoin.messages.MsgSerializable):
    """BIP152's getblocktxn: a block hash and differential transaction indexes."""
    command = b"getblocktxn"

    @classmethod
    def msg_deser(cls, f, protover=bitcoin.messages.PROTO_VERSION):
        c = cls()
        c.block_hash = read_exact(f, 32)
        c.indexes = read_list(f, VarInt.stream_deserialize)
        return c

    def msg_ser(self, f):
        f.write(self.block_hash)
        write_list(f, self.indexes, VarInt.stream_serialize)


class msg_blocktxn(bitcoin.messages.MsgSerializable):
    """BIP152's blocktxn: a block hash and the transactions asked for."""
    command = b"blocktxn"

    @classmethod
    def msg_deser(cls, f, protover=bitcoin.messages.PROTO_VERSION):
        c = cls()
        c.block_hash = read_exact(f, 32)
        c.txs = read_list(f, CTransaction.stream_deserialize)
        return c

    def msg_ser(self, f):
        f.write(self.block_hash)
        write_list(f, self.txs, lambda tx, f: tx.stream_serialize(f))


for added in (msg_sendheaders, msg_headers, msg_sendcmpct, msg_cmpctblock, msg_getblocktxn,
              msg_blocktxn):
    bitcoin.messages.messagemap[added.command] = added


def use_magic(magic):
    """bitcoinlib 0.11 compares the frame start with bitcoin.params.MESSAGE_START."""

    class ActorchainParams(bitcoin.params.__class__):
        MESSAGE_START = magic

    bitcoin.params = ActorchainParams()


def decode_stream(data, name):
    """Decodes every frame of one direction; returns (commands, errors)."""
    commands, errors = [], []
    stream = io.BytesIO(data)
    while stream.tell() < len(data):
        start = stream.tell()
        try:
            message = bitcoin.messages.MsgSerializable.stream_deserialize(stream)
        except Exception as error:  # any failure to decode is what we test for
            errors.append("%s @%d: %s: %s" % (name, start, type(error).__name__, error))
            break
        raw = data[start:stream.tell()]
        command = raw[4:16].rstrip(b"\0").decode("ascii", "replace")
        if message is None:
            errors.append("%s @%d: command %r unknown to bitcoinlib" % (name, start, command))
            continue
        again = message.to_bytes()
        if again != raw:
            errors.append("%s @%d: %s does not re-serialize to the same %d bytes (got %d)"
                          % (name, start, command, len(raw), len(again)))
        commands.append(command)
    return commands, errors


def check_streams(paths):
    sent, errors, frames = set(), [], 0
    for path in paths:
        with open(path, "rb") as stream:
            commands, stream_errors = decode_stream(stream.read(), os.path.basename(path))
        frames += len(commands)
        sent.update(commands)
        errors += stream_errors
    return sent, errors, frames


def run_scenario(binary):
    import record_proxy
    import scenario

    with tempfile.TemporaryDirectory(prefix="actorchain-bitcoinlib-") as workdir:
        records = os.path.join(workdir, "records")
        os.makedirs(records)
        central_port = scenario.free_port()
        proxy = record_proxy.RecordingProxy(central_port, records)
        try:
            scenario.run(binary, workdir, central_port, proxy.port,
                         before_scripted_peer=lambda: proxy.label_next("scripted"))
        finally:
            proxy.close()
        scripted = {n for n, label in proxy.labels.items() if label == "scripted"}
        ours = []
        for n in range(proxy.connections):
            ours.append(os.path.join(records, "conn%d.to_client" % n))  # the central node
            if n not in scripted:
                ours.append(os.path.join(records, "conn%d.to_server" % n))  # wallet, miner, send
        theirs = [os.path.join(records, "conn%d.to_server" % n) for n in scripted]
        sent, errors, frames = check_streams(ours)
        _, peer_errors, _ = check_streams(theirs)
        return sent, errors + peer_errors, frames


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", help="actorchain binary: run the scenario and check it")
    parser.add_argument("--magic", default=DEMO_MAGIC, help="network magic, hex")
    parser.add_argument("streams", nargs="*", help="raw one-direction byte streams")
    options = parser.parse_args()
    use_magic(bytes.fromhex(options.magic))

    if options.binary:
        sent, errors, frames = run_scenario(options.binary)
        missing = EXPECTED_FROM_NODES - sent
        if missing:
            errors.append("commands never sent by the nodes: %s" % sorted(missing))
    else:
        sent, errors, frames = check_streams(options.streams)

    print("decoded %d frames; commands: %s" % (frames, " ".join(sorted(sent))))
    for error in errors:
        print("FAIL " + error)
    return 1 if errors or frames == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
