#include "p2p/tcp_connect.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

namespace ac::p2p {

namespace {

// How often a pending connect looks at the cancel flag.
constexpr std::chrono::milliseconds kCancelCheck{100};

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

// Waits for a non-blocking connect to finish; 0 when connected, else the reason.
Result<int> await_connected(int fd, std::chrono::milliseconds timeout,
                            const std::atomic<bool>& cancel) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (cancel.load()) return make_error(ErrorKind::kCancelled, "cancelled", "node stopping");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return make_error("connect-timeout", "no answer in time");
    pollfd waiting{fd, POLLOUT, 0};
    int ready = ::poll(&waiting, 1, static_cast<int>(std::min(left, kCancelCheck).count()));
    if (ready < 0 && errno != EINTR) return make_error("connect-failed", std::strerror(errno));
    if (ready <= 0) continue;
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) return make_error("connect-failed", std::strerror(error));
    return 0;
  }
}

// Binds the source address and sizes the receive buffer, both before connect(2).
Status prepare_socket(int fd, int family, const SocketOptions& options) {
  if (options.receive_buffer_bytes > 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer_bytes,
                 sizeof options.receive_buffer_bytes);
  if (options.from.empty()) return {};
  sockaddr_storage source{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&source);
    v4->sin_family = AF_INET;
    if (::inet_pton(AF_INET, options.from.c_str(), &v4->sin_addr) != 1)
      return make_error("bind-failed", options.from + " is not an IPv4 address");
    length = sizeof *v4;
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&source);
    v6->sin6_family = AF_INET6;
    if (::inet_pton(AF_INET6, options.from.c_str(), &v6->sin6_addr) != 1)
      return make_error("bind-failed", options.from + " is not an IPv6 address");
    length = sizeof *v6;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&source), length) != 0)
    return make_error("bind-failed", options.from + ": " + std::strerror(errno));
  return {};
}

}  // namespace

Result<std::pair<std::string, uint16_t>> split_endpoint(const std::string& endpoint) {
  size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos) return make_error("bad-endpoint", endpoint + " (want HOST:PORT)");
  std::string host = endpoint.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const char* first = endpoint.data() + colon + 1;
  const char* last = endpoint.data() + endpoint.size();
  auto [end, error] = std::from_chars(first, last, port);
  if (host.empty() || error != std::errc{} || end != last || port == 0 || port > 65535)
    return make_error("bad-endpoint", endpoint + " (want HOST:PORT)");
  return std::pair{host, static_cast<uint16_t>(port)};
}

Result<int> tcp_connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                        const std::atomic<bool>& cancel, const SocketOptions& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); status != 0)
    return make_error("resolve-failed", gai_strerror(status));
  std::unique_ptr<addrinfo, AddrInfoDeleter> addresses(found);
  Error last{"connect-failed", "no address"};
  for (addrinfo* address = addresses.get(); address; address = address->ai_next) {
    int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                      address->ai_protocol);
    if (fd < 0) {
      last = Error{"connect-failed", std::strerror(errno)};
      continue;
    }
    if (Status prepared = prepare_socket(fd, address->ai_family, options); !prepared) {
      ::close(fd);
      return prepared.error();
    }
    Result<int> connected = 0;
    if (::connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
      connected = errno == EINPROGRESS
                      ? await_connected(fd, timeout, cancel)
                      : Result<int>(make_error("connect-failed", std::strerror(errno)));
    }
    if (connected) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    ::close(fd);
    last = connected.error();
    if (last.kind == ErrorKind::kCancelled) break;
  }
  return last;
}

}  // namespace ac::p2p
