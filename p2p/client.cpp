#include "p2p/client.hpp"

#include <errno.h>
#include <openssl/rand.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <utility>

namespace ac::p2p {

namespace {

// Bytes asked of the socket per read.
constexpr size_t kReadChunk = 64 * 1024;

int milliseconds_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

uint64_t random_nonce() {
  uint64_t nonce = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&nonce), sizeof nonce);
  return nonce;
}

net::Version client_version(std::string user_agent, int32_t start_height) {
  net::Version version;
  version.services = 0;
  version.timestamp = std::time(nullptr);
  version.nonce = random_nonce();
  version.user_agent = std::move(user_agent);
  version.start_height = start_height;
  return version;
}

Result<Client> Client::connect(const ConnectOptions& options, const net::Magic& magic) {
  auto endpoint = split_endpoint(options.target);
  if (!endpoint) return endpoint.error();
  static const std::atomic<bool> never{false};
  auto fd = tcp_connect(endpoint->first, endpoint->second, options.timeout, never, options.socket);
  if (!fd) return fd.error();
  return Client(*fd, magic);
}

Result<Client> Client::connect(const std::string& target, const net::Magic& magic) {
  ConnectOptions options;
  options.target = target;
  return connect(options, magic);
}

Client::Client(Client&& other) noexcept {
  *this = std::move(other);
}

Client& Client::operator=(Client&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    magic_ = other.magic_;
    closed_ = other.closed_;
    close_reason_ = std::move(other.close_reason_);
    closed_at_ = other.closed_at_;
    in_ = std::move(other.in_);
    in_at_ = other.in_at_;
    answer_pings_ = other.answer_pings_;
    answer_unknown_getdata_ = other.answer_unknown_getdata_;
    served_ = std::move(other.served_);
    send_timeout_ = other.send_timeout_;
    trace_ = std::move(other.trace_);
  }
  return *this;
}

Client::~Client() {
  if (fd_ >= 0) close(fd_);
}

void Client::mark_closed(Error reason) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = std::move(reason);
  closed_at_ = Clock::now();
}

bool Client::send_bytes(ByteSpan bytes) {
  std::optional<Clock::time_point> deadline;
  if (send_timeout_) deadline = Clock::now() + *send_timeout_;
  size_t sent = 0;
  while (!closed_ && sent < bytes.size()) {
    sent += write_some(bytes.subspan(sent));
    if (closed_ || sent == bytes.size()) break;
    pollfd waiting{fd_, POLLOUT, 0};
    int ready = poll(&waiting, 1, deadline ? milliseconds_until(*deadline) : -1);
    if (ready == 0) mark_closed(make_error("timeout", "the node does not read"));
  }
  return !closed_;
}

bool Client::send(const net::Message& message) {
  if (trace_) trace_("->", message);
  return send_bytes(net::encode_frame(magic_, message));
}

bool Client::send_frame(std::string_view command, ByteSpan payload) {
  return send_bytes(net::encode_message(magic_, command, payload));
}

size_t Client::write_some(ByteSpan bytes) {
  size_t sent = 0;
  while (!closed_ && sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    mark_closed(make_error("peer-closed", "while sending"));
  }
  return sent;
}

Client::ReadStatus Client::read_more(Clock::time_point deadline) {
  if (closed_) return ReadStatus::closed;
  // Drop what was parsed once it is most of the buffer, so it does not grow.
  if (in_at_ > 0 && in_at_ * 2 >= in_.size()) {
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(in_at_));
    in_at_ = 0;
  }
  for (;;) {
    pollfd waiting{fd_, POLLIN, 0};
    int ready = poll(&waiting, 1, milliseconds_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return ReadStatus::timeout;
    size_t had = in_.size();
    in_.resize(had + kReadChunk);
    ssize_t n = ::recv(fd_, in_.data() + had, kReadChunk, MSG_DONTWAIT);
    in_.resize(had + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n > 0) return ReadStatus::data;
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    mark_closed(make_error("peer-closed", "the node closed the connection"));
    return ReadStatus::closed;
  }
}

std::optional<net::Message> Client::next_message(bool& skipped) {
  skipped = false;
  if (closed_ || in_.size() - in_at_ < net::kHeaderBytes) return std::nullopt;
  auto header = net::decode_header(ByteSpan(in_.data() + in_at_, net::kHeaderBytes), magic_);
  if (!header) {
    // Not a frame: nothing after it can be trusted to be one either.
    mark_closed(header.error());
    return std::nullopt;
  }
  const size_t frame_bytes = net::kHeaderBytes + header->payload_bytes;
  if (in_.size() - in_at_ < frame_bytes) return std::nullopt;
  ByteSpan payload(in_.data() + in_at_ + net::kHeaderBytes, header->payload_bytes);
  in_at_ += frame_bytes;
  Result<net::Message> message = net::verify_checksum(*header, payload)
                                     ? net::decode_payload(header->command, payload)
                                     : Result<net::Message>(make_error("bad-checksum"));
  if (!message) {
    skipped = true;
    return std::nullopt;
  }
  if (trace_) trace_("<-", *message);
  return std::move(*message);
}

void Client::answer(const net::Message& message) {
  if (const auto* ping = std::get_if<net::Ping>(&message); ping && answer_pings_)
    send(net::Pong{ping->nonce});
  if (const auto* request = std::get_if<net::GetData>(&message);
      request && answer_unknown_getdata_) {
    net::NotFound unknown;
    for (const net::InvItem& item : request->items)
      if (!served_.contains(item.hash)) unknown.items.push_back(item);
    if (!unknown.items.empty()) send(unknown);
  }
}

std::optional<net::Message> Client::wait_for(
    Duration timeout, const std::function<bool(const net::Message&)>& accept) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    bool skipped = false;
    if (auto message = next_message(skipped)) {
      answer(*message);
      if (accept(*message)) return message;
      continue;
    }
    if (skipped) continue;
    if (read_more(deadline) != ReadStatus::data) return std::nullopt;
  }
}

std::optional<net::Version> Client::handshake(Duration timeout, const net::Version& ours) {
  if (!send(ours)) return std::nullopt;
  return finish_handshake(Clock::now() + timeout, std::nullopt);
}

std::optional<net::Version> Client::handshake_answering(
    Duration timeout, const std::function<net::Version(const net::Version& theirs)>& answer) {
  const auto deadline = Clock::now() + timeout;
  auto theirs = wait_for<net::Version>(timeout);
  if (!theirs || !send(answer(*theirs)) || !send(net::Verack{})) return std::nullopt;
  return finish_handshake(deadline, theirs);
}

// Reads until the node's version (unless already had) and verack; their version is answered
// with our verack as it arrives.
std::optional<net::Version> Client::finish_handshake(Clock::time_point deadline,
                                                     std::optional<net::Version> theirs) {
  bool verack = false;
  wait_for(Duration(milliseconds_until(deadline)), [&](const net::Message& m) {
    if (const auto* version = std::get_if<net::Version>(&m); version && !theirs) {
      theirs = *version;
      send(net::Verack{});
    }
    verack |= std::holds_alternative<net::Verack>(m);
    return theirs && verack;
  });
  if (!theirs || !verack) return std::nullopt;
  return theirs;
}

bool Client::ping_pong(Duration timeout) {
  uint64_t nonce = random_nonce();
  if (!send(net::Ping{nonce})) return false;
  return wait_for<net::Pong>(timeout, [&](const net::Pong& pong) { return pong.nonce == nonce; })
      .has_value();
}

bool Client::wait_closed(Duration timeout) {
  wait_for(timeout, [](const net::Message&) { return false; });
  return closed_;
}

bool Client::hung_up() {
  if (closed_) return true;
  pollfd waiting{fd_, POLLRDHUP, 0};
  if (poll(&waiting, 1, 0) > 0 && (waiting.revents & (POLLERR | POLLHUP | POLLRDHUP)) != 0)
    mark_closed(make_error("peer-closed", "hang-up"));
  return closed_;
}

void Client::read_available(const std::function<void(const net::Message&)>& on_message) {
  const auto now = Clock::now();
  do {
    bool skipped = false;
    while (true) {
      auto message = next_message(skipped);
      if (message) {
        on_message(*message);
      } else if (!skipped) {
        break;
      }
    }
  } while (read_more(now) == ReadStatus::data);
}

}  // namespace ac::p2p
