#include "tests/hostile/connection.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <random>

namespace ac::hostile {

namespace {

uint64_t random_nonce() {
  static std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

int milliseconds_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Result<Connection> Connection::open(const ConnectOptions& options, const net::Magic& magic) {
  size_t colon = options.target.rfind(':');
  if (colon == std::string::npos) return make_error("bad-endpoint", options.target);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(std::stoi(options.target.substr(colon + 1))));
  if (inet_pton(AF_INET, options.target.substr(0, colon).c_str(), &target.sin_addr) != 1)
    return make_error("bad-endpoint", options.target);

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return make_error("connect-failed", "socket");
  Connection connection(fd, magic);
  if (options.receive_buffer_bytes > 0) {
    // Before connect(), so the window the node sees is small from the start.
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer_bytes,
               sizeof options.receive_buffer_bytes);
  }
  if (!options.from.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_port = 0;
    if (inet_pton(AF_INET, options.from.c_str(), &source.sin_addr) != 1)
      return make_error("bad-endpoint", options.from);
    if (bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0)
      return make_error("bind-failed", options.from);
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0)
    return make_error("connect-failed", options.target);
  return connection;
}

Connection::Connection(Connection&& other) noexcept
    : fd_(other.fd_),
      magic_(other.magic_),
      closed_(other.closed_),
      answer_pings_(other.answer_pings_),
      answer_unknown_getdata_(other.answer_unknown_getdata_),
      served_(std::move(other.served_)),
      closed_at_(other.closed_at_) {
  other.fd_ = -1;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    magic_ = other.magic_;
    closed_ = other.closed_;
    answer_pings_ = other.answer_pings_;
    answer_unknown_getdata_ = other.answer_unknown_getdata_;
    served_ = std::move(other.served_);
    closed_at_ = other.closed_at_;
    other.fd_ = -1;
  }
  return *this;
}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

void Connection::mark_closed() {
  if (closed_) return;
  closed_ = true;
  closed_at_ = Clock::now();
}

bool Connection::send_bytes(ByteSpan bytes) {
  size_t sent = 0;
  while (!closed_ && sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      mark_closed();
      break;
    }
    sent += static_cast<size_t>(n);
  }
  return !closed_;
}

bool Connection::send(const net::Message& message) {
  return send_bytes(net::encode_frame(magic_, message));
}

bool Connection::send_frame(std::string_view command, ByteSpan payload) {
  return send_bytes(net::encode_message(magic_, command, payload));
}

bool Connection::read_exactly(Clock::time_point deadline, uint8_t* out, size_t count,
                              bool& timed_out) {
  size_t got = 0;
  while (got < count) {
    pollfd waiting{fd_, POLLIN, 0};
    int ready = poll(&waiting, 1, milliseconds_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      timed_out = true;
      return false;
    }
    ssize_t n = ::recv(fd_, out + got, count - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      mark_closed();
      return false;
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

Connection::ReadStatus Connection::read_frame(Clock::time_point deadline,
                                              net::MessageHeader& header, Bytes& payload) {
  if (closed_) return ReadStatus::closed;
  std::array<uint8_t, net::kHeaderBytes> header_bytes{};
  bool timed_out = false;
  // A frame begun is read to its end: the node writes whole frames.
  if (!read_exactly(deadline, header_bytes.data(), header_bytes.size(), timed_out))
    return timed_out ? ReadStatus::timeout : ReadStatus::closed;
  auto decoded = net::decode_header(header_bytes, magic_);
  if (!decoded) {
    mark_closed();
    return ReadStatus::closed;
  }
  header = *decoded;
  payload.assign(header.payload_bytes, 0);
  auto frame_deadline = std::max(deadline, Clock::now() + std::chrono::seconds(10));
  if (!read_exactly(frame_deadline, payload.data(), payload.size(), timed_out))
    return timed_out ? ReadStatus::timeout : ReadStatus::closed;
  return ReadStatus::frame;
}

std::optional<net::Message> Connection::wait_for(
    Duration timeout, const std::function<bool(const net::Message&)>& accept) {
  auto deadline = Clock::now() + timeout;
  net::MessageHeader header;
  Bytes payload;
  while (read_frame(deadline, header, payload) == ReadStatus::frame) {
    auto message = net::decode_payload(header.command, payload);
    if (!message) continue;
    if (const auto* ping = std::get_if<net::Ping>(&*message); ping && answer_pings_)
      send(net::Pong{ping->nonce});
    if (const auto* request = std::get_if<net::GetData>(&*message);
        request && answer_unknown_getdata_) {
      net::NotFound unknown;
      for (const net::InvItem& item : request->items)
        if (!served_.contains(item.hash)) unknown.items.push_back(item);
      if (!unknown.items.empty()) send(unknown);
    }
    if (accept(*message)) return *message;
  }
  return std::nullopt;
}

bool Connection::send_version(int32_t start_height) {
  net::Version version;
  version.services = 0;
  version.timestamp = std::time(nullptr);
  version.nonce = random_nonce();
  version.user_agent = "/hostile_peer:0.1/";
  version.start_height = start_height;
  // addr_from keeps port 0: the node must not dial back a peer that does not listen.
  return send(version);
}

std::optional<int32_t> Connection::handshake(Duration timeout, int extra_height) {
  auto deadline = Clock::now() + timeout;
  auto left = [&] { return Duration(milliseconds_until(deadline)); };
  auto version = wait_for<net::Version>(left());
  if (!version) return std::nullopt;
  if (!send_version(version->start_height + extra_height) || !send(net::Verack{}))
    return std::nullopt;
  if (!wait_for<net::Verack>(left())) return std::nullopt;
  return version->start_height;
}

bool Connection::ping_pong(Duration timeout) {
  uint64_t nonce = random_nonce();
  if (!send(net::Ping{nonce})) return false;
  return wait_for<net::Pong>(timeout, [&](const net::Pong& pong) { return pong.nonce == nonce; })
      .has_value();
}

bool Connection::wait_closed(Duration timeout) {
  wait_for(timeout, [](const net::Message&) { return false; });
  return closed_;
}

bool Connection::hung_up() {
  if (closed_) return true;
  pollfd waiting{fd_, POLLRDHUP, 0};
  if (poll(&waiting, 1, 0) > 0 && (waiting.revents & (POLLERR | POLLHUP | POLLRDHUP)) != 0)
    mark_closed();
  return closed_;
}

}  // namespace ac::hostile
