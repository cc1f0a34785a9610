// Cuts a TCP byte stream into wire frames (24-byte header + payload), however the stream was
// split or merged by the socket. The peer session reads exactly wanted() bytes at a time, so
// it never asks the socket for zero bytes; tests feed arbitrary splits. Pure: no CAF, no I/O.
#pragma once

#include <optional>
#include <vector>

#include "chain/bytes.hpp"
#include "chain/result.hpp"
#include "net/header.hpp"

namespace ac::actors {

struct Frame {
  net::MessageHeader header;
  Bytes payload;
};

class FrameReader {
 public:
  explicit FrameReader(const net::Magic& magic) : magic_(magic) {}

  // Consumes `bytes` and returns the frames they complete, in order. The first bad header
  // ("bad-magic", "bad-command", "payload-too-large") or checksum ("bad-checksum") is returned
  // as the error; the reader is then failed and every later feed returns that error again.
  Result<std::vector<Frame>> feed(ByteSpan bytes);

  // Bytes still missing from the header or payload being read: never zero.
  size_t wanted() const;

 private:
  net::Magic magic_;
  Bytes buffer_;
  bool have_header_ = false;
  net::MessageHeader header_;
  std::optional<Error> failure_;
};

}  // namespace ac::actors
