// One blocking TCP connection from the hostile peer to the node under test: bound to a chosen
// loopback source address (so the node's discouragement of that IP can be observed), able to
// send well-formed messages, raw frames and arbitrary bytes, and to read frames with a
// deadline. Pings from the node are answered while waiting unless the scenario says not to.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "chain/bytes.hpp"
#include "chain/result.hpp"
#include "chain/uint256.hpp"
#include "net/header.hpp"
#include "net/messages.hpp"

namespace ac::hostile {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::milliseconds;

// Seconds since `start`, for the report lines.
double seconds_since(Clock::time_point start);

struct ConnectOptions {
  std::string target;            // "127.0.0.1:PORT"
  std::string from;              // source IP to bind before connect(); empty: the kernel's choice
  int receive_buffer_bytes = 0;  // SO_RCVBUF before connect(); 0 leaves the default
};

class Connection {
 public:
  // Reasons: "bad-endpoint", "bind-failed", "connect-failed".
  static Result<Connection> open(const ConnectOptions& options, const net::Magic& magic);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  const net::Magic& magic() const { return magic_; }
  // False once the node closed or reset the connection (seen by a read or a write).
  bool open() const { return !closed_; }
  // When the connection was seen closed.
  Clock::time_point closed_at() const { return closed_at_; }

  // Writes everything, blocking; false when the node has closed the connection.
  bool send_bytes(ByteSpan bytes);
  bool send(const net::Message& message);
  // A correct header for `command` around `payload`, whatever the payload holds.
  bool send_frame(std::string_view command, ByteSpan payload);

  // The node's pings are answered while waiting, unless turned off here.
  void set_answer_pings(bool answer) { answer_pings_ = answer; }
  // As an honest peer, getdata for anything not offered is answered with notfound while
  // waiting, unless turned off here (a stalling peer stays silent).
  void set_answer_unknown_getdata(bool answer) { answer_unknown_getdata_ = answer; }
  // `hash` is ours to send: a getdata for it is left to the caller.
  void will_serve(const Hash256& hash) { served_.insert(hash); }

  // Reads frames until `accept` takes a decoded message or `timeout` passes or the
  // connection closes. Frames that do not decode are skipped. Returns the accepted message.
  std::optional<net::Message> wait_for(Duration timeout,
                                       const std::function<bool(const net::Message&)>& accept);
  template <class T>
  std::optional<T> wait_for(
      Duration timeout,
      const std::function<bool(const T&)>& accept = [](const T&) { return true; }) {
    auto message = wait_for(timeout, [&](const net::Message& m) {
      const T* typed = std::get_if<T>(&m);
      return typed != nullptr && accept(*typed);
    });
    if (!message) return std::nullopt;
    return std::get<T>(*message);
  }

  // version/verack both ways. `extra_height` is added to the node's height in our version (a
  // peer about to announce a block claims it has it). Returns the node's height, nullopt when
  // the node closed the connection or did not finish in time.
  std::optional<int32_t> handshake(Duration timeout, int extra_height = 0);
  // Sends only our version (no verack): the first half of a handshake.
  bool send_version(int32_t start_height);

  // Ping with a fresh nonce and wait for the matching pong.
  bool ping_pong(Duration timeout);
  // Reads (and drops) whatever comes until the node closes the connection; true when it did
  // within `timeout`.
  bool wait_closed(Duration timeout);
  // Polls the socket without reading any data: true when an error or hang-up is pending.
  bool hung_up();

 private:
  Connection(int fd, const net::Magic& magic) : fd_(fd), magic_(magic) {}
  enum class ReadStatus { frame, timeout, closed };
  // Reads one whole frame before `deadline`.
  ReadStatus read_frame(Clock::time_point deadline, net::MessageHeader& header, Bytes& payload);
  bool read_exactly(Clock::time_point deadline, uint8_t* out, size_t count, bool& timed_out);
  void mark_closed();

  int fd_ = -1;
  net::Magic magic_{};
  bool closed_ = false;
  bool answer_pings_ = true;
  bool answer_unknown_getdata_ = true;
  std::set<Hash256> served_;
  Clock::time_point closed_at_{};
};

}  // namespace ac::hostile
