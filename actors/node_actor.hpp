// The node actor: keeps the node's connections and relays. Every new tip and every accepted
// transaction is announced by inv to all peers but its source (blocks at once, transactions
// gathered for up to 50 ms into one inv per peer). It subscribes to the chain's TipChanged and
// the mempool's TxsAccepted at spawn. Wiring and configuration: actors/node.hpp.
//
// Connections, as Bitcoin Core keeps them (README "Peers"; actors/node_connections.hpp):
// - --connect endpoints (the bootstrap) are dialled at start and whenever they are not
//   connected, after 1 s, then 2, 4, ... up to 60 s between failed tries; they do not take
//   outbound slots. addnode (ConnectTo) adds one the same way.
// - max_outbound slots are filled from the address book, which learns from addr, versions and
//   --connect; each outbound connection sends getaddr. Fresh addresses are relayed to two peers.
// - max_peers caps all connections: an inbound newcomer beyond it evicts one inbound peer
//   (actors/peer_eviction.hpp). Discouraged addresses are neither accepted nor dialled.
// - A new peer is told of the transactions in our mempool, so a late miner still gets them.
#pragma once

#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/chain_actor.hpp"
#include "actors/listener.hpp"
#include "actors/local_values.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/session_interface.hpp"

namespace ac::actors {

// Sent by a session as it starts, handled by the node: announces made during its handshake
// reach it (the session holds them until the handshake is done).
struct SessionStarted {
  SessionActor session;
};

// Sent by the listener, handled by the node: an accepted connection's session. The node evicts
// an inbound peer when it is over max_peers.
struct InboundSession {
  SessionActor session;
};

// Sent by a session, handled by the node: the handshake is done; `endpoint` is the peer's
// listening endpoint ("127.0.0.1:8001"; empty when it listens nowhere).
struct PeerUp {
  SessionActor session;
  std::string endpoint;
};

// Sent by a session, handled by the node: the connection is gone.
struct PeerDown {
  SessionActor session;
};

// Sent by a session (a peer's addr message), handled by the node: addresses for the address
// book; fresh ones are relayed to peers other than `source`.
struct AddressesLearned {
  SessionActor source;
  AddressList addresses;
};

// Sent by a session, handled by the node: a ping's round trip (inbound eviction keeps the
// fastest peers).
struct PingMeasured {
  SessionActor session;
  int64_t round_trip_ms = 0;
};

// Sent by a dialler, handled by the node: the outbound connection to `endpoint` has a session,
// or (null session) failed for `error`.
struct Dialled {
  std::string endpoint;
  SessionActor session;
  std::string error;
};

// Sent by the RPC server (getpeerinfo, getconnectioncount) and tests, handled by the node:
// answers the listening endpoints of the peers whose handshake is done
// (std::vector<std::string>).
struct GetReadyPeers {};

// Sent by tests (and anyone who must wait for a connection), handled by the node: answers true
// once a peer listening at `endpoint` has finished its handshake, at once if one has. The asker
// bounds the wait with its request's timeout.
struct AwaitPeer {
  std::string endpoint;
};

// Sent by the RPC server (addnode), handled by the node: keep connected to `endpoint`, as to a
// --connect endpoint.
struct ConnectTo {
  std::string endpoint;
};

// One connection as the RPC server's getpeerinfo and disconnectnode see it.
struct PeerDetail {
  SessionActor session;
  std::string endpoint;  // its listening endpoint ("127.0.0.1:8001"); "" when unknown
  bool inbound = false;
  // Dialled because --connect or addnode named it (Core's connection_type "manual"); an
  // outbound connection without it filled a slot from the address book.
  bool manual = false;
  bool ready = false;            // handshake done
  int64_t connected_for_ms = 0;  // how long ago it connected
  int64_t ping_ms = -1;          // the last ping's round trip; -1 none yet
};

// Sent by the RPC server (getpeerinfo, disconnectnode), handled by the node: answers every
// session it knows (std::vector<PeerDetail>).
struct GetPeerDetails {};

// Sent by the RPC server (addnode ... remove), handled by the node: stop keeping `endpoint`
// connected (a --connect or addnode endpoint; the connection itself stays, as Core's). Answers
// whether it was one.
struct ForgetNode {
  std::string endpoint;
};

// Sent by the RPC server (getnettotals), handled by the node: answers the bytes of whole
// frames its connections sent and received since it started, closed ones included
// (TrafficTotals).
struct GetNetTotals {};

struct TrafficTotals {
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

using NodeActor =
    caf::typed_actor<caf::reacts_to<SessionStarted>,            //
                     caf::reacts_to<InboundSession>,            //
                     caf::reacts_to<PeerUp>,                    //
                     caf::reacts_to<PeerDown>,                  //
                     caf::reacts_to<AddressesLearned>,          //
                     caf::reacts_to<PingMeasured>,              //
                     caf::reacts_to<Dialled>,                   //
                     caf::reacts_to<DiscourageHost>,            // from the listener
                     caf::replies_to<BansChanged>::with<bool>,  // from the ban manager
                     caf::reacts_to<TipChanged>,                // from the chain: relay its blocks
                     caf::reacts_to<NewPowValidBlock>,          // from the chain: push it early
                     caf::reacts_to<TxsAccepted>,               // from the mempool, the wallet
                     caf::replies_to<GetReadyPeers>::with<std::vector<std::string>>,
                     caf::replies_to<AwaitPeer>::with<bool>, caf::reacts_to<ConnectTo>,
                     caf::replies_to<GetPeerDetails>::with<std::vector<PeerDetail>>,
                     caf::replies_to<ForgetNode>::with<bool>,
                     caf::replies_to<GetNetTotals>::with<TrafficTotals>>;

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SessionStarted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::InboundSession)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerUp)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerDown)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AddressesLearned)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PingMeasured)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::Dialled)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetReadyPeers)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AwaitPeer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ConnectTo)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetPeerDetails)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ForgetNode)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetNetTotals)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TrafficTotals)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::PeerDetail>)
