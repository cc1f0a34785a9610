// getblocks and getheaders share one payload: a protocol version, a block locator (newest
// first) and a stop hash. Both codecs read and write it here.
#pragma once

#include <cstdint>
#include <vector>

#include "chain/serialize.hpp"
#include "chain/uint256.hpp"
#include "net/read_count.hpp"

namespace ac::net {

inline void encode_locator_request(Writer& writer, uint32_t version,
                                   const std::vector<Hash256>& locator, const Hash256& hash_stop) {
  writer.u32(version);
  writer.compact_size(locator.size());
  for (const Hash256& hash : locator) writer.hash(hash);
  writer.hash(hash_stop);
}

// Fails with "locator-too-long" past `max_hashes`, "truncated" when the bytes run out.
inline bool decode_locator_request(Reader& reader, uint32_t& version, std::vector<Hash256>& locator,
                                   Hash256& hash_stop, uint64_t max_hashes) {
  uint64_t count = 0;
  if (!reader.u32(version) || !read_count(reader, count, max_hashes, 32, "locator-too-long"))
    return false;
  locator.resize(count);
  for (Hash256& hash : locator) {
    if (!reader.hash(hash)) return false;
  }
  return reader.hash(hash_stop);
}

}  // namespace ac::net
