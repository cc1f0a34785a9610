// Whether the node of NODE_ID is running, and the way to its RPC when it is: the tutorial's
// commands (createwallet, listaddresses, dumpprivkey, getbalance, printchain, send) go through
// a running node's JSON-RPC and open the files only when it is stopped, with the same output.
#pragma once

#include <optional>

#include "apps/cli_args.hpp"
#include "apps/rpc_client.hpp"

namespace ac::app {

// True when a process holds the LevelDB lock of the node's store (as a running node does).
// Probes the lock (fcntl F_GETLK) without taking it and without creating anything.
bool node_holds_store(const NodeEnvironment& env);

// A client of the node's RPC when the node runs and the command line has its credentials (the
// cookie, or --rpc-user/--rpc-password). None otherwise: a stopped node, or one run with
// --no-rpc (no wallet actor then: its files are the command's to use, as before).
std::optional<RpcClient> running_node_rpc(const NodeEnvironment& env, const RpcOptions& options);

}  // namespace ac::app
