// One connection's traffic, as Bitcoin Core's getpeerinfo reports it: bytes and messages sent
// and received per command, their totals, and when the last message went each way. A frame
// counts whole (its 24-byte header included, as Core counts it) once it is cut from the stream
// or handed to the socket. Every command of net::Message has a fixed slot, and one more slot
// takes any other command (Core's "*other*"), so counting a message allocates nothing.
// Pure: the caller says what time it is.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>

#include "net/messages.hpp"

namespace ac::net {

struct CommandTraffic {
  uint64_t messages = 0;
  uint64_t bytes = 0;
  friend bool operator==(const CommandTraffic&, const CommandTraffic&) = default;
};

class PeerTraffic {
 public:
  // One slot per alternative of Message, in variant order, then the "*other*" slot.
  static constexpr size_t kOtherSlot = std::variant_size_v<Message>;
  static constexpr size_t kSlots = kOtherSlot + 1;
  static constexpr std::string_view kOtherName = "*other*";

  static size_t slot_of(const Message& message) { return message.index(); }
  // The slot of a command read from a frame header (one that may not have decoded).
  static size_t slot_of(std::string_view command);
  // The command of a slot; kOtherName for kOtherSlot. REQUIRES: slot < kSlots.
  static std::string_view name_of(size_t slot);

  // `frame_bytes`: header and payload. `now_s`: seconds since the Unix epoch.
  // REQUIRES: slot < kSlots.
  void record_sent(size_t slot, uint64_t frame_bytes, int64_t now_s);
  void record_received(size_t slot, uint64_t frame_bytes, int64_t now_s);

  const CommandTraffic& sent(size_t slot) const { return sent_[slot]; }
  const CommandTraffic& received(size_t slot) const { return received_[slot]; }
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_received() const { return bytes_received_; }
  // 0 until the first message that way, as Core.
  int64_t last_send_s() const { return last_send_s_; }
  int64_t last_receive_s() const { return last_receive_s_; }

  friend bool operator==(const PeerTraffic&, const PeerTraffic&) = default;

 private:
  std::array<CommandTraffic, kSlots> sent_{};
  std::array<CommandTraffic, kSlots> received_{};
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_received_ = 0;
  int64_t last_send_s_ = 0;
  int64_t last_receive_s_ = 0;
};

}  // namespace ac::net
