// Payload codecs for the messages of Bitcoin protocol version 70015 that actorchain speaks.
//
// Every message type states, like btcd's wire package, its command name (kCommand), the most
// bytes its payload may take (kMaxPayloadBytes, checked before a byte is decoded), how it
// encodes, and how it decodes. Decoders bound every count before allocating and must consume
// the whole payload ("trailing-bytes" otherwise); a short payload fails with "truncated".
// `Message` is the variant over all of them; decode_payload() is the single entry point for
// bytes off the wire (and for a fuzzer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chain/block.hpp"
#include "chain/result.hpp"
#include "chain/serialize.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"
#include "net/header.hpp"
#include "net/net_address.hpp"

namespace ac::net {

inline constexpr int32_t kProtocolVersion = 70015;
// BIP37: version messages carry the relay flag from this protocol version on.
inline constexpr int32_t kRelayFlagVersion = 70001;

inline constexpr size_t kMaxUserAgentBytes = 256;
inline constexpr size_t kMaxAddresses = 1'000;
inline constexpr size_t kMaxLocatorHashes = 101;
inline constexpr size_t kMaxInventoryItems = 50'000;
// Core's MAX_HEADERS_RESULTS: the most headers one `headers` message carries.
inline constexpr size_t kMaxHeadersPerMessage = 2'000;

// Inventory types.
inline constexpr uint32_t kMsgTx = 1;
inline constexpr uint32_t kMsgBlock = 2;
// BIP152: a getdata item asking for the block as a cmpctblock.
inline constexpr uint32_t kMsgCmpctBlock = 4;

// BIP152: peers from this protocol version on speak compact blocks (version 1: txids).
inline constexpr int32_t kCompactBlocksVersion = 70014;
// BIP152: a block's transaction indexes in compact-block messages must fit in 16 bits.
inline constexpr uint32_t kMaxCompactIndex = 0xffff;
// BIP152: a short transaction id is 6 bytes on the wire.
inline constexpr size_t kShortIdBytes = 6;

// version: sent first by both sides of a connection.
struct Version {
  static constexpr std::string_view kCommand = "version";
  static constexpr size_t kMaxPayloadBytes =
      4 + 8 + 8 + 2 * kNetAddressBytes + 8 + 3 + kMaxUserAgentBytes + 4 + 1;

  int32_t version = kProtocolVersion;
  uint64_t services = 0;
  int64_t timestamp = 0;  // seconds since the Unix epoch
  NetAddress addr_recv;   // the peer as the sender sees it
  NetAddress addr_from;   // the sender's listening address
  uint64_t nonce = 0;     // random per connection, detects connections to self
  std::string user_agent;
  int32_t start_height = 0;  // the sender's best height
  // On the wire only when version >= kRelayFlagVersion (and optional there); absent means true.
  bool relay = true;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "user-agent-too-long" besides the common ones
  friend bool operator==(const Version&, const Version&) = default;
};

// verack: acknowledges a version; no payload.
struct Verack {
  static constexpr std::string_view kCommand = "verack";
  static constexpr size_t kMaxPayloadBytes = 0;

  void encode(Writer&) const {}
  bool decode(Reader&) { return true; }
  friend bool operator==(const Verack&, const Verack&) = default;
};

struct TimestampedAddress {
  uint32_t time = 0;  // last seen, seconds since the Unix epoch
  NetAddress address;
  friend bool operator==(const TimestampedAddress&, const TimestampedAddress&) = default;
};

// addr: known peer addresses.
struct Addr {
  static constexpr std::string_view kCommand = "addr";
  static constexpr size_t kMaxPayloadBytes = 3 + kMaxAddresses * (4 + kNetAddressBytes);

  std::vector<TimestampedAddress> addresses;  // at most kMaxAddresses

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "too-many-addresses"
  friend bool operator==(const Addr&, const Addr&) = default;
};

// getblocks: "send me the block hashes after the first of these I share with you".
struct GetBlocks {
  static constexpr std::string_view kCommand = "getblocks";
  static constexpr size_t kMaxPayloadBytes = 4 + 1 + kMaxLocatorHashes * 32 + 32;

  uint32_t version = kProtocolVersion;
  std::vector<Hash256> locator;  // newest first, at most kMaxLocatorHashes
  Hash256 hash_stop;             // zero: as many as the peer will send

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "locator-too-long"
  friend bool operator==(const GetBlocks&, const GetBlocks&) = default;
};

struct InvItem {
  uint32_t type = 0;  // kMsgTx, kMsgBlock; other values decode and are left to the caller
  Hash256 hash;
  friend bool operator==(const InvItem&, const InvItem&) = default;
};

inline constexpr size_t kInvItemBytes = 4 + 32;
inline constexpr size_t kMaxInventoryPayloadBytes = 3 + kMaxInventoryItems * kInvItemBytes;

// inv: announces transactions or blocks.
struct Inv {
  static constexpr std::string_view kCommand = "inv";
  static constexpr size_t kMaxPayloadBytes = kMaxInventoryPayloadBytes;

  std::vector<InvItem> items;  // at most kMaxInventoryItems

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "too-many-inventory"
  friend bool operator==(const Inv&, const Inv&) = default;
};

// getdata: requests the announced objects.
struct GetData {
  static constexpr std::string_view kCommand = "getdata";
  static constexpr size_t kMaxPayloadBytes = kMaxInventoryPayloadBytes;

  std::vector<InvItem> items;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "too-many-inventory"
  friend bool operator==(const GetData&, const GetData&) = default;
};

// notfound: the requested objects this peer does not have.
struct NotFound {
  static constexpr std::string_view kCommand = "notfound";
  static constexpr size_t kMaxPayloadBytes = kMaxInventoryPayloadBytes;

  std::vector<InvItem> items;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "too-many-inventory"
  friend bool operator==(const NotFound&, const NotFound&) = default;
};

struct BlockMessage {
  static constexpr std::string_view kCommand = "block";
  static constexpr size_t kMaxPayloadBytes = net::kMaxPayloadBytes;

  Block block;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);
  friend bool operator==(const BlockMessage&, const BlockMessage&) = default;
};

struct TxMessage {
  static constexpr std::string_view kCommand = "tx";
  static constexpr size_t kMaxPayloadBytes = kMaxSerializedTransactionBytes;

  Transaction tx;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);
  friend bool operator==(const TxMessage&, const TxMessage&) = default;
};

// ping / pong (BIP31): the pong echoes the ping's nonce.
struct Ping {
  static constexpr std::string_view kCommand = "ping";
  static constexpr size_t kMaxPayloadBytes = 8;

  uint64_t nonce = 0;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);
  friend bool operator==(const Ping&, const Ping&) = default;
};

struct Pong {
  static constexpr std::string_view kCommand = "pong";
  static constexpr size_t kMaxPayloadBytes = 8;

  uint64_t nonce = 0;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);
  friend bool operator==(const Pong&, const Pong&) = default;
};

// getaddr: "send me addresses of peers you know"; answered with one addr (at most 1,000).
struct GetAddr {
  static constexpr std::string_view kCommand = "getaddr";
  static constexpr size_t kMaxPayloadBytes = 0;

  void encode(Writer&) const {}
  bool decode(Reader&) { return true; }
  friend bool operator==(const GetAddr&, const GetAddr&) = default;
};

// getheaders: "send me the headers after the first of these I share with you" (at most 2,000).
struct GetHeaders {
  static constexpr std::string_view kCommand = "getheaders";
  static constexpr size_t kMaxPayloadBytes = GetBlocks::kMaxPayloadBytes;

  uint32_t version = kProtocolVersion;
  std::vector<Hash256> locator;  // newest first, at most kMaxLocatorHashes; may be empty
  Hash256 hash_stop;             // with an empty locator: the one header wanted

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "locator-too-long"
  friend bool operator==(const GetHeaders&, const GetHeaders&) = default;
};

// headers: block headers in chain order, each followed by a transaction count of 0.
struct Headers {
  static constexpr std::string_view kCommand = "headers";
  static constexpr size_t kMaxPayloadBytes = 3 + kMaxHeadersPerMessage * (kBlockHeaderBytes + 1);

  std::vector<BlockHeader> headers;  // at most kMaxHeadersPerMessage

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reasons "too-many-headers", "headers-tx-count" (not 0)
  friend bool operator==(const Headers&, const Headers&) = default;
};

// sendheaders (BIP130): "announce new blocks to me with headers, not inv"; no payload.
struct SendHeaders {
  static constexpr std::string_view kCommand = "sendheaders";
  static constexpr size_t kMaxPayloadBytes = 0;

  void encode(Writer&) const {}
  bool decode(Reader&) { return true; }
  friend bool operator==(const SendHeaders&, const SendHeaders&) = default;
};

// mempool (BIP35): "announce the transactions of your mempool to me"; no payload.
struct MemPool {
  static constexpr std::string_view kCommand = "mempool";
  static constexpr size_t kMaxPayloadBytes = 0;

  void encode(Writer&) const {}
  bool decode(Reader&) { return true; }
  friend bool operator==(const MemPool&, const MemPool&) = default;
};

// sendcmpct (BIP152): "I speak compact blocks of `version`"; with high_bandwidth set, "push
// new blocks to me as cmpctblock before I ask" (otherwise announce them as before).
struct SendCmpct {
  static constexpr std::string_view kCommand = "sendcmpct";
  static constexpr size_t kMaxPayloadBytes = 1 + 8;

  bool high_bandwidth = false;
  uint64_t version = 1;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "sendcmpct-bool" (a byte other than 0 or 1)
  friend bool operator==(const SendCmpct&, const SendCmpct&) = default;
};

// A transaction sent whole inside a cmpctblock, at its place in the block.
struct PrefilledTx {
  uint32_t index = 0;  // absolute here; differentially encoded on the wire
  Transaction tx;
  friend bool operator==(const PrefilledTx&, const PrefilledTx&) = default;
};

// cmpctblock (BIP152 HeaderAndShortIDs): a block as its header, a nonce, the 6-byte short ids
// of the transactions the receiver probably has, and the others (at least the coinbase) whole.
struct CmpctBlock {
  static constexpr std::string_view kCommand = "cmpctblock";
  static constexpr size_t kMaxPayloadBytes = net::kMaxPayloadBytes;

  BlockHeader header;
  uint64_t nonce = 0;
  std::vector<uint64_t> short_ids;     // each below 2^48
  std::vector<PrefilledTx> prefilled;  // indexes strictly increasing, at most kMaxCompactIndex

  void encode(Writer& writer) const;
  // Reasons "too-many-short-ids", "too-many-prefilled", "index-overflow".
  bool decode(Reader& reader);
  friend bool operator==(const CmpctBlock&, const CmpctBlock&) = default;
};

// getblocktxn (BIP152 BlockTransactionsRequest): the transactions at these indexes of a block.
struct GetBlockTxn {
  static constexpr std::string_view kCommand = "getblocktxn";
  static constexpr size_t kMaxPayloadBytes = 32 + 3 + (kMaxCompactIndex + 1) * 3;

  Hash256 block_hash;
  std::vector<uint32_t> indexes;  // absolute and strictly increasing; differential on the wire

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reasons "too-many-indexes", "index-overflow"
  friend bool operator==(const GetBlockTxn&, const GetBlockTxn&) = default;
};

// blocktxn (BIP152 BlockTransactions): the answer to getblocktxn, in the order asked.
struct BlockTxn {
  static constexpr std::string_view kCommand = "blocktxn";
  static constexpr size_t kMaxPayloadBytes = net::kMaxPayloadBytes;

  Hash256 block_hash;
  std::vector<Transaction> transactions;

  void encode(Writer& writer) const;
  bool decode(Reader& reader);  // reason "too-many-transactions"
  friend bool operator==(const BlockTxn&, const BlockTxn&) = default;
};

using Message = std::variant<Version, Verack, Addr, GetBlocks, Inv, GetData, NotFound, BlockMessage,
                             TxMessage, Ping, Pong, GetAddr, GetHeaders, Headers, SendHeaders,
                             MemPool, SendCmpct, CmpctBlock, GetBlockTxn, BlockTxn>;

// Decodes one payload of a known type. Reasons: "payload-too-large" (over T::kMaxPayloadBytes,
// refused before decoding), "truncated", "trailing-bytes", "non-canonical-compact-size", and
// the type's own reasons.
template <class T>
Result<T> decode_message(ByteSpan payload) {
  if (payload.size() > T::kMaxPayloadBytes) return make_error("payload-too-large");
  Reader reader(payload);
  T message;
  message.decode(reader);
  if (Status status = reader.finish(); !status) return status.error();
  return message;
}

template <class T>
Bytes encode_message_payload(const T& message) {
  Bytes out;
  Writer writer(out);
  message.encode(writer);
  return out;
}

// Decodes the payload of `command`. Reason "unknown-command" for a command not in Message
// (the caller may ignore such messages), "witness-tx" for a transaction in segwit's
// serialization (we do not speak it: a peer that sends one anyway is not at fault, so it is
// unsupported, not invalid); otherwise as decode_message.
Result<Message> decode_payload(std::string_view command, ByteSpan payload);

// The most bytes a payload of `command` may take; nullopt for an unknown command.
std::optional<size_t> max_payload_bytes(std::string_view command);

// Every command in Message, in variant order.
std::vector<std::string_view> known_commands();

std::string_view command_of(const Message& message);
Bytes encode_payload(const Message& message);
// Header and payload, ready for the socket.
Bytes encode_frame(const Magic& magic, const Message& message);

}  // namespace ac::net
