// The protocol half of a peer session (Bitcoin Core's net_processing, btcd's server side of a
// peer): everything the peer's messages mean, with no socket. It runs the version/verack
// handshake and its deadline, pings and the pong's deadline, remembers which hashes the peer
// knows, answers getblocks and getdata (paced behind the transport's send window), queues the
// peer's transactions for the mempool, passes block traffic to the sync coordinator, adds up
// misbehaviour points (actors/misbehaviour.hpp) and disconnects, and discourages, at the limit.
// Each drop is one log line.
//
// Its handle is the session as the node, the sync coordinator and the mempool know it. What it
// exchanges with its transport (actors/peer_transport.hpp) is actors/peer_link.hpp: messages in,
// messages out, window and closing events; a test can play the transport itself.
#pragma once

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "actors/listener.hpp"
#include "actors/peer_link.hpp"
#include "actors/peer_session.hpp"
#include "actors/session_interface.hpp"

namespace ac::actors {

// The protocol as its session's other half sees it: the session's interface, its transport's
// events, and the transport itself when attached.
using ProtocolActor =
    SessionActor::extend<caf::reacts_to<PeerTransportAttached>>::extend_with<TransportEvents>;

// A protocol for the peer at `trace.peer` ("127.0.0.1:8000"; `host` is its IP, what
// discouragement is keyed by); `trace` names the connection in the trace file; `listener` is
// told to discourage the address of a peer that reaches the misbehaviour limit. It starts at once
// (asks the chain for the tip, for its version); what it sends the peer waits until
// PeerTransportAttached names the transport.
ProtocolActor spawn_peer_protocol(caf::actor_system& system, PeerContextPtr context,
                                  net::TraceConnection trace, std::string host,
                                  ListenerActor listener);

}  // namespace ac::actors
