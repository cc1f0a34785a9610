// The command line's side of JSON-RPC: calls to the node of NODE_ID (bitcoin-cli's job), used
// by `actorchain rpc` and by the commands that reach a running node.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apps/rpc_credentials.hpp"
#include "chain/result.hpp"
#include "net/jsonrpc.hpp"

namespace ac::app {

// The node's answer to one call: a result, or its JSON-RPC error object. Callers decide on
// `error_code` (Core's codes, net/jsonrpc.hpp), never on the message text.
struct RpcReply {
  rpc::Json result;
  int error_code = 0;  // 0: no error (Core never answers with code 0)
  std::string error_message;

  bool ok() const { return error_code == 0; }
  // The node's error as the command line prints it: "rpc-error: <message> (code N)".
  Error as_error() const;
};

// One connection (kept alive across calls) to the node of NODE_ID.
class RpcClient {
 public:
  // Finds the port and the credentials (options, else the cookie). Reasons as rpc_port and
  // client_credentials ("rpc-no-credentials" when the node writes no cookie).
  static Result<RpcClient> open(const NodeEnvironment& env, const RpcOptions& options);
  RpcClient(RpcClient&&) noexcept;
  RpcClient& operator=(RpcClient&&) noexcept;
  ~RpcClient();

  // Calls METHOD with positional `params`. Reasons: "rpc-unreachable" (nothing answers),
  // "rpc-unauthorized" (401), "rpc-busy" (503), "rpc-bad-reply" (no JSON-RPC envelope).
  Result<RpcReply> call(const std::string& method, const rpc::Json& params);
  // The same, with the node's error as an Error (RpcReply::as_error).
  Result<rpc::Json> result(const std::string& method, const rpc::Json& params);

 private:
  struct Impl;
  explicit RpcClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `actorchain rpc METHOD [PARAMS...]`: each parameter is JSON when it parses as JSON, a string
// otherwise. Prints a string result bare, anything else as indented JSON, as bitcoin-cli.
int rpc_command(const NodeEnvironment& env, const RpcOptions& options,
                const std::vector<std::string>& words);

}  // namespace ac::app
