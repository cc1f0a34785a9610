// Reading a list's length off the wire before any allocation: the count must not exceed the
// message's limit (failing with that message's own reason) nor promise more items than the
// bytes left can hold (failing "truncated"), so reserve() on the result is always safe.
#pragma once

#include <cstdint>
#include <string>

#include "chain/serialize.hpp"

namespace ac::net {

inline bool read_count(Reader& reader, uint64_t& count, uint64_t max_count, size_t item_bytes,
                       const char* too_many_reason) {
  if (!reader.compact_size(count, UINT64_MAX)) return false;
  if (count > max_count) return reader.fail(too_many_reason);
  if (count > reader.remaining() / item_bytes) return reader.fail("truncated");
  return true;
}

}  // namespace ac::net
