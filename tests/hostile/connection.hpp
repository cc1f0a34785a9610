// The hostile peer's connection to the node under test: the shared P2P client
// (p2p/client.hpp), bound to a chosen loopback source address so that the node's
// discouragement of that IP can be observed.
#pragma once

#include <optional>
#include <string>

#include "p2p/client.hpp"

namespace ac::hostile {

using Clock = p2p::Clock;
using Duration = p2p::Duration;
using Connection = p2p::Client;
using ConnectOptions = p2p::ConnectOptions;

inline constexpr const char* kUserAgent = "/hostile_peer:0.1/";

// Seconds since `start`, for the report lines.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// version/verack both ways, answering the node's version with a height `extra_height` above
// the node's (a peer about to announce a block claims it has it). Returns the node's height;
// nullopt when the node closed the connection or did not finish in time.
inline std::optional<int32_t> handshake(Connection& connection, Duration timeout,
                                        int extra_height = 0) {
  auto theirs = connection.handshake_answering(timeout, [&](const net::Version& node) {
    return p2p::client_version(kUserAgent, node.start_height + extra_height);
  });
  if (!theirs) return std::nullopt;
  return theirs->start_height;
}

}  // namespace ac::hostile
