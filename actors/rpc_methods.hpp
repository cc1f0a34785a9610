// The JSON-RPC methods of a running node, with Core's names, parameters, result fields and
// error codes. Each asks the actors (actors/rpc_ask.hpp) from the HTTP thread that serves it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "actors/node.hpp"
#include "actors/wallet_actor.hpp"
#include "chain/params.hpp"
#include "net/jsonrpc.hpp"

namespace caf {
class actor_system;
}
namespace ac {
class TxIndex;
}

namespace ac::actors {

struct RpcNodeContext {
  caf::actor_system* system = nullptr;
  NodeActors actors;
  WalletActor wallet;  // null: no wallet methods
  ChainParams params;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::function<void()> request_stop;           // `stop`: begins a clean shutdown
  std::chrono::milliseconds timeout{30'000};    // per question to an actor
  std::shared_ptr<TxIndex> txindex;             // --txindex (getrawtransaction); null without
  uint64_t local_services = net::kNodeNetwork;  // getnetworkinfo's localservices
};

// Every method: blockchain, mempool and raw transactions (rpc_chain_methods.cpp), network,
// mining and control (rpc_node_methods.cpp), scantxoutset (rpc_scan_methods.cpp), the wallet's
// (rpc_wallet_methods.cpp) and `help`.
std::shared_ptr<rpc::Dispatcher> make_node_methods(const RpcNodeContext& context);

void add_chain_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
// invalidateblock, reconsiderblock (rpc_invalidate_methods.cpp; add_chain_methods adds them).
void add_invalidate_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
// getmempoolinfo, getrawmempool, getmempoolentry, getmempoolancestors, getmempooldescendants,
// savemempool (rpc_mempool_methods.cpp; add_chain_methods adds them).
void add_mempool_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
void add_node_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
// getpeerinfo, getnettotals, ping (rpc_peer_methods.cpp).
void add_peer_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
// getblocktemplate, submitblock (rpc_mining_methods.cpp).
void add_mining_template_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
// setban, listbanned, clearbanned (rpc_ban_methods.cpp).
void add_ban_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
// pruneblockchain (rpc_prune_methods.cpp; add_chain_methods adds it), and getblockchaininfo's
// pruning fields.
void add_prune_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
void add_prune_fields(rpc::Json& info, const PruneState& state);
void add_scan_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
void add_wallet_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);
// getbalances, listtransactions, gettransaction (rpc_history_methods.cpp).
void add_wallet_history_methods(rpc::Dispatcher& methods, const RpcNodeContext& context);

}  // namespace ac::actors
