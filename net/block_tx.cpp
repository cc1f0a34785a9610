#include "net/messages.hpp"

namespace ac::net {

void BlockMessage::encode(Writer& writer) const {
  write_block(writer, block);
}
bool BlockMessage::decode(Reader& reader) {
  return read_block(reader, block);
}

void TxMessage::encode(Writer& writer) const {
  write_transaction(writer, tx);
}
bool TxMessage::decode(Reader& reader) {
  return read_transaction(reader, tx);
}

}  // namespace ac::net
