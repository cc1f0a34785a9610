// The listener: the node's listening socket, as a CAF broker. Every accepted connection gets a
// peer_session, reported to the node with (inbound_atom, session) so the node can evict an
// inbound peer when it is over --max-peers; only a burst beyond max-peers + kInboundHeadroom
// inbound connections, or a discouraged address, is refused at once. It also adopts the
// sockets of outbound connections into sessions (adopt_atom) and keeps the discouraged
// addresses (discourage_atom).
#pragma once

#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>

#include "actors/peer_session.hpp"

namespace ac::actors {

// Inbound connections accepted beyond max-peers while evictions catch up.
inline constexpr int kInboundHeadroom = 8;

caf::actor spawn_listener(caf::actor_system& system, caf::io::doorman_ptr doorman,
                          PeerContextPtr context, int max_peers);

}  // namespace ac::actors
