#include <gtest/gtest.h>

#include "chain/amount.hpp"

namespace ac {
namespace {

TEST(Amount, ParsesWholeAndFractionalCoinsExactly) {
  EXPECT_EQ(parse_coins("17"), 17 * kCoin);
  EXPECT_EQ(parse_coins("0.00000001"), 1);
  EXPECT_EQ(parse_coins("12.5"), 1'250'000'000);
  EXPECT_EQ(parse_coins(".5"), kCoin / 2);
  EXPECT_EQ(parse_coins("3."), 3 * kCoin);
  // 0.1 + 0.2 style inputs must not suffer binary rounding.
  EXPECT_EQ(parse_coins("0.29"), 29'000'000);
}

TEST(Amount, RejectsMalformedOrOutOfRangeText) {
  for (const char* bad : {"", ".", "-1", "1e3", "1.2.3", "0.000000001", "abc", " 1", "21000001",
                          "99999999999999999999999"}) {
    EXPECT_EQ(parse_coins(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(parse_coins("21000000"), kMaxMoney);
}

TEST(Amount, FormatsWithEightDecimals) {
  EXPECT_EQ(format_coins(17 * kCoin), "17.00000000");
  EXPECT_EQ(format_coins(1), "0.00000001");
  EXPECT_EQ(format_coins(-150'000'000), "-1.50000000");
  EXPECT_EQ(format_coins(0), "0.00000000");
}

}  // namespace
}  // namespace ac
