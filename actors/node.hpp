// The node: wires a node's actors together (chain, sync coordinator, mempool, miner, listener,
// peer sessions), keeps the known-peers list, makes the outbound connections, and relays:
// every new tip and every accepted transaction is announced by inv to all peers but its source
// (blocks at once, transactions gathered for up to 50 ms into one inv per peer).
// The addr exchange lets peers of a central node learn of each other: a node connects to each
// newly learned listening endpoint once. It answers (peers_atom) with the listening endpoints
// of the peers whose handshake is done.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/chain_backend.hpp"
#include "actors/log_sink.hpp"
#include "actors/peer_session.hpp"
#include "actors/sync_planner.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/store.hpp"

namespace ac::actors {

struct NodeConfig {
  ChainParams params;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;          // 0: any free port (tests)
  std::vector<std::string> connect;  // "host:port"; "localhost" is taken as 127.0.0.1
  int max_peers = 32;                // inbound connections
  PeerLimits peer_limits;            // timeouts, send buffer, ban time
  SyncLimits sync_limits;            // download window, deadlines, idle re-asking
  LogSinkPtr log;
  std::string miner_address;  // empty: no mining
  int min_txs = 1;
  unsigned miner_threads = 1;
  // The chain's UTXO set, read by the mempool; null: every transaction is refused.
  std::shared_ptr<const CoinsView> coins;
  // The node's store, for the utxo_indexer; null: no indexer.
  std::shared_ptr<const Store> store;
};

struct NodeActors {
  caf::actor node;
  caf::actor chain;
  caf::actor sync;
  caf::actor mempool;
  caf::actor miner;
  caf::actor utxo_indexer;
  uint16_t port = 0;  // where the node listens
};

// Opens the listening socket and spawns the node's actors. Reasons "listen-failed" (detail:
// why) when the port cannot be bound, "bad-miner-address".
Result<NodeActors> start_node_actors(caf::actor_system& system, const NodeConfig& config,
                                     std::shared_ptr<ChainBackend> chain);

// Stops every actor of the node; sessions and the listener go down with the node.
void stop_node_actors(const NodeActors& actors);

}  // namespace ac::actors
