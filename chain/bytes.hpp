// Byte buffers and hex: the raw material every codec reads and writes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ac {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Lower-case hex of the bytes in order.
std::string to_hex(ByteSpan bytes);

// Parses hex (either case, even length). Returns nullopt on any other input.
std::optional<Bytes> from_hex(std::string_view hex);

inline ByteSpan as_span(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace ac
