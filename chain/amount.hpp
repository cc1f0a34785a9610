// Amounts in base units: 1 coin = 100,000,000 units, as Bitcoin's satoshi.
#pragma once

#include <cstdint>

namespace ac {

using Amount = int64_t;

inline constexpr Amount kCoin = 100'000'000;
// No amount, sum of outputs or fee may exceed this; it bounds every addition of amounts so
// none can overflow (the same cap as Bitcoin's).
inline constexpr Amount kMaxMoney = 21'000'000 * kCoin;

inline constexpr bool money_range(Amount value) {
  return value >= 0 && value <= kMaxMoney;
}

}  // namespace ac

#include <optional>
#include <string>
#include <string_view>

namespace ac {

// "12.5" -> 1'250'000'000 units. Exact decimal parsing (no floating point): digits, an optional
// point and at most 8 fractional digits; nothing else. Nullopt when malformed or above kMaxMoney.
std::optional<Amount> parse_coins(std::string_view text);

// 1'250'000'000 -> "12.50000000" (always 8 decimals, a leading '-' for negatives).
std::string format_coins(Amount units);

}  // namespace ac
