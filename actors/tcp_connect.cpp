#include "actors/tcp_connect.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace ac::actors {

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
    if (cancel.load()) return make_error("cancelled", "node stopping");
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

}  // namespace

Result<int> tcp_connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                        const std::atomic<bool>& cancel) {
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
    if (last.reason == "cancelled") break;
  }
  return last;
}

}  // namespace ac::actors
