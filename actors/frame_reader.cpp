#include "actors/frame_reader.hpp"

#include <algorithm>
#include <string>

#include "net/messages.hpp"

namespace ac::actors {

size_t FrameReader::wanted() const {
  size_t target = have_header_ ? header_.payload_bytes : net::kHeaderBytes;
  return target - buffer_.size();
}

Result<std::vector<Frame>> FrameReader::feed(ByteSpan bytes) {
  if (failure_) return *failure_;
  std::vector<Frame> frames;
  size_t offset = 0;
  while (offset < bytes.size()) {
    size_t take = std::min(wanted(), bytes.size() - offset);
    buffer_.insert(buffer_.end(), bytes.begin() + offset, bytes.begin() + offset + take);
    offset += take;
    if (wanted() != 0) break;
    if (!have_header_) {
      auto header = net::decode_header(buffer_, magic_);
      if (!header) {
        failure_ = header.error();
        return *failure_;
      }
      // A known command's own limit (a ping's 8 bytes) is checked here too, before its payload
      // is read: a header must not make us wait for, or buffer, what could never decode.
      auto command_max = net::max_payload_bytes(header->command);
      if (command_max && header->payload_bytes > *command_max) {
        failure_ = Error{"payload-too-large",
                         header->command + ": " + std::to_string(header->payload_bytes) +
                             " bytes over its " + std::to_string(*command_max)};
        return *failure_;
      }
      header_ = std::move(*header);
      have_header_ = true;
      buffer_.clear();
      if (header_.payload_bytes != 0) continue;
    }
    if (Status status = net::verify_checksum(header_, buffer_); !status) {
      failure_ = status.error();
      return *failure_;
    }
    frames.push_back(Frame{std::move(header_), std::move(buffer_)});
    header_ = {};
    buffer_.clear();
    have_header_ = false;
  }
  return frames;
}

}  // namespace ac::actors
