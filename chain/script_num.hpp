// Script numbers: little-endian sign-magnitude byte strings, the top bit of the last byte the
// sign. Arithmetic opcodes take operands of at most 4 bytes (CHECKLOCKTIMEVERIFY and
// CHECKSEQUENCEVERIFY 5) and may produce results up to 5 bytes long.
#pragma once

#include <cstdint>
#include <optional>

#include "chain/bytes.hpp"

namespace ac {

// Decodes `bytes` as a number of at most `max_size` bytes; with `require_minimal`, an
// encoding with a needless trailing zero (or sign) byte is refused too. nullopt = refused.
inline std::optional<int64_t> decode_script_num(ByteSpan bytes, bool require_minimal,
                                                size_t max_size = 4) {
  if (bytes.size() > max_size) return std::nullopt;
  if (require_minimal && !bytes.empty() && (bytes.back() & 0x7f) == 0) {
    // Only allowed when the byte before needs its top bit for magnitude.
    if (bytes.size() == 1 || (bytes[bytes.size() - 2] & 0x80) == 0) return std::nullopt;
  }
  if (bytes.empty()) return 0;
  uint64_t magnitude = 0;
  for (size_t i = 0; i < bytes.size(); ++i) magnitude |= uint64_t{bytes[i]} << (8 * i);
  const size_t last = bytes.size() - 1;
  if (bytes[last] & 0x80) {
    magnitude &= ~(uint64_t{0x80} << (8 * last));
    return -static_cast<int64_t>(magnitude);
  }
  return static_cast<int64_t>(magnitude);
}

// The minimal encoding of `value` (empty for zero).
inline Bytes encode_script_num(int64_t value) {
  Bytes out;
  if (value == 0) return out;
  const bool negative = value < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  while (magnitude) {
    out.push_back(static_cast<uint8_t>(magnitude & 0xff));
    magnitude >>= 8;
  }
  if (out.back() & 0x80) {
    out.push_back(negative ? 0x80 : 0x00);
  } else if (negative) {
    out.back() |= 0x80;
  }
  return out;
}

}  // namespace ac
