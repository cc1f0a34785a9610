// The listener: the node's listening socket, as a CAF broker. Every accepted connection gets a
// peer session, reported to the node (InboundSession) so the node can evict an inbound peer
// when it is over --max-peers; only a burst beyond max-peers + kInboundHeadroom inbound
// connections, or a banned (actors/ban_manager.hpp) or discouraged address, is refused at once. It
// also adopts the sockets of our outbound connections into sessions the same way, and keeps the
// discouraged addresses: in memory only, as Bitcoin Core's discouragement, so a restart forgives.
#pragma once

#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/typed_actor.hpp>

#include <memory>
#include <string>

#include "actors/ban_manager.hpp"
#include "actors/session_interface.hpp"

namespace ac::actors {

// Inbound connections accepted beyond max-peers while evictions catch up.
inline constexpr int kInboundHeadroom = 8;

// Sent by a session (its peer reached the misbehaviour limit) to the listener that made it,
// which hands it on to the node: refuse `host` for the ban time (the listener its inbound
// connections, the node and its address book the outbound ones); `what` is logged. Sent to the
// listener directly, so the address is refused before the peer can reconnect.
struct DiscourageHost {
  std::string host;
  std::string what;
};

// Sent by the dialler, handled by the listener: make a session of this connected socket.
// Answers the session's handle.
struct AdoptSocket {
  int socket = -1;
};

using ListenerActor = caf::typed_actor<caf::reacts_to<DiscourageHost>,  //
                                       caf::replies_to<AdoptSocket>::with<SessionActor>,
                                       caf::replies_to<BansChanged>::with<bool>>;

// The listener as a broker: the public interface and the socket events it handles.
using ListenerBroker = ListenerActor::extend<caf::reacts_to<caf::io::new_connection_msg>,
                                             caf::reacts_to<caf::io::acceptor_closed_msg>>;

struct PeerContext;
using PeerContextPtr = std::shared_ptr<const PeerContext>;

// Spawns the listener on `doorman` (the node's bound listening socket).
ListenerActor spawn_listener(caf::actor_system& system, caf::io::doorman_ptr doorman,
                             PeerContextPtr context, int max_peers);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::DiscourageHost)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AdoptSocket)
