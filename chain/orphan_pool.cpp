#include "chain/orphan_pool.hpp"

namespace ac {

OrphanPool::OrphanPool(size_t max_blocks, size_t max_bytes)
    : max_blocks_(max_blocks), max_bytes_(max_bytes) {}

bool OrphanPool::add(const Hash256& hash, Block block) {
  const size_t block_bytes = block.serialized_size();
  if (contains(hash) || block_bytes > max_bytes_ || max_blocks_ == 0) return false;
  while (!by_age_.empty() &&
         (by_hash_.size() + 1 > max_blocks_ || bytes_ + block_bytes > max_bytes_)) {
    remove(by_age_.begin()->second);
  }
  const uint64_t sequence = next_sequence_++;
  by_parent_.emplace(block.header.prev_block, hash);
  by_age_.emplace(sequence, hash);
  by_hash_.emplace(hash, Entry{std::move(block), block_bytes, sequence});
  bytes_ += block_bytes;
  return true;
}

std::vector<Block> OrphanPool::take_children(const Hash256& parent) {
  std::map<uint64_t, Hash256> children;
  auto [first, last] = by_parent_.equal_range(parent);
  for (auto it = first; it != last; ++it) {
    children.emplace(by_hash_.at(it->second).sequence, it->second);
  }
  std::vector<Block> out;
  out.reserve(children.size());
  for (const auto& [sequence, hash] : children) {
    out.push_back(std::move(by_hash_.at(hash).block));
    remove(hash);
  }
  return out;
}

void OrphanPool::remove(const Hash256& hash) {
  auto entry = by_hash_.find(hash);
  if (entry == by_hash_.end()) return;
  auto [first, last] = by_parent_.equal_range(entry->second.block.header.prev_block);
  for (auto it = first; it != last; ++it) {
    if (it->second == hash) {
      by_parent_.erase(it);
      break;
    }
  }
  by_age_.erase(entry->second.sequence);
  bytes_ -= entry->second.bytes;
  by_hash_.erase(entry);
}

}  // namespace ac
