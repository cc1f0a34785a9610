#include <gtest/gtest.h>

#include "chain/memory_coins.hpp"
#include "chain/script.hpp"
#include "chain/tx_verify.hpp"

namespace ac {
namespace {

OutPoint outpoint(uint8_t tag, uint32_t index = 0) {
  OutPoint out;
  out.txid.data[0] = tag;
  out.index = index;
  return out;
}

Coin coin(Amount value, int height = 1, bool is_coinbase = false) {
  return Coin{TxOut{value, p2pkh_script(Hash160{})}, height, is_coinbase};
}

Transaction spending(std::initializer_list<OutPoint> prevouts, Amount output_value) {
  Transaction tx;
  for (const OutPoint& prevout : prevouts) tx.inputs.push_back(TxIn{prevout, {}, 0xffffffff});
  tx.outputs.push_back(TxOut{output_value, p2pkh_script(Hash160{})});
  return tx;
}

class CheckTxInputs : public ::testing::Test {
 protected:
  CheckTxInputs() { params.coinbase_maturity = 100; }

  ChainParams params = quick_params();
  MemoryCoins view;
};

TEST_F(CheckTxInputs, ReturnsFeeOfValidSpend) {
  view.add(outpoint(1), coin(3 * kCoin));
  view.add(outpoint(2, 5), coin(2 * kCoin));
  const auto fee =
      check_tx_inputs(spending({outpoint(1), outpoint(2, 5)}, 4 * kCoin), view, 10, params);
  ASSERT_TRUE(fee.ok()) << fee.error().message();
  EXPECT_EQ(*fee, kCoin);
}

TEST_F(CheckTxInputs, AcceptsZeroFee) {
  view.add(outpoint(1), coin(kCoin));
  const auto fee = check_tx_inputs(spending({outpoint(1)}, kCoin), view, 10, params);
  ASSERT_TRUE(fee.ok());
  EXPECT_EQ(*fee, 0);
}

TEST_F(CheckTxInputs, RejectsMissingInput) {
  view.add(outpoint(1), coin(kCoin));
  const auto result = check_tx_inputs(spending({outpoint(1), outpoint(1, 1)}, 1), view, 10, params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.reason(), "missing-inputs");
}

TEST_F(CheckTxInputs, RejectsCoinbaseSpentBeforeMaturity) {
  view.add(outpoint(1), coin(kCoin, 50, true));
  const auto result = check_tx_inputs(spending({outpoint(1)}, 1), view, 149, params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.reason(), "premature-coinbase-spend");
}

TEST_F(CheckTxInputs, AcceptsCoinbaseSpentExactlyAtMaturity) {
  view.add(outpoint(1), coin(kCoin, 50, true));
  EXPECT_TRUE(check_tx_inputs(spending({outpoint(1)}, 1), view, 150, params).ok());
}

TEST_F(CheckTxInputs, MaturityDoesNotApplyToOrdinaryCoins) {
  view.add(outpoint(1), coin(kCoin, 50, false));
  EXPECT_TRUE(check_tx_inputs(spending({outpoint(1)}, 1), view, 50, params).ok());
}

TEST_F(CheckTxInputs, ZeroMaturityAllowsSpendInTheSameHeight) {
  params.coinbase_maturity = 0;
  view.add(outpoint(1), coin(kCoin, 50, true));
  EXPECT_TRUE(check_tx_inputs(spending({outpoint(1)}, 1), view, 50, params).ok());
}

TEST_F(CheckTxInputs, RejectsInputValueOutOfRange) {
  view.add(outpoint(1), coin(kMaxMoney + 1));
  auto result = check_tx_inputs(spending({outpoint(1)}, 1), view, 10, params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.reason(), "input-values-out-of-range");

  view.add(outpoint(1), coin(-1));
  result = check_tx_inputs(spending({outpoint(1)}, 0), view, 10, params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.reason(), "input-values-out-of-range");
}

TEST_F(CheckTxInputs, RejectsInputSumOutOfRange) {
  view.add(outpoint(1), coin(kMaxMoney));
  view.add(outpoint(2), coin(1));
  const auto result = check_tx_inputs(spending({outpoint(1), outpoint(2)}, 1), view, 10, params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.reason(), "input-values-out-of-range");
}

TEST_F(CheckTxInputs, RejectsOutputsAboveInputs) {
  view.add(outpoint(1), coin(kCoin));
  const auto result = check_tx_inputs(spending({outpoint(1)}, kCoin + 1), view, 10, params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.reason(), "outputs-exceed-inputs");
}

}  // namespace
}  // namespace ac
