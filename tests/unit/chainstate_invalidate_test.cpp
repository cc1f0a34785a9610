// ChainState::invalidate_block / reconsider_block (Core's invalidateblock / reconsiderblock).
#include <gtest/gtest.h>

#include <vector>

#include "chain/block_index.hpp"
#include "chain/chain_storage.hpp"
#include "chain/chainstate.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;

class InvalidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open();
    Status created = chain().create_genesis(genesis);
    ASSERT_TRUE(created) << created.error().message();
  }

  void open() {
    auto storage = open_chain_storage(dir.str(), params, {{}, 2, [this] { return now; }});
    chain_test::require(storage.ok(), "store and chain state open");
    storage_ = std::move(storage).value();
  }
  void reopen() {
    storage_.close();
    open();
  }

  ChainState& chain() { return *storage_.chain; }

  AcceptOutcome accept(const Block& block) {
    Result<AcceptOutcome> outcome = chain().accept_block(block);
    EXPECT_TRUE(outcome) << outcome.error().message();
    return outcome ? *outcome : AcceptOutcome{};
  }
  AcceptOutcome invalidate(const Block& block) {
    Result<AcceptOutcome> outcome = chain().invalidate_block(block.hash());
    EXPECT_TRUE(outcome) << outcome.error().message();
    return outcome ? *outcome : AcceptOutcome{};
  }
  AcceptOutcome reconsider(const Block& block) {
    Result<AcceptOutcome> outcome = chain().reconsider_block(block.hash());
    EXPECT_TRUE(outcome) << outcome.error().message();
    return outcome ? *outcome : AcceptOutcome{};
  }

  // `count` blocks on top of `from` (at `from_height`), the i-th holding txs[i] when given;
  // `branch` keeps siblings apart. Accepted in order.
  std::vector<Block> extend(const Block& from, int from_height, int count, uint64_t branch = 0,
                            const std::vector<std::vector<Transaction>>& txs = {}) {
    std::vector<Block> blocks;
    const Block* parent = &from;
    for (int i = 0; i < count; ++i) {
      std::vector<Transaction> in_block =
          static_cast<size_t>(i) < txs.size() ? txs[i] : std::vector<Transaction>{};
      blocks.push_back(
          chain_test::make_child(*parent, from_height + i, key, params, in_block, 0, branch));
      parent = &blocks.back();
      accept(blocks.back());
    }
    return blocks;
  }

  uint32_t status_of(const Block& block) { return chain().record(block.hash())->status; }
  bool by_hand(const Block& block) {
    const uint32_t status = status_of(block);
    return (status & block_status::kFailed) && (status & block_status::kInvalidatedByHand);
  }
  bool failed_parent(const Block& block) {
    return (status_of(block) & block_status::kFailedMask) == block_status::kFailedParent;
  }
  void expect_verified() {
    Status verified = chain().verify_chain();
    EXPECT_TRUE(verified) << verified.error().message();
  }
  static std::vector<Hash256> hashes(const std::vector<Block>& blocks, size_t from, size_t to) {
    std::vector<Hash256> out;
    for (size_t i = from; i < to; ++i) out.push_back(blocks[i].hash());
    return out;
  }
  // A payment from the genesis coinbase to the key.
  Transaction payment() const {
    return chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)},
                                  {TxOut{params.subsidy, key.script()}});
  }

  ChainParams params = quick_params();
  TestKey key{1};
  int64_t now = chain_test::kTestNow;
  chain_test::TempDir dir;
  ChainStorage storage_;
  Block genesis = chain_test::make_genesis(key, params);
};

TEST_F(InvalidateTest, InvalidatingTheTipDisconnectsItAndReturnsItsTransactions) {
  const Transaction paid = payment();
  std::vector<Block> blocks = extend(genesis, 0, 3, 0, {{}, {}, {paid}});

  AcceptOutcome outcome = invalidate(blocks[2]);
  EXPECT_EQ(outcome.status, AcceptStatus::kNewTip);
  EXPECT_EQ(outcome.disconnected, std::vector<Hash256>{blocks[2].hash()});
  EXPECT_TRUE(outcome.connected.empty());
  EXPECT_EQ(outcome.returned_transactions, std::vector<Transaction>{paid});
  EXPECT_EQ(chain().tip()->hash, blocks[1].hash());
  EXPECT_TRUE(by_hand(blocks[2]));
  expect_verified();
}

TEST_F(InvalidateTest, InvalidatingABlockDeepInTheChainCutsTheChainBackToItsParent) {
  const Transaction paid = payment();
  std::vector<Block> blocks = extend(genesis, 0, 10, 0, {{}, {}, {}, {}, {}, {}, {paid}});

  AcceptOutcome outcome = invalidate(blocks[4]);  // height 5
  EXPECT_EQ(chain().tip()->height, 4);
  EXPECT_EQ(chain().tip()->hash, blocks[3].hash());
  std::vector<Hash256> gone = hashes(blocks, 4, 10);
  std::reverse(gone.begin(), gone.end());
  EXPECT_EQ(outcome.disconnected, gone);
  EXPECT_EQ(outcome.returned_transactions, std::vector<Transaction>{paid});
  EXPECT_TRUE(by_hand(blocks[4]));
  for (size_t i = 5; i < 10; ++i) EXPECT_TRUE(failed_parent(blocks[i])) << i;
  EXPECT_FALSE(chain().record(blocks[3].hash())->failed());
  expect_verified();

  // getchaintips: the active tip (though it has a child now), then the invalid branch.
  std::vector<BranchTip> tips = chain().branch_tips();
  ASSERT_EQ(tips.size(), 2u);
  EXPECT_EQ(tips[0].hash, blocks[3].hash());
  EXPECT_EQ(tips[0].status, "active");
  EXPECT_EQ(tips[0].branch_length, 0);
  EXPECT_EQ(tips[1].hash, blocks[9].hash());
  EXPECT_EQ(tips[1].height, 10);
  EXPECT_EQ(tips[1].branch_length, 6);
  EXPECT_EQ(tips[1].status, "invalid");
}

TEST_F(InvalidateTest, InvalidatingMovesTheTipToAnotherBranchWithMoreWork) {
  std::vector<Block> a = extend(genesis, 0, 3);
  std::vector<Block> b = extend(genesis, 0, 2, 1);
  EXPECT_EQ(chain().tip()->hash, a[2].hash());

  AcceptOutcome outcome = invalidate(a[0]);
  EXPECT_EQ(chain().tip()->hash, b[1].hash());
  EXPECT_EQ(outcome.disconnected, (std::vector<Hash256>{a[2].hash(), a[1].hash(), a[0].hash()}));
  EXPECT_EQ(outcome.connected, (std::vector<Hash256>{b[0].hash(), b[1].hash()}));
  expect_verified();
}

TEST_F(InvalidateTest, ASideBranchInvalidatedKeepsTheTipAndItsBlocksCostTheirSendersNothing) {
  std::vector<Block> a = extend(genesis, 0, 3);
  std::vector<Block> b = extend(genesis, 0, 2, 1);

  AcceptOutcome outcome = invalidate(b[0]);
  EXPECT_EQ(outcome.status, AcceptStatus::kAlreadyHave);
  EXPECT_TRUE(outcome.disconnected.empty());
  EXPECT_EQ(chain().tip()->hash, a[2].hash());
  EXPECT_TRUE(by_hand(b[0]));
  EXPECT_TRUE(failed_parent(b[1]));

  // A peer following that branch: refused, of a kind no peer pays for, and still stored.
  Block b3 = chain_test::make_child(b[1], 2, key, params, {}, 0, 1);
  Result<AcceptOutcome> child = chain().accept_block(b3);
  ASSERT_FALSE(child);
  EXPECT_EQ(child.reason(), "bad-prevblk");
  EXPECT_EQ(child.kind(), ErrorKind::kInvalidatedByHand);
  EXPECT_TRUE(status_of(b3) & block_status::kHaveData);
  EXPECT_TRUE(failed_parent(b3));
  Result<AcceptOutcome> again = chain().accept_block(b[0]);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.reason(), "duplicate-invalid");
  EXPECT_EQ(again.kind(), ErrorKind::kInvalidatedByHand);

  // Even with more work than the tip, the branch stays off the active chain.
  Block b4 = chain_test::make_child(b3, 3, key, params, {}, 0, 1);
  EXPECT_EQ(chain().accept_block(b4).kind(), ErrorKind::kInvalidatedByHand);
  EXPECT_EQ(chain().tip()->hash, a[2].hash());
}

TEST_F(InvalidateTest, ABlockBreakingARuleOnAnInvalidatedBranchIsItsSendersFault) {
  std::vector<Block> a = extend(genesis, 0, 2);
  invalidate(a[1]);
  // Checked before it is stored on the branch: a rule it breaks there is its sender's fault.
  chain_test::BlockSpec spec;
  spec.parent = a[1].hash();
  spec.height = 7;  // BIP34: the coinbase must say 3
  spec.time = a[1].header.time + 60;
  spec.payout_script = key.script();
  Block wrong_height = chain_test::make_block(spec, params);
  Result<AcceptOutcome> refused = chain().accept_block(wrong_height);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.kind(), ErrorKind::kInvalid);

  // Spends are checked when a block is connected: stored now, refused at no cost, and marked
  // invalid for good once reconsidering the branch tries to connect it.
  Transaction overspend = chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)},
                                                 {TxOut{params.subsidy + 1, key.script()}});
  Block bad = chain_test::make_child(a[1], 2, key, params, {overspend});
  EXPECT_EQ(chain().accept_block(bad).kind(), ErrorKind::kInvalidatedByHand);
  reconsider(a[1]);
  EXPECT_EQ(chain().tip()->hash, a[1].hash());
  EXPECT_TRUE(status_of(bad) & block_status::kFailed);
  EXPECT_EQ(chain().accept_block(bad).kind(), ErrorKind::kCachedInvalid);
  expect_verified();
}

TEST_F(InvalidateTest, ReconsiderBringsTheMostWorkChainBackWithBlocksThatArrivedMeanwhile) {
  const Transaction paid = payment();
  std::vector<Block> blocks = extend(genesis, 0, 10, 0, {{}, {}, {}, {}, {}, {}, {paid}});
  invalidate(blocks[4]);
  // Two blocks on the new tip, the returned payment in the first, and one block that a peer
  // sends on the invalidated branch meanwhile.
  const Transaction other = chain_test::make_spend(key, {chain_test::coinbase_outpoint(blocks[0])},
                                                   {TxOut{params.subsidy, key.script()}});
  std::vector<Block> fork = extend(blocks[3], 4, 2, 1, {{paid, other}});
  EXPECT_EQ(chain().tip()->hash, fork[1].hash());
  Block late = chain_test::make_child(blocks[9], 10, key, params);
  EXPECT_EQ(chain().accept_block(late).kind(), ErrorKind::kInvalidatedByHand);

  AcceptOutcome outcome = reconsider(blocks[4]);
  EXPECT_EQ(outcome.status, AcceptStatus::kNewTip);
  EXPECT_EQ(chain().tip()->hash, late.hash());
  EXPECT_EQ(chain().tip()->height, 11);
  EXPECT_EQ(outcome.disconnected, (std::vector<Hash256>{fork[1].hash(), fork[0].hash()}));
  std::vector<Hash256> back = hashes(blocks, 4, 10);
  back.push_back(late.hash());
  EXPECT_EQ(outcome.connected, back);
  // The payment is confirmed again on the longer chain; the other one returns to the mempool.
  EXPECT_EQ(outcome.returned_transactions, std::vector<Transaction>{other});
  for (const Block& block : blocks) EXPECT_FALSE(chain().record(block.hash())->failed());
  EXPECT_FALSE(chain().record(late.hash())->failed());
  // The fork's blocks have less work: a valid fork, as getchaintips shows it.
  std::vector<BranchTip> tips = chain().branch_tips();
  ASSERT_EQ(tips.size(), 2u);
  EXPECT_EQ(tips[1].hash, fork[1].hash());
  EXPECT_EQ(tips[1].status, "valid-fork");
  expect_verified();
}

TEST_F(InvalidateTest, ReconsideringADescendantClearsTheAncestorsMarkEverywhereBelowIt) {
  std::vector<Block> a = extend(genesis, 0, 3);
  std::vector<Block> b = extend(a[0], 1, 2, 1);  // a sibling branch from a1: equal work to a3
  invalidate(a[0]);
  EXPECT_EQ(chain().tip()->hash, genesis.hash());
  EXPECT_TRUE(failed_parent(b[1]));

  reconsider(a[2]);
  EXPECT_EQ(chain().tip()->hash, a[2].hash());
  EXPECT_FALSE(chain().record(a[0].hash())->failed());
  // b's blocks were marked only for descending from a1, which is cleared.
  EXPECT_FALSE(chain().record(b[0].hash())->failed());
  EXPECT_FALSE(chain().record(b[1].hash())->failed());
  std::vector<BranchTip> tips = chain().branch_tips();
  ASSERT_EQ(tips.size(), 2u);
  EXPECT_EQ(tips[1].status, "valid-fork");
}

TEST_F(InvalidateTest, TheMarksSurviveReopeningTheStore) {
  std::vector<Block> blocks = extend(genesis, 0, 6);
  invalidate(blocks[2]);
  reopen();
  EXPECT_EQ(chain().tip()->hash, blocks[1].hash());
  EXPECT_TRUE(by_hand(blocks[2]));
  for (size_t i = 3; i < 6; ++i) EXPECT_TRUE(failed_parent(blocks[i])) << i;
  expect_verified();
  Block child = chain_test::make_child(blocks[5], 6, key, params);
  EXPECT_EQ(chain().accept_block(child).kind(), ErrorKind::kInvalidatedByHand);

  reconsider(blocks[2]);
  EXPECT_EQ(chain().tip()->hash, child.hash());
  reopen();
  EXPECT_EQ(chain().tip()->hash, child.hash());
  for (const Block& block : blocks) EXPECT_FALSE(chain().record(block.hash())->failed());
  expect_verified();
}

TEST_F(InvalidateTest, UnknownBlocksAndTheGenesisAreRefused) {
  extend(genesis, 0, 2);
  Result<AcceptOutcome> unknown = chain().invalidate_block(Hash256{});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.reason(), "block-not-found");
  EXPECT_EQ(unknown.kind(), ErrorKind::kNotFound);
  EXPECT_EQ(chain().reconsider_block(Hash256{}).reason(), "block-not-found");
  Result<AcceptOutcome> first = chain().invalidate_block(genesis.hash());
  ASSERT_FALSE(first);
  EXPECT_EQ(first.reason(), "invalidate-genesis");
  EXPECT_EQ(chain().tip()->height, 2);
  EXPECT_TRUE(chain().reconsider_block(genesis.hash()));  // nothing to clear: no change
  EXPECT_EQ(chain().tip()->height, 2);
}

TEST_F(InvalidateTest, ReconsiderMarksABlockThatStillBreaksARuleAgain) {
  // b2 breaks a rule; the tip settles on a; reconsidering b2 tries it again, it fails again.
  std::vector<Block> a = extend(genesis, 0, 2);
  Transaction overspend = chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)},
                                                 {TxOut{params.subsidy + 1, key.script()}});
  Block b1 = chain_test::make_child(genesis, 0, key, params, {}, 0, 1);
  Block b2 = chain_test::make_child(b1, 1, key, params, {overspend}, 0, 1);
  Block b3 = chain_test::make_child(b2, 2, key, params, {}, 0, 1);
  accept(b1);
  accept(b2);
  EXPECT_FALSE(chain().accept_block(b3));
  EXPECT_TRUE(status_of(b2) & block_status::kFailed);
  EXPECT_FALSE(status_of(b2) & block_status::kInvalidatedByHand);

  reconsider(b3);
  EXPECT_EQ(chain().tip()->hash, a[1].hash());
  EXPECT_TRUE(status_of(b2) & block_status::kFailed);
  EXPECT_TRUE(failed_parent(b3));
  // Invalidating it by hand does not turn a rule's verdict into the operator's.
  invalidate(b2);
  EXPECT_FALSE(status_of(b2) & block_status::kInvalidatedByHand);
  EXPECT_EQ(chain().accept_block(b2).kind(), ErrorKind::kCachedInvalid);
  expect_verified();
}

}  // namespace
}  // namespace ac
