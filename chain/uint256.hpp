// Fixed-size opaque hashes. Hash256 is Bitcoin's uint256: 32 bytes stored in serialization
// (little-endian) order and shown byte-reversed in hex, as every Bitcoin tool prints them.
#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chain/bytes.hpp"

namespace ac {

template <size_t N>
struct HashBytes {
  std::array<uint8_t, N> data{};

  static constexpr size_t size() { return N; }
  uint8_t* begin() { return data.data(); }
  uint8_t* end() { return data.data() + N; }
  const uint8_t* begin() const { return data.data(); }
  const uint8_t* end() const { return data.data() + N; }
  ByteSpan span() const { return {data.data(), N}; }

  bool is_zero() const {
    return std::all_of(data.begin(), data.end(), [](uint8_t b) { return b == 0; });
  }

  // Hex in display order (byte-reversed), e.g. block and transaction ids.
  std::string hex() const {
    std::array<uint8_t, N> reversed;
    std::reverse_copy(data.begin(), data.end(), reversed.begin());
    return to_hex(reversed);
  }
  // The first 8 hex characters of hex(): enough to tell hashes apart in a log line.
  std::string short_hex() const { return hex().substr(0, 8); }

  // Parses display-order hex (as printed by hex()).
  static std::optional<HashBytes> from_hex(std::string_view text) {
    auto bytes = ac::from_hex(text);
    if (!bytes || bytes->size() != N) return std::nullopt;
    HashBytes out;
    std::reverse_copy(bytes->begin(), bytes->end(), out.data.begin());
    return out;
  }
  static HashBytes from_span(ByteSpan bytes) {
    HashBytes out;
    std::memcpy(out.data.data(), bytes.data(), std::min(bytes.size(), N));
    return out;
  }

  friend auto operator<=>(const HashBytes&, const HashBytes&) = default;
};

using Hash256 = HashBytes<32>;
using Hash160 = HashBytes<20>;

}  // namespace ac

template <size_t N>
struct std::hash<ac::HashBytes<N>> {
  size_t operator()(const ac::HashBytes<N>& h) const noexcept {
    // The bytes are already uniformly distributed: take the first word.
    size_t out;
    std::memcpy(&out, h.data.data(), sizeof out);
    return out;
  }
};
