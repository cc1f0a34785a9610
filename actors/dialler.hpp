// One outbound connection attempt, in a blocking actor of its own (tcp_connect waits up to
// kConnectTimeout), so the node keeps relaying however slow an address is to answer. On
// success the listener, a broker, adopts the socket into a session (AdoptSocket). Reports to
// the node: Dialled{endpoint, session, ""} or Dialled{endpoint, null session, why}.
#pragma once

#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "actors/listener.hpp"
#include "actors/node_actor.hpp"

namespace ac::actors {

inline constexpr std::chrono::seconds kConnectTimeout{10};

// REQUIRES: `endpoint` parses as "host:port".
void spawn_dialler(caf::local_actor* parent, NodeActor node, ListenerActor listener,
                   std::string endpoint, std::shared_ptr<const std::atomic<bool>> stopping);

}  // namespace ac::actors
