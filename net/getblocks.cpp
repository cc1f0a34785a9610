#include "net/locator_wire.hpp"
#include "net/messages.hpp"

namespace ac::net {

void GetBlocks::encode(Writer& writer) const {
  encode_locator_request(writer, version, locator, hash_stop);
}

bool GetBlocks::decode(Reader& reader) {
  return decode_locator_request(reader, version, locator, hash_stop, kMaxLocatorHashes);
}

}  // namespace ac::net
