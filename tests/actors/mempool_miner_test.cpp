#include "actors/chain_actor.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/miner_actor.hpp"
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
using testing::TestTipCoins;

// A chain of one genesis block and a coin of 50 units paying `key`, spendable at once.
struct MempoolActorTest : ActorSystemTest {
  ChainParams params = quick_params();
  wallet::Signer signer = wallet::Signer::create().value();
  wallet::PrivateKey key = *signer.generate_key();
  std::shared_ptr<TestTipCoins> coins = std::make_shared<TestTipCoins>();
  std::vector<Block> blocks = make_test_chain(1, 3);
  ChainActor chain;
  MempoolActor mempool;
  OutPoint funded{Hash256::from_span(Bytes(32, 0x11)), 0};

  MempoolActorTest() {
    auto backend = std::make_shared<MemoryChain>();
    EXPECT_TRUE(backend->create_genesis(blocks[0]).ok());
    coins->add(funded, Coin{TxOut{5'000, p2pkh_script(key.pubkey_hash())}, 0, false});
    coins->set_tip(blocks[0].hash());
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

// The chain's coins are a block ahead of the tip the mempool was told about (a batch connected
// and not yet published): a transaction spending a coin of that block waits for its TipChanged
// and is checked then, never against coins of a tip the mempool does not know.
TEST_F(MempoolActorTest, ChecksTransactionsOnlyAgainstTheCoinsOfTheTipItWasToldAbout) {
  Block next = make_test_block(blocks[0].hash(), 7);
  OutPoint created_in_next{Hash256::from_span(Bytes(32, 0x22)), 0};
  coins->add(created_in_next, Coin{TxOut{3'000, p2pkh_script(key.pubkey_hash())}, 1, false});
  coins->set_tip(next.hash());
  Transaction tx = payment(1'000, created_in_next);
  (*self)->send(mempool, SubmitTx{std::make_shared<const Transaction>(tx), SessionActor{}});
  // A peer's getdata behind its tx (the CLI's send does this) waits for the tx's verdict.
  (*self)->send(mempool, GetTx{tx.txid()});
  // Answered after the submission (one sender, in order): the transaction is not checked yet.
  EXPECT_EQ(ask<uint64_t>(mempool, GetMempoolSize{}), 0u);
  bool answered_early = false;
  (*self)->receive([&](const TxVerdict&) { answered_early = true; },
                   [&](const TxPtr&) { answered_early = true; },
                   caf::after(std::chrono::seconds(0)) >> [] {});
  EXPECT_FALSE(answered_early) << "checked against coins of a tip the mempool was not told of";

  TipChanged change;
  change.tip = TipInfo{next.hash(), 1, 0};
  change.connected = {next.hash()};
  (*self)->send(mempool, change);
  TxVerdict verdict;
  (*self)->receive([&](const TxVerdict& v) { verdict = v; },
                   caf::after(std::chrono::seconds(10)) >> [] { ADD_FAILURE() << "no verdict"; });
  EXPECT_TRUE(verdict.accepted) << verdict.reason;
  TxPtr served;
  (*self)->receive([&](const TxPtr& got) { served = got; },
                   caf::after(std::chrono::seconds(10)) >> [] { ADD_FAILURE() << "no tx"; });
  ASSERT_NE(served, nullptr) << "getdata answered notfound for a tx accepted just after it";
  EXPECT_EQ(served->txid(), tx.txid());
  EXPECT_EQ(ask<uint64_t>(mempool, GetMempoolSize{}), 1u);
}

// The miner searches with bits no test will ever meet, so only cancellation ends a search.
// What `miner` searches on now (zero: nothing), with every search change it reported before
// answering read from `self`'s mailbox, so that the next one received is a later change. (A
// test standing in for the chain also gets the miner's SubscribeTipChanged: skipped.)
Hash256 current_search(caf::scoped_actor& self, const MinerActor& miner) {
  Hash256 current;
  self->request(miner, std::chrono::seconds(10), GetSearchParent{})
      .receive([&](const Hash256& parent) { current = parent; },
               [](caf::error&) { ADD_FAILURE() << "the miner did not answer"; });
  for (bool more = true; more;) {
    more = false;
    self->receive(
        [&](const SearchChanged& changed) {
          current = changed.parent;
          more = true;
        },
        [&](const SubscribeTipChanged&) { more = true; },
        caf::after(std::chrono::seconds(0)) >> [] {});
  }
  return current;
}

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

  void subscribe_to_searches() {
    (*self)->send(miner, SubscribeSearchChanged{testing::as<SearchChangedListener>(*self)});
    ask<Hash256>(miner, GetSearchParent{});  // the subscription is in place
  }

  // The next search change the miner reports (a stop is zero); a failure after 10 s.
  Hash256 next_search() {
    Hash256 parent;
    (*self)->receive([&](const SearchChanged& changed) { parent = changed.parent; },
                     caf::after(std::chrono::seconds(10)) >> [] { ADD_FAILURE() << "no search"; });
    return parent;
  }

  // Waits for the miner to search on `expected`; a failure after 10 s without it. The search
  // changes reported until then are read, so next_search() returns a later one.
  void await_search_on(const Hash256& expected) {
    Hash256 current = current_search(*self, miner);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool found = current == expected;
    while (!found && std::chrono::steady_clock::now() < deadline) {
      (*self)->receive([&](const SearchChanged& changed) { found = changed.parent == expected; },
                       caf::after(deadline - std::chrono::steady_clock::now()) >> [] {});
    }
    EXPECT_TRUE(found) << "no search on " << expected.hex();
  }

  // Every message the miner sent to the mempool before now has been answered and the answer
  // handled by the miner: a search those answers start has started.
  void settle() {
    ask<Hash256>(miner, GetSearchParent{});
    ask<uint64_t>(mempool, GetMempoolSize{});
    ask<Hash256>(miner, GetSearchParent{});
  }
};

TEST_F(MinerActorTest, PausesWhileTheNodeDownloadsAndResumesAfter) {
  subscribe_to_searches();
  await_search_on(blocks[0].hash());
  (*self)->send(miner, SyncingChanged{true});
  EXPECT_EQ(next_search(), Hash256{});
  // Nothing starts a search while paused, not even a change in the mempool: had it asked the
  // mempool for a template, the answer would have come and started a search by now.
  (*self)->send(miner, MempoolChanged{5});
  settle();
  EXPECT_EQ(ask<Hash256>(miner, GetSearchParent{}), Hash256{});
  (*self)->send(miner, SyncingChanged{false});
  await_search_on(blocks[0].hash());
}

TEST_F(MinerActorTest, AbortsSearchAndRebuildsOnNewTip) {
  subscribe_to_searches();
  await_search_on(blocks[0].hash());
  Block next = make_test_block(blocks[0].hash(), 5);
  ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(next), {}});
  // The search on the old tip stops before the one on the new tip starts.
  EXPECT_EQ(next_search(), Hash256{});
  EXPECT_EQ(next_search(), next.hash());
}

// The chain's TipChanged reaches the mempool and the miner in either order. Here the miner
// hears of the tip by the test only, so the test picks the order.
struct MinerOrderTest : MempoolActorTest {
  MinerActor miner;
  Block next = make_test_block(blocks[0].hash(), 5);
  MinerOrderTest() {
    ChainParams hard = params;
    hard.block_bits = 0x1c00ffff;
    miner = spawn_miner(
        *system, MinerConfig{hard, p2pkh_script(key.pubkey_hash()), 0, 1, testing::captured_log()},
        testing::as<ChainActor>(*self), mempool);
    (*self)->send(miner, SubscribeSearchChanged{testing::as<SearchChangedListener>(*self)});
  }
  ~MinerOrderTest() override { caf::anon_send_exit(miner, caf::exit_reason::user_shutdown); }

  // The next search change (skipping the chain subscription the miner sent to the test).
  Hash256 next_search() {
    Hash256 parent;
    bool got = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!got && std::chrono::steady_clock::now() < deadline) {
      (*self)->receive(
          [&](const SearchChanged& changed) {
            parent = changed.parent;
            got = true;
          },
          [](const SubscribeTipChanged&) {},
          caf::after(deadline - std::chrono::steady_clock::now()) >> [] {});
    }
    EXPECT_TRUE(got) << "no search change";
    return parent;
  }
  // Waits for the first search, on blocks[0]. It may have started before the subscription took
  // effect, and then no change was sent to us.
  void await_first_search() {
    if (current_search(*self, miner) != blocks[0].hash()) {
      EXPECT_EQ(next_search(), blocks[0].hash());
    }
  }
  TipChanged change_to_next(std::vector<TxPtr> confirmed = {}) {
    TipChanged change;
    change.tip = TipInfo{next.hash(), 1, 0};
    change.connected = {next.hash()};
    change.confirmed = std::move(confirmed);
    return change;
  }
};

// The mempool hears first: its change notice (same pool size) comes before the miner's own
// TipChanged, which must still move the search to the new tip.
TEST_F(MinerOrderTest, MempoolHearsOfTheNewTipFirst) {
  await_first_search();
  (*self)->send(mempool, SubscribeMempoolChanged{testing::as<MempoolChangedListener>(*self)});
  coins->set_tip(next.hash());
  ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(next), {}});
  // The mempool handled the new tip and told the miner (before us, so it is in its mailbox).
  (*self)->receive([](const MempoolChanged&) {},
                   caf::after(std::chrono::seconds(10)) >> [] { ADD_FAILURE(); });
  (*self)->send(miner, change_to_next());
  EXPECT_EQ(next_search(), Hash256{});
  EXPECT_EQ(next_search(), next.hash());
}

// The miner hears first: the mempool's selection is still that of the old tip (with the
// transaction the new block confirmed) and must not be mined on the new one; the mempool's
// notice once it catches up starts the search there.
TEST_F(MinerOrderTest, MinerHearsOfTheNewTipFirst) {
  await_first_search();
  Transaction tx = payment(1'000, funded);
  ASSERT_TRUE(submit(tx).first);
  EXPECT_EQ(next_search(), Hash256{});
  EXPECT_EQ(next_search(), blocks[0].hash());  // with the transaction
  (*self)->send(miner, change_to_next({std::make_shared<const Transaction>(tx)}));
  EXPECT_EQ(next_search(), Hash256{});
  // Every template request the miner made is answered and handled: no search started.
  ask<Hash256>(miner, GetSearchParent{});
  ask<uint64_t>(mempool, GetMempoolSize{});
  EXPECT_EQ(ask<Hash256>(miner, GetSearchParent{}), Hash256{});
  coins->set_tip(next.hash());
  (*self)->send(mempool, change_to_next({std::make_shared<const Transaction>(tx)}));
  EXPECT_EQ(next_search(), next.hash());
  EXPECT_EQ(ask<uint64_t>(mempool, GetMempoolSize{}), 0u);
}

}  // namespace
}  // namespace ac::actors
