#include "net/peer_stats.hpp"

#include <utility>

namespace ac::net {

namespace {

template <size_t... I>
constexpr std::array<std::string_view, sizeof...(I)> command_names(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, Message>::kCommand...};
}

constexpr auto kCommandNames =
    command_names(std::make_index_sequence<std::variant_size_v<Message>>{});

}  // namespace

size_t PeerTraffic::slot_of(std::string_view command) {
  for (size_t slot = 0; slot < kCommandNames.size(); ++slot)
    if (kCommandNames[slot] == command) return slot;
  return kOtherSlot;
}

std::string_view PeerTraffic::name_of(size_t slot) {
  return slot < kCommandNames.size() ? kCommandNames[slot] : kOtherName;
}

void PeerTraffic::record_sent(size_t slot, uint64_t frame_bytes, int64_t now_s) {
  ++sent_[slot].messages;
  sent_[slot].bytes += frame_bytes;
  bytes_sent_ += frame_bytes;
  last_send_s_ = now_s;
}

void PeerTraffic::record_received(size_t slot, uint64_t frame_bytes, int64_t now_s) {
  ++received_[slot].messages;
  received_[slot].bytes += frame_bytes;
  bytes_received_ += frame_bytes;
  last_receive_s_ = now_s;
}

}  // namespace ac::net
