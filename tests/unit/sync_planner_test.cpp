#include "actors/sync_planner.hpp"

#include "actors/misbehaviour.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "sync_planner_actions.hpp"

namespace ac::actors {
namespace {

using namespace std::chrono_literals;
using namespace planner_test;

SyncLimits small_limits() {
  SyncLimits limits = base_limits();
  limits.min_submit_batch = 1;  // each block to the chain as soon as its turn comes
  limits.max_stalls = 3;
  return limits;
}

struct SyncPlannerTest : ::testing::Test {
  SyncTime t0 = SyncTime{} + 1h;

  Planner with_peers(const SyncLimits& limits, std::vector<std::pair<PeerId, int>> peers) {
    return planner_with_peers(limits, peers, t0);
  }
};

TEST_F(SyncPlannerTest, AsksTheOnlyHigherPeerForInventory) {
  Planner planner(small_limits());
  planner.on_chain_tip(0, {}, t0);
  auto actions = planner.on_peer_ready(1, 10, t0);
  auto asks = only<Planner::RequestInventory>(actions);
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 1u);
  EXPECT_FALSE(asks[0].after.has_value());
}

TEST_F(SyncPlannerTest, DownloadingLastsUntilThePeerHeightIsReached) {
  Planner planner(small_limits());
  planner.on_chain_tip(0, {}, t0);
  EXPECT_FALSE(planner.downloading());
  planner.on_peer_ready(1, 3, t0);
  EXPECT_TRUE(planner.downloading());  // inventory asked
  planner.on_inventory(1, hash_range(0, 3), t0);
  for (uint32_t n = 0; n < 3; ++n) planner.on_block(1, hash_of(n), t0);
  EXPECT_TRUE(planner.downloading());  // verdicts pending
  // As the chain actor does: the tip change goes out before the verdict.
  planner.on_chain_tip(3, hash_range(0, 3), t0);
  for (uint32_t n = 0; n < 3; ++n) planner.on_submitted(hash_of(n), std::nullopt, t0);
  EXPECT_FALSE(planner.downloading());
}

TEST_F(SyncPlannerTest, OneAnnouncedBlockIsNotADownload) {
  Planner planner(small_limits());
  planner.on_chain_tip(0, {}, t0);
  planner.on_peer_ready(1, 0, t0);
  planner.on_inventory(1, hash_range(0, 1), t0);
  EXPECT_FALSE(planner.downloading());
}

TEST_F(SyncPlannerTest, DoesNotAskPeersThatAreNotAhead) {
  Planner planner(small_limits());
  planner.on_chain_tip(10, {}, t0);
  EXPECT_TRUE(planner.on_peer_ready(1, 10, t0).empty());
  EXPECT_TRUE(planner.on_peer_ready(2, 3, t0).empty());
  EXPECT_FALSE(planner.downloading());
}

TEST_F(SyncPlannerTest, AnOrphanFromAPeerAtOurHeightAsksItWhereItsBranchForks) {
  // Two miners raced at one height: the peer's relayed block does not connect here.
  Planner planner(small_limits());
  planner.on_chain_tip(10, {}, t0);
  EXPECT_TRUE(planner.on_peer_ready(1, 10, t0).empty());
  EXPECT_EQ(requested_from(planner.on_inventory(1, {hash_of(7)}, t0), 1),
            std::vector<Hash256>{hash_of(7)});
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(7), t0, 200)), std::vector<Hash256>{hash_of(7)});
  EXPECT_TRUE(only<Planner::RequestInventory>(planner.on_submitted(hash_of(7), {}, t0)).empty());

  auto asks = only<Planner::RequestInventory>(planner.on_orphan(1, t0));
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 1u);
  EXPECT_FALSE(asks[0].after.has_value());  // from our locator, not after what it announced
  EXPECT_TRUE(planner.downloading());
  // More orphans while the question is open ask nothing more.
  EXPECT_TRUE(only<Planner::RequestInventory>(planner.on_orphan(1, t0 + 1s)).empty());
  // Its answer, the branch from the fork, is fetched from it.
  EXPECT_EQ(requested_from(planner.on_inventory(1, hash_range(20, 3), t0 + 2s), 1),
            hash_range(20, 3));
}

TEST_F(SyncPlannerTest, AnOrphanFromAnUnknownPeerAsksNothing) {
  Planner planner(small_limits());
  planner.on_chain_tip(10, {}, t0);
  EXPECT_TRUE(planner.on_orphan(5, t0).empty());
}

TEST_F(SyncPlannerTest, InventoryBatchOf500IsRequestedInAWindowPerPeer) {
  Planner planner = with_peers(SyncLimits{}, {{1, 2000}});
  auto batch = hash_range(0, 500);
  auto actions = planner.on_inventory(1, batch, t0);
  auto requests = only<Planner::RequestBlocks>(actions);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].peer, 1u);
  EXPECT_EQ(requests[0].hashes, hash_range(0, 128));
  EXPECT_EQ(planner.in_flight_count(1), 128u);
  EXPECT_EQ(planner.unsolved_count(), 500u);
  EXPECT_TRUE(only<Planner::RequestInventory>(actions).empty());
}

TEST_F(SyncPlannerTest, WindowIsRefilledInBatchesNotBlockByBlock) {
  Planner planner = with_peers(SyncLimits{}, {{1, 2000}});
  auto batch = hash_range(0, 500);
  planner.on_inventory(1, batch, t0);
  for (uint32_t n = 0; n < 15; ++n)
    EXPECT_TRUE(only<Planner::RequestBlocks>(planner.on_block(1, batch[n], t0)).empty()) << n;
  EXPECT_EQ(requested_from(planner.on_block(1, batch[15], t0), 1), hash_range(128, 16));
  EXPECT_EQ(planner.in_flight_count(1), 128u);
}

TEST_F(SyncPlannerTest, TheLastFewHashesGoOutOnceABatchWouldFit) {
  Planner planner = with_peers(SyncLimits{}, {{1, 2000}});
  auto batch = hash_range(0, 130);
  EXPECT_EQ(requested_from(planner.on_inventory(1, batch, t0), 1), hash_range(0, 128));
  for (uint32_t n = 0; n < 15; ++n) planner.on_block(1, batch[n], t0);
  EXPECT_EQ(requested_from(planner.on_block(1, batch[15], t0), 1), hash_range(128, 2));
}

TEST_F(SyncPlannerTest, PeerWithNothingInFlightIsAskedForFewerThanABatch) {
  Planner planner = with_peers(SyncLimits{}, {{1, 2000}});
  EXPECT_EQ(requested_from(planner.on_inventory(1, hash_range(0, 3), t0), 1), hash_range(0, 3));
}

TEST_F(SyncPlannerTest, SpreadsRequestsOverPeersThatAnnounced) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}, {3, 50}});
  auto batch = hash_range(0, 12);
  EXPECT_EQ(requested_from(planner.on_inventory(1, batch, t0), 1), hash_range(0, 4));
  EXPECT_EQ(requested_from(planner.on_inventory(2, batch, t0), 2), hash_range(4, 4));
  // Total cap is 8: the third announcer gets nothing yet.
  EXPECT_TRUE(only<Planner::RequestBlocks>(planner.on_inventory(3, batch, t0)).empty());
  EXPECT_EQ(planner.in_flight_count(), 8u);
  // One arrival frees one slot; the least loaded announcer gets the next hash.
  auto actions = planner.on_block(1, hash_of(0), t0);
  EXPECT_EQ(submitted(actions), std::vector<Hash256>{hash_of(0)});
  EXPECT_EQ(requested_from(actions, 3), std::vector<Hash256>{hash_of(8)});
}

TEST_F(SyncPlannerTest, DoesNotAskPeersThatDidNotAnnounceWhileAnnouncersServe) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}});
  auto actions = planner.on_inventory(1, hash_range(0, 12), t0);
  EXPECT_EQ(requested_from(actions, 1), hash_range(0, 4));
  EXPECT_TRUE(requested_from(actions, 2).empty());
  EXPECT_EQ(planner.in_flight_count(2), 0u);
}

TEST_F(SyncPlannerTest, OutOfOrderArrivalsAreSubmittedInAnnouncedOrder) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 4), t0);
  EXPECT_TRUE(submitted(planner.on_block(1, hash_of(3), t0)).empty());
  EXPECT_TRUE(submitted(planner.on_block(1, hash_of(1), t0)).empty());
  EXPECT_TRUE(submitted(planner.on_block(1, hash_of(2), t0)).empty());
  EXPECT_EQ(planner.buffered_count(), 3u);
  EXPECT_TRUE(planner.is_buffered(hash_of(2)));
  auto actions = planner.on_block(1, hash_of(0), t0);
  EXPECT_EQ(submitted(actions), hash_range(0, 4));
  EXPECT_EQ(planner.buffered_count(), 0u);
  EXPECT_FALSE(planner.is_buffered(hash_of(2)));
  EXPECT_EQ(planner.awaiting_verdict_count(), 4u);
  EXPECT_EQ(planner.unsolved_count(), 0u);
}

TEST_F(SyncPlannerTest, PartialPrefixIsSubmittedAsSoonAsItIsComplete) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 4), t0);
  planner.on_block(1, hash_of(1), t0);
  planner.on_block(1, hash_of(3), t0);
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(0), t0)), hash_range(0, 2));
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(2), t0)), hash_range(2, 2));
}

TEST_F(SyncPlannerTest, NotFoundReRequestsFromAnotherPeerAtOnce) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}});
  planner.on_inventory(1, hash_range(0, 3), t0);
  auto actions = planner.on_not_found(1, {hash_of(1)}, t0);
  EXPECT_EQ(requested_from(actions, 2), std::vector<Hash256>{hash_of(1)});
  EXPECT_TRUE(requested_from(actions, 1).empty());
  EXPECT_EQ(planner.in_flight_count(1), 2u);
  EXPECT_EQ(planner.in_flight_count(2), 1u);
}

TEST_F(SyncPlannerTest, NotFoundSkipsPeersWhoseHeightIsTooLow) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 1}});
  planner.on_inventory(1, hash_range(0, 3), t0);
  // hash 2 sits at estimated height 3: peer 2 (height 1) cannot have it.
  auto actions = planner.on_not_found(1, {hash_of(2)}, t0);
  EXPECT_TRUE(only<Planner::RequestBlocks>(actions).empty());
}

TEST_F(SyncPlannerTest, NotFoundFromTheOnlyPeerRetriesItAfterBackoff) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 3), t0);
  EXPECT_TRUE(only<Planner::RequestBlocks>(planner.on_not_found(1, {hash_of(0)}, t0)).empty());
  EXPECT_TRUE(only<Planner::RequestBlocks>(planner.on_tick(t0 + 500ms)).empty());
  auto actions = planner.on_tick(t0 + 1s);
  EXPECT_EQ(requested_from(actions, 1), std::vector<Hash256>{hash_of(0)});
}

TEST_F(SyncPlannerTest, NotFoundForHashesNotAskedFromThatPeerIsIgnored) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}});
  planner.on_inventory(1, hash_range(0, 3), t0);
  EXPECT_TRUE(planner.on_not_found(2, {hash_of(0), hash_of(77)}, t0).empty());
  EXPECT_EQ(planner.in_flight_count(1), 3u);
}

TEST_F(SyncPlannerTest, StalledRequestsGoToAnotherPeer) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}});
  auto batch = hash_range(0, 8);
  planner.on_inventory(1, batch, t0);
  planner.on_inventory(2, batch, t0);
  planner.on_block(2, hash_of(4), t0 + 1s);
  planner.on_block(2, hash_of(5), t0 + 1s);
  planner.on_block(2, hash_of(6), t0 + 1s);
  planner.on_block(2, hash_of(7), t0 + 1s);
  EXPECT_TRUE(planner.on_tick(t0 + 4s).empty());
  auto actions = planner.on_tick(t0 + 5s);
  EXPECT_EQ(requested_from(actions, 2), hash_range(0, 4));
  EXPECT_TRUE(only<Planner::Disconnect>(actions).empty());
  EXPECT_EQ(planner.in_flight_count(1), 0u);
  // The late block from the stalled peer is still welcome.
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(0), t0 + 6s)), std::vector<Hash256>{hash_of(0)});
  EXPECT_EQ(planner.in_flight_count(2), 3u);
}

TEST_F(SyncPlannerTest, PeerThatKeepsDeliveringIsNotTimedOut) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}});
  auto batch = hash_range(0, 4);
  planner.on_inventory(1, batch, t0);
  planner.on_inventory(2, batch, t0);
  planner.on_block(1, hash_of(0), t0 + 4s);
  EXPECT_TRUE(requested_from(planner.on_tick(t0 + 5s), 2).empty());
  EXPECT_EQ(requested_from(planner.on_tick(t0 + 9s), 2), hash_range(1, 3));
}

TEST_F(SyncPlannerTest, PeerThatStallsThreeTimesIsDisconnected) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 2), t0);
  auto now = t0;
  for (int stall = 1; stall <= 2; ++stall) {
    now += 5s;
    auto actions = planner.on_tick(now);
    EXPECT_TRUE(only<Planner::Disconnect>(actions).empty());
    EXPECT_TRUE(only<Planner::RequestBlocks>(actions).empty());  // backoff before the same peer
    now += 1s;
    EXPECT_EQ(requested_from(planner.on_tick(now), 1), hash_range(0, 2));
  }
  now += 5s;
  auto actions = planner.on_tick(now);
  auto drops = only<Planner::Disconnect>(actions);
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].peer, 1u);
  EXPECT_EQ(drops[0].reason, "stalling");
  EXPECT_FALSE(planner.is_peer_ready(1));
  EXPECT_EQ(planner.in_flight_count(), 0u);
  EXPECT_EQ(planner.unsolved_count(), 2u);
}

TEST_F(SyncPlannerTest, DisconnectedStallerHandsItsHashesToAnotherPeer) {
  SyncLimits limits = small_limits();
  limits.max_stalls = 1;
  Planner planner = with_peers(limits, {{1, 50}, {2, 1}});
  planner.on_inventory(1, hash_range(0, 2), t0);
  planner.on_peer_ready(2, 50, t0);  // peer 2 catches up later
  auto actions = planner.on_tick(t0 + 5s);
  ASSERT_EQ(only<Planner::Disconnect>(actions).size(), 1u);
  EXPECT_EQ(requested_from(actions, 2), hash_range(0, 2));
}

TEST_F(SyncPlannerTest, PeerLeavingMidSyncHasItsRequestsReassigned) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}});
  auto batch = hash_range(0, 4);
  EXPECT_EQ(requested_from(planner.on_inventory(1, batch, t0), 1), batch);
  planner.on_inventory(2, batch, t0);
  EXPECT_EQ(planner.in_flight_count(2), 0u);
  auto actions = planner.on_peer_gone(1, t0 + 1s);
  EXPECT_EQ(requested_from(actions, 2), batch);
  EXPECT_EQ(planner.in_flight_count(), 4u);
  EXPECT_FALSE(planner.is_peer_ready(1));
}

TEST_F(SyncPlannerTest, OrphanedHashesGoToAnyPeerHighEnough) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}, {3, 2}});
  planner.on_inventory(1, hash_range(0, 4), t0);
  auto actions = planner.on_peer_gone(1, t0);
  // Nobody else announced them; peer 2 claims a height covering all, peer 3 only the first 2.
  auto to_peer2 = requested_from(actions, 2);
  auto to_peer3 = requested_from(actions, 3);
  EXPECT_EQ(to_peer2.size() + to_peer3.size(), 4u);
  for (const auto& hash : to_peer3) EXPECT_TRUE(hash == hash_of(0) || hash == hash_of(1));
}

TEST_F(SyncPlannerTest, OrphanedHashesNoPeerCanServeDoNotHoldUpLaterBlocks) {
  // Peer 1 announces two blocks it never sends and leaves; peer 2 (too low to be asked for
  // them) then relays a new block.
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 0}});
  planner.on_inventory(1, hash_range(0, 2), t0);
  planner.on_peer_gone(1, t0);
  planner.on_inventory(2, {hash_of(100)}, t0);
  EXPECT_TRUE(submitted(planner.on_block(2, hash_of(100), t0)).empty());
  EXPECT_EQ(submitted(planner.on_tick(t0 + 500ms)), std::vector<Hash256>{hash_of(100)});
  EXPECT_EQ(planner.unsolved_count(), 0u);
}

TEST_F(SyncPlannerTest, OrphanedHashEveryCandidateFailedIsGivenUp) {
  Planner planner = with_peers(small_limits(), {{1, 50}, {2, 50}});
  planner.on_inventory(1, hash_range(0, 1), t0);
  EXPECT_EQ(requested_from(planner.on_peer_gone(1, t0), 2), hash_range(0, 1));
  planner.on_not_found(2, {hash_of(0)}, t0);
  EXPECT_EQ(planner.unsolved_count(), 1u);
  planner.on_tick(t0 + 500ms);
  EXPECT_EQ(planner.unsolved_count(), 0u);
}

TEST_F(SyncPlannerTest, NextInventoryIsAskedWhenTheLastAnnouncedHashIsRequested) {
  Planner planner = with_peers(SyncLimits{}, {{1, 2000}});
  auto batch = hash_range(0, 500);
  auto actions = planner.on_inventory(1, batch, t0);
  size_t delivered = 0;
  while (only<Planner::RequestInventory>(actions).empty()) {
    ASSERT_LT(delivered, batch.size());
    actions = planner.on_block(1, batch[delivered++], t0);
  }
  auto asks = only<Planner::RequestInventory>(actions);
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 1u);
  ASSERT_TRUE(asks[0].after.has_value());
  EXPECT_EQ(*asks[0].after, batch.back());
  EXPECT_EQ(requested_from(actions, 1).back(), batch.back());
  // Refills go out min_request_batch at a time, so the last one may come up to 15 blocks late.
  EXPECT_GE(delivered, 500u - 128u);
  EXPECT_LT(delivered, 500u - 128u + 16u);
  EXPECT_EQ(planner.in_flight_count(), 500u - delivered);
  // While that ask is outstanding, no second one.
  EXPECT_TRUE(only<Planner::RequestInventory>(planner.on_block(1, batch[delivered], t0)).empty());
}

TEST_F(SyncPlannerTest, NextBatchIsRequestedWhileThePreviousIsStillInFlight) {
  SyncLimits limits;
  limits.max_in_flight_per_peer = 1000;
  limits.max_in_flight_total = 1000;
  Planner planner = with_peers(limits, {{1, 2000}});
  auto actions = planner.on_inventory(1, hash_range(0, 500), t0);
  EXPECT_EQ(requested_from(actions, 1).size(), 500u);
  ASSERT_EQ(only<Planner::RequestInventory>(actions).size(), 1u);
  actions = planner.on_inventory(1, hash_range(500, 500), t0);
  EXPECT_EQ(requested_from(actions, 1), hash_range(500, 500));
  ASSERT_EQ(only<Planner::RequestInventory>(actions).size(), 1u);
  EXPECT_EQ(only<Planner::RequestInventory>(actions)[0].after, hash_of(999));
}

TEST_F(SyncPlannerTest, StopsAskingForInventoryOnceThePeerHeightIsCovered) {
  SyncLimits limits;
  limits.max_in_flight_per_peer = 1000;
  limits.max_in_flight_total = 1000;
  Planner planner = with_peers(limits, {{1, 500}});
  auto actions = planner.on_inventory(1, hash_range(0, 500), t0);
  EXPECT_EQ(requested_from(actions, 1).size(), 500u);
  EXPECT_TRUE(only<Planner::RequestInventory>(actions).empty());
}

TEST_F(SyncPlannerTest, AsksAgainFromTheChainLocatorOnceTheChainMoves) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  auto actions = planner.on_inventory(1, hash_range(0, 2), t0);
  ASSERT_EQ(only<Planner::RequestInventory>(actions).size(), 1u);
  EXPECT_EQ(only<Planner::RequestInventory>(actions)[0].after, hash_of(1));
  // The peer answers the early ask with nothing new: wait for the chain.
  EXPECT_TRUE(planner.on_inventory(1, hash_range(0, 2), t0).empty());
  planner.on_block(1, hash_of(0), t0);
  planner.on_block(1, hash_of(1), t0);
  planner.on_submitted(hash_of(0), std::nullopt, t0);
  EXPECT_TRUE(planner.on_submitted(hash_of(1), std::nullopt, t0).empty());
  actions = planner.on_chain_tip(2, hash_range(0, 2), t0);
  auto asks = only<Planner::RequestInventory>(actions);
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 1u);
  EXPECT_FALSE(asks[0].after.has_value());  // the chain's locator now covers the last batch
}

TEST_F(SyncPlannerTest, OnlyAPeerAheadIsAskedForInventoryOneAtATime) {
  Planner planner(small_limits());
  planner.on_chain_tip(40, {}, t0);
  EXPECT_TRUE(planner.on_peer_ready(1, 30, t0).empty());
  EXPECT_EQ(only<Planner::RequestInventory>(planner.on_peer_ready(2, 80, t0)).size(), 1u);
  EXPECT_TRUE(planner.on_peer_ready(3, 90, t0).empty());  // one getblocks at a time
}

TEST_F(SyncPlannerTest, SilentInventoryAnswerMovesToTheNextPeer) {
  Planner planner(small_limits());
  planner.on_chain_tip(40, {}, t0);
  planner.on_peer_ready(2, 80, t0);
  planner.on_peer_ready(3, 70, t0);
  EXPECT_TRUE(only<Planner::RequestInventory>(planner.on_tick(t0 + 4s)).empty());
  auto asks = only<Planner::RequestInventory>(planner.on_tick(t0 + 5s));
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 3u);
  // Nothing new for the idle timeout (10 s) since the peers came: the peer asked least
  // recently is asked again.
  asks = only<Planner::RequestInventory>(planner.on_tick(t0 + 10s));
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 2u);
  // It says nothing again: the other peer, forgiven its silence too, is next.
  asks = only<Planner::RequestInventory>(planner.on_tick(t0 + 15s));
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 3u);
  // Both silent at this height: no more asks until the chain moves or the next idle spell.
  EXPECT_TRUE(only<Planner::RequestInventory>(planner.on_tick(t0 + 19s)).empty());
  asks = only<Planner::RequestInventory>(planner.on_chain_tip(41, {}, t0 + 19s));
  EXPECT_TRUE(asks.empty());  // peer 3's request is still open
  asks = only<Planner::RequestInventory>(planner.on_tick(t0 + 20s));
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].peer, 2u);
}

TEST_F(SyncPlannerTest, InventoryWithNothingNewStopsAskingThatPeer) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  auto actions = planner.on_inventory(1, {kTipHash}, t0);  // the chain has it
  EXPECT_TRUE(actions.empty());
  EXPECT_TRUE(planner.on_tick(t0 + 9s).empty());
  // Not for good: after the idle timeout it is asked again (a lost inv must not idle us).
  EXPECT_EQ(only<Planner::RequestInventory>(planner.on_tick(t0 + 10s)).size(), 1u);
}

TEST_F(SyncPlannerTest, HashesTheChainAlreadyHasAreSkipped) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_chain_tip(3, hash_range(0, 3), t0);
  auto actions = planner.on_inventory(1, hash_range(0, 6), t0);
  EXPECT_EQ(requested_from(actions, 1), hash_range(3, 3));
  EXPECT_EQ(planner.unsolved_count(), 3u);
}

TEST_F(SyncPlannerTest, HashesAwaitingAVerdictAreNotFetchedAgain) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 2), t0);
  planner.on_block(1, hash_of(0), t0);
  planner.on_block(1, hash_of(1), t0);
  EXPECT_TRUE(requested_from(planner.on_inventory(1, hash_range(0, 2), t0), 1).empty());
  EXPECT_TRUE(planner.on_block(1, hash_of(0), t0).empty());
}

TEST_F(SyncPlannerTest, ConnectedHashesLeaveTheQueueAndFreeTheirSlots) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 6), t0);
  EXPECT_EQ(planner.in_flight_count(1), 4u);
  // Another peer's relay got hashes 0 and 1 connected first.
  auto actions = planner.on_chain_tip(2, hash_range(0, 2), t0);
  EXPECT_EQ(planner.unsolved_count(), 4u);
  EXPECT_EQ(requested_from(actions, 1), hash_range(4, 2));
}

TEST_F(SyncPlannerTest, RejectedBlocksAreNeverFetchedAgain) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 1), t0);
  planner.on_block(1, hash_of(0), t0);
  planner.on_submitted(hash_of(0), ErrorKind::kInvalid, t0);
  EXPECT_TRUE(requested_from(planner.on_inventory(1, hash_range(0, 1), t0), 1).empty());
  EXPECT_TRUE(planner.on_block(1, hash_of(0), t0).empty());
}

TEST_F(SyncPlannerTest, UnannouncedBlockIsDroppedAndChargedToItsSender) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  auto actions = planner.on_block(1, hash_of(42), t0);
  EXPECT_TRUE(submitted(actions).empty());
  EXPECT_EQ(planner.buffered_count(), 0u);
  ASSERT_EQ(actions.size(), 1u);
  const auto* charge = std::get_if<Planner::Misbehaving>(&actions[0]);
  ASSERT_NE(charge, nullptr);
  EXPECT_EQ(charge->peer, 1u);
  EXPECT_EQ(charge->points, kUnrequestedBlockPoints);
}

TEST_F(SyncPlannerTest, BlockAlreadySubmittedIsNotChargedWhenItComesAgain) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  planner.on_inventory(1, hash_range(0, 1), t0);
  planner.on_block(1, hash_of(0), t0);
  EXPECT_TRUE(planner.on_block(1, hash_of(0), t0).empty());  // verdict pending
  planner.on_submitted(hash_of(0), std::nullopt, t0);
  EXPECT_TRUE(planner.on_block(1, hash_of(0), t0).empty());  // the chain has it
}

TEST_F(SyncPlannerTest, UnrequestedBlockFloodDoesNotGrowTheBufferBeyondItsBound) {
  Planner planner = with_peers(small_limits(), {{1, 500}});
  planner.on_inventory(1, hash_range(0, 100), t0);
  for (uint32_t n = 1; n < 100; ++n) {
    EXPECT_TRUE(submitted(planner.on_block(1, hash_of(n), t0)).empty());
    EXPECT_LE(planner.buffered_count(), 16u);
  }
  EXPECT_EQ(planner.buffered_count(), 15u);
  EXPECT_TRUE(planner.is_buffered(hash_of(15)));
  EXPECT_FALSE(planner.is_buffered(hash_of(16)));
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(0), t0)), hash_range(0, 16));
}

TEST_F(SyncPlannerTest, RequestsStayInsideTheDownloadWindow) {
  SyncLimits limits = small_limits();
  limits.max_in_flight_per_peer = 100;
  limits.max_in_flight_total = 100;
  Planner planner = with_peers(limits, {{1, 500}});
  auto actions = planner.on_inventory(1, hash_range(0, 40), t0);
  EXPECT_EQ(requested_from(actions, 1), hash_range(0, 16));
  // The window counts from the connected tip: later blocks arriving do not move it, nor does
  // the first one handed to the chain; its connection does.
  EXPECT_TRUE(requested_from(planner.on_block(1, hash_of(5), t0), 1).empty());
  auto first = planner.on_block(1, hash_of(0), t0);
  EXPECT_EQ(submitted(first), std::vector<Hash256>{hash_of(0)});
  EXPECT_TRUE(requested_from(first, 1).empty());
  EXPECT_EQ(requested_from(planner.on_chain_tip(1, {hash_of(0)}, t0), 1),
            std::vector<Hash256>{hash_of(16)});
}

TEST_F(SyncPlannerTest, InventoryFromUnknownPeerIsIgnored) {
  Planner planner = with_peers(small_limits(), {{1, 50}});
  EXPECT_TRUE(planner.on_inventory(9, hash_range(0, 3), t0).empty());
  EXPECT_EQ(planner.unsolved_count(), 0u);
}

TEST_F(SyncPlannerTest, UnsolvedQueueIsBounded) {
  SyncLimits limits = small_limits();
  limits.max_unsolved_hashes = 10;
  Planner planner = with_peers(limits, {{1, 500}});
  planner.on_inventory(1, hash_range(0, 40), t0);
  EXPECT_EQ(planner.unsolved_count(), 10u);
}

// Memory (issue 15): the hashes the chain has are remembered only while recent.
TEST_F(SyncPlannerTest, RemembersOnlyTheMostRecentKnownHashes) {
  SyncLimits limits = small_limits();
  limits.max_known_hashes = 2;
  Planner planner = with_peers(limits, {{1, 500}});
  planner.on_chain_tip(3, hash_range(0, 3), t0);
  // Blocks 1 and 2 are still known: announcing them again costs nothing.
  planner.on_inventory(1, hash_range(1, 2), t0);
  EXPECT_EQ(planner.unsolved_count(), 0u);
  // Block 0 was forgotten: it is fetched again (the chain will answer already-have).
  auto actions = planner.on_inventory(1, hash_range(0, 1), t0);
  EXPECT_EQ(planner.unsolved_count(), 1u);
  EXPECT_EQ(requested_from(actions, 1), std::vector<Hash256>{hash_of(0)});
}

// Backpressure (issue 15): a chain slower than the download bounds what waits for it.
SyncLimits default_window_limits() {
  SyncLimits limits;  // the node's own: 1,024 blocks ahead, 64 handed over, batches of 16
  limits.max_in_flight_per_peer = 512;
  return limits;
}

TEST_F(SyncPlannerTest, ASlowChainStopsTheDownloadAtTheWindow) {
  SyncLimits limits = default_window_limits();
  Planner planner = with_peers(limits, {{1, 100000}});
  // Inventory keeps coming; every block requested arrives at once; the chain connects none.
  std::vector<Hash256> requested;
  uint32_t announced = 0;
  for (int round = 0; round < 20; ++round) {
    auto actions = planner.on_inventory(1, hash_range(announced, 500), t0);
    announced += 500;
    for (int step = 0; step < 10; ++step) {
      auto asked = requested_from(actions, 1);
      if (asked.empty()) break;
      actions.clear();
      for (const auto& hash : asked) {
        auto more = planner.on_block(1, hash, t0, 300);
        actions.insert(actions.end(), more.begin(), more.end());
      }
      requested.insert(requested.end(), asked.begin(), asked.end());
    }
  }
  EXPECT_EQ(requested, hash_range(0, 1024));
  EXPECT_EQ(planner.blocks_ahead_count(), 1024u);
  EXPECT_EQ(planner.bytes_ahead(), 300u * 1024);
  const size_t handed = planner.awaiting_verdict_count();
  EXPECT_LE(handed, limits.max_submitting);
  EXPECT_GT(handed + limits.min_submit_batch, limits.max_submitting);
  // The chain connects what it was given: as many places open, and the next blocks go to it.
  auto actions = planner.on_chain_tip(static_cast<int>(handed),
                                      hash_range(0, static_cast<uint32_t>(handed)), t0);
  EXPECT_EQ(requested_from(actions, 1), hash_range(1024, static_cast<uint32_t>(handed)));
  auto next = submitted(actions);
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.front(), hash_of(static_cast<uint32_t>(handed)));
  EXPECT_LE(planner.awaiting_verdict_count(), limits.max_submitting);
  EXPECT_EQ(planner.bytes_ahead(), 300u * (1024 - handed));
}

TEST_F(SyncPlannerTest, TheChainGetsBatchesWhileBusyAndWhateverIsReadyWhenIdle) {
  SyncLimits limits = default_window_limits();
  Planner planner = with_peers(limits, {{1, 5000}});
  planner.on_inventory(1, hash_range(0, 200), t0);
  // Idle chain: the first block goes at once.
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(0), t0)), std::vector<Hash256>{hash_of(0)});
  // Busy: the next ones wait until a batch of 16 is ready.
  for (uint32_t n = 1; n < 16; ++n)
    EXPECT_TRUE(submitted(planner.on_block(1, hash_of(n), t0)).empty());
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(16), t0)), hash_range(1, 16));
  // More than the chain's mailbox may hold waits for verdicts.
  for (uint32_t n = 17; n < 100; ++n) planner.on_block(1, hash_of(n), t0);
  const auto handed = static_cast<uint32_t>(planner.awaiting_verdict_count());
  EXPECT_LE(handed, limits.max_submitting);
  EXPECT_EQ(planner.buffered_count(), 100u - handed);
  // Once the chain has nothing left, a partial batch goes at once.
  auto rest = submitted(planner.on_chain_tip(static_cast<int>(handed), hash_range(0, handed), t0));
  EXPECT_EQ(rest, hash_range(handed, 100 - handed));
  auto idle = planner.on_chain_tip(100, hash_range(handed, 100 - handed), t0);
  EXPECT_TRUE(submitted(idle).empty());  // nothing arrived beyond 99
  EXPECT_EQ(submitted(planner.on_block(1, hash_of(100), t0)), std::vector<Hash256>{hash_of(100)});
}

TEST_F(SyncPlannerTest, BytesAheadStopNewRequests) {
  SyncLimits limits = default_window_limits();
  limits.max_bytes_ahead = 10'000;
  Planner planner = with_peers(limits, {{1, 5000}});
  auto asked = requested_from(planner.on_inventory(1, hash_range(0, 500), t0), 1);
  ASSERT_EQ(asked.size(), 500u);
  // Nothing connects; 1,000-byte blocks arrive: past 10,000 bytes no new request goes out,
  // though the count window would allow it.
  Planner::Actions actions;
  for (uint32_t n = 0; n < 20; ++n) {
    auto more = planner.on_block(1, hash_of(n), t0, 1000);
    actions.insert(actions.end(), more.begin(), more.end());
  }
  planner.on_inventory(1, hash_range(500, 500), t0);
  EXPECT_TRUE(requested_from(planner.on_block(1, hash_of(20), t0, 1000), 1).empty());
  EXPECT_EQ(planner.bytes_ahead(), 21'000u);
  // The 17 handed to the chain (one, then a batch of 16) connected: their bytes are released
  // and requests resume; the 4 behind them, handed over now, keep theirs.
  EXPECT_EQ(planner.awaiting_verdict_count(), 17u);
  EXPECT_FALSE(requested_from(planner.on_chain_tip(17, hash_range(0, 17), t0), 1).empty());
  EXPECT_EQ(planner.bytes_ahead(), 4'000u);
}

TEST_F(SyncPlannerTest, ARefusedCopyReleasesItsBytes) {
  SyncLimits limits = default_window_limits();
  Planner planner = with_peers(limits, {{1, 5000}, {2, 5000}});
  planner.on_inventory(1, hash_range(0, 10), t0);
  planner.on_block(1, hash_of(0), t0, 500);
  EXPECT_EQ(planner.bytes_ahead(), 500u);
  planner.on_submitted(hash_of(0), ErrorKind::kDamaged, t0);
  EXPECT_EQ(planner.bytes_ahead(), 0u);
  EXPECT_EQ(planner.awaiting_verdict_count(), 0u);
}

}  // namespace
}  // namespace ac::actors
