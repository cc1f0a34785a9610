#include "chain/amount.hpp"

#include <fmt/format.h>

namespace ac {

std::optional<Amount> parse_coins(std::string_view text) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  Amount whole = 0;
  Amount fraction = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (char c : text) {
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    if (seen_point) {
      if (++fraction_digits > 8) return std::nullopt;
      fraction = fraction * 10 + (c - '0');
    } else {
      whole = whole * 10 + (c - '0');
      if (whole > kMaxMoney / kCoin) return std::nullopt;
    }
  }
  if (!seen_digit) return std::nullopt;
  for (int i = fraction_digits; i < 8; ++i) fraction *= 10;
  Amount total = whole * kCoin + fraction;
  if (!money_range(total)) return std::nullopt;
  return total;
}

std::string format_coins(Amount units) {
  // Work in unsigned so the most negative value formats without overflow.
  bool negative = units < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  return fmt::format("{}{}.{:08}", negative ? "-" : "", magnitude / kCoin, magnitude % kCoin);
}

}  // namespace ac
