#include "actors/chain_actor.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/miner_actor.hpp"
#include "chain/memory_coins.hpp"
#include "chain/script.hpp"
#include "memory_chain.hpp"
#include "test_support.hpp"
#include "wallet/tx_builder.hpp"

namespace ac::actors {
namespace {

using testing::ActorSystemTest;
using testing::make_test_block;
using testing::make_test_chain;
using testing::MemoryChain;

// A chain of one genesis block and a coin of 50 units paying `key`, spendable at once.
struct MempoolActorTest : ActorSystemTest {
  ChainParams params = quick_params();
  wallet::Signer signer = wallet::Signer::create().value();
  wallet::PrivateKey key = *signer.generate_key();
  std::shared_ptr<MemoryCoins> coins = std::make_shared<MemoryCoins>();
  std::vector<Block> blocks = make_test_chain(1, 3);
  ChainActor chain;
  MempoolActor mempool;
  OutPoint funded{Hash256::from_span(Bytes(32, 0x11)), 0};

  MempoolActorTest() {
    auto backend = std::make_shared<MemoryChain>();
    EXPECT_TRUE(backend->create_genesis(blocks[0]).ok());
    coins->add(funded, Coin{TxOut{5'000, p2pkh_script(key.pubkey_hash())}, 0, false});
    chain = spawn_chain(*system, backend, testing::captured_log());
    mempool = spawn_mempool(
        *system, MempoolConfig{params, coins, 1'000'000, testing::captured_log()}, chain);
  }
  ~MempoolActorTest() override {
    caf::anon_send_exit(mempool, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(chain, caf::exit_reason::user_shutdown);
  }

  Transaction payment(Amount amount, OutPoint from) {
    std::vector<wallet::SpendableCoin> available{{from, *coins->coin(from)}};
    wallet::Payment pay{key.pubkey_hash(), amount, 0, key.pubkey_hash()};
    auto tx = wallet::build_payment(signer, std::span(&key, 1), available, {}, pay);
    EXPECT_TRUE(tx.ok());
    return *tx;
  }

  std::pair<bool, std::string> submit(const Transaction& tx, SessionActor source = {}) {
    auto verdict =
        ask<TxVerdict>(mempool, SubmitTx{std::make_shared<const Transaction>(tx), source});
    return {verdict.accepted, verdict.reason};
  }
};

TEST_F(MempoolActorTest, AcceptsValidTxAndAnnouncesItWithItsSource) {
  (*self)->send(mempool, SubscribeTxsAccepted{testing::as<TxsAcceptedListener>(*self)});
  Transaction tx = payment(1'000, funded);
  auto source = testing::as<SessionActor>(*self);
  auto [accepted, reason] = submit(tx, source);
  EXPECT_TRUE(accepted) << reason;
  bool announced = false;
  (*self)->receive(
      [&](const TxsAccepted& accepted) {
        announced = accepted.txids == std::vector<Hash256>{tx.txid()} && accepted.source == source;
      },
      caf::after(std::chrono::seconds(5)) >> [] {});
  EXPECT_TRUE(announced);
  EXPECT_EQ(ask<uint64_t>(mempool, GetMempoolSize{}), 1u);
  EXPECT_EQ(ask<TxPtr>(mempool, GetTx{tx.txid()})->txid(), tx.txid());
  auto missing = ask<std::vector<Hash256>>(mempool, GetMissingTxs{{tx.txid(), Hash256{}}});
  EXPECT_EQ(missing, std::vector<Hash256>{Hash256{}});
}

TEST_F(MempoolActorTest, RejectsDuplicateAndUnfundedTxs) {
  Transaction tx = payment(1'000, funded);
  EXPECT_TRUE(submit(tx).first);
  auto [again, again_reason] = submit(tx);
  EXPECT_FALSE(again);
  EXPECT_EQ(again_reason, "tx-already-in-mempool");
  Transaction unfunded = tx;
  unfunded.inputs[0].prevout.index = 7;
  EXPECT_FALSE(submit(unfunded).first);
  EXPECT_EQ(ask<TxPtr>(mempool, GetTx{unfunded.txid()}), nullptr);
}

TEST_F(MempoolActorTest, SelectsForBlockEvictsConfirmedOnTipChangeAndStillServesIt) {
  Transaction tx = payment(1'000, funded);
  ASSERT_TRUE(submit(tx).first);
  std::vector<TxPtr> selected = ask<TxSelection>(mempool, SelectTxs{100'000}).txs;
  ASSERT_EQ(selected.size(), 1u);
  EXPECT_EQ(selected[0]->txid(), tx.txid());

  (*self)->send(mempool, SubscribeMempoolChanged{testing::as<MempoolChangedListener>(*self)});
  Block confirming = make_test_block(blocks[0].hash(), 9, {tx});
  ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(confirming), {}});
  uint64_t size = 1;
  (*self)->receive([&](const MempoolChanged& changed) { size = changed.size; },
                   caf::after(std::chrono::seconds(5)) >> [] { ADD_FAILURE(); });
  EXPECT_EQ(size, 0u);
  EXPECT_EQ(ask<uint64_t>(mempool, GetMempoolSize{}), 0u);
  // Still served to peers that saw our announce, and not fetched again when re-announced.
  ASSERT_NE(ask<TxPtr>(mempool, GetTx{tx.txid()}), nullptr);
  EXPECT_TRUE(
      ask<std::vector<Hash256>>(mempool, GetMissingTxs{std::vector<Hash256>{tx.txid()}}).empty());
}

TEST_F(MempoolActorTest, ReannouncesTransactionsAReorgReturnsToThePool) {
  Transaction tx = payment(1'000, funded);
  (*self)->send(mempool, SubscribeTxsAccepted{testing::as<TxsAcceptedListener>(*self)});
  TipChanged change;
  change.tip = ask<TipInfo>(chain, GetTip{});
  change.returned_to_mempool = {std::make_shared<const Transaction>(tx)};
  (*self)->send(mempool, change);
  std::vector<Hash256> announced;
  bool from_nobody = false;
  (*self)->receive(
      [&](const TxsAccepted& accepted) {
        announced = accepted.txids;
        from_nobody = !accepted.source;
      },
      caf::after(std::chrono::seconds(5)) >> [] { ADD_FAILURE() << "no announce"; });
  EXPECT_EQ(announced, std::vector<Hash256>{tx.txid()});
  EXPECT_TRUE(from_nobody);  // relayed to every peer, none excluded
  EXPECT_EQ(ask<uint64_t>(mempool, GetMempoolSize{}), 1u);
}

// The miner searches with bits no test will ever meet, so only cancellation ends a search.
struct MinerActorTest : MempoolActorTest {
  MinerActor miner;
  MinerActorTest() {
    ChainParams hard = params;
    hard.block_bits = 0x1c00ffff;
    miner = spawn_miner(
        *system, MinerConfig{hard, p2pkh_script(key.pubkey_hash()), 0, 1, testing::captured_log()},
        chain, mempool);
  }
  ~MinerActorTest() override { caf::anon_send_exit(miner, caf::exit_reason::user_shutdown); }

  // The parent of the miner's running search, once it is `expected` (bounded round trips).
  Hash256 await_search_parent(const Hash256& expected) {
    Hash256 parent;
    for (int i = 0; i < 100'000 && parent != expected; ++i)
      parent = ask<Hash256>(miner, GetSearchParent{});
    return parent;
  }
};

TEST_F(MinerActorTest, PausesWhileTheNodeDownloadsAndResumesAfter) {
  EXPECT_EQ(await_search_parent(blocks[0].hash()), blocks[0].hash());
  caf::anon_send(miner, SyncingChanged{true});
  EXPECT_EQ(await_search_parent(Hash256{}), Hash256{});
  // Nothing starts a search while paused, not even a change in the mempool.
  caf::anon_send(miner, MempoolChanged{5});
  EXPECT_EQ(ask<Hash256>(miner, GetSearchParent{}), Hash256{});
  caf::anon_send(miner, SyncingChanged{false});
  EXPECT_EQ(await_search_parent(blocks[0].hash()), blocks[0].hash());
}

TEST_F(MinerActorTest, AbortsSearchAndRebuildsOnNewTip) {
  EXPECT_EQ(await_search_parent(blocks[0].hash()), blocks[0].hash());
  Block next = make_test_block(blocks[0].hash(), 5);
  ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(next), {}});
  EXPECT_EQ(await_search_parent(next.hash()), next.hash());
  EXPECT_EQ(ask<uint64_t>(miner, GetBlocksFound{}), 0u);
}

}  // namespace
}  // namespace ac::actors
