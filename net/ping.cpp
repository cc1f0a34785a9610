#include "net/messages.hpp"

namespace ac::net {

void Ping::encode(Writer& writer) const {
  writer.u64(nonce);
}
bool Ping::decode(Reader& reader) {
  return reader.u64(nonce);
}

void Pong::encode(Writer& writer) const {
  writer.u64(nonce);
}
bool Pong::decode(Reader& reader) {
  return reader.u64(nonce);
}

}  // namespace ac::net
