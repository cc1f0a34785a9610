// ChainState::expect_next: the next block is hashed and checked while the current block's
// signatures are; what ends up stored (tip, coins, undo data, verdicts) is the same as when
// the blocks come one after the other, and a failure of the next block never touches the one
// before it.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "chain/chainstate.hpp"
#include "chain/store.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;
using BlockPtr = std::shared_ptr<const Block>;

class LookaheadNode {
 public:
  LookaheadNode(const ChainParams& params, ScriptVerifier& verifier) {
    auto store = Store::open(dir_.str());
    chain_test::require(store.ok(), "store opens");
    store_ = std::move(store).value();
    auto chain = ChainState::open(*store_, params, verifier, [] { return chain_test::kTestNow; });
    chain_test::require(chain.ok(), "chain state opens");
    chain_ = std::move(chain).value();
  }

  // Accepts `blocks` in order, announcing each one's successor first when `lookahead`.
  std::vector<Result<AcceptOutcome>> accept_all(const std::vector<BlockPtr>& blocks,
                                                bool lookahead) {
    std::vector<Result<AcceptOutcome>> out;
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (lookahead) chain_->expect_next(i + 1 < blocks.size() ? blocks[i + 1] : nullptr);
      out.push_back(chain_->accept_block(*blocks[i]));
    }
    return out;
  }

  std::map<OutPoint, Coin> coins() const {
    std::map<OutPoint, Coin> out;
    store_->for_each_coin(
        [&](const OutPoint& outpoint, const Coin& coin) { out[outpoint] = coin; });
    return out;
  }

  ChainState& chain() { return *chain_; }
  Store& store() { return *store_; }

 private:
  chain_test::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ChainState> chain_;
};

class Lookahead : public ::testing::Test {
 protected:
  void SetUp() override {
    for (LookaheadNode* node : {&sequential, &ahead}) {
      Status created = node->chain().create_genesis(genesis);
      ASSERT_TRUE(created) << created.error().message();
    }
  }

  // Blocks on top of the genesis, each spending the previous block's coinbase to two outputs
  // and one output of the transaction before, so every block has signatures to check.
  std::vector<BlockPtr> spending_chain(int count) {
    std::vector<BlockPtr> blocks;
    const Block* parent = &genesis;
    std::optional<OutPoint> change;
    for (int height = 1; height <= count; ++height) {
      std::vector<OutPoint> inputs{chain_test::coinbase_outpoint(*parent)};
      Amount value = params.subsidy;
      if (change) {
        inputs.push_back(*change);
        value += kCoin;
      }
      Transaction spend = chain_test::make_spend(
          key, inputs, {TxOut{value - 2 * kCoin, key.script()}, TxOut{kCoin, key.script()}});
      change = OutPoint{spend.txid(), 1};
      blocks.push_back(std::make_shared<const Block>(
          chain_test::make_child(*parent, height - 1, key, params, {spend}, kCoin)));
      parent = blocks.back().get();
    }
    return blocks;
  }

  void expect_same_state(const std::vector<BlockPtr>& blocks) {
    ASSERT_TRUE(sequential.chain().tip() && ahead.chain().tip());
    EXPECT_EQ(sequential.chain().tip()->hash, ahead.chain().tip()->hash);
    EXPECT_EQ(sequential.coins(), ahead.coins());
    for (const BlockPtr& block : blocks) {
      EXPECT_EQ(sequential.store().undo(block->hash()), ahead.store().undo(block->hash()));
      EXPECT_EQ(sequential.chain().record(block->hash()), ahead.chain().record(block->hash()));
    }
  }

  static void expect_same_verdicts(const std::vector<Result<AcceptOutcome>>& a,
                                   const std::vector<Result<AcceptOutcome>>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].ok(), b[i].ok()) << "block " << i;
      if (!a[i]) {
        EXPECT_EQ(a[i].reason(), b[i].reason()) << "block " << i;
        EXPECT_EQ(a[i].kind(), b[i].kind()) << "block " << i;
        continue;
      }
      EXPECT_EQ(a[i]->status, b[i]->status) << "block " << i;
      EXPECT_EQ(a[i]->connected, b[i]->connected) << "block " << i;
      EXPECT_EQ(a[i]->confirmed_transactions, b[i]->confirmed_transactions) << "block " << i;
    }
  }

  ChainParams params = quick_params();
  TestKey key{3};
  ScriptVerifier verifier{2};
  Block genesis = chain_test::make_genesis(key, params);
  LookaheadNode sequential{params, verifier};
  LookaheadNode ahead{params, verifier};
};

TEST_F(Lookahead, ConnectsToTheSameTipCoinsAndUndoAsOneBlockAfterTheOther) {
  const std::vector<BlockPtr> blocks = spending_chain(12);
  const auto one_by_one = sequential.accept_all(blocks, false);
  const auto overlapped = ahead.accept_all(blocks, true);
  expect_same_verdicts(one_by_one, overlapped);
  EXPECT_EQ(ahead.chain().tip()->height, 12);
  expect_same_state(blocks);
  Status verified = ahead.chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
}

TEST_F(Lookahead, ANextBlockFailingItsChecksEarlyLeavesTheBlockBeforeIt) {
  std::vector<BlockPtr> blocks = spending_chain(4);
  // Block 3 with a transaction its header does not commit to (a merkle root mismatch).
  Block damaged = *blocks[2];
  damaged.transactions.push_back(damaged.transactions.back());
  blocks[2] = std::make_shared<const Block>(damaged);
  const auto one_by_one = sequential.accept_all(blocks, false);
  const auto overlapped = ahead.accept_all(blocks, true);
  expect_same_verdicts(one_by_one, overlapped);
  ASSERT_TRUE(overlapped[1]);
  EXPECT_EQ(overlapped[1]->status, AcceptStatus::kNewTip);
  ASSERT_FALSE(overlapped[2]);
  EXPECT_EQ(ahead.chain().tip()->height, 2);
  expect_same_state(blocks);
}

TEST_F(Lookahead, ADamagedCopyAnnouncedAheadDoesNotDecideForTheGenuineBlock) {
  const std::vector<BlockPtr> blocks = spending_chain(2);
  Block damaged = *blocks[1];
  damaged.transactions.push_back(damaged.transactions.back());
  ASSERT_EQ(damaged.hash(), blocks[1]->hash());  // the header is the same
  ahead.chain().expect_next(std::make_shared<const Block>(damaged));
  ASSERT_TRUE(ahead.chain().accept_block(*blocks[0]));
  Result<AcceptOutcome> genuine = ahead.chain().accept_block(*blocks[1]);
  ASSERT_TRUE(genuine) << genuine.error().message();
  EXPECT_EQ(ahead.chain().tip()->hash, blocks[1]->hash());
}

TEST_F(Lookahead, AnInvalidBlockFailsAndItsCheckedAheadChildIsRefusedAsWithout) {
  std::vector<BlockPtr> blocks = spending_chain(3);
  // Block 2's signature does not cover its output (changed after signing): it fails in the
  // script checks, during which its child was checked ahead.
  Transaction forged = chain_test::make_spend(key, {chain_test::coinbase_outpoint(*blocks[0])},
                                              {TxOut{params.subsidy - 1, key.script()}});
  forged.outputs[0].value -= 1;
  Block bad = chain_test::make_child(*blocks[0], 1, key, params, {forged}, 2);
  Block child = chain_test::make_child(bad, 2, key, params);
  blocks = {blocks[0], std::make_shared<const Block>(bad), std::make_shared<const Block>(child)};
  const auto one_by_one = sequential.accept_all(blocks, false);
  const auto overlapped = ahead.accept_all(blocks, true);
  expect_same_verdicts(one_by_one, overlapped);
  ASSERT_FALSE(overlapped[1]);
  EXPECT_EQ(overlapped[1].reason(), "script-eval-false");
  ASSERT_FALSE(overlapped[2]);
  EXPECT_EQ(overlapped[2].reason(), "bad-prevblk");
  expect_same_state(blocks);
}

}  // namespace
}  // namespace ac
