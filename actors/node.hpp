// The node: wires a node's actors together (chain, sync coordinator, mempool, miner, address
// book, listener, peer sessions), keeps its connections, and relays: every new tip and every
// accepted transaction is announced by inv to all peers but its source (blocks at once,
// transactions gathered for up to 50 ms into one inv per peer).
//
// Connections, as Bitcoin Core keeps them (README "Peers"):
// - --connect endpoints (the bootstrap) are dialled at start and whenever they are not
//   connected, after 1 s, then 2, 4, ... up to 60 s between failed tries; they do not take
//   outbound slots.
// - max_outbound slots are filled from the address book, which learns from addr, versions and
//   --connect; each outbound connection sends getaddr. Fresh addresses are relayed to two peers.
// - max_peers caps all connections: an inbound newcomer beyond it evicts one inbound peer
//   (actors/peer_eviction.hpp). Discouraged addresses are neither accepted nor dialled.
// - A new peer is told of the transactions in our mempool, so a late miner still gets them.
// It answers (peers_atom) with the listening endpoints of the peers whose handshake is done.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/address_book_actor.hpp"
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
  uint16_t listen_port = 0;                 // 0: any free port (tests)
  std::vector<std::string> connect;         // "host:port"; "localhost" is taken as 127.0.0.1
  int max_peers = 125;                      // all connections, inbound and outbound
  int max_outbound = 8;                     // outbound slots filled from the address book
  std::filesystem::path address_book_path;  // peers.dat; empty: in memory only
  PeerLimits peer_limits;                   // timeouts, send buffer, ban time
  SyncLimits sync_limits;                   // download window, deadlines, idle re-asking
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
  address_book_actor address_book;
  uint16_t port = 0;  // where the node listens
};

// Opens the listening socket and spawns the node's actors. Reasons "listen-failed" (detail:
// why) when the port cannot be bound, "bad-miner-address".
Result<NodeActors> start_node_actors(caf::actor_system& system, const NodeConfig& config,
                                     std::shared_ptr<ChainBackend> chain);

// Stops every actor of the node; sessions and the listener go down with the node.
void stop_node_actors(const NodeActors& actors);

}  // namespace ac::actors
