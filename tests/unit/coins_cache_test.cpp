// The coins cache's bookkeeping: which changes a flush must write and which never reach the
// database, and the memory estimate its bound is checked against.
#include <malloc.h>

#include <gtest/gtest.h>

#include <cstdio>

#include "chain/coins_cache.hpp"
#include "chain/script.hpp"

namespace ac {
namespace {

OutPoint outpoint(uint8_t tag, uint32_t index = 0) {
  Hash256 txid;
  txid.data.fill(tag);
  return {txid, index};
}

Coin coin(Amount value) {
  Hash160 owner;
  owner.data.fill(7);
  return Coin{TxOut{value, p2pkh_script(owner)}, 3, false};
}

TEST(CoinsCache, CoinCreatedAndSpentBeforeAFlushLeavesNoEntry) {
  CoinsCache cache;
  cache.add(outpoint(1), coin(10));
  ASSERT_NE(cache.find(outpoint(1)), nullptr);
  EXPECT_TRUE(cache.find(outpoint(1))->fresh);
  cache.spend(outpoint(1), coin(10));
  EXPECT_EQ(cache.find(outpoint(1)), nullptr);
  EXPECT_TRUE(cache.empty());
  EXPECT_EQ(cache.memory_bytes(), 0u);
}

TEST(CoinsCache, SpendingADatabaseCoinLeavesATombstoneWithItsScript) {
  CoinsCache cache;
  cache.spend(outpoint(2), coin(20));
  const CoinsCache::Entry* entry = cache.find(outpoint(2));
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->spent);
  EXPECT_FALSE(entry->fresh);
  EXPECT_EQ(entry->coin, coin(20));  // the address index key is deleted from its script
}

TEST(CoinsCache, CoinRestoredOverATombstoneIsNotFreshSoItsNextSpendIsWritten) {
  CoinsCache cache;
  cache.spend(outpoint(3), coin(30));  // a disconnect's view: the database holds it
  cache.add(outpoint(3), coin(30));
  ASSERT_NE(cache.find(outpoint(3)), nullptr);
  EXPECT_FALSE(cache.find(outpoint(3))->spent);
  EXPECT_FALSE(cache.find(outpoint(3))->fresh);
  cache.spend(outpoint(3), coin(30));
  ASSERT_NE(cache.find(outpoint(3)), nullptr);
  EXPECT_TRUE(cache.find(outpoint(3))->spent);
}

TEST(CoinsCache, MemoryEstimateFollowsTheEntriesAndClearReturnsToZero) {
  CoinsCache cache;
  cache.add(outpoint(4, 0), coin(1));
  const size_t one = cache.memory_bytes();
  EXPECT_GT(one, sizeof(OutPoint) + sizeof(Coin));
  cache.add(outpoint(4, 1), coin(2));
  EXPECT_EQ(cache.memory_bytes(), 2 * one);
  cache.spend(outpoint(4, 1), coin(2));
  EXPECT_EQ(cache.memory_bytes(), one);
  cache.spend(outpoint(5), coin(5));
  EXPECT_EQ(cache.memory_bytes(), 2 * one);
  cache.clear();
  EXPECT_EQ(cache.memory_bytes(), 0u);
  EXPECT_TRUE(cache.empty());
}

// Heap in use: glibc's arena (this thread's) and its blocks mapped on their own (large ones).
// Signed: under AddressSanitizer glibc's allocator holds next to nothing, and less afterwards.
int64_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}

// The bound (--dbcache) is only as honest as the estimate: the heap the entries really take
// stays within it, and clear() gives it back.
TEST(CoinsCache, HeapInUseStaysWithinTheEstimateAndClearGivesItBack) {
  constexpr uint32_t kCoins = 100'000;
  malloc_trim(0);
  const int64_t before = heap_in_use();
  {
    CoinsCache cache;
    for (uint32_t n = 0; n < kCoins; ++n) {
      Hash256 txid;
      for (int i = 0; i < 4; ++i) txid.data[i] = static_cast<uint8_t>(n >> (8 * i));
      cache.add(OutPoint{txid, n % 2}, coin(n));
    }
    const int64_t used = heap_in_use() - before;
    std::printf("coins cache: %.1f bytes a coin in the heap, %.1f estimated\n",
                static_cast<double>(used) / kCoins,
                static_cast<double>(cache.memory_bytes()) / kCoins);
    EXPECT_LE(used, static_cast<int64_t>(cache.memory_bytes()));
    cache.clear();
    malloc_trim(0);
    EXPECT_LT(heap_in_use() - before, int64_t{64} << 10) << "clear() kept the entries' memory";
  }
}

}  // namespace
}  // namespace ac
