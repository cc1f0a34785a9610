// BIP152's four messages. Indexes travel differentially (each the gap after the previous index
// plus one, the first from -1) and are absolute in the structs; every index must fit in 16 bits.
#include "net/messages.hpp"
#include "net/read_count.hpp"

namespace ac::net {

namespace {

constexpr uint64_t kShortIdMask = (uint64_t{1} << (8 * kShortIdBytes)) - 1;

void write_short_id(Writer& writer, uint64_t id) {
  for (size_t i = 0; i < kShortIdBytes; ++i) writer.u8(static_cast<uint8_t>(id >> (8 * i)));
}

bool read_short_id(Reader& reader, uint64_t& id) {
  uint8_t bytes[kShortIdBytes];
  if (!reader.bytes(bytes, kShortIdBytes)) return false;
  id = 0;
  for (size_t i = 0; i < kShortIdBytes; ++i) id |= uint64_t{bytes[i]} << (8 * i);
  return true;
}

// Writes `index` as its gap after `previous` (-1 before the first) and moves `previous` on.
void write_differential(Writer& writer, uint32_t index, int64_t& previous) {
  writer.compact_size(static_cast<uint64_t>(index - previous - 1));
  previous = index;
}

bool read_differential(Reader& reader, uint32_t& index, int64_t& previous) {
  uint64_t gap = 0;
  if (!reader.compact_size(gap, UINT64_MAX)) return false;
  if (gap > kMaxCompactIndex) return reader.fail("index-overflow");
  int64_t absolute = previous + 1 + static_cast<int64_t>(gap);
  if (absolute > kMaxCompactIndex) return reader.fail("index-overflow");
  index = static_cast<uint32_t>(absolute);
  previous = absolute;
  return true;
}

}  // namespace

void SendCmpct::encode(Writer& writer) const {
  writer.u8(high_bandwidth ? 1 : 0);
  writer.u64(version);
}

bool SendCmpct::decode(Reader& reader) {
  uint8_t flag = 0;
  if (!reader.u8(flag) || !reader.u64(version)) return false;
  if (flag > 1) return reader.fail("sendcmpct-bool");
  high_bandwidth = flag == 1;
  return true;
}

void CmpctBlock::encode(Writer& writer) const {
  write_block_header(writer, header);
  writer.u64(nonce);
  writer.compact_size(short_ids.size());
  for (uint64_t id : short_ids) write_short_id(writer, id & kShortIdMask);
  writer.compact_size(prefilled.size());
  int64_t previous = -1;
  for (const PrefilledTx& entry : prefilled) {
    write_differential(writer, entry.index, previous);
    write_transaction(writer, entry.tx);
  }
}

bool CmpctBlock::decode(Reader& reader) {
  if (!read_block_header(reader, header) || !reader.u64(nonce)) return false;
  uint64_t count = 0;
  if (!read_count(reader, count, kMaxCompactIndex + 1, kShortIdBytes, "too-many-short-ids"))
    return false;
  short_ids.resize(count);
  for (uint64_t& id : short_ids)
    if (!read_short_id(reader, id)) return false;
  if (!read_count(reader, count, kMaxCompactIndex + 1, 1 + kMinTransactionBytes,
                  "too-many-prefilled"))
    return false;
  prefilled.resize(count);
  int64_t previous = -1;
  for (PrefilledTx& entry : prefilled)
    if (!read_differential(reader, entry.index, previous) || !read_transaction(reader, entry.tx))
      return false;
  return true;
}

void GetBlockTxn::encode(Writer& writer) const {
  writer.hash(block_hash);
  writer.compact_size(indexes.size());
  int64_t previous = -1;
  for (uint32_t index : indexes) write_differential(writer, index, previous);
}

bool GetBlockTxn::decode(Reader& reader) {
  uint64_t count = 0;
  if (!reader.hash(block_hash) ||
      !read_count(reader, count, kMaxCompactIndex + 1, 1, "too-many-indexes"))
    return false;
  indexes.resize(count);
  int64_t previous = -1;
  for (uint32_t& index : indexes)
    if (!read_differential(reader, index, previous)) return false;
  return true;
}

void BlockTxn::encode(Writer& writer) const {
  writer.hash(block_hash);
  writer.compact_size(transactions.size());
  for (const Transaction& tx : transactions) write_transaction(writer, tx);
}

bool BlockTxn::decode(Reader& reader) {
  uint64_t count = 0;
  if (!reader.hash(block_hash) || !read_count(reader, count, kMaxCompactIndex + 1,
                                              kMinTransactionBytes, "too-many-transactions"))
    return false;
  transactions.resize(count);
  for (Transaction& tx : transactions)
    if (!read_transaction(reader, tx)) return false;
  return true;
}

}  // namespace ac::net
