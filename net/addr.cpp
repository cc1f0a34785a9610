#include "net/messages.hpp"
#include "net/read_count.hpp"

namespace ac::net {

void Addr::encode(Writer& writer) const {
  writer.compact_size(addresses.size());
  for (const TimestampedAddress& entry : addresses) {
    writer.u32(entry.time);
    write_net_address(writer, entry.address);
  }
}

bool Addr::decode(Reader& reader) {
  uint64_t count = 0;
  if (!read_count(reader, count, kMaxAddresses, 4 + kNetAddressBytes, "too-many-addresses"))
    return false;
  addresses.resize(count);
  for (TimestampedAddress& entry : addresses) {
    if (!reader.u32(entry.time) || !read_net_address(reader, entry.address)) return false;
  }
  return true;
}

}  // namespace ac::net
