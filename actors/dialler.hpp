// One outbound connection attempt, in a blocking actor of its own (tcp_connect waits up to
// kConnectTimeout), so the node keeps relaying however slow an address is to answer. On
// success the listener, a broker, adopts the socket into a session. Reports to the node:
// (dialled_atom, endpoint, session, "") or (dialled_atom, endpoint, null actor, why).
#pragma once

#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace ac::actors {

inline constexpr std::chrono::seconds kConnectTimeout{10};

// REQUIRES: `endpoint` parses as "host:port".
void spawn_dialler(caf::local_actor* parent, caf::actor node, caf::actor listener,
                   std::string endpoint, std::shared_ptr<const std::atomic<bool>> stopping);

}  // namespace ac::actors
