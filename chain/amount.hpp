// Amounts in base units: 1 coin = 100,000,000 units, as Bitcoin's satoshi.
#pragma once

#include <cstdint>

namespace ac {

using Amount = int64_t;

inline constexpr Amount kCoin = 100'000'000;
// No amount, sum of outputs or fee may exceed this; it bounds every addition of amounts so
// none can overflow (the same cap as Bitcoin's).
inline constexpr Amount kMaxMoney = 21'000'000 * kCoin;

inline constexpr bool money_range(Amount value) { return value >= 0 && value <= kMaxMoney; }

}  // namespace ac
