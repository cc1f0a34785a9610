#include <gtest/gtest.h>

#include "actors/peer_eviction.hpp"

namespace ac::actors {
namespace {

EvictionCandidate peer(int64_t connected, int64_t block = 0, int64_t tx = 0, int64_t ping = -1) {
  return EvictionCandidate{connected, block, tx, ping};
}

TEST(PeerEviction, NothingToEvictWithoutInboundPeers) {
  EXPECT_FALSE(choose_inbound_to_evict({}).has_value());
}

TEST(PeerEviction, EvictsTheYoungestUnprotectedPeer) {
  std::vector<EvictionCandidate> inbound;
  for (int i = 0; i < 30; ++i) inbound.push_back(peer(100 + i));
  EXPECT_EQ(choose_inbound_to_evict(inbound), 29u);
}

TEST(PeerEviction, ProtectsRecentBlockAndTransactionSourcesAndTheFastest) {
  std::vector<EvictionCandidate> inbound;
  for (int i = 0; i < 30; ++i) inbound.push_back(peer(100 + i));
  // The youngest five: two gave blocks, two transactions, one answers pings fastest.
  inbound[29].last_block_ms = 500;
  inbound[28].last_block_ms = 400;
  inbound[27].last_tx_ms = 300;
  inbound[26].last_tx_ms = 200;
  inbound[25].ping_ms = 1;
  EXPECT_EQ(choose_inbound_to_evict(inbound), 24u);
}

TEST(PeerEviction, OnlyTheBestFourBlockSourcesAreProtected) {
  std::vector<EvictionCandidate> inbound;
  for (int i = 0; i < 20; ++i) inbound.push_back(peer(100 + i, 1'000 + i));
  // Blocks protect 4 (indexes 16..19); the youngest of the rest is 15.
  EXPECT_EQ(choose_inbound_to_evict(inbound), 15u);
}

TEST(PeerEviction, AFullNodeOfProtectedPeersStillMakesRoom) {
  // Three peers, all protected: the youngest that gave no block goes.
  std::vector<EvictionCandidate> inbound{peer(1, 50), peer(2, 0, 60), peer(3, 0, 0, 5)};
  EXPECT_EQ(choose_inbound_to_evict(inbound), 2u);
  // Every one gave blocks: the youngest goes.
  std::vector<EvictionCandidate> all_blocks{peer(1, 50), peer(2, 60), peer(3, 70)};
  EXPECT_EQ(choose_inbound_to_evict(all_blocks), 2u);
}

}  // namespace
}  // namespace ac::actors
