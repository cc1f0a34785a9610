#include "net/messages.hpp"

#include <utility>

namespace ac::net {

namespace {

template <size_t I = 0>
Result<Message> decode_by_command(std::string_view command, ByteSpan payload) {
  if constexpr (I == std::variant_size_v<Message>) {
    return make_error(ErrorKind::kUnsupported, "unknown-command", std::string(command));
  } else {
    using T = std::variant_alternative_t<I, Message>;
    if (command != T::kCommand) return decode_by_command<I + 1>(command, payload);
    Result<T> decoded = decode_message<T>(payload);
    if (!decoded) return decoded.error();
    return Message(std::in_place_index<I>, std::move(decoded).value());
  }
}

template <size_t... I>
std::vector<std::string_view> commands(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, Message>::kCommand...};
}

template <size_t... I>
std::optional<size_t> max_bytes(std::string_view command, std::index_sequence<I...>) {
  std::optional<size_t> out;
  ((command == std::variant_alternative_t<I, Message>::kCommand
        ? void(out = std::variant_alternative_t<I, Message>::kMaxPayloadBytes)
        : void()),
   ...);
  return out;
}

constexpr auto kAllMessages = std::make_index_sequence<std::variant_size_v<Message>>{};

}  // namespace

Result<Message> decode_payload(std::string_view command, ByteSpan payload) {
  // Segwit's serialization: version, then the marker 0x00 where the input count would be (a
  // legacy transaction has at least one input), then a non-zero flag.
  if (command == TxMessage::kCommand && payload.size() > 5 && payload[4] == 0 && payload[5] != 0)
    return make_error(ErrorKind::kUnsupported, "witness-tx");
  return decode_by_command(command, payload);
}

std::optional<size_t> max_payload_bytes(std::string_view command) {
  return max_bytes(command, kAllMessages);
}

std::vector<std::string_view> known_commands() {
  return commands(kAllMessages);
}

std::string_view command_of(const Message& message) {
  return std::visit([](const auto& typed) { return typed.kCommand; }, message);
}

Bytes encode_payload(const Message& message) {
  return std::visit([](const auto& typed) { return encode_message_payload(typed); }, message);
}

Bytes encode_frame(const Magic& magic, const Message& message) {
  return encode_message(magic, command_of(message), encode_payload(message));
}

}  // namespace ac::net
