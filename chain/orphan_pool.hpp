// Blocks whose parent is not known yet, waiting for it. Bounded both by count and by bytes so
// a peer cannot fill memory with blocks that may never connect: the oldest are evicted first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "chain/block.hpp"
#include "chain/uint256.hpp"

namespace ac {

class OrphanPool {
 public:
  static constexpr size_t kDefaultMaxBlocks = 750;
  static constexpr size_t kDefaultMaxBytes = 64 * 1024 * 1024;

  explicit OrphanPool(size_t max_blocks = kDefaultMaxBlocks, size_t max_bytes = kDefaultMaxBytes);

  // Keeps `block` (whose id is `hash`), evicting the oldest blocks to stay within the bounds.
  // False when it is already here or alone exceeds the byte bound.
  bool add(const Hash256& hash, Block block);
  bool contains(const Hash256& hash) const { return by_hash_.contains(hash); }
  // Removes and returns the blocks waiting for `parent`, oldest first.
  std::vector<Block> take_children(const Hash256& parent);

  size_t size() const { return by_hash_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    Block block;
    size_t bytes = 0;
    uint64_t sequence = 0;
  };

  void remove(const Hash256& hash);

  size_t max_blocks_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  uint64_t next_sequence_ = 0;
  std::unordered_map<Hash256, Entry> by_hash_;
  std::multimap<Hash256, Hash256> by_parent_;  // parent -> waiting child
  std::map<uint64_t, Hash256> by_age_;         // sequence -> hash, oldest first
};

}  // namespace ac
