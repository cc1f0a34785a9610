// The coins cache's bookkeeping: which changes a flush must write and which never reach the
// database, and the memory estimate its bound is checked against.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ac
