#include "actors/chain_actor.hpp"

#include <caf/scheduler/test_coordinator.hpp>

#include "memory_chain.hpp"
#include "test_support.hpp"

namespace ac::actors {
namespace {

using testing::ActorSystemTest;
using testing::make_test_block;
using testing::make_test_chain;
using testing::MemoryChain;

struct ChainActorTest : ActorSystemTest {
  ChainActor chain = spawn_chain(*system, std::make_shared<MemoryChain>(), testing::captured_log());

  ~ChainActorTest() override { caf::anon_send_exit(chain, caf::exit_reason::user_shutdown); }

  BlockVerdict submit(const Block& block, SessionActor source = {}) {
    return ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(block), source});
  }
};

TEST_F(ChainActorTest, AdoptsFirstGenesisWhenEmpty) {
  EXPECT_EQ(ask<TipInfo>(chain, GetTip{}).height, -1);
  auto blocks = make_test_chain(1);
  BlockVerdict verdict = submit(blocks[0]);
  EXPECT_TRUE(verdict.accepted);
  EXPECT_TRUE(verdict.new_tip);
  EXPECT_EQ(verdict.tip.height, 0);
  EXPECT_EQ(ask<TipInfo>(chain, GetTip{}).hash, blocks[0].hash());
}

TEST_F(ChainActorTest, RefusesOtherGenesisAndDisconnectsItsSource) {
  submit(make_test_chain(1, 1)[0]);
  auto source = testing::as<SessionActor>(*self);
  BlockVerdict verdict = submit(make_test_chain(1, 2)[0], source);
  EXPECT_FALSE(verdict.accepted);
  EXPECT_EQ(verdict.outcome, "different-genesis");
  bool told = false;
  (*self)->receive([&](const DisconnectPeer&) { told = true; },
                   caf::after(std::chrono::seconds(5)) >> [] {});
  EXPECT_TRUE(told);
}

TEST_F(ChainActorTest, AnswersTipLocatorAndHashesAfter) {
  auto blocks = make_test_chain(5);
  for (const Block& block : blocks) EXPECT_TRUE(submit(block).accepted);
  TipInfo tip = ask<TipInfo>(chain, GetTip{});
  EXPECT_EQ(tip.height, 4);
  EXPECT_EQ(tip.hash, blocks[4].hash());
  auto locator = ask<std::vector<Hash256>>(chain, GetLocator{});
  ASSERT_FALSE(locator.empty());
  EXPECT_EQ(locator.front(), blocks[4].hash());
  auto after = ask<std::vector<Hash256>>(
      chain, GetHashesAfter{std::vector<Hash256>{blocks[1].hash()}, Hash256{}});
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0], blocks[2].hash());
  EXPECT_EQ(after[2], blocks[4].hash());
  auto got = ask<std::vector<BlockPtr>>(chain, GetBlocks{{blocks[3].hash(), Hash256{}}});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(*got[0], blocks[3]);
  EXPECT_EQ(got[1], nullptr);
}

TEST_F(ChainActorTest, PublishesTipChangesWithConfirmedAndReturnedTransactions) {
  auto base = make_test_chain(2);
  for (const Block& block : base) submit(block);
  (*self)->send(chain, SubscribeTipChanged{testing::as<TipChangedListener>(*self)});
  Transaction spend;
  spend.inputs.push_back(TxIn{OutPoint{base[1].transactions[0].txid(), 0}, Bytes{0x51}, 0});
  spend.outputs.push_back(TxOut{10, Bytes{0x51}});
  Block with_tx = make_test_block(base[1].hash(), 77, {spend});
  EXPECT_TRUE(submit(with_tx).new_tip);
  TipChanged first;
  (*self)->receive([&](const TipChanged& change) { first = change; },
                   caf::after(std::chrono::seconds(5)) >> [] { ADD_FAILURE(); });
  ASSERT_EQ(first.confirmed.size(), 1u);
  EXPECT_EQ(first.confirmed[0]->txid(), spend.txid());

  // A longer branch from base[1] without the tx: the tx comes back to the mempool.
  Block side1 = make_test_block(base[1].hash(), 88);
  Block side2 = make_test_block(side1.hash(), 89);
  EXPECT_FALSE(submit(side1).new_tip);
  EXPECT_TRUE(submit(side2).new_tip);
  TipChanged second;
  (*self)->receive([&](const TipChanged& change) { second = change; },
                   caf::after(std::chrono::seconds(5)) >> [] { ADD_FAILURE(); });
  EXPECT_EQ(second.tip.height, 3);
  ASSERT_EQ(second.disconnected.size(), 1u);
  EXPECT_EQ(second.disconnected[0], with_tx.hash());
  ASSERT_EQ(second.connected.size(), 2u);
  ASSERT_EQ(second.returned_to_mempool.size(), 1u);
  EXPECT_EQ(second.returned_to_mempool[0]->txid(), spend.txid());
}

TEST_F(ChainActorTest, TipChangeNamesTheSessionWhoseBlockEndedIt) {
  auto blocks = make_test_chain(4);
  submit(blocks[0]);
  (*self)->send(chain, SubscribeTipChanged{testing::as<TipChangedListener>(*self)});
  // Spawned with an argument: CAF 0.17 binds a null reference for argument-less functions.
  auto session = caf::actor_cast<SessionActor>(
      system->spawn([](int) { return caf::behavior{[](int) {}}; }, 0));
  auto next_change = [&] {
    TipChanged got;
    (*self)->receive([&](const TipChanged& change) { got = change; },
                     caf::after(std::chrono::seconds(5)) >> [] { ADD_FAILURE(); });
    return got;
  };
  EXPECT_TRUE(submit(blocks[1], session).new_tip);
  EXPECT_EQ(next_change().source, session);
  // blocks[3] waits as an orphan; blocks[2] from the session connects it too, and the session
  // may not have blocks[3]: it must hear of it.
  EXPECT_FALSE(submit(blocks[3]).new_tip);
  EXPECT_TRUE(submit(blocks[2], session).new_tip);
  TipChanged both = next_change();
  EXPECT_EQ(both.connected, (std::vector<Hash256>{blocks[2].hash(), blocks[3].hash()}));
  EXPECT_FALSE(both.source);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

// Under the deterministic scheduler: everything sent before run() is queued together.
struct ChainActorBatchingTest : ::testing::Test {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::scheduler::test_coordinator* scheduler = nullptr;
  std::unique_ptr<caf::scoped_actor> self;
  ChainActor chain;

  ChainActorBatchingTest() {
    config.set("scheduler.policy", caf::atom("testing"));
    system = std::make_unique<caf::actor_system>(config);
    scheduler = &dynamic_cast<caf::scheduler::test_coordinator&>(system->scheduler());
    self = std::make_unique<caf::scoped_actor>(*system, true);
    chain = spawn_chain(*system, std::make_shared<MemoryChain>(), testing::captured_log());
  }

  ~ChainActorBatchingTest() override {
    caf::anon_send_exit(chain, caf::exit_reason::user_shutdown);
    scheduler->run();
  }

  void submit_all(const std::vector<Block>& blocks) {
    for (const Block& block : blocks)
      (*self)->send(chain, SubmitBlock{std::make_shared<const Block>(block), SessionActor{}});
    scheduler->run();
  }

  TipChanged next_tip_change() {
    TipChanged got;
    (*self)->receive([&](const TipChanged& change) { got = change; },
                     [&](const BlockVerdict&) { ADD_FAILURE() << "a verdict before its tip"; },
                     caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no tip"; });
    return got;
  }

  void expect_verdicts(const std::vector<Block>& blocks) {
    for (const Block& block : blocks) {
      (*self)->receive(
          [&](const BlockVerdict& verdict) {
            EXPECT_EQ(verdict.hash, block.hash());
            EXPECT_TRUE(verdict.accepted);
          },
          [&](const TipChanged&) { ADD_FAILURE() << "a tip change before the verdicts"; },
          caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no verdict"; });
    }
  }
};

std::vector<Hash256> hashes_of(const std::vector<Block>& blocks) {
  std::vector<Hash256> out;
  for (const Block& block : blocks) out.push_back(block.hash());
  return out;
}

TEST_F(ChainActorBatchingTest, QueuedBlocksMakeOneTipChangeAheadOfTheirVerdicts) {
  auto blocks = make_test_chain(1 + kMaxBlocksPerTipChange + 6);
  submit_all({blocks[0]});
  (*self)->send(chain, SubscribeTipChanged{testing::as<TipChangedListener>(*self)});
  scheduler->run();
  (*self)->receive([](const BlockVerdict&) {});  // the genesis, published before anyone listened

  std::vector<Block> first(blocks.begin() + 1, blocks.begin() + 1 + kMaxBlocksPerTipChange);
  std::vector<Block> rest(blocks.begin() + 1 + kMaxBlocksPerTipChange, blocks.end());
  submit_all(std::vector<Block>(blocks.begin() + 1, blocks.end()));
  TipChanged change = next_tip_change();
  EXPECT_EQ(change.connected, hashes_of(first)) << "at most kMaxBlocksPerTipChange per change";
  EXPECT_EQ(change.tip.hash, first.back().hash());
  expect_verdicts(first);
  change = next_tip_change();
  EXPECT_EQ(change.connected, hashes_of(rest));
  EXPECT_EQ(change.tip.height, static_cast<int>(blocks.size()) - 1);
  expect_verdicts(rest);

  // A lone block is published on its own.
  Block lone = make_test_block(blocks.back().hash(), 99);
  submit_all({lone});
  EXPECT_EQ(next_tip_change().connected, std::vector<Hash256>{lone.hash()});
  expect_verdicts({lone});
}

TEST_F(ChainActorBatchingTest, ABatchIsAnsweredOnceAfterItsTipChangeWithAVerdictPerBlock) {
  auto blocks = make_test_chain(12);
  submit_all({blocks[0]});
  (*self)->send(chain, SubscribeTipChanged{testing::as<TipChangedListener>(*self)});
  scheduler->run();
  (*self)->receive([](const BlockVerdict&) {});  // the genesis

  // Two batches queued at once: one tip change for both, then one answer per batch.
  Block stranger = make_test_block(Hash256{}, 5);  // another genesis: refused
  SubmitBlocks first;
  for (size_t n = 1; n < 6; ++n) first.blocks.push_back(std::make_shared<const Block>(blocks[n]));
  first.blocks.push_back(std::make_shared<const Block>(stranger));
  first.sources.resize(first.blocks.size());
  SubmitBlocks second;
  for (size_t n = 6; n < 12; ++n) second.blocks.push_back(std::make_shared<const Block>(blocks[n]));
  (*self)->send(chain, first);
  (*self)->send(chain, second);
  scheduler->run();
  TipChanged change = next_tip_change();
  EXPECT_EQ(change.connected, hashes_of(std::vector<Block>(blocks.begin() + 1, blocks.end())));
  for (const SubmitBlocks* batch : {&first, &second}) {
    (*self)->receive(
        [&](const std::vector<BlockVerdict>& verdicts) {
          ASSERT_EQ(verdicts.size(), batch->blocks.size());
          for (size_t n = 0; n < verdicts.size(); ++n) {
            EXPECT_EQ(verdicts[n].hash, batch->blocks[n]->hash());
            bool is_stranger = verdicts[n].hash == stranger.hash();
            EXPECT_EQ(verdicts[n].accepted, !is_stranger) << n;
            if (is_stranger) {
              EXPECT_EQ(verdicts[n].kind, ErrorKind::kDifferentChain);
            }
          }
        },
        [&](const TipChanged&) { ADD_FAILURE() << "a second tip change"; },
        caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no answer"; });
  }
}

TEST_F(ChainActorBatchingTest, ALoneNewBlockOnTheTipIsAnnouncedEarlyBeforeItsTipChange) {
  auto blocks = make_test_chain(4);
  submit_all({blocks[0]});
  (*self)->send(chain, SubscribeTipChanged{testing::as<TipChangedListener>(*self)});
  (*self)->send(chain, SubscribePowValid{testing::as<PowValidListener>(*self)});
  scheduler->run();
  (*self)->receive([](const BlockVerdict&) {});  // the genesis
  auto submit = [&](const Block& block, bool relay_early) {
    SubmitBlocks batch{{std::make_shared<const Block>(block)}, {SessionActor{}}, relay_early};
    (*self)->send(chain, batch);
    scheduler->run();
  };
  // Told as NewPowValidBlock first, then connected.
  submit(blocks[1], true);
  std::vector<std::string> seen;
  for (int i = 0; i < 3; ++i)
    (*self)->receive(
        [&](const NewPowValidBlock& early) {
          EXPECT_EQ(early.block->hash(), blocks[1].hash());
          seen.push_back("early");
        },
        [&](const TipChanged&) { seen.push_back("tip"); },
        [&](const std::vector<BlockVerdict>&) { seen.push_back("verdict"); },
        caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "missing"; });
  EXPECT_EQ(seen, (std::vector<std::string>{"early", "tip", "verdict"}));
  // A block of a download is not; nor is a block that does not extend the tip.
  submit(blocks[2], false);
  Block side = make_test_block(blocks[1].hash(), 77);
  submit(side, true);
  for (int i = 0; i < 2; ++i)
    (*self)->receive([&](const NewPowValidBlock&) { ADD_FAILURE() << "announced early"; },
                     [&](const TipChanged&) {}, [&](const std::vector<BlockVerdict>&) {},
                     caf::after(std::chrono::seconds(0)) >> [] {});
  (*self)->receive([&](const NewPowValidBlock&) { ADD_FAILURE() << "announced early"; },
                   [&](const std::vector<BlockVerdict>&) {},
                   caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no verdict"; });
}

}  // namespace
}  // namespace ac::actors
