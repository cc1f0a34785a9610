#include "p2p/tcp_connect.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ac::p2p {
namespace {

using namespace std::chrono_literals;

// A listening socket on an ephemeral 127.0.0.1 port, closed at the end of the test.
struct Listener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  uint16_t port = 0;
  Listener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd, 4);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd); }
};

TEST(TcpConnect, ConnectsToAListeningPort) {
  Listener listener;
  std::atomic<bool> cancel{false};
  auto socket = tcp_connect("127.0.0.1", listener.port, 5s, cancel);
  ASSERT_TRUE(socket) << socket.error().message();
  EXPECT_GE(*socket, 0);
  ::close(*socket);
}

TEST(TcpConnect, RefusedPortIsConnectFailed) {
  uint16_t port = 0;
  {
    Listener closed;  // a port that was free a moment ago and is closed again
    port = closed.port;
  }
  std::atomic<bool> cancel{false};
  auto socket = tcp_connect("127.0.0.1", port, 5s, cancel);
  ASSERT_FALSE(socket);
  EXPECT_EQ(socket.reason(), "connect-failed");
}

TEST(TcpConnect, UnknownHostIsResolveFailed) {
  std::atomic<bool> cancel{false};
  auto socket = tcp_connect("no-such-host.invalid", 8000, 5s, cancel);
  ASSERT_FALSE(socket);
  EXPECT_EQ(socket.reason(), "resolve-failed");
}

}  // namespace
}  // namespace ac::p2p
