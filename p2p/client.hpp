// A P2P client over one TCP connection, for the programs that talk to a node from outside it:
// the CLI's `send` (apps/tx_handover.cpp), the hostile peer (tests/hostile/) and the load tool
// (tests/load/tx_flood.cpp). Framing and decoding are net/'s codecs; this adds the socket.
//
// Two ways to use it:
//   - blocking: send() writes whole frames; wait_for() reads frames until one is accepted, a
//     deadline passes or the node closes, and meanwhile behaves as a minimal honest peer
//     (answers ping with pong, getdata for anything not offered with notfound);
//   - non-blocking, for a program polling many connections itself: write_some() and
//     read_available(), which never wait and never answer anything on their own.
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
#include "p2p/tcp_connect.hpp"

namespace ac::p2p {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::milliseconds;

struct ConnectOptions {
  std::string target;  // "host:port" or "[ipv6]:port"
  Duration timeout{10'000};
  SocketOptions socket;
};

// A version message from a client: fresh random nonce, the current time, no services, and
// addr_from's port 0 unless given (a node must not dial back a peer that does not listen).
net::Version client_version(std::string user_agent, int32_t start_height);

// A random 64-bit nonce (versions, pings).
uint64_t random_nonce();

class Client {
 public:
  // Reasons: as tcp_connect and split_endpoint.
  static Result<Client> connect(const ConnectOptions& options, const net::Magic& magic);
  // With the default options: a 10 s deadline, any source address.
  static Result<Client> connect(const std::string& target, const net::Magic& magic);

  Client(Client&& other) noexcept;
  Client& operator=(Client&& other) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  const net::Magic& magic() const { return magic_; }
  int fd() const { return fd_; }
  // False once the node closed or reset the connection, or sent a frame that is not one (a
  // bad header): seen by a read or a write.
  bool open() const { return !closed_; }
  // When the connection was seen closed, and why ("peer-closed", or the header's reason).
  Clock::time_point closed_at() const { return closed_at_; }
  const Error& close_reason() const { return close_reason_; }

  // Called for every message sent or received, with "->" or "<-" (trace lines).
  void set_trace(std::function<void(const char* direction, const net::Message&)> trace) {
    trace_ = std::move(trace);
  }
  // A blocking write gives up after this long (the connection is then marked closed);
  // default: it waits as long as the node does not read.
  void set_send_timeout(Duration timeout) { send_timeout_ = timeout; }

  // --- blocking ---
  // Writes everything; false when the connection is closed.
  bool send_bytes(ByteSpan bytes);
  bool send(const net::Message& message);
  // A correct header for `command` around `payload`, whatever the payload holds.
  bool send_frame(std::string_view command, ByteSpan payload);

  // Pings from the node are answered while waiting, unless turned off here.
  void set_answer_pings(bool answer) { answer_pings_ = answer; }
  // getdata for anything not offered is answered with notfound while waiting, unless turned
  // off here (a stalling peer stays silent).
  void set_answer_unknown_getdata(bool answer) { answer_unknown_getdata_ = answer; }
  // `hash` is ours to send: a getdata for it is left to the caller.
  void will_serve(const Hash256& hash) { served_.insert(hash); }

  // Reads frames until `accept` takes a decoded message, `timeout` passes or the connection
  // closes. Frames that do not decode (unknown commands among them) are skipped.
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

  // version/verack both ways, `ours` sent first. Returns the node's version; nullopt when the
  // node closed the connection or did not finish within `timeout`.
  std::optional<net::Version> handshake(Duration timeout, const net::Version& ours);
  // The same, answering: waits for the node's version first and sends the one `answer` makes
  // of it (a peer that claims a height relative to the node's).
  std::optional<net::Version> handshake_answering(
      Duration timeout, const std::function<net::Version(const net::Version& theirs)>& answer);

  // Ping with a fresh nonce and wait for the matching pong.
  bool ping_pong(Duration timeout);
  // Reads (and drops) whatever comes until the node closes the connection; true when it did
  // within `timeout`.
  bool wait_closed(Duration timeout);
  // Polls the socket without reading any data: true when an error or hang-up is pending.
  bool hung_up();

  // --- non-blocking ---
  // Writes what the socket takes now; returns how many bytes (0 when closed).
  size_t write_some(ByteSpan bytes);
  // Reads what has arrived and passes each complete decoded message to `on_message`, in order
  // (frames already buffered by a blocking call first).
  void read_available(const std::function<void(const net::Message&)>& on_message);

 private:
  Client(int fd, const net::Magic& magic) : fd_(fd), magic_(magic) {}
  enum class ReadStatus { data, timeout, closed };
  // One recv(2) into the buffer, waiting for data until `deadline`.
  ReadStatus read_more(Clock::time_point deadline);
  // The next whole frame in the buffer, decoded; nullopt when none is complete (or the frame
  // does not decode: then `skipped` is set).
  std::optional<net::Message> next_message(bool& skipped);
  // What an honest peer answers on its own while waiting.
  void answer(const net::Message& message);
  std::optional<net::Version> finish_handshake(Clock::time_point deadline,
                                               std::optional<net::Version> theirs);
  void mark_closed(Error reason);

  int fd_ = -1;
  net::Magic magic_{};
  bool closed_ = false;
  Error close_reason_{};
  Clock::time_point closed_at_{};
  Bytes in_;
  size_t in_at_ = 0;
  bool answer_pings_ = true;
  bool answer_unknown_getdata_ = true;
  std::set<Hash256> served_;
  std::optional<Duration> send_timeout_;
  std::function<void(const char*, const net::Message&)> trace_;
};

}  // namespace ac::p2p
