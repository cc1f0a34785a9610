// An outbound TCP connection with a deadline. CAF 0.17 connects with a blocking connect(2)
// without a timeout, which can take minutes on an address that drops packets; this one gives
// up at the deadline, or as soon as `cancel` is set (the node is shutting down). The node's
// dialler and the P2P client (p2p/client.hpp) both connect through it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "chain/result.hpp"

namespace ac::p2p {

// What a test tool may set on the socket before connect(2).
struct SocketOptions {
  std::string from;              // local IP to bind (a chosen loopback source); empty: any
  int receive_buffer_bytes = 0;  // SO_RCVBUF, so the window the peer sees is small from the
                                 // start; 0 leaves the default
};

// The connected socket's descriptor, non-blocking, TCP_NODELAY (the caller owns it). Reasons:
// "resolve-failed", "bind-failed", "connect-failed" (detail: errno's text), "connect-timeout",
// "cancelled".
Result<int> tcp_connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                        const std::atomic<bool>& cancel, const SocketOptions& options = {});

// "host:port" or "[ipv6]:port" into host and port (1-65535). Reason: "bad-endpoint".
Result<std::pair<std::string, uint16_t>> split_endpoint(const std::string& endpoint);

}  // namespace ac::p2p
