// The command line's side of JSON-RPC: one call to the node of NODE_ID (bitcoin-cli's job),
// used by `actorchain rpc` and by the commands that reach a running node.
#pragma once

#include <string>

#include "apps/rpc_credentials.hpp"
#include "chain/result.hpp"
#include "net/jsonrpc.hpp"

namespace ac::app {

// Calls METHOD with positional `params`; the result, or an Error: "rpc-unreachable" (nothing
// listens), "rpc-unauthorized" (401), "rpc-busy" (503), "rpc-error" (the node's error: detail
// "<message> (code N)"), "rpc-bad-reply".
Result<rpc::Json> call_rpc(const NodeEnvironment& env, const RpcOptions& options,
                           const std::string& method, const rpc::Json& params);

// The JSON-RPC error code of an Error from call_rpc with reason "rpc-error"; 0 otherwise.
int rpc_error_code(const Error& error);

// `actorchain rpc METHOD [PARAMS...]`: each parameter is JSON when it parses as JSON, a string
// otherwise. Prints a string result bare, anything else as indented JSON, as bitcoin-cli.
int rpc_command(const NodeEnvironment& env, const RpcOptions& options,
                const std::vector<std::string>& words);

}  // namespace ac::app
