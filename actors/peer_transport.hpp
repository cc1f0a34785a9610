// The transport half of a peer session (Bitcoin Core's net, btcd's peer): a CAF broker that
// owns one TCP connection. It cuts the byte stream into frames (actors/frame_reader.hpp),
// decodes them, writes one trace line per message in and out, writes what the protocol sends,
// and accounts for the bytes not yet written: it tells the protocol when they cross the send
// window and when they pass the send-buffer limit. It decides nothing about the peer: every
// failure goes to the protocol half (actors/peer_protocol.hpp) as a message of
// actors/peer_link.hpp, and the protocol tells it when to drop the connection.
#pragma once

#include <caf/io/fwd.hpp>
#include <caf/io/typed_broker.hpp>

#include <string>

#include "actors/listener.hpp"
#include "actors/peer_link.hpp"
#include "actors/peer_session.hpp"

namespace ac::actors {

// Moves the connection `handle` of `listener` into a new transport broker talking to
// `protocol`; `trace` names the connection in trace lines. The transport
// monitors the protocol: it drops the connection and goes when the protocol does.
TransportActor fork_peer_transport(ListenerBroker::broker_base* listener,
                                   caf::io::connection_handle handle, TransportEvents protocol,
                                   PeerContextPtr context, net::TraceConnection trace);

}  // namespace ac::actors
