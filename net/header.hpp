// The 24-byte envelope in front of every wire message:
//   magic 4 | command 12 (ASCII, NUL padded) | payload length u32 LE | checksum 4
// The checksum is the first 4 bytes of SHA256d(payload). Decoding a header refuses a payload
// length over kMaxPayloadBytes, so a reader never allocates for a hostile length.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chain/bytes.hpp"
#include "chain/result.hpp"

namespace ac::net {

using Magic = std::array<uint8_t, 4>;
using Checksum = std::array<uint8_t, 4>;

inline constexpr size_t kHeaderBytes = 24;
inline constexpr size_t kCommandBytes = 12;
// No message payload may be larger, whatever its command.
inline constexpr uint32_t kMaxPayloadBytes = 4'000'000;

struct MessageHeader {
  Magic magic{};
  std::string command;  // without the NUL padding
  uint32_t payload_bytes = 0;
  Checksum checksum{};

  friend bool operator==(const MessageHeader&, const MessageHeader&) = default;
};

// True for 1 to 12 printable ASCII characters (0x20..0x7e), as a command must be.
bool is_valid_command(std::string_view command);

// First 4 bytes of SHA256d(payload).
Checksum payload_checksum(ByteSpan payload);

// Decodes exactly kHeaderBytes bytes. Reasons: "bad-header-size" (not 24 bytes), "bad-magic"
// (not `magic`), "bad-command" (empty, non-printable, or non-NUL after the first NUL),
// "payload-too-large" (length over kMaxPayloadBytes).
Result<MessageHeader> decode_header(ByteSpan bytes, const Magic& magic);

// Reasons: "payload-length-mismatch" (payload size differs from the header's length),
// "bad-checksum".
Status verify_checksum(const MessageHeader& header, ByteSpan payload);

// REQUIRES: is_valid_command(command) and payload.size() <= kMaxPayloadBytes.
std::array<uint8_t, kHeaderBytes> encode_header(const Magic& magic, std::string_view command,
                                                ByteSpan payload);

// The full frame: header followed by the payload.
// REQUIRES: as encode_header.
Bytes encode_message(const Magic& magic, std::string_view command, ByteSpan payload);

}  // namespace ac::net
