#include "net/compact_block.hpp"

#include <algorithm>

#include "chain/hash.hpp"
#include "chain/merkle.hpp"
#include "chain/serialize.hpp"

namespace ac::net {

namespace {

uint64_t read_le64(const uint8_t* bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t{bytes[i]} << (8 * i);
  return value;
}

constexpr uint64_t kShortIdMask = (uint64_t{1} << 48) - 1;

}  // namespace

SipHashKey short_id_key(const BlockHeader& header, uint64_t nonce) {
  Bytes data;
  Writer writer(data);
  write_block_header(writer, header);
  writer.u64(nonce);
  Hash256 digest = sha256(data);
  return SipHashKey{read_le64(digest.data.data()), read_le64(digest.data.data() + 8)};
}

uint64_t short_id(const SipHashKey& key, const Hash256& txid) {
  return siphash24(key, txid.span()) & kShortIdMask;
}

CmpctBlock make_compact_block(const Block& block, uint64_t nonce) {
  CmpctBlock compact;
  compact.header = block.header;
  compact.nonce = nonce;
  SipHashKey key = short_id_key(block.header, nonce);
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    if (i == 0) {
      compact.prefilled.push_back(PrefilledTx{0, block.transactions[0]});
    } else {
      compact.short_ids.push_back(short_id(key, block.transactions[i].txid()));
    }
  }
  return compact;
}

Result<PartialBlock> PartialBlock::start(const CmpctBlock& compact) {
  size_t total = compact.short_ids.size() + compact.prefilled.size();
  if (total == 0) return make_error(ErrorKind::kInvalid, "cmpct-empty");
  if (total > kMaxCompactIndex + 1) return make_error(ErrorKind::kInvalid, "cmpct-index-overflow");
  PartialBlock partial;
  partial.header_ = compact.header;
  partial.hash_ = compact.header.hash();
  partial.key_ = short_id_key(compact.header, compact.nonce);
  partial.slots_.resize(total);
  partial.ambiguous_.assign(total, false);
  std::vector<bool> prefilled(total, false);
  for (const PrefilledTx& entry : compact.prefilled) {
    if (entry.index >= total) return make_error(ErrorKind::kInvalid, "cmpct-index-overflow");
    partial.slots_[entry.index] = std::make_shared<const Transaction>(entry.tx);
    prefilled[entry.index] = true;
  }
  // The short ids fill the slots left, in order.
  size_t next = 0;
  for (uint64_t id : compact.short_ids) {
    while (prefilled[next]) ++next;
    if (!partial.position_of_.emplace(id, static_cast<uint32_t>(next)).second)
      return make_error(ErrorKind::kUnsupported, "short-id-collision");
    ++next;
  }
  return partial;
}

std::vector<uint64_t> PartialBlock::wanted_short_ids() const {
  std::vector<uint64_t> wanted;
  for (const auto& [id, position] : position_of_)
    if (!slots_[position] && !ambiguous_[position]) wanted.push_back(id);
  return wanted;
}

void PartialBlock::offer(const SharedTx& tx) {
  if (!tx) return;
  auto found = position_of_.find(short_id(key_, tx->txid()));
  if (found == position_of_.end()) return;
  uint32_t position = found->second;
  if (ambiguous_[position]) return;
  SharedTx& slot = slots_[position];
  if (!slot) {
    slot = tx;
  } else if (slot->txid() != tx->txid()) {
    slot.reset();
    ambiguous_[position] = true;
  }
}

std::vector<uint32_t> PartialBlock::missing() const {
  std::vector<uint32_t> indexes;
  for (size_t i = 0; i < slots_.size(); ++i)
    if (!slots_[i]) indexes.push_back(static_cast<uint32_t>(i));
  return indexes;
}

Status PartialBlock::fill(const std::vector<Transaction>& transactions) {
  std::vector<uint32_t> indexes = missing();
  if (indexes.size() != transactions.size())
    return make_error(ErrorKind::kInvalid, "blocktxn-count");
  for (size_t i = 0; i < indexes.size(); ++i) {
    slots_[indexes[i]] = std::make_shared<const Transaction>(transactions[i]);
    ambiguous_[indexes[i]] = false;
  }
  return {};
}

Result<Block> PartialBlock::finish() const {
  Block block;
  block.header = header_;
  block.transactions.reserve(slots_.size());
  std::vector<Hash256> txids;
  txids.reserve(slots_.size());
  for (const SharedTx& tx : slots_) {
    if (!tx) return make_error(ErrorKind::kLocal, "cmpct-incomplete");
    block.transactions.push_back(*tx);
    txids.push_back(tx->txid());
  }
  bool mutated = false;
  if (merkle_root(txids, &mutated) != header_.merkle_root || mutated)
    return make_error(ErrorKind::kUnsupported, "cmpct-merkle-mismatch");
  return block;
}

}  // namespace ac::net
