// What a session's two halves say to each other: the transport (actors/peer_transport.hpp, the
// broker that owns the socket) and the protocol (actors/peer_protocol.hpp, everything the bytes
// mean). The transport frames, decodes and traces; the protocol decides. Each message is sent
// by one side only, named below.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "chain/result.hpp"
#include "net/messages.hpp"
#include "net/peer_stats.hpp"
#include "net/trace.hpp"

namespace ac::actors {

// protocol -> transport: write this message (traced by the transport).
struct PeerMessageOut {
  net::Message message;
};

// protocol -> transport: drop the connection now, unsent bytes included, and quit.
struct PeerAbort {};

// transport -> protocol: a decoded message from the peer (already traced).
struct PeerMessageIn {
  net::Message message;
};

// transport -> protocol: the byte stream is not frames (bad magic, bad checksum, a length over
// the maximum). Nothing more is read from the peer.
struct PeerFramingFailed {
  Error error;
};

// transport -> protocol: a frame whose payload does not decode, or of a command we do not know
// (ErrorKind::kUnsupported, which newer peers send: skipped, as Bitcoin Core does).
struct PeerUndecodable {
  std::string command;
  Error error;
};

// transport -> protocol: the bytes not yet written crossed the send window (kSendWindow)
// upwards (open = false) or downwards again (open = true).
struct PeerSendWindow {
  bool open = true;
};

// transport -> protocol: the bytes not yet written passed PeerLimits::max_send_buffer: the
// peer does not read. Sent once.
struct PeerSendOverflow {
  size_t unsent = 0;
};

// transport -> protocol: the peer closed the connection (the transport has quit).
struct PeerClosed {};

// protocol -> transport (for getpeerinfo): answers the connection's traffic so far
// (net::PeerTraffic).
struct GetTraffic {};

// What the protocol sends its transport.
using TransportActor = caf::typed_actor<caf::reacts_to<PeerMessageOut>, caf::reacts_to<PeerAbort>,
                                        caf::replies_to<GetTraffic>::with<net::PeerTraffic>>;

// whoever forks the session -> protocol: its transport, once both exist.
struct PeerTransportAttached {
  TransportActor transport;
};

// What the transport sends its protocol.
using TransportEvents = caf::typed_actor<caf::reacts_to<PeerMessageIn>,      //
                                         caf::reacts_to<PeerFramingFailed>,  //
                                         caf::reacts_to<PeerUndecodable>,    //
                                         caf::reacts_to<PeerSendWindow>,     //
                                         caf::reacts_to<PeerSendOverflow>,   //
                                         caf::reacts_to<PeerClosed>>;

// An inbound peer's node id is its listening port, which its version tells. Both halves call
// this on every message in, so their trace lines name the peer alike.
inline void learn_peer_node(net::TraceConnection& trace, const net::Message& message) {
  if (auto* version = std::get_if<net::Version>(&message);
      version && trace.peer_node.empty() && version->addr_from.port != 0)
    trace.peer_node = std::to_string(version->addr_from.port);
}

// Unsent bytes above which getdata is no longer served until the peer has read what it asked
// for (Bitcoin Core pauses at about 1 MB the same way).
inline constexpr size_t kSendWindow = 1024 * 1024;

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerMessageIn)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerFramingFailed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerUndecodable)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerSendWindow)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerSendOverflow)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerClosed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerMessageOut)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerAbort)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetTraffic)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::net::PeerTraffic)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerTransportAttached)
