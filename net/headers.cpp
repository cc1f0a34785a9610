#include "net/locator_wire.hpp"
#include "net/messages.hpp"
#include "net/read_count.hpp"

namespace ac::net {

void GetHeaders::encode(Writer& writer) const {
  encode_locator_request(writer, version, locator, hash_stop);
}

bool GetHeaders::decode(Reader& reader) {
  return decode_locator_request(reader, version, locator, hash_stop, kMaxLocatorHashes);
}

void Headers::encode(Writer& writer) const {
  writer.compact_size(headers.size());
  for (const BlockHeader& header : headers) {
    write_block_header(writer, header);
    writer.compact_size(0);
  }
}

bool Headers::decode(Reader& reader) {
  uint64_t count = 0;
  if (!read_count(reader, count, kMaxHeadersPerMessage, kBlockHeaderBytes + 1, "too-many-headers"))
    return false;
  headers.resize(count);
  for (BlockHeader& header : headers) {
    uint64_t tx_count = 0;
    if (!read_block_header(reader, header) || !reader.compact_size(tx_count, UINT64_MAX))
      return false;
    if (tx_count != 0) return reader.fail("headers-tx-count");
  }
  return true;
}

}  // namespace ac::net
