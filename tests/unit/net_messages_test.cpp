#include <gtest/gtest.h>

#include "net/messages.hpp"
#include "net_samples.hpp"

namespace ac::net {
namespace {

using testing::filled_hash;
using testing::sample_messages;

constexpr Magic kMainnetMagic = {0xf9, 0xbe, 0xb4, 0xd9};

Bytes hex_bytes(std::string_view hex) {
  return from_hex(hex).value();
}

TEST(NetMessages, EveryMessageRoundTrips) {
  for (const Message& message : sample_messages()) {
    Bytes payload = encode_payload(message);
    auto decoded = decode_payload(command_of(message), payload);
    ASSERT_TRUE(decoded) << command_of(message) << ": " << decoded.error().message();
    EXPECT_EQ(*decoded, message) << command_of(message);
    EXPECT_LE(payload.size(), max_payload_bytes(command_of(message)).value());
  }
}

TEST(NetMessages, EveryFrameCarriesItsCommandAndChecksum) {
  for (const Message& message : sample_messages()) {
    Bytes frame = encode_frame(kMainnetMagic, message);
    auto header = decode_header(ByteSpan(frame).first(kHeaderBytes), kMainnetMagic);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->command, command_of(message));
    ByteSpan payload = ByteSpan(frame).subspan(kHeaderBytes);
    EXPECT_TRUE(verify_checksum(*header, payload));
    EXPECT_EQ(decode_payload(header->command, payload).value(), message);
  }
}

TEST(NetMessages, EveryTruncatedPayloadIsRejected) {
  for (const Message& message : sample_messages()) {
    Bytes payload = encode_payload(message);
    for (size_t length = 0; length < payload.size(); ++length) {
      auto decoded = decode_payload(command_of(message), ByteSpan(payload).first(length));
      // A version message may legitimately end before the relay flag.
      if (length + 1 == payload.size() && std::holds_alternative<Version>(message)) continue;
      ASSERT_FALSE(decoded) << command_of(message) << " cut to " << length;
      EXPECT_EQ(decoded.reason(), "truncated") << command_of(message) << " cut to " << length;
    }
  }
}

TEST(NetMessages, EveryPayloadWithTrailingBytesIsRejected) {
  for (const Message& message : sample_messages()) {
    Bytes payload = encode_payload(message);
    payload.push_back(0);
    if (std::holds_alternative<Version>(message)) payload.push_back(0);  // past the relay flag
    auto decoded = decode_payload(command_of(message), payload);
    ASSERT_FALSE(decoded) << command_of(message);
    EXPECT_TRUE(decoded.reason() == "trailing-bytes" || decoded.reason() == "payload-too-large")
        << command_of(message) << ": " << decoded.reason();
  }
}

TEST(NetMessages, UnknownCommandIsReportedSoCallerCanIgnoreIt) {
  // What bcoin and Core send that we do not implement: unsupported, never invalid.
  for (std::string_view command :
       {"feefilter", "wtxidrelay", "sendaddrv2", "getcfilters", "cfilter"}) {
    auto decoded = decode_payload(command, Bytes{1, 2, 3});
    EXPECT_EQ(decoded.reason(), "unknown-command") << command;
    EXPECT_EQ(decoded.kind(), ErrorKind::kUnsupported) << command;
    EXPECT_FALSE(max_payload_bytes(command)) << command;
  }
}

TEST(NetMessages, KnownCommandsListsEveryMessage) {
  std::vector<std::string_view> expected = {
      "version",     "verack",  "addr",      "getblocks",  "inv",         "getdata",    "notfound",
      "block",       "tx",      "ping",      "pong",       "getaddr",     "getheaders", "headers",
      "sendheaders", "mempool", "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn"};
  EXPECT_EQ(known_commands(), expected);
}

// A transaction in segwit's serialization (marker 0x00, flag 0x01) is not ours to judge: it
// is unsupported (costs its sender nothing), not a malformed legacy transaction.
TEST(NetMessages, WitnessSerializedTransactionIsUnsupportedNotInvalid) {
  Bytes legacy = encode_payload(TxMessage{testing::sample_transaction()});
  Bytes witness(legacy.begin(), legacy.begin() + 4);
  witness.push_back(0x00);
  witness.push_back(0x01);
  witness.insert(witness.end(), legacy.begin() + 4, legacy.end() - 4);
  witness.insert(witness.end(), {0x00});  // an empty witness for the one input
  witness.insert(witness.end(), legacy.end() - 4, legacy.end());
  auto decoded = decode_payload("tx", witness);
  EXPECT_EQ(decoded.reason(), "witness-tx");
  EXPECT_EQ(decoded.kind(), ErrorKind::kUnsupported);
  // A legacy transaction with no inputs and no flag is still simply malformed.
  Bytes no_inputs(legacy.begin(), legacy.begin() + 4);
  no_inputs.insert(no_inputs.end(), {0x00, 0x00, 0, 0, 0, 0});
  EXPECT_NE(decode_payload("tx", no_inputs).kind(), ErrorKind::kUnsupported);
}

// Bitcoin Core's regtest genesis header as one `headers` entry (count 1, header, tx count 0).
TEST(NetMessages, HeadersDecodeCoresRegtestGenesis) {
  Bytes payload = hex_bytes(
      "01"
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b2"
      "7ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000"
      "00");
  auto decoded = decode_payload("headers", payload);
  ASSERT_TRUE(decoded) << decoded.error().message();
  const auto& headers = std::get<Headers>(*decoded).headers;
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].hash().hex(),
            "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
  EXPECT_EQ(encode_payload(*decoded), payload);
  payload.back() = 1;  // a header that claims a transaction
  EXPECT_EQ(decode_payload("headers", payload).reason(), "headers-tx-count");
}

TEST(NetMessages, HeadersOverTwoThousandAreRejectedBeforeAllocating) {
  Bytes payload;
  Writer(payload).compact_size(kMaxHeadersPerMessage + 1);
  EXPECT_EQ(decode_payload("headers", payload).reason(), "too-many-headers");
  Headers full;
  full.headers.assign(kMaxHeadersPerMessage, BlockHeader{});
  Bytes encoded = encode_payload(full);
  EXPECT_EQ(encoded.size(), Headers::kMaxPayloadBytes);
  EXPECT_TRUE(decode_payload("headers", encoded));
  Bytes locator;
  Writer writer(locator);
  writer.u32(kProtocolVersion);
  writer.compact_size(kMaxLocatorHashes + 1);
  EXPECT_EQ(decode_payload("getheaders", locator).reason(), "locator-too-long");
}

TEST(NetMessages, PayloadOverCommandLimitIsRefusedBeforeDecoding) {
  EXPECT_EQ(decode_payload("verack", Bytes{0}).reason(), "payload-too-large");
  EXPECT_EQ(decode_payload("ping", Bytes(9, 0)).reason(), "payload-too-large");
  EXPECT_EQ(decode_payload("getblocks", Bytes(GetBlocks::kMaxPayloadBytes + 1, 0)).reason(),
            "payload-too-large");
}

// A count far beyond the limit in a tiny payload: the reason must be the list's own, proving
// the count was judged before any allocation or read of the items.
TEST(NetMessages, OversizeInventoryIsRejectedBeforeAllocating) {
  Bytes payload;
  Writer(payload).compact_size(kMaxInventoryItems + 1);
  for (std::string_view command : {"inv", "getdata", "notfound"}) {
    EXPECT_EQ(decode_payload(command, payload).reason(), "too-many-inventory") << command;
  }
  Bytes huge;
  Writer(huge).compact_size(UINT64_MAX);
  EXPECT_EQ(decode_payload("inv", huge).reason(), "too-many-inventory");
}

TEST(NetMessages, OversizeAddrIsRejectedBeforeAllocating) {
  Bytes payload;
  Writer(payload).compact_size(kMaxAddresses + 1);
  EXPECT_EQ(decode_payload("addr", payload).reason(), "too-many-addresses");
}

TEST(NetMessages, OversizeLocatorIsRejectedBeforeAllocating) {
  Bytes payload;
  Writer writer(payload);
  writer.u32(kProtocolVersion);
  writer.compact_size(kMaxLocatorHashes + 1);
  EXPECT_EQ(decode_payload("getblocks", payload).reason(), "locator-too-long");
}

TEST(NetMessages, ListsAtTheLimitAreAccepted) {
  GetBlocks getblocks;
  getblocks.locator.assign(kMaxLocatorHashes, filled_hash(1));
  EXPECT_TRUE(decode_payload("getblocks", encode_payload(getblocks)));

  Inv inv;
  inv.items.assign(kMaxInventoryItems, InvItem{kMsgTx, filled_hash(2)});
  Bytes payload = encode_payload(inv);
  EXPECT_EQ(payload.size(), Inv::kMaxPayloadBytes);
  EXPECT_TRUE(decode_payload("inv", payload));

  Addr addr;
  addr.addresses.assign(kMaxAddresses, TimestampedAddress{});
  EXPECT_TRUE(decode_payload("addr", encode_payload(addr)));
}

TEST(NetMessages, CountLargerThanRemainingBytesIsTruncated) {
  Bytes payload;
  Writer(payload).compact_size(3);
  payload.resize(payload.size() + kInvItemBytes * 2);
  EXPECT_EQ(decode_payload("inv", payload).reason(), "truncated");
}

TEST(NetMessages, RejectsOverlongUserAgent) {
  Version version;
  version.user_agent.assign(kMaxUserAgentBytes, 'a');
  EXPECT_TRUE(decode_payload("version", encode_payload(version)));
  version.user_agent.push_back('a');
  version.version = kRelayFlagVersion - 1;  // no relay flag: the payload stays within the limit
  EXPECT_EQ(decode_payload("version", encode_payload(version)).reason(), "user-agent-too-long");
}

TEST(NetMessages, RelayFlagIsWrittenOnlyFromBip37Version) {
  Version version;
  version.version = kRelayFlagVersion;
  Bytes with_flag = encode_payload(version);
  version.version = kRelayFlagVersion - 1;
  Bytes without_flag = encode_payload(version);
  EXPECT_EQ(with_flag.size(), without_flag.size() + 1);
  EXPECT_TRUE(std::get<Version>(decode_payload("version", without_flag).value()).relay);

  // A flag after a version that predates it is not part of the message.
  without_flag.push_back(0);
  EXPECT_EQ(decode_payload("version", without_flag).reason(), "trailing-bytes");
}

TEST(NetMessages, RelayFlagMayBeAbsentFromBip37Version) {
  Version version;
  version.relay = true;
  Bytes payload = encode_payload(version);
  payload.pop_back();
  auto decoded = decode_payload("version", payload);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<Version>(*decoded), version);
}

TEST(NetMessages, RejectsNonCanonicalCount) {
  Bytes payload = {0xfd, 0x01, 0x00};
  payload.resize(payload.size() + kInvItemBytes);
  EXPECT_EQ(decode_payload("inv", payload).reason(), "non-canonical-compact-size");
}

// The version message hexdump of the Bitcoin wiki's "Protocol documentation" page (protocol
// 60002, no relay flag), header included. The page's checksum (358d4932) is not SHA256d of its
// own payload, which gives 3b648d5a; we must detect that and write the correct one.
TEST(NetMessages, DecodesWikiVersionMessageAndReencodesIdentically) {
  Bytes frame = hex_bytes(
      "f9beb4d976657273696f6e000000000064000000358d4932"
      "62ea0000010000000000000011b2d05000000000"
      "010000000000000000000000000000000000ffff000000000000"
      "010000000000000000000000000000000000ffff000000000000"
      "3b2eb35d8ce617650f2f5361746f7368693a302e372e322fc03e0300");
  auto header = decode_header(ByteSpan(frame).first(kHeaderBytes), kMainnetMagic);
  ASSERT_TRUE(header) << header.error().message();
  EXPECT_EQ(header->command, "version");
  EXPECT_EQ(header->payload_bytes, 100u);
  ByteSpan payload = ByteSpan(frame).subspan(kHeaderBytes);
  EXPECT_EQ(verify_checksum(*header, payload).reason(), "bad-checksum");
  Checksum corrected = {0x3b, 0x64, 0x8d, 0x5a};
  EXPECT_EQ(payload_checksum(payload), corrected);

  auto decoded = decode_payload(header->command, payload);
  ASSERT_TRUE(decoded) << decoded.error().message();
  const auto& version = std::get<Version>(*decoded);
  EXPECT_EQ(version.version, 60002);
  EXPECT_EQ(version.services, kNodeNetwork);
  EXPECT_EQ(version.timestamp, 1355854353);
  EXPECT_EQ(version.addr_recv.services, kNodeNetwork);
  EXPECT_EQ(version.addr_recv.endpoint(), "0.0.0.0:0");
  EXPECT_EQ(version.addr_from.endpoint(), "0.0.0.0:0");
  EXPECT_EQ(version.nonce, 0x6517e68c5db32e3bULL);
  EXPECT_EQ(version.user_agent, "/Satoshi:0.7.2/");
  EXPECT_EQ(version.start_height, 212672);
  EXPECT_TRUE(version.relay);

  std::copy(corrected.begin(), corrected.end(), frame.begin() + 20);
  EXPECT_EQ(encode_frame(kMainnetMagic, *decoded), frame);
}

// The version message of the Bitcoin developer reference (protocol 70002, with relay flag).
TEST(NetMessages, DecodesDeveloperReferenceVersionMessageAndReencodesIdentically) {
  Bytes frame = hex_bytes(
      "f9beb4d976657273696f6e0000000000650000005f1a69d2"
      "721101000100000000000000bc8f5e5400000000"
      "010000000000000000000000000000000000ffffc61b6409208d"
      "010000000000000000000000000000000000ffffcb0071c0208d"
      "128035cbc97953f80f2f5361746f7368693a302e392e332fcf05050001");
  auto header = decode_header(ByteSpan(frame).first(kHeaderBytes), kMainnetMagic);
  ASSERT_TRUE(header);
  ByteSpan payload = ByteSpan(frame).subspan(kHeaderBytes);
  ASSERT_TRUE(verify_checksum(*header, payload));
  auto decoded = decode_payload(header->command, payload);
  ASSERT_TRUE(decoded) << decoded.error().message();
  const auto& version = std::get<Version>(*decoded);
  EXPECT_EQ(version.version, 70002);
  EXPECT_EQ(version.timestamp, 1415483324);
  EXPECT_EQ(version.addr_recv.endpoint(), "198.27.100.9:8333");
  EXPECT_EQ(version.addr_from.endpoint(), "203.0.113.192:8333");
  EXPECT_EQ(version.nonce, 0xf85379c9cb358012ULL);
  EXPECT_EQ(version.user_agent, "/Satoshi:0.9.3/");
  EXPECT_EQ(version.start_height, 329167);
  EXPECT_TRUE(version.relay);

  EXPECT_EQ(encode_frame(kMainnetMagic, *decoded), frame);
}

TEST(NetMessages, VerackFrameMatchesPublishedBytes) {
  EXPECT_EQ(to_hex(encode_frame(kMainnetMagic, Verack{})),
            "f9beb4d976657261636b000000000000000000005df6e0e2");
}

TEST(NetMessages, GetAddrFrameIsAnEmptyPayload) {
  EXPECT_EQ(to_hex(encode_frame(kMainnetMagic, GetAddr{})),
            "f9beb4d9676574616464720000000000000000005df6e0e2");
  EXPECT_TRUE(std::holds_alternative<GetAddr>(*decode_payload("getaddr", {})));
}

// The getblocks payload of the Bitcoin developer reference.
TEST(NetMessages, DecodesDeveloperReferenceGetBlocks) {
  Bytes payload = hex_bytes(
      "7111010002"
      "d39f608a7775b537729884d4e6633bb2105e55a16a14d31b0000000000000000"
      "5c3e6403d40837110a2e8afb602b1c01714bda7ce23bea0a0000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000");
  auto decoded = decode_payload("getblocks", payload);
  ASSERT_TRUE(decoded) << decoded.error().message();
  const auto& getblocks = std::get<GetBlocks>(*decoded);
  EXPECT_EQ(getblocks.version, 70001u);
  ASSERT_EQ(getblocks.locator.size(), 2u);
  EXPECT_EQ(getblocks.locator[0].hex(),
            "00000000000000001bd3146aa1555e10b23b63e6d484987237b575778a609fd3");
  EXPECT_TRUE(getblocks.hash_stop.is_zero());
  EXPECT_EQ(encode_payload(*decoded), payload);
}

// The inv payload of the Bitcoin developer reference: two MSG_TX entries.
TEST(NetMessages, DecodesDeveloperReferenceInv) {
  Bytes payload = hex_bytes(
      "02"
      "01000000de55ffd709ac1f5dc509a0925d0b1fc442ca034f224732e429081da1b621f55a"
      "0100000091d36d997037e08018262978766f24b8a055aaf1d872e94ae85e9817b2c68dc7");
  auto decoded = decode_payload("inv", payload);
  ASSERT_TRUE(decoded) << decoded.error().message();
  const auto& inv = std::get<Inv>(*decoded);
  ASSERT_EQ(inv.items.size(), 2u);
  EXPECT_EQ(inv.items[0].type, kMsgTx);
  EXPECT_EQ(to_hex(inv.items[1].hash.span()),
            "91d36d997037e08018262978766f24b8a055aaf1d872e94ae85e9817b2c68dc7");
  EXPECT_EQ(encode_payload(*decoded), payload);
}

}  // namespace
}  // namespace ac::net
