#include "net/messages.hpp"
#include "net/read_count.hpp"

namespace ac::net {

void GetBlocks::encode(Writer& writer) const {
  writer.u32(version);
  writer.compact_size(locator.size());
  for (const Hash256& hash : locator) writer.hash(hash);
  writer.hash(hash_stop);
}

bool GetBlocks::decode(Reader& reader) {
  uint64_t count = 0;
  if (!reader.u32(version) || !read_count(reader, count, kMaxLocatorHashes, 32, "locator-too-long"))
    return false;
  locator.resize(count);
  for (Hash256& hash : locator) {
    if (!reader.hash(hash)) return false;
  }
  return reader.hash(hash_stop);
}

}  // namespace ac::net
