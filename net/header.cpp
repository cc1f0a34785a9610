#include "net/header.hpp"

#include <algorithm>
#include <cassert>

#include "chain/hash.hpp"
#include "chain/serialize.hpp"

namespace ac::net {

namespace {
bool is_printable(uint8_t c) {
  return c >= 0x20 && c <= 0x7e;
}
}  // namespace

bool is_valid_command(std::string_view command) {
  if (command.empty() || command.size() > kCommandBytes) return false;
  return std::all_of(command.begin(), command.end(),
                     [](char c) { return is_printable(static_cast<uint8_t>(c)); });
}

Checksum payload_checksum(ByteSpan payload) {
  Hash256 digest = sha256d(payload);
  Checksum out;
  std::copy_n(digest.data.begin(), out.size(), out.begin());
  return out;
}

Result<MessageHeader> decode_header(ByteSpan bytes, const Magic& magic) {
  if (bytes.size() != kHeaderBytes) return make_error("bad-header-size");
  MessageHeader header;
  Reader reader(bytes);
  reader.bytes(header.magic.data(), header.magic.size());
  if (header.magic != magic) return make_error(ErrorKind::kDifferentChain, "bad-magic");

  std::array<uint8_t, kCommandBytes> command;
  reader.bytes(command.data(), command.size());
  auto first_nul = std::find(command.begin(), command.end(), uint8_t{0});
  if (first_nul == command.begin()) return make_error("bad-command", "empty");
  if (!std::all_of(command.begin(), first_nul, is_printable))
    return make_error("bad-command", "non-printable character");
  if (!std::all_of(first_nul, command.end(), [](uint8_t c) { return c == 0; }))
    return make_error("bad-command", "data after the NUL padding");
  header.command.assign(command.begin(), first_nul);

  reader.u32(header.payload_bytes);
  if (header.payload_bytes > kMaxPayloadBytes)
    return make_error("payload-too-large", std::to_string(header.payload_bytes) + " bytes");
  reader.bytes(header.checksum.data(), header.checksum.size());
  return header;
}

Status verify_checksum(const MessageHeader& header, ByteSpan payload) {
  if (payload.size() != header.payload_bytes) return make_error("payload-length-mismatch");
  if (payload_checksum(payload) != header.checksum)
    return make_error(ErrorKind::kDamaged, "bad-checksum");
  return {};
}

std::array<uint8_t, kHeaderBytes> encode_header(const Magic& magic, std::string_view command,
                                                ByteSpan payload) {
  assert(is_valid_command(command));
  assert(payload.size() <= kMaxPayloadBytes);
  std::array<uint8_t, kHeaderBytes> out{};
  std::copy(magic.begin(), magic.end(), out.begin());
  std::copy_n(command.begin(), std::min(command.size(), kCommandBytes), out.begin() + 4);
  auto length = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out[16 + i] = static_cast<uint8_t>(length >> (8 * i));
  Checksum checksum = payload_checksum(payload);
  std::copy(checksum.begin(), checksum.end(), out.begin() + 20);
  return out;
}

Bytes encode_message(const Magic& magic, std::string_view command, ByteSpan payload) {
  auto header = encode_header(magic, command, payload);
  Bytes out(kHeaderBytes + payload.size());
  std::copy(header.begin(), header.end(), out.begin());
  std::copy(payload.begin(), payload.end(), out.begin() + kHeaderBytes);
  return out;
}

}  // namespace ac::net
