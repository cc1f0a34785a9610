// The sync planner against poisoning and stalls (issue 14): a refused copy that is not the
// block's own failure is asked for again, elsewhere first; a hash nobody delivers is dropped
// after a bounded number of tries and the peers are asked afresh; silence while a peer is
// ahead leads to another inventory request.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "actors/sync_planner.hpp"
#include "sync_planner_actions.hpp"

namespace ac::actors {
namespace {

using namespace std::chrono_literals;
using namespace planner_test;

SyncLimits limits() {
  SyncLimits limits = base_limits();
  limits.max_stalls = 100;  // these tests are about hashes, not stalling peers
  limits.max_attempts = 3;
  limits.idle_timeout = 10s;
  return limits;
}

struct SyncRecoveryTest : ::testing::Test {
  SyncTime t0 = SyncTime{} + 1h;

  Planner with_peers(std::vector<std::pair<PeerId, int>> peers) {
    return planner_with_peers(limits(), peers, t0);
  }
};

TEST(SyncVerdicts, OnlyABlocksOwnFailureIsRemembered) {
  for (ErrorKind kind : {ErrorKind::kInvalid, ErrorKind::kInvalidHeader, ErrorKind::kCachedInvalid,
                         ErrorKind::kInvalidParent, ErrorKind::kDifferentChain})
    EXPECT_TRUE(Planner::is_blocks_own_failure(kind)) << kind_name(kind);
  for (ErrorKind kind : {ErrorKind::kDamaged, ErrorKind::kTimeTooNew, ErrorKind::kMissingParent,
                         ErrorKind::kLocal, ErrorKind::kRefused, ErrorKind::kBusy})
    EXPECT_FALSE(Planner::is_blocks_own_failure(kind)) << kind_name(kind);
}

TEST_F(SyncRecoveryTest, DamagedCopyIsAskedForAgainFromAnotherPeerFirst) {
  Planner planner = with_peers({{1, 50}, {2, 50}});
  planner.on_inventory(1, hash_range(0, 1), t0);
  planner.on_inventory(2, hash_range(0, 1), t0);
  planner.on_block(1, hash_of(0), t0);
  auto actions = planner.on_submitted(hash_of(0), ErrorKind::kDamaged, t0);
  EXPECT_EQ(requested_from(actions, 2), hash_range(0, 1));
  EXPECT_TRUE(requested_from(actions, 1).empty());
  // The genuine copy arrives and goes to the chain.
  EXPECT_EQ(submitted(planner.on_block(2, hash_of(0), t0)), hash_range(0, 1));
}

TEST_F(SyncRecoveryTest, DamagedCopyIsAskedFromItsSenderAgainWhenNoOneElseHasIt) {
  Planner planner = with_peers({{1, 50}});
  planner.on_inventory(1, hash_range(0, 1), t0);
  planner.on_block(1, hash_of(0), t0);
  EXPECT_TRUE(requested_from(planner.on_submitted(hash_of(0), ErrorKind::kDamaged, t0), 1).empty());
  EXPECT_EQ(requested_from(planner.on_tick(t0 + 1s), 1), hash_range(0, 1));
}

TEST_F(SyncRecoveryTest, BlockRefusedForItsOwnFailureIsNeverAskedAgain) {
  Planner planner = with_peers({{1, 50}, {2, 50}});
  planner.on_inventory(1, hash_range(0, 1), t0);
  planner.on_block(1, hash_of(0), t0);
  auto actions = planner.on_submitted(hash_of(0), ErrorKind::kInvalid, t0);
  EXPECT_TRUE(only<Planner::RequestBlocks>(actions).empty());
  EXPECT_TRUE(requested_from(planner.on_inventory(2, hash_range(0, 1), t0), 2).empty());
  EXPECT_TRUE(requested_from(planner.on_tick(t0 + 2s), 2).empty());
}

// A damaged genesis: the blocks behind it were refused for the node's own state (no genesis),
// not theirs. All come back in their order, and the genesis is submitted first again.
TEST_F(SyncRecoveryTest, BlocksRefusedForALocalFailureComeBackInTheirOrder) {
  SyncLimits one_at_a_time = limits();
  one_at_a_time.min_submit_batch = 1;  // all three reach the chain before the first verdict
  Planner planner(one_at_a_time);
  planner.on_peer_ready(1, 3, t0);  // a node without a chain yet (height -1)
  planner.on_inventory(1, hash_range(0, 3), t0);
  for (uint32_t n = 0; n < 3; ++n) planner.on_block(1, hash_of(n), t0);
  planner.on_submitted(hash_of(0), ErrorKind::kDamaged, t0);
  planner.on_submitted(hash_of(1), ErrorKind::kLocal, t0);
  planner.on_submitted(hash_of(2), ErrorKind::kLocal, t0);
  planner.on_peer_gone(1, t0);  // the damaged copy's sender is disconnected
  auto actions = planner.on_peer_ready(2, 3, t0);
  EXPECT_EQ(requested_from(actions, 2), hash_range(0, 3));
  planner.on_block(2, hash_of(2), t0);
  planner.on_block(2, hash_of(1), t0);
  EXPECT_EQ(submitted(planner.on_block(2, hash_of(0), t0)), hash_range(0, 3));
}

TEST_F(SyncRecoveryTest, HashEveryoneAnswersNotFoundIsDroppedAndThePeersAskedAfresh) {
  Planner planner = with_peers({{1, 3}, {2, 3}});
  // 0 is bogus; 1 and 2 are real and arrive.
  planner.on_inventory(1, hash_range(0, 3), t0);
  planner.on_inventory(2, hash_range(0, 3), t0);
  planner.on_block(1, hash_of(1), t0);
  planner.on_block(1, hash_of(2), t0);
  SyncTime now = t0;
  Planner::Actions actions;
  auto keep = [&](Planner::Actions more) {
    actions.insert(actions.end(), more.begin(), more.end());
  };
  for (int round = 0; round < 10 && planner.unsolved_count() == 3; ++round) {
    for (PeerId peer : {1, 2}) keep(planner.on_not_found(peer, {hash_of(0)}, now));
    now += 1s;
    keep(planner.on_tick(now));
  }
  // Dropped; the blocks that arrived behind it are kept and submitted.
  EXPECT_EQ(planner.unsolved_count(), 0u);
  EXPECT_EQ(submitted(actions), hash_range(1, 2));
  EXPECT_FALSE(inventory_asked(actions).empty());
  EXPECT_LE(now, t0 + 5s);  // bounded: max_attempts tries, each after the retry backoff
}

TEST_F(SyncRecoveryTest, HashThatTimesOutAgainAndAgainIsDropped) {
  Planner planner = with_peers({{1, 1}});
  planner.on_inventory(1, hash_range(0, 1), t0);
  SyncTime now = t0;
  for (int i = 0; i < 10 && planner.unsolved_count() > 0; ++i) {
    now += 6s;
    planner.on_tick(now);
  }
  EXPECT_EQ(planner.unsolved_count(), 0u);
}

TEST_F(SyncRecoveryTest, LostInventoryAnswerDoesNotIdleTheNodeForGood) {
  Planner planner(limits());
  planner.on_chain_tip(0, {kTipHash}, t0);
  EXPECT_EQ(inventory_asked(planner.on_peer_ready(1, 5, t0)), std::vector<PeerId>{1});
  // The answer never comes: after the request deadline the peer counts as having nothing...
  EXPECT_TRUE(inventory_asked(planner.on_tick(t0 + 6s)).empty());
  EXPECT_TRUE(inventory_asked(planner.on_tick(t0 + 8s)).empty());
  // ...but after the idle timeout it is asked again.
  EXPECT_EQ(inventory_asked(planner.on_tick(t0 + 10s)), std::vector<PeerId>{1});
  auto actions = planner.on_inventory(1, hash_range(0, 5), t0 + 10s);
  EXPECT_EQ(requested_from(actions, 1), hash_range(0, 4));
}

TEST_F(SyncRecoveryTest, IdleRetryGoesToThePeerAskedLeastRecently) {
  Planner planner(limits());
  planner.on_chain_tip(0, {kTipHash}, t0);
  planner.on_peer_ready(1, 9, t0);  // asked first (the highest)
  planner.on_peer_ready(2, 5, t0);
  EXPECT_EQ(inventory_asked(planner.on_tick(t0 + 10s)), std::vector<PeerId>{2});
}

TEST_F(SyncRecoveryTest, NoIdleRetryWhenNoPeerIsAhead) {
  Planner planner(limits());
  planner.on_chain_tip(5, {kTipHash}, t0);
  planner.on_peer_ready(1, 5, t0);
  EXPECT_TRUE(planner.on_tick(t0 + 30s).empty());
}

}  // namespace
}  // namespace ac::actors
