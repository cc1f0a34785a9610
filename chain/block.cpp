#include "chain/block.hpp"

#include "chain/hash.hpp"

namespace ac {

void write_block_header(Writer& w, const BlockHeader& h) {
  w.i32(h.version);
  w.hash(h.prev_block);
  w.hash(h.merkle_root);
  w.u32(h.time);
  w.u32(h.bits);
  w.u32(h.nonce);
}

bool read_block_header(Reader& r, BlockHeader& h) {
  return r.i32(h.version) && r.hash(h.prev_block) && r.hash(h.merkle_root) && r.u32(h.time) &&
         r.u32(h.bits) && r.u32(h.nonce);
}

std::array<uint8_t, kBlockHeaderBytes> BlockHeader::serialize() const {
  Bytes out;
  out.reserve(kBlockHeaderBytes);
  Writer writer(out);
  write_block_header(writer, *this);
  std::array<uint8_t, kBlockHeaderBytes> fixed;
  std::copy(out.begin(), out.end(), fixed.begin());
  return fixed;
}

Hash256 BlockHeader::hash() const {
  auto bytes = serialize();
  return sha256d(bytes);
}

void write_block(Writer& w, const Block& block) {
  write_block_header(w, block.header);
  w.compact_size(block.transactions.size());
  for (const Transaction& tx : block.transactions) write_transaction(w, tx);
}

bool read_block(Reader& r, Block& block) {
  if (!read_block_header(r, block.header)) return false;
  uint64_t tx_count = 0;
  if (!r.count(tx_count, kMaxSerializedTransactionBytes, kMinTransactionBytes)) return false;
  block.transactions.resize(tx_count);
  for (Transaction& tx : block.transactions) {
    if (!read_transaction(r, tx)) return false;
  }
  return true;
}

Result<BlockHeader> decode_block_header(ByteSpan data) {
  Reader reader(data);
  BlockHeader header;
  read_block_header(reader, header);
  if (Status s = reader.finish(); !s) return s.error();
  return header;
}

Result<Block> decode_block(ByteSpan data) {
  Reader reader(data);
  Block block;
  read_block(reader, block);
  if (Status s = reader.finish(); !s) return s.error();
  return block;
}

Bytes Block::serialize() const {
  Bytes out;
  out.reserve(serialized_size());
  Writer writer(out);
  write_block(writer, *this);
  return out;
}

size_t Block::serialized_size() const {
  size_t size = kBlockHeaderBytes + compact_size_length(transactions.size());
  for (const Transaction& tx : transactions) size += tx.serialized_size();
  return size;
}

}  // namespace ac
