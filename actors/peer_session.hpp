// One TCP connection to a peer, either direction, as a CAF broker: frames the byte stream,
// checks and decodes every message, runs the version/verack handshake and the addr exchange,
// answers getblocks, getdata and ping, passes block traffic to the sync coordinator and
// transactions to the mempool, and writes one trace line per message in and out. A peer that
// sends bad framing or an undecodable payload is disconnected with one log line.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/log_sink.hpp"
#include "net/header.hpp"
#include "net/net_address.hpp"

namespace ac::actors {

// What every session of a node shares.
struct PeerContext {
  caf::actor node;
  caf::actor chain;
  caf::actor sync;
  caf::actor mempool;  // may be null: transactions are then ignored
  LogSinkPtr log;
  net::Magic magic{};
  net::NetAddress listen_address;  // ours, sent as addr_from
  std::chrono::seconds keepalive{60};
};

using PeerContextPtr = std::shared_ptr<const PeerContext>;

// Moves the accepted connection `handle` of `listener` into a new session broker.
caf::actor fork_peer_session(caf::io::broker* listener, caf::io::connection_handle handle,
                             PeerContextPtr context);

// Connects to host:port (blocking the calling thread until connected or refused) and starts a
// session on the connection.
caf::expected<caf::actor> connect_peer_session(caf::actor_system& system, const std::string& host,
                                               uint16_t port, PeerContextPtr context);

}  // namespace ac::actors
