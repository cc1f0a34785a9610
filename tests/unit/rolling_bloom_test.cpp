#include <gtest/gtest.h>

#include "net/rolling_bloom.hpp"
#include "net/siphash.hpp"

namespace ac::net {
namespace {

// The reference vectors of the SipHash paper (appendix A): key 00 01 .. 0f, message 00 01 ..
TEST(SipHash, MatchesThePapersVectors) {
  SipHashKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  Bytes message;
  EXPECT_EQ(siphash24(key, message), 0x726fdb47dd0e0e31ULL);
  message.push_back(0);
  EXPECT_EQ(siphash24(key, message), 0x74f839c593dc67fdULL);
  for (uint8_t i = 1; i < 15; ++i) message.push_back(i);
  EXPECT_EQ(siphash24(key, message), 0xa129ca6149be45e5ULL);
}

Hash256 item(uint64_t n) {
  Hash256 hash;
  for (int i = 0; i < 8; ++i)
    hash.data[static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
  hash.data[31] = 0xab;
  return hash;
}

TEST(RollingBloomFilter, RemembersEveryItemOfTheLastCapacityInserts) {
  RollingBloomFilter filter(1'000, 0.000001, SipHashKey{1, 2});
  for (uint64_t n = 0; n < 10'000; ++n) {
    filter.insert(item(n));
    // No false negative for anything among the last 1,000 inserts.
    if (n % 997 != 0) continue;
    for (uint64_t back = n >= 999 ? n - 999 : 0; back <= n; ++back)
      ASSERT_TRUE(filter.contains(item(back))) << back << " after " << n;
  }
}

TEST(RollingBloomFilter, ForgetsOldItems) {
  RollingBloomFilter filter(1'000, 0.000001, SipHashKey{3, 4});
  for (uint64_t n = 0; n < 1'000; ++n) filter.insert(item(n));
  for (uint64_t n = 1'000'000; n < 1'002'000; ++n) filter.insert(item(n));
  int still_known = 0;
  for (uint64_t n = 0; n < 1'000; ++n) still_known += filter.contains(item(n)) ? 1 : 0;
  EXPECT_EQ(still_known, 0);
}

TEST(RollingBloomFilter, FalsePositiveRateStaysNearTheRateAskedFor) {
  constexpr double kRate = 0.001;
  RollingBloomFilter filter(10'000, kRate, SipHashKey{5, 6});
  // 14,999 inserts: three generations of 5,000 held at once, the fullest the filter gets.
  for (uint64_t n = 0; n < 14'999; ++n) filter.insert(item(n));
  constexpr int kQueries = 200'000;
  int false_positives = 0;
  for (uint64_t n = 0; n < kQueries; ++n)
    false_positives += filter.contains(item(n + (1ULL << 40)));
  // Expected about 200 (0.1 %); three times that is far beyond chance.
  EXPECT_LT(false_positives, 3 * kRate * kQueries);
}

TEST(RollingBloomFilter, IsSmallerThanTheSetItReplaces) {
  RollingBloomFilter filter(50'000, 0.000001);
  EXPECT_EQ(filter.hash_count(), 20u);
  // About 2.2 million cells of 2 bits: 540 KB, against about 3.5 MB for 50,000 hashes in a set.
  EXPECT_LT(filter.memory_bytes(), 600'000u);
}

TEST(RollingBloomFilter, ClearForgetsEverything) {
  RollingBloomFilter filter(100, 0.01, SipHashKey{7, 8});
  filter.insert(item(1));
  ASSERT_TRUE(filter.contains(item(1)));
  filter.clear();
  EXPECT_FALSE(filter.contains(item(1)));
}

}  // namespace
}  // namespace ac::net
