// A node's actors wired together: the chain, sync coordinator, mempool, miner, utxo_indexer,
// address book and the node actor (actors/node_actor.hpp, which keeps the connections and
// relays) with its listener and peer sessions.
#pragma once

#include <caf/fwd.hpp>

#include <atomic>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/address_book_actor.hpp"
#include "actors/ban_manager.hpp"
#include "actors/chain_actor.hpp"
#include "actors/chain_backend.hpp"
#include "actors/log_sink.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/miner_actor.hpp"
#include "actors/node_actor.hpp"
#include "actors/peer_session.hpp"
#include "actors/sync_coordinator.hpp"
#include "actors/sync_planner.hpp"
#include "actors/utxo_indexer.hpp"
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
  std::filesystem::path ban_list_path;      // banlist.json (setban); empty: in memory only
  PeerLimits peer_limits;                   // timeouts, send buffer, ban time
  SyncLimits sync_limits;                   // download window, deadlines, idle re-asking
  LogSinkPtr log;
  std::string miner_address;  // empty: no mining
  // What our version and addr say we serve: NODE_NETWORK, or NODE_NETWORK_LIMITED when pruned.
  uint64_t local_services = net::kNodeNetwork;
  int min_txs = 1;
  unsigned miner_threads = 1;
  // The chain's UTXO set, read by the mempool as of the tip it knows (the node's Store); null:
  // no coins (actor tests over a MemoryChain), every transaction is refused.
  std::shared_ptr<const TipCoins> coins;
  // The node's store, for the utxo_indexer; null: no indexer.
  std::shared_ptr<const Store> store;
  // mempool.dat (written by save_mempool and `savemempool`); empty: none. With load_mempool
  // the mempool submits its transactions at start (--persistmempool).
  std::filesystem::path mempool_path{};
  bool load_mempool = false;
};

struct NodeActors {
  NodeActor node;
  ChainActor chain;
  SyncActor sync;
  MempoolActor mempool;
  MinerActor miner;
  UtxoIndexerActor utxo_indexer;
  AddressBookActor address_book;
  BanManagerActor bans;  // setban, listbanned, clearbanned
  uint16_t port = 0;     // where the node listens
  // Set by begin_node_shutdown; the node actor reads it before every dial.
  std::shared_ptr<std::atomic<bool>> stopping;
};

// Opens the listening socket and spawns the node's actors. Reasons "port-in-use" (kind kBusy)
// when the port cannot be bound, "listen-failed" (detail: why) for other socket failures,
// "bad-miner-address".
Result<NodeActors> start_node_actors(caf::actor_system& system, const NodeConfig& config,
                                     std::shared_ptr<ChainBackend> chain);

// The node's shutdown begins: it dials no one from now on (not even a bootstrap peer whose
// retry is due) and connection attempts under way give up quietly. Takes effect at once, from
// any thread (the main thread on SIGTERM, before it stops the RPC server and the actors).
void begin_node_shutdown(const NodeActors& actors);

// Stops every actor of the node (beginning its shutdown first if that was not done); sessions
// and the listener go down with the node.
void stop_node_actors(const NodeActors& actors);

}  // namespace ac::actors
