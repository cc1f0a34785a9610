#include "actors/sync_coordinator.hpp"

#include <gtest/gtest.h>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "actors/misbehaviour.hpp"

namespace ac::actors {
namespace {

using namespace std::chrono_literals;

// A chain that accepts every block: a block on its tip extends it (and is published), any
// other is stored as an orphan. Hashes in `rejects` are refused.
struct FakeChainState {
  Hash256 tip_hash;
  TipChangedListener subscriber;
  int height = 0;
  std::vector<Hash256> submitted;
  std::vector<size_t> batch_sizes;  // of each SubmitBlocks
  std::vector<bool> relay_early;    // of each SubmitBlocks
  std::set<Hash256> rejects;
  int locator_requests = 0;
  static inline const char* name = "fake_chain";
};

using FakeChain = SyncChainView::stateful_pointer<FakeChainState>;

// One block of a SubmitBlocks batch.
BlockVerdict accept(FakeChain self, const BlockPtr& block) {
  auto& state = self->state;
  BlockVerdict verdict;
  verdict.hash = block->hash();
  state.submitted.push_back(verdict.hash);
  verdict.accepted = !state.rejects.contains(verdict.hash);
  verdict.new_tip = verdict.accepted && block->header.prev_block == state.tip_hash;
  verdict.outcome = verdict.accepted ? (verdict.new_tip ? "new-tip" : "orphan") : "bad-signature";
  verdict.orphan = verdict.accepted && !verdict.new_tip;
  if (verdict.new_tip) {
    state.tip_hash = verdict.hash;
    ++state.height;
    TipChanged change;
    change.tip = TipInfo{state.tip_hash, state.height};
    change.connected = {verdict.hash};
    if (state.subscriber) self->send(state.subscriber, change);
  }
  verdict.tip = TipInfo{state.tip_hash, state.height};
  return verdict;
}

SyncChainView::behavior_type fake_chain(FakeChain self, Hash256 genesis) {
  self->state.tip_hash = genesis;
  return {
      [=](const SubscribeTipChanged& subscription) {
        self->state.subscriber = subscription.listener;
      },
      [=](GetTip) {
        return TipInfo{self->state.tip_hash, self->state.height};
      },
      [=](GetLocator) {
        ++self->state.locator_requests;
        return std::vector<Hash256>{self->state.tip_hash};
      },
      [=](const SubmitBlocks& batch) {
        self->state.batch_sizes.push_back(batch.blocks.size());
        self->state.relay_early.push_back(batch.relay_early);
        std::vector<BlockVerdict> verdicts;
        for (const BlockPtr& block : batch.blocks) verdicts.push_back(accept(self, block));
        return verdicts;
      },
  };
}

// A peer session that records what the coordinator asks of it.
struct FakeSessionState {
  std::vector<std::vector<Hash256>> block_requests;
  std::vector<std::vector<Hash256>> locators;
  std::vector<std::string> disconnects;
  std::vector<std::pair<int, std::string>> charges;  // misbehaviour points and what for
  static inline const char* name = "fake_session";
};

// (The unused label exists because CAF 0.17 spawning a function without arguments binds a
// reference to a null tuple, which UBSan rejects.)
SessionActor::behavior_type fake_session(SessionActor::stateful_pointer<FakeSessionState> self,
                                         const std::string&) {
  return {
      [=](const RequestBlocks& request) { self->state.block_requests.push_back(request.hashes); },
      [=](const RequestInventory& request) { self->state.locators.push_back(request.locator); },
      [=](const DisconnectPeer& request) { self->state.disconnects.push_back(request.reason); },
      [=](const ChargeMisbehaviour& charge) {
        self->state.charges.emplace_back(charge.points, charge.what);
      },
      [=](const AnnounceInventory&) {},  // not the coordinator's business: never sent here
      [=](const SetCompactRelay&) {},
      [=](const SendAddresses&) {},  // idem
      [=](RequestAddresses) {},      // idem
      [=](PingNow) {},               // idem
      [=](GetPeerReport) { return PeerReport{}; },
  };
}

// A subscriber of the coordinator (the miner in a node) that records what it is told.
struct FakeMinerState {
  std::vector<bool> downloading;
  static inline const char* name = "fake_miner";
};

SyncingListener::behavior_type fake_miner(SyncingListener::stateful_pointer<FakeMinerState> self,
                                          const std::string&) {
  return {
      [=](const SyncingChanged& changed) {
        self->state.downloading.push_back(changed.downloading);
      },
  };
}

struct SyncCoordinatorTest : ::testing::Test {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::scheduler::test_coordinator* scheduler = nullptr;
  std::unique_ptr<caf::scoped_actor> self;
  Block genesis;
  std::vector<BlockPtr> blocks;  // a chain on top of genesis
  SyncChainView chain;
  SyncActor sync;
  std::vector<caf::actor> actors_to_stop;

  SyncCoordinatorTest() {
    config.set("scheduler.policy", caf::atom("testing"));
    system = std::make_unique<caf::actor_system>(config);
    scheduler = &dynamic_cast<caf::scheduler::test_coordinator&>(system->scheduler());
    self = std::make_unique<caf::scoped_actor>(*system, true);
    genesis.header.nonce = 7;
    Hash256 previous = genesis.hash();
    for (uint32_t n = 0; n < 40; ++n) {
      auto block = std::make_shared<Block>();
      block->header.prev_block = previous;
      block->header.nonce = n;
      previous = block->hash();
      blocks.push_back(std::move(block));
    }
  }

  ~SyncCoordinatorTest() override {
    for (auto& actor : actors_to_stop) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    scheduler->run();
  }

  void start(SyncLimits limits) {
    chain = system->spawn(fake_chain, genesis.hash());
    sync = spawn_sync_coordinator(*system, chain, limits);
    actors_to_stop = {caf::actor_cast<caf::actor>(sync), caf::actor_cast<caf::actor>(chain)};
    scheduler->run();
  }

  static SyncLimits small_limits() {
    SyncLimits limits;
    limits.max_in_flight_per_peer = 4;
    limits.max_in_flight_total = 8;
    limits.max_blocks_ahead = 16;
    limits.request_timeout = 5s;
    limits.tick_interval = 500ms;
    limits.retry_backoff = 1s;
    limits.max_stalls = 3;
    return limits;
  }

  // Limits whose download window holds the whole 30-block chain at once.
  static SyncLimits whole_chain_window() {
    SyncLimits limits = small_limits();
    limits.max_in_flight_per_peer = 40;
    limits.max_in_flight_total = 40;
    limits.max_blocks_ahead = 40;
    return limits;
  }

  // Starts with `limits`; one peer announces the 30 blocks and delivers all but the first,
  // which holds every other back from the chain. Returns the peer, to deliver the first.
  SessionActor deliver_all_but_the_first_block(SyncLimits limits) {
    start(limits);
    auto peer = new_session();
    ready(peer, 30);
    announce(peer, hashes(0, 30));
    for (size_t n = 1; n < 30; ++n) deliver(peer, blocks[n]->hash());
    EXPECT_TRUE(chain_state().submitted.empty());
    return peer;
  }

  SessionActor new_session() {
    auto session = system->spawn(fake_session, std::string{"peer"});
    actors_to_stop.push_back(caf::actor_cast<caf::actor>(session));
    return session;
  }
  SyncingListener new_miner() {
    auto miner = system->spawn(fake_miner, std::string{"miner"});
    actors_to_stop.push_back(caf::actor_cast<caf::actor>(miner));
    return miner;
  }

  // A miner subscribed to the coordinator's download starts and ends (SubscribeSyncing).
  SyncingListener subscribed_miner() {
    auto miner = new_miner();
    caf::anon_send(sync, SubscribeSyncing{miner});
    scheduler->run();
    return miner;
  }

  template <class State, class Base, class Handle>
  State& state_of(const Handle& handle) {
    return dynamic_cast<caf::stateful_actor<State, Base>&>(
               *caf::actor_cast<caf::abstract_actor*>(handle))
        .state;
  }
  FakeChainState& chain_state() { return state_of<FakeChainState, SyncChainView::base>(chain); }
  FakeSessionState& session_state(const SessionActor& session) {
    return state_of<FakeSessionState, SessionActor::base>(session);
  }
  FakeMinerState& miner_state(const SyncingListener& miner) {
    return state_of<FakeMinerState, SyncingListener::base>(miner);
  }

  std::vector<Hash256> hashes(size_t first, size_t count) const {
    std::vector<Hash256> out;
    for (size_t n = first; n < first + count; ++n) out.push_back(blocks[n]->hash());
    return out;
  }
  BlockPtr block_with(const Hash256& hash) const {
    for (const auto& block : blocks) {
      if (block->hash() == hash) return block;
    }
    return nullptr;
  }
  std::vector<Hash256> all_requested(const SessionActor& session) {
    std::vector<Hash256> out;
    for (const auto& request : session_state(session).block_requests) {
      out.insert(out.end(), request.begin(), request.end());
    }
    return out;
  }

  void ready(const SessionActor& session, int32_t height) {
    (*self)->send(sync, PeerReady{session, height});
    scheduler->run();
  }
  void announce(const SessionActor& session, std::vector<Hash256> announced) {
    (*self)->send(sync, BlocksAnnounced{session, std::move(announced)});
    scheduler->run();
  }
  void deliver(const SessionActor& session, const Hash256& hash) {
    (*self)->send(sync, BlockArrived{session, block_with(hash), false});
    scheduler->run();
  }
  // Answers every request the session got, including those its answers trigger.
  void serve(const SessionActor& session) {
    for (size_t served = 0; served < session_state(session).block_requests.size(); ++served) {
      auto request = session_state(session).block_requests[served];
      for (const auto& hash : request) deliver(session, hash);
    }
  }
  void advance(std::chrono::milliseconds time) {
    scheduler->advance_time(time);
    scheduler->run();
  }
};

TEST_F(SyncCoordinatorTest, SyncsManyBlocksFromOnePeerInOrder) {
  start(small_limits());
  auto peer = new_session();
  ready(peer, 30);
  ASSERT_EQ(session_state(peer).locators.size(), 1u);
  EXPECT_EQ(session_state(peer).locators[0], std::vector<Hash256>{genesis.hash()});
  announce(peer, hashes(0, 30));
  ASSERT_EQ(session_state(peer).block_requests.size(), 1u);
  EXPECT_EQ(session_state(peer).block_requests[0], hashes(0, 4));  // a window, not one block
  serve(peer);
  EXPECT_EQ(chain_state().submitted, hashes(0, 30));
  EXPECT_EQ(chain_state().height, 30);
  EXPECT_EQ(all_requested(peer), hashes(0, 30));  // each block asked once
  EXPECT_TRUE(session_state(peer).disconnects.empty());
}

TEST_F(SyncCoordinatorTest, SubscribersLearnWhenADownloadStartsAndEnds) {
  start(small_limits());
  auto miner = subscribed_miner();
  auto peer = new_session();
  ready(peer, 30);
  announce(peer, hashes(0, 30));
  serve(peer);
  ASSERT_EQ(chain_state().height, 30);
  EXPECT_EQ(miner_state(miner).downloading, (std::vector<bool>{false, true, false}));
}

TEST_F(SyncCoordinatorTest, OneRelayedBlockIsNotADownload) {
  start(small_limits());
  auto miner = subscribed_miner();
  auto peer = new_session();
  ready(peer, 0);
  announce(peer, hashes(0, 1));
  serve(peer);
  ASSERT_EQ(chain_state().height, 1);
  EXPECT_EQ(miner_state(miner).downloading, std::vector<bool>{false});
}

TEST_F(SyncCoordinatorTest, OutOfOrderBlocksReachTheChainInAnnouncedOrder) {
  start(small_limits());
  auto peer = new_session();
  ready(peer, 4);
  announce(peer, hashes(0, 4));
  deliver(peer, blocks[3]->hash());
  deliver(peer, blocks[1]->hash());
  deliver(peer, blocks[2]->hash());
  EXPECT_TRUE(chain_state().submitted.empty());
  deliver(peer, blocks[0]->hash());
  EXPECT_EQ(chain_state().submitted, hashes(0, 4));
  EXPECT_EQ(chain_state().height, 4);
}

TEST_F(SyncCoordinatorTest, AsksTheNextBatchWithTheLastAnnouncedHashBeforeTheLocator) {
  start(small_limits());
  auto peer = new_session();
  ready(peer, 30);
  announce(peer, hashes(0, 4));  // the whole batch fits in the window at once
  ASSERT_EQ(session_state(peer).locators.size(), 2u);
  EXPECT_EQ(session_state(peer).locators[1],
            (std::vector<Hash256>{blocks[3]->hash(), genesis.hash()}));
  // The continuation reuses the chain's last locator instead of queueing behind its blocks.
  EXPECT_EQ(chain_state().locator_requests, 1);
  EXPECT_TRUE(chain_state().submitted.empty());
}

TEST_F(SyncCoordinatorTest, NotFoundIsAskedFromAnotherPeer) {
  start(small_limits());
  auto first = new_session();
  auto second = new_session();
  ready(first, 4);
  ready(second, 4);
  announce(first, hashes(0, 4));
  EXPECT_EQ(all_requested(first), hashes(0, 4));
  (*self)->send(sync, BlocksNotFound{first, std::vector<Hash256>{blocks[2]->hash()}});
  scheduler->run();
  EXPECT_EQ(all_requested(second), std::vector<Hash256>{blocks[2]->hash()});
  deliver(first, blocks[0]->hash());
  deliver(first, blocks[1]->hash());
  deliver(first, blocks[3]->hash());
  EXPECT_EQ(chain_state().submitted, hashes(0, 2));
  deliver(second, blocks[2]->hash());
  EXPECT_EQ(chain_state().submitted, hashes(0, 4));
}

TEST_F(SyncCoordinatorTest, StalledRequestsMoveToAnotherPeer) {
  start(small_limits());
  auto slow = new_session();
  auto fast = new_session();
  ready(slow, 4);
  ready(fast, 4);
  announce(slow, hashes(0, 4));
  advance(4500ms);
  EXPECT_TRUE(all_requested(fast).empty());
  advance(500ms);
  EXPECT_EQ(all_requested(fast), hashes(0, 4));
  serve(fast);
  EXPECT_EQ(chain_state().submitted, hashes(0, 4));
  EXPECT_TRUE(session_state(slow).disconnects.empty());
}

TEST_F(SyncCoordinatorTest, PeerThatKeepsStallingIsDisconnected) {
  start(small_limits());
  auto peer = new_session();
  ready(peer, 4);
  announce(peer, hashes(0, 2));
  for (int stall = 0; stall < 2; ++stall) {
    advance(5s);  // times out
    advance(1s);  // asked again after the backoff: nobody else has it
  }
  EXPECT_EQ(session_state(peer).block_requests.size(), 3u);
  EXPECT_TRUE(session_state(peer).disconnects.empty());
  advance(5s);
  EXPECT_EQ(session_state(peer).disconnects, std::vector<std::string>{"stalling"});
  // Forgotten: it is not asked again.
  advance(5s);
  EXPECT_EQ(session_state(peer).block_requests.size(), 3u);
}

TEST_F(SyncCoordinatorTest, PeerLeavingMidSyncHasItsRequestsReassigned) {
  start(small_limits());
  auto leaving = new_session();
  auto staying = new_session();
  ready(leaving, 4);
  ready(staying, 4);
  announce(leaving, hashes(0, 4));
  announce(staying, hashes(0, 4));
  deliver(leaving, blocks[0]->hash());
  EXPECT_TRUE(all_requested(staying).empty());
  (*self)->send(sync, PeerGone{leaving});
  scheduler->run();
  EXPECT_EQ(all_requested(staying), hashes(1, 3));
  serve(staying);
  EXPECT_EQ(chain_state().submitted, hashes(0, 4));
}

TEST_F(SyncCoordinatorTest, SessionThatDiesIsTreatedAsGone) {
  start(small_limits());
  auto dying = new_session();
  auto staying = new_session();
  ready(dying, 4);
  ready(staying, 4);
  announce(dying, hashes(0, 4));
  caf::anon_send_exit(dying, caf::exit_reason::user_shutdown);
  scheduler->run();
  EXPECT_EQ(all_requested(staying), hashes(0, 4));
}

TEST_F(SyncCoordinatorTest, UnannouncedBlockIsDroppedAndChargedToItsSender) {
  start(small_limits());
  auto peer = new_session();
  ready(peer, 0);
  deliver(peer, blocks[0]->hash());
  EXPECT_TRUE(chain_state().submitted.empty());
  ASSERT_EQ(session_state(peer).charges.size(), 1u);
  EXPECT_EQ(session_state(peer).charges[0].first, kUnrequestedBlockPoints);
}

TEST_F(SyncCoordinatorTest, InvalidBlockCostsItsSenderTheFullScore) {
  start(small_limits());
  auto peer = new_session();
  ready(peer, 1);
  chain_state().rejects.insert(blocks[0]->hash());
  announce(peer, hashes(0, 1));
  deliver(peer, blocks[0]->hash());
  ASSERT_EQ(session_state(peer).charges.size(), 1u);
  EXPECT_EQ(session_state(peer).charges[0].first, kDiscourageScore);
  EXPECT_NE(session_state(peer).charges[0].second.find("bad-signature"), std::string::npos);
}

TEST_F(SyncCoordinatorTest, RejectedBlockIsNotFetchedAgain) {
  start(small_limits());
  auto peer = new_session();
  ready(peer, 1);
  chain_state().rejects.insert(blocks[0]->hash());
  announce(peer, hashes(0, 1));
  deliver(peer, blocks[0]->hash());
  EXPECT_EQ(chain_state().submitted, hashes(0, 1));
  announce(peer, hashes(0, 1));
  deliver(peer, blocks[0]->hash());
  EXPECT_EQ(session_state(peer).block_requests.size(), 1u);
  EXPECT_EQ(chain_state().submitted.size(), 1u);
}

TEST_F(SyncCoordinatorTest, BlocksReadyTogetherReachTheChainAsOneBatch) {
  auto peer = deliver_all_but_the_first_block(whole_chain_window());
  deliver(peer, blocks[0]->hash());
  EXPECT_EQ(chain_state().batch_sizes, std::vector<size_t>{30});  // one request, one reply
  EXPECT_EQ(chain_state().submitted, hashes(0, 30));
  EXPECT_EQ(chain_state().height, 30);
}

TEST_F(SyncCoordinatorTest, TheChainNeverHoldsMoreThanMaxSubmittingBlocks) {
  SyncLimits limits = whole_chain_window();
  limits.max_submitting = 8;
  limits.min_submit_batch = 4;
  auto peer = deliver_all_but_the_first_block(limits);
  deliver(peer, blocks[0]->hash());
  EXPECT_EQ(chain_state().submitted, hashes(0, 30));
  for (size_t size : chain_state().batch_sizes) EXPECT_LE(size, 8u);
  EXPECT_EQ(chain_state().height, 30);
}

TEST_F(SyncCoordinatorTest, APushedBlockInvalidInItsScriptsCostsItsSenderNothing) {
  // BIP152 lets a high-bandwidth peer push a block before it checked its scripts and spends.
  start(small_limits());
  auto peer = new_session();
  ready(peer, 1);
  chain_state().rejects.insert(blocks[0]->hash());
  (*self)->send(sync, BlockArrived{peer, blocks[0], true});
  scheduler->run();
  EXPECT_EQ(chain_state().submitted, hashes(0, 1));
  EXPECT_TRUE(session_state(peer).charges.empty());
  EXPECT_TRUE(session_state(peer).disconnects.empty());
}

TEST_F(SyncCoordinatorTest, ALoneNewBlockMayBeRelayedBeforeItIsConnectedADownloadsBlocksNot) {
  start(whole_chain_window());
  auto peer = new_session();
  ready(peer, 0);
  (*self)->send(sync, BlockArrived{peer, blocks[0], true});
  scheduler->run();
  ASSERT_EQ(chain_state().relay_early, std::vector<bool>{true});
  announce(peer, hashes(1, 20));
  serve(peer);
  ASSERT_EQ(chain_state().submitted, hashes(0, 21));
  // While more blocks were to come; the last, alone by then, is a new tip like any other.
  const auto& relay_early = chain_state().relay_early;
  ASSERT_GT(relay_early.size(), 2u);
  for (size_t i = 1; i + 1 < relay_early.size(); ++i) EXPECT_FALSE(relay_early[i]) << "batch " << i;
}

}  // namespace
}  // namespace ac::actors
