#include "net/rolling_bloom.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace ac::net {

namespace {

constexpr size_t kCellsPerWord = 32;
// The low bit of every 2-bit cell in a word.
constexpr uint64_t kLowBits = 0x5555'5555'5555'5555ULL;
constexpr int kGenerations = 3;

}  // namespace

RollingBloomFilter::RollingBloomFilter(size_t capacity, double false_positive_rate, SipHashKey key)
    : key_(key) {
  assert(capacity > 0 && false_positive_rate > 0 && false_positive_rate < 1);
  generation_size_ = (capacity + 1) / 2;
  // Up to three generations hold items at once. With k = log2(1/p) hashes, a filter of
  // n k / ln 2 cells holding n items answers a false positive with probability about p.
  double held = static_cast<double>(kGenerations * generation_size_);
  hash_count_ =
      std::max<size_t>(1, static_cast<size_t>(std::lround(-std::log2(false_positive_rate))));
  double cells = std::ceil(held * static_cast<double>(hash_count_) / std::log(2.0));
  size_t words = (static_cast<size_t>(cells) + kCellsPerWord - 1) / kCellsPerWord;
  words_.assign(std::max<size_t>(1, words), 0);
  cell_count_ = words_.size() * kCellsPerWord;
}

template <class Visit>
void RollingBloomFilter::for_each_cell(ByteSpan item, Visit&& visit) const {
  uint64_t hash = siphash24(key_, item);
  uint64_t first = hash & 0xffff'ffff;
  uint64_t step = (hash >> 32) | 1;  // odd, so the k cells differ whenever m allows
  for (size_t i = 0; i < hash_count_; ++i) visit((first + i * step) % cell_count_);
}

void RollingBloomFilter::insert(ByteSpan item) {
  if (inserted_in_generation_ == generation_size_) start_next_generation();
  ++inserted_in_generation_;
  for_each_cell(item, [&](size_t cell) {
    uint64_t& word = words_[cell / kCellsPerWord];
    unsigned shift = static_cast<unsigned>(2 * (cell % kCellsPerWord));
    word = (word & ~(uint64_t{3} << shift)) | (generation_ << shift);
  });
}

bool RollingBloomFilter::contains(ByteSpan item) const {
  bool all_set = true;
  for_each_cell(item, [&](size_t cell) {
    unsigned shift = static_cast<unsigned>(2 * (cell % kCellsPerWord));
    if (((words_[cell / kCellsPerWord] >> shift) & 3) == 0) all_set = false;
  });
  return all_set;
}

void RollingBloomFilter::start_next_generation() {
  generation_ = generation_ % kGenerations + 1;
  inserted_in_generation_ = 0;
  // Clear every cell whose 2 bits equal the new generation: the oldest items' cells.
  bool want_low = (generation_ & 1) != 0;
  bool want_high = (generation_ & 2) != 0;
  for (uint64_t& word : words_) {
    uint64_t low = word & kLowBits;
    uint64_t high = (word >> 1) & kLowBits;
    uint64_t match = (want_low ? low : ~low & kLowBits) & (want_high ? high : ~high & kLowBits);
    word &= ~(match | (match << 1));
  }
}

void RollingBloomFilter::clear() {
  std::fill(words_.begin(), words_.end(), 0);
  generation_ = 1;
  inserted_in_generation_ = 0;
}

}  // namespace ac::net
