// One TCP connection to a peer, either direction: a session of two actors, as Bitcoin Core
// splits net from net_processing and btcd peer from server. The transport
// (actors/peer_transport.hpp) is the CAF broker that owns the socket: framing, decoding, trace
// lines, the send window. The protocol (actors/peer_protocol.hpp) is what the messages mean:
// handshake, ping, inventory, getdata serving, transactions for the mempool, misbehaviour
// scoring. They talk through actors/peer_link.hpp. Bad input costs the peer misbehaviour points
// (actors/misbehaviour.hpp); at the limit it is disconnected and its address discouraged. A
// peer that never completes the handshake, stops answering pings or stops reading what we send
// is disconnected. Each drop is one log line.
//
// The protocol implements the session's typed interface, actors/session_interface.hpp: what the
// other actors send a session. It sends the sync coordinator PeerReady, PeerGone,
// BlocksAnnounced, BlockArrived, BlocksNotFound; the node SessionStarted, PeerUp, PeerDown,
// AddressesLearned, PingMeasured; the listener DiscourageHost; the mempool SubmitTx,
// GetMissingTxs, GetTx; the chain GetTip, GetHashesAfter, GetHeadersAfter, GetBlockHeaders,
// GetLocator, GetBlocks; the address book
// SampleAddresses.
#pragma once

#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "actors/address_book_actor.hpp"
#include "actors/ban_manager.hpp"
#include "actors/chain_actor.hpp"
#include "actors/listener.hpp"
#include "actors/log_sink.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/node_actor.hpp"
#include "actors/session_interface.hpp"
#include "actors/sync_coordinator.hpp"
#include "chain/params.hpp"
#include "net/header.hpp"
#include "net/net_address.hpp"

namespace ac::actors {

// How long a session waits for a peer and how much it holds for one. Defaults follow Bitcoin
// Core's spirit at this project's scale; tests shorten the timeouts.
struct PeerLimits {
  std::chrono::seconds handshake_timeout{60};   // version and verack both ways
  std::chrono::seconds ping_interval{60};       // a ping after this much time since the last
  std::chrono::seconds ping_timeout{120};       // no pong by then: disconnect
  size_t max_send_buffer = 16 * 1024 * 1024;    // unsent bytes before a slow reader is dropped
  std::chrono::seconds ban_time{24 * 60 * 60};  // how long a misbehaving address is refused
};

// The bytes of whole frames every transport of a node wrote and read, closed connections
// included (getnettotals). Transports add to them as they go; anyone may read them.
struct NetTotals {
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> bytes_received{0};
};

// What every session of a node shares.
struct PeerContext {
  NodeActor node;
  ChainActor chain;
  SyncActor sync;
  MempoolActor mempool;           // may be null: transactions are then ignored
  AddressBookActor address_book;  // may be null: getaddr is then not answered
  LogSinkPtr log;
  net::Magic magic{};
  ChainParams params;                     // for the proof of work of the headers peers send
  net::NetAddress listen_address;         // ours, sent as addr_from
  uint64_t services = net::kNodeNetwork;  // ours, sent in every version
  PeerLimits limits;
  // Sent in every version of this node: a version carrying it back means we dialled ourselves
  // (an address learned from a peer can be our own under another name).
  uint64_t version_nonce = 0;
  std::shared_ptr<NetTotals> totals = std::make_shared<NetTotals>();
  // The manual bans (setban): the list as the node started, and the actor that keeps it (the
  // node subscribes itself and the listener to its changes). Both may be null.
  BanListPtr bans;
  BanManagerActor ban_manager;
};

// A nonce from OpenSSL's RNG.
uint64_t random_nonce();

// Moves the connection `handle` of `listener` (accepted, or an outbound socket it adopted)
// into a new session: a transport broker and its protocol. Returns the protocol.
SessionActor fork_peer_session(ListenerBroker::broker_base* listener,
                               caf::io::connection_handle handle, PeerContextPtr context);

}  // namespace ac::actors
