#include <gtest/gtest.h>

#include <vector>

#include "wallet/coin_selection.hpp"

namespace ac::wallet {
namespace {

SpendableCoin coin(uint8_t id, Amount value) {
  SpendableCoin out;
  out.outpoint.txid.data[0] = id;
  out.coin.output.value = value;
  return out;
}

std::vector<uint8_t> ids(const CoinSelection& selection) {
  std::vector<uint8_t> out;
  for (const SpendableCoin& selected : selection.coins)
    out.push_back(selected.outpoint.txid.data[0]);
  return out;
}

TEST(CoinSelection, TakesLargestCoinsFirstUntilCovered) {
  std::vector<SpendableCoin> available = {coin(1, 3 * kCoin), coin(2, 10 * kCoin),
                                          coin(3, 5 * kCoin), coin(4, 1 * kCoin)};
  auto selection = select_coins(available, 12 * kCoin);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(ids(*selection), (std::vector<uint8_t>{2, 3}));
  EXPECT_EQ(selection->total, 15 * kCoin);
}

TEST(CoinSelection, ExactAmountNeedsOnlyOneCoin) {
  std::vector<SpendableCoin> available = {coin(1, 4), coin(2, 10)};
  auto selection = select_coins(available, 10);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(ids(*selection), (std::vector<uint8_t>{2}));
  EXPECT_EQ(selection->total, 10);
}

TEST(CoinSelection, IsIndependentOfInputOrder) {
  std::vector<SpendableCoin> forward = {coin(1, 5), coin(2, 5), coin(3, 5)};
  std::vector<SpendableCoin> backward(forward.rbegin(), forward.rend());
  auto a = select_coins(forward, 7);
  auto b = select_coins(backward, 7);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ids(*a), ids(*b));
  EXPECT_EQ(ids(*a), (std::vector<uint8_t>{1, 2}));
}

TEST(CoinSelection, SkipsPendingSpends) {
  std::vector<SpendableCoin> available = {coin(1, 10), coin(2, 6)};
  auto selection = select_coins(available, 5, {available[0].outpoint});
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(ids(*selection), (std::vector<uint8_t>{2}));
}

TEST(CoinSelection, ReportsInsufficientFundsWithHaveAndNeed) {
  std::vector<SpendableCoin> available = {coin(1, 10), coin(2, 6)};
  auto selection = select_coins(available, 20, {available[1].outpoint});
  ASSERT_FALSE(selection.ok());
  EXPECT_EQ(selection.reason(), "insufficient-funds");
  EXPECT_EQ(selection.kind(), ErrorKind::kRefused);  // what the wallet actor tells it by
  EXPECT_NE(selection.error().detail.find("have 10"), std::string::npos);
  EXPECT_NE(selection.error().detail.find("need 20"), std::string::npos);
}

TEST(CoinSelection, EmptyWalletHasInsufficientFunds) {
  auto selection = select_coins({}, 1);
  ASSERT_FALSE(selection.ok());
  EXPECT_EQ(selection.reason(), "insufficient-funds");
}

TEST(CoinSelection, RejectsNonPositiveOrHugeTarget) {
  std::vector<SpendableCoin> available = {coin(1, 10)};
  for (Amount target : {Amount{0}, Amount{-1}, kMaxMoney + 1}) {
    auto selection = select_coins(available, target);
    ASSERT_FALSE(selection.ok()) << target;
    EXPECT_EQ(selection.reason(), "bad-amount") << target;
  }
}

TEST(CoinSelection, IgnoresCoinsWithOutOfRangeValues) {
  std::vector<SpendableCoin> available = {coin(1, kMaxMoney + 1), coin(2, -5), coin(3, 4)};
  auto selection = select_coins(available, 4);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(ids(*selection), (std::vector<uint8_t>{3}));
}

}  // namespace
}  // namespace ac::wallet
