// A rolling Bloom filter: remembers roughly the last `capacity` items inserted in a fixed amount
// of memory, and forgets older ones by itself. The idea of Bitcoin Core's CRollingBloomFilter:
// inserts are counted in generations of capacity/2 items; each cell of the filter records the
// generation that last set it (2 bits: 0 = empty, 1..3); when a generation is full the next
// one starts and first clears the cells of the oldest. So an item is remembered for at least
// `capacity` further inserts (never a false negative before that), and a query is a false
// positive with at most about the rate asked for.
//
// Used for a peer's inventory memory ("this peer already knows that hash"), where forgetting
// costs a repeated inv and a false positive costs one missed announcement that other peers make
// up for. Keyed with a random SipHash key, so peers cannot aim at false positives.
#pragma once

#include <cstdint>
#include <vector>

#include "chain/bytes.hpp"
#include "chain/uint256.hpp"
#include "net/siphash.hpp"

namespace ac::net {

class RollingBloomFilter {
 public:
  // REQUIRES: capacity > 0, 0 < false_positive_rate < 1.
  RollingBloomFilter(size_t capacity, double false_positive_rate,
                     SipHashKey key = random_siphash_key());

  void insert(ByteSpan item);
  bool contains(ByteSpan item) const;
  void insert(const Hash256& hash) { insert(hash.span()); }
  bool contains(const Hash256& hash) const { return contains(hash.span()); }

  // Forgets everything.
  void clear();

  size_t hash_count() const { return hash_count_; }
  size_t cell_count() const { return cell_count_; }
  size_t memory_bytes() const { return words_.size() * sizeof(uint64_t); }

 private:
  // The k cell indexes of an item, by double hashing the two halves of one SipHash.
  template <class Visit>
  void for_each_cell(ByteSpan item, Visit&& visit) const;
  void start_next_generation();

  SipHashKey key_;
  size_t generation_size_;       // inserts per generation
  size_t hash_count_;            // k
  size_t cell_count_;            // m, a multiple of 32
  std::vector<uint64_t> words_;  // 32 cells of 2 bits each
  uint64_t generation_ = 1;      // 1..3: the generation taking inserts
  size_t inserted_in_generation_ = 0;
};

}  // namespace ac::net
