#include <gtest/gtest.h>

#include <algorithm>

#include "chain/coinbase.hpp"
#include "chain/connect.hpp"
#include "chain/memory_coins.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;

class ConnectBlock : public ::testing::Test {
 protected:
  // A coin paying `key` at an outpoint no block created (connect_block does not care).
  OutPoint fund(Amount value, int height = 0, bool is_coinbase = false) {
    Bytes seed{static_cast<uint8_t>(next_funding_++)};
    OutPoint outpoint{sha256(seed), 0};
    chain.add(outpoint, Coin{TxOut{value, key.script()}, height, is_coinbase});
    return outpoint;
  }

  Block block_with(std::vector<Transaction> transactions, Amount fees, int height = 1) {
    chain_test::BlockSpec spec;
    spec.parent = parent_hash;
    spec.height = height;
    spec.payout_script = key.script();
    spec.transactions = std::move(transactions);
    spec.fees = fees;
    return chain_test::make_block(spec, params);
  }

  Result<StoreDelta> connect(const Block& block, int height = 1) {
    const std::vector<Hash256> txids = chain_test::txids_of(block);
    return connect_block(block, txids, height, chain, params, verifier);
  }

  TxOut pay(Amount value) const { return TxOut{value, key.script()}; }

  ChainParams params = quick_params();
  TestKey key{1};
  MemoryCoins chain;
  ScriptVerifier verifier{1};
  Hash256 parent_hash = sha256(as_span("parent"));
  int next_funding_ = 0;
};

bool has_outpoint(const std::vector<std::pair<OutPoint, Coin>>& coins, const OutPoint& outpoint) {
  return std::any_of(coins.begin(), coins.end(),
                     [&](const auto& entry) { return entry.first == outpoint; });
}

TEST_F(ConnectBlock, AddsEveryOutputAsCoinAndRecordsSpentCoinsInUndo) {
  const OutPoint funding = fund(5 * kCoin);
  const Coin funding_coin = *chain.coin(funding);
  Transaction spend = chain_test::make_spend(
      key, {funding}, {pay(3 * kCoin), TxOut{1 * kCoin, Bytes{0x6a, 0x01, 0x00}}});
  const Block block = block_with({spend}, kCoin);

  Result<StoreDelta> change = connect(block);
  ASSERT_TRUE(change) << change.error().message();
  EXPECT_EQ(change->new_tip, block.hash());
  ASSERT_EQ(change->coins_added.size(), 3u);
  const OutPoint coinbase_output = chain_test::coinbase_outpoint(block);
  EXPECT_EQ(change->coins_added[0].first, coinbase_output);
  EXPECT_TRUE(change->coins_added[0].second.is_coinbase);
  EXPECT_EQ(change->coins_added[0].second.height, 1);
  EXPECT_EQ(change->coins_added[0].second.output.value, params.subsidy + kCoin);
  // The unknown script becomes a coin too: valid to create, never spendable.
  EXPECT_TRUE(has_outpoint(change->coins_added, OutPoint{spend.txid(), 1}));
  ASSERT_EQ(change->coins_spent.size(), 1u);
  EXPECT_EQ(change->coins_spent[0].first, funding);
  EXPECT_EQ(change->coins_spent[0].second, funding_coin);
  ASSERT_TRUE(change->undo_to_write);
  EXPECT_EQ(change->undo_to_write->first, block.hash());
  EXPECT_EQ(change->undo_to_write->second.spent_coins, std::vector<Coin>{funding_coin});
}

TEST_F(ConnectBlock, SpendsOutputCreatedEarlierInTheSameBlock) {
  const OutPoint funding = fund(5 * kCoin);
  Transaction first = chain_test::make_spend(key, {funding}, {pay(5 * kCoin)});
  Transaction second = chain_test::make_spend(key, {OutPoint{first.txid(), 0}}, {pay(4 * kCoin)});
  const Block block = block_with({first, second}, kCoin);

  Result<StoreDelta> change = connect(block);
  ASSERT_TRUE(change) << change.error().message();
  const OutPoint intermediate{first.txid(), 0};
  EXPECT_FALSE(has_outpoint(change->coins_added, intermediate));
  EXPECT_FALSE(has_outpoint(change->coins_spent, intermediate));
  EXPECT_TRUE(has_outpoint(change->coins_added, OutPoint{second.txid(), 0}));
  const std::vector<Coin>& undo = change->undo_to_write->second.spent_coins;
  ASSERT_EQ(undo.size(), 2u);
  EXPECT_EQ(undo[1], (Coin{pay(5 * kCoin), 1, false}));
}

TEST_F(ConnectBlock, RejectsSpendOfMissingCoin) {
  Transaction spend =
      chain_test::make_spend(key, {OutPoint{sha256(as_span("nowhere")), 0}}, {pay(kCoin)});
  Result<StoreDelta> change = connect(block_with({spend}, 0));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "missing-inputs");
}

TEST_F(ConnectBlock, RejectsDoubleSpendInsideTheBlock) {
  const OutPoint funding = fund(5 * kCoin);
  Transaction first = chain_test::make_spend(key, {funding}, {pay(5 * kCoin)});
  Transaction second = chain_test::make_spend(key, {funding}, {pay(4 * kCoin)});
  Result<StoreDelta> change = connect(block_with({first, second}, kCoin));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "missing-inputs");
}

TEST_F(ConnectBlock, RejectsSpendOfOutputCreatedLaterInTheBlock) {
  const OutPoint funding = fund(5 * kCoin);
  Transaction first = chain_test::make_spend(key, {funding}, {pay(5 * kCoin)});
  Transaction second = chain_test::make_spend(key, {OutPoint{first.txid(), 0}}, {pay(5 * kCoin)});
  Result<StoreDelta> change = connect(block_with({second, first}, 0));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "missing-inputs");
}

TEST_F(ConnectBlock, RejectsImmatureCoinbaseSpend) {
  params.coinbase_maturity = 10;
  const OutPoint reward = fund(params.subsidy, 0, true);
  Transaction spend = chain_test::make_spend(key, {reward}, {pay(params.subsidy)});
  Result<StoreDelta> change = connect(block_with({spend}, 0, 5), 5);
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "premature-coinbase-spend");
}

TEST_F(ConnectBlock, AcceptsMatureCoinbaseSpend) {
  params.coinbase_maturity = 10;
  const OutPoint reward = fund(params.subsidy, 0, true);
  Transaction spend = chain_test::make_spend(key, {reward}, {pay(params.subsidy)});
  Result<StoreDelta> change = connect(block_with({spend}, 0, 20), 20);
  EXPECT_TRUE(change) << change.error().message();
}

TEST_F(ConnectBlock, RejectsOutputsExceedingInputs) {
  const OutPoint funding = fund(5 * kCoin);
  Transaction spend = chain_test::make_spend(key, {funding}, {pay(5 * kCoin + 1)});
  Result<StoreDelta> change = connect(block_with({spend}, 0));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "outputs-exceed-inputs");
}

TEST_F(ConnectBlock, RejectsInputValueOutOfRange) {
  const OutPoint funding = fund(kMaxMoney + 1);
  Transaction spend = chain_test::make_spend(key, {funding}, {pay(kCoin)});
  Result<StoreDelta> change = connect(block_with({spend}, 0));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "input-values-out-of-range");
}

TEST_F(ConnectBlock, RejectsAccumulatedFeesOutOfRange) {
  Transaction first = chain_test::make_spend(key, {fund(kMaxMoney)}, {pay(1)});
  Transaction second = chain_test::make_spend(key, {fund(kMaxMoney)}, {pay(1)});
  Result<StoreDelta> change = connect(block_with({first, second}, 0));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "fees-out-of-range");
}

TEST_F(ConnectBlock, RejectsCoinbaseClaimingMoreThanSubsidyPlusFees) {
  Transaction spend = chain_test::make_spend(key, {fund(5 * kCoin)}, {pay(4 * kCoin)});
  Result<StoreDelta> change = connect(block_with({spend}, kCoin + 1));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "coinbase-too-large");
}

TEST_F(ConnectBlock, AcceptsCoinbaseClaimingExactlySubsidyPlusFees) {
  Transaction spend = chain_test::make_spend(key, {fund(5 * kCoin)}, {pay(4 * kCoin)});
  Result<StoreDelta> change = connect(block_with({spend}, kCoin));
  EXPECT_TRUE(change) << change.error().message();
}

TEST_F(ConnectBlock, RejectsInputWhoseSignatureDoesNotVerify) {
  Transaction spend = chain_test::make_spend(key, {fund(5 * kCoin)}, {pay(4 * kCoin)});
  spend.outputs[0].value -= 1;  // signed for another amount
  Result<StoreDelta> change = connect(block_with({spend}, 0));
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "script-eval-false");
}

TEST_F(ConnectBlock, RejectsOutputThatWouldOverwriteUnspentCoin) {
  const Block block = block_with({}, 0);
  chain.add(chain_test::coinbase_outpoint(block), Coin{pay(kCoin), 0, true});
  Result<StoreDelta> change = connect(block);
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "duplicate-coin");
}

// Counts the lookups connect_block makes in the chain's coins.
class CountingCoins final : public CoinsView {
 public:
  explicit CountingCoins(const CoinsView& coins) : coins_(coins) {}
  std::optional<Coin> coin(const OutPoint& outpoint) const override {
    asked.push_back(outpoint);
    return coins_.coin(outpoint);
  }
  mutable std::vector<OutPoint> asked;

 private:
  const CoinsView& coins_;
};

TEST_F(ConnectBlock, LooksUpNoOutputWhenOutputsCannotRepeat) {
  const OutPoint funding = fund(5 * kCoin);
  Transaction spend = chain_test::make_spend(key, {funding}, {pay(3 * kCoin), pay(kCoin)});
  const Block block = block_with({spend}, kCoin);
  const std::vector<Hash256> txids = chain_test::txids_of(block);
  CountingCoins counting(chain);
  Result<StoreDelta> change =
      connect_block(block, txids, 1, counting, params, verifier, {}, {}, /*outputs_repeat=*/false);
  ASSERT_TRUE(change) << change.error().message();
  EXPECT_EQ(counting.asked, std::vector<OutPoint>{funding});  // the spent coin, nothing else
  EXPECT_EQ(change->coins_added.size(), 3u);  // the same change as with every output looked up
  const std::vector<std::pair<OutPoint, Coin>> added = change->coins_added;
  CountingCoins checking(chain);
  Result<StoreDelta> checked = connect_block(block, txids, 1, checking, params, verifier);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->coins_added, added);
  EXPECT_EQ(checked->coins_spent, change->coins_spent);
  EXPECT_EQ(checking.asked.size(), 4u);  // and each of the three outputs
}

TEST_F(ConnectBlock, StillRefusesAnOutputRepeatedWithinTheBlockWithoutLookups) {
  // Two copies of one transaction: the second's spend fails first, as it always did.
  Transaction spend = chain_test::make_spend(key, {fund(5 * kCoin)}, {pay(4 * kCoin)});
  const Block block = block_with({spend, spend}, kCoin);
  const std::vector<Hash256> txids = chain_test::txids_of(block);
  Result<StoreDelta> change =
      connect_block(block, txids, 1, chain, params, verifier, {}, {}, /*outputs_repeat=*/false);
  ASSERT_FALSE(change);
  EXPECT_EQ(change.reason(), "missing-inputs");
}

TEST(OutputsMayRepeat, OnlyWhereBip34LeavesACoinbaseRepeatable) {
  const Bytes script{0x51};
  Block genesis;
  genesis.transactions.push_back(make_coinbase(0, kCoin, script));
  // The chains here: BIP34 from height 1, a genesis committing to height 0 (or unspendable).
  EXPECT_FALSE(outputs_may_repeat(quick_params(), genesis));
  EXPECT_FALSE(outputs_may_repeat(demo_params(), genesis));
  EXPECT_FALSE(outputs_may_repeat(regtest_params(), *regtest_params().builtin_genesis));
  // A spendable genesis whose scriptSig is the push of a later height: that block's coinbase
  // may repeat it.
  for (int height : {1, 16, 17, 128, 300, 70000}) {
    Block repeatable;
    repeatable.transactions.push_back(make_coinbase(height, kCoin, script));
    EXPECT_TRUE(outputs_may_repeat(quick_params(), repeatable)) << height;
    ChainParams unspendable = quick_params();
    unspendable.genesis_outputs_spendable = false;
    EXPECT_FALSE(outputs_may_repeat(unspendable, repeatable)) << height;
  }
  // Without BIP34 from height 1, coinbases below its height may repeat.
  ChainParams late = quick_params();
  late.bip34_height = 2;
  EXPECT_TRUE(outputs_may_repeat(late, genesis));
}

TEST_F(ConnectBlock, DisconnectAfterConnectRestoresTheExactCoinSet) {
  const OutPoint a = fund(5 * kCoin);
  const OutPoint b = fund(7 * kCoin, 0, true);
  fund(2 * kCoin);  // untouched
  Transaction first = chain_test::make_spend(key, {a, b}, {pay(6 * kCoin), pay(5 * kCoin)});
  Transaction second = chain_test::make_spend(key, {OutPoint{first.txid(), 1}}, {pay(4 * kCoin)});
  const Block block = block_with({first, second}, 2 * kCoin);
  const auto before = chain.coins();

  Result<StoreDelta> connected = connect(block);
  ASSERT_TRUE(connected) << connected.error().message();
  chain.apply(*connected);
  ASSERT_NE(chain.coins(), before);

  Result<StoreDelta> disconnected =
      disconnect_block(block, connected->undo_to_write->second, chain);
  ASSERT_TRUE(disconnected) << disconnected.error().message();
  EXPECT_EQ(disconnected->new_tip, block.header.prev_block);
  EXPECT_EQ(disconnected->undo_to_erase, block.hash());
  chain.apply(*disconnected);
  EXPECT_EQ(chain.coins(), before);
}

TEST_F(ConnectBlock, DisconnectRejectsUndoOfWrongLength) {
  Transaction spend = chain_test::make_spend(key, {fund(5 * kCoin)}, {pay(5 * kCoin)});
  const Block block = block_with({spend}, 0);
  Result<StoreDelta> connected = connect(block);
  ASSERT_TRUE(connected) << connected.error().message();
  chain.apply(*connected);
  Result<StoreDelta> disconnected = disconnect_block(block, BlockUndo{}, chain);
  ASSERT_FALSE(disconnected);
  EXPECT_EQ(disconnected.reason(), "bad-undo");
}

TEST_F(ConnectBlock, DisconnectRejectsUndoRestoringUnspentCoin) {
  const OutPoint funding = fund(5 * kCoin);
  Transaction spend = chain_test::make_spend(key, {funding}, {pay(5 * kCoin)});
  const Block block = block_with({spend}, 0);
  Result<StoreDelta> connected = connect(block);
  ASSERT_TRUE(connected) << connected.error().message();
  MemoryCoins after = chain;
  after.apply(*connected);
  after.add(funding, *chain.coin(funding));  // the coin is somehow unspent already
  Result<StoreDelta> disconnected =
      disconnect_block(block, connected->undo_to_write->second, after);
  ASSERT_FALSE(disconnected);
  EXPECT_EQ(disconnected.reason(), "bad-undo");
}

TEST_F(ConnectBlock, DisconnectRejectsBlockWhoseOutputsAreNotCoins) {
  const Block block = block_with({}, 0);
  Result<StoreDelta> disconnected = disconnect_block(block, BlockUndo{}, chain);
  ASSERT_FALSE(disconnected);
  EXPECT_EQ(disconnected.reason(), "missing-block-output");
}

}  // namespace
}  // namespace ac
