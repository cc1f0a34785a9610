// Fuzzes the wire decoders: the 24-byte header, and every payload codec with a round trip.
// Input: byte 0 picks the command from known_commands(), the rest is that command's payload;
// the first 24 bytes are also decoded as a header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "net/header.hpp"
#include "net/messages.hpp"

namespace {

constexpr ac::net::Magic kMagic = {0xac, 0x70, 0xc4, 0x1a};

void fuzz_header(ac::ByteSpan data) {
  if (data.size() < ac::net::kHeaderBytes) return;
  auto header = ac::net::decode_header(data.first(ac::net::kHeaderBytes), kMagic);
  if (!header) return;
  if (!ac::net::is_valid_command(header->command)) std::abort();
  if (header->payload_bytes > ac::net::kMaxPayloadBytes) std::abort();
}

void fuzz_payload(ac::ByteSpan data) {
  if (data.empty()) return;
  static const std::vector<std::string_view> commands = ac::net::known_commands();
  std::string_view command = commands[data[0] % commands.size()];
  auto decoded = ac::net::decode_payload(command, data.subspan(1));
  if (!decoded) return;
  if (ac::net::command_of(*decoded) != command) std::abort();
  auto again = ac::net::decode_payload(command, ac::net::encode_payload(*decoded));
  if (!again || !(*again == *decoded)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ac::ByteSpan input(data, size);
  fuzz_header(input);
  fuzz_payload(input);
  return 0;
}
