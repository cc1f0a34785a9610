// A coins flush written in bounded batches (Store's head blocks in 'D'): stopped after k of its
// n batches, as a crash would stop it, the reopened chain state must equal the one a clean
// flush gives: the same tip, coins, address index and balances. The flush that is stopped
// spans a reorganisation (the flushed tip is on a branch the chain has left since), so the
// roll forward disconnects that branch's blocks before it connects the new ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "chain/chain_storage.hpp"
#include "chain/coins_rollforward.hpp"
#include "chain/store.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;

constexpr int kMainLength = 24;
constexpr int kForkHeight = 10;  // the stale branch's first block
constexpr size_t kBatchBytes = 400;

struct Feed {
  std::vector<Block> before_first_flush;  // main blocks up to the fork, then the stale branch
  std::vector<Block> after_first_flush;   // the main chain from the fork on (a reorganisation)
  Hash256 final_tip;
};

const TestKey& key(int which) {
  static const TestKey keys[] = {TestKey(11), TestKey(12), TestKey(13)};
  return keys[which];
}

// Each block's transaction spends the parent's coinbase and the first output of the parent's
// own transaction, paying three addresses, so blocks spend coins of earlier flushes too.
Block child_of(const Block& parent, int parent_height, uint64_t extra_nonce) {
  const ChainParams params = quick_params();
  std::vector<OutPoint> inputs{chain_test::coinbase_outpoint(parent)};
  Amount value = parent.transactions[0].outputs[0].value;
  if (parent.transactions.size() > 1) {
    inputs.push_back(OutPoint{parent.transactions[1].txid(), 0});
    value += parent.transactions[1].outputs[0].value;
  }
  const Amount fee = kCoin;
  const Amount share = (value - fee) / 3;
  // Every coin spent here pays key 0 (the coinbases, each transaction's first output).
  Transaction tx =
      chain_test::make_spend(key(0), inputs,
                             {TxOut{share, key(0).script()}, TxOut{share, key(1).script()},
                              TxOut{value - fee - 2 * share, key(2).script()}});
  return chain_test::make_child(parent, parent_height, key(0), params, {tx}, fee, extra_nonce);
}

Feed build_feed() {
  Feed feed;
  const ChainParams params = quick_params();
  std::vector<Block> main{chain_test::make_genesis(key(0), params)};
  for (int height = 1; height <= kMainLength; ++height)
    main.push_back(child_of(main.back(), height - 1, 0));
  feed.before_first_flush.assign(main.begin(), main.begin() + kForkHeight);
  // Two stale blocks on main[kForkHeight - 1]: more work than the main chain had then.
  Block stale = child_of(main[kForkHeight - 1], kForkHeight - 1, 1);
  Block stale_child = child_of(stale, kForkHeight, 1);
  feed.before_first_flush.push_back(stale);
  feed.before_first_flush.push_back(stale_child);
  feed.after_first_flush.assign(main.begin() + kForkHeight, main.end());
  feed.final_tip = main.back().hash();
  return feed;
}

ChainStorageOptions options_with(std::optional<size_t> crash_after) {
  ChainStorageOptions options;
  options.store.coins_flush_batch_bytes = kBatchBytes;
  options.store.crash_after_flush_batches = crash_after;
  options.script_threads = 1;
  options.now_seconds = [] { return chain_test::kTestNow; };
  return options;
}

// What the comparison covers: the tip, every coin, each address's coins (the address index)
// and balance.
struct Snapshot {
  Hash256 tip;
  std::vector<std::pair<OutPoint, Coin>> coins;
  std::vector<std::vector<std::pair<OutPoint, Coin>>> by_address;
  std::vector<Amount> balances;
};

bool outpoint_less(const std::pair<OutPoint, Coin>& a, const std::pair<OutPoint, Coin>& b) {
  if (a.first.txid != b.first.txid) return a.first.txid.data < b.first.txid.data;
  return a.first.index < b.first.index;
}

Snapshot snapshot_of(const ChainStorage& storage) {
  Snapshot snapshot;
  snapshot.tip = storage.chain->tip()->hash;
  storage.store->for_each_coin([&](const OutPoint& outpoint, const Coin& coin) {
    snapshot.coins.emplace_back(outpoint, coin);
  });
  std::sort(snapshot.coins.begin(), snapshot.coins.end(), outpoint_less);
  for (int which = 0; which < 3; ++which) {
    auto coins = storage.store->coins_of(key(which).pubkey_hash());
    std::sort(coins.begin(), coins.end(), outpoint_less);
    Amount balance = 0;
    for (const auto& [outpoint, coin] : coins) balance += coin.output.value;
    snapshot.by_address.push_back(std::move(coins));
    snapshot.balances.push_back(balance);
  }
  return snapshot;
}

// Feeds the run; the second flush (after the reorganisation) is the one under test. Returns
// the number of coin batches that flush needed (or got through before the simulated crash).
size_t feed_and_flush(const std::string& dir, const Feed& feed, std::optional<size_t> crash_after) {
  auto storage = open_chain_storage(dir, quick_params(), options_with(std::nullopt));
  chain_test::require(storage.ok(), "open");
  for (const Block& block : feed.before_first_flush) {
    if (block.header.prev_block.is_zero()) {
      chain_test::require(storage->chain->create_genesis(block).ok(), "genesis");
    } else {
      chain_test::require(storage->chain->accept_block(block).ok(), "accept");
    }
  }
  chain_test::require(storage->store->flush_coins().ok(), "first flush");
  storage->close();

  storage = open_chain_storage(dir, quick_params(), options_with(crash_after));
  chain_test::require(storage.ok(), "reopen");
  for (const Block& block : feed.after_first_flush)
    chain_test::require(storage->chain->accept_block(block).ok(), "accept");
  const Status flushed = storage->store->flush_coins();
  chain_test::require(flushed.ok() == !crash_after, "the second flush stops where told");
  const size_t batches = storage->store->last_coins_flush().batches;
  storage->close();  // a crashed store writes nothing more, its destructor's flush included
  return batches;
}

TEST(CoinsFlushBatches, StoppedAfterAnyBatchReopensAsACleanFlush) {
  const Feed feed = build_feed();
  chain_test::TempDir clean_dir;
  const size_t batches = feed_and_flush(clean_dir.str(), feed, std::nullopt);
  ASSERT_GE(batches, 4u) << "the flush should need several batches";
  auto clean = open_chain_storage(clean_dir.str(), quick_params(), options_with(std::nullopt));
  ASSERT_TRUE(clean) << clean.error().message();
  EXPECT_FALSE(clean->store->interrupted_flush());
  const Snapshot expected = snapshot_of(*clean);
  ASSERT_EQ(expected.tip, feed.final_tip);
  ASSERT_TRUE(clean->chain->verify_chain());

  for (size_t stop = 0; stop < batches; ++stop) {
    SCOPED_TRACE("stopped after " + std::to_string(stop) + " of " + std::to_string(batches));
    chain_test::TempDir dir;
    feed_and_flush(dir.str(), feed, stop);
    {
      auto store = Store::open(dir.str());
      ASSERT_TRUE(store);
      std::optional<FlushHeads> heads = (*store)->interrupted_flush();
      ASSERT_TRUE(heads) << "the head blocks mark the interrupted flush";
      EXPECT_EQ(heads->to, feed.final_tip);
      EXPECT_EQ(heads->from, feed.before_first_flush.back().hash());
    }
    auto reopened = open_chain_storage(dir.str(), quick_params(), options_with(std::nullopt));
    ASSERT_TRUE(reopened) << reopened.error().message();
    EXPECT_FALSE(reopened->store->interrupted_flush());
    const Snapshot got = snapshot_of(*reopened);
    EXPECT_EQ(got.tip, expected.tip);
    EXPECT_EQ(got.coins, expected.coins);
    EXPECT_EQ(got.by_address, expected.by_address);
    EXPECT_EQ(got.balances, expected.balances);
    Status verified = reopened->chain->verify_chain();
    EXPECT_TRUE(verified) << verified.error().message();
  }
}

TEST(CoinsFlushBatches, AFlushThatFitsOneBatchWritesNoHeadBlocks) {
  const Feed feed = build_feed();
  chain_test::TempDir dir;
  ChainStorageOptions options = options_with(std::nullopt);
  options.store.coins_flush_batch_bytes = 0;  // the default: half of LevelDB's write buffer
  auto storage = open_chain_storage(dir.str(), quick_params(), options);
  ASSERT_TRUE(storage);
  ASSERT_TRUE(storage->chain->create_genesis(feed.before_first_flush[0]));
  ASSERT_TRUE(storage->chain->accept_block(feed.before_first_flush[1]));
  ASSERT_TRUE(storage->store->flush_coins());
  EXPECT_EQ(storage->store->last_coins_flush().batches, 1u);
  EXPECT_FALSE(storage->store->interrupted_flush());
}

// The replayed changes of a block, applied to coins that already hold part of them, give the
// coins after the block; a coin created and spent by the same block stays absent.
TEST(CoinsFlushBatches, ReplayedBlockChangesMatchTheirUndoData) {
  const Feed feed = build_feed();
  const Block& block = feed.after_first_flush[0];
  BlockUndo undo;
  const Block& parent = feed.before_first_flush[kForkHeight - 1];
  undo.spent_coins.push_back(Coin{parent.transactions[0].outputs[0], kForkHeight - 1, true});
  undo.spent_coins.push_back(Coin{parent.transactions[1].outputs[0], kForkHeight - 1, false});
  Result<StoreDelta> connect = replay_connect(block, undo, kForkHeight, true);
  ASSERT_TRUE(connect);
  EXPECT_TRUE(connect->coins_may_be_stored);
  EXPECT_EQ(connect->new_tip, block.hash());
  EXPECT_EQ(connect->coins_spent.size(), 2u);
  EXPECT_EQ(connect->coins_added.size(), 1u + 3u);  // the coinbase's and the spend's outputs
  Result<StoreDelta> disconnect = replay_disconnect(block, undo, kForkHeight);
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->new_tip, parent.hash());
  EXPECT_EQ(disconnect->undo_to_erase, block.hash());
  EXPECT_EQ(disconnect->coins_added.size(), 2u);
  undo.spent_coins.pop_back();
  EXPECT_EQ(replay_connect(block, undo, kForkHeight, true).reason(), "bad-undo");
}

}  // namespace
}  // namespace ac
