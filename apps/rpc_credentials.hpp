// Where a node's JSON-RPC is and how to log in: the cookie file that `startnode` writes into
// `<datadir>/<NODE_ID>/.cookie` ("__cookie__:<64 hex>", mode 0600, as Core's) and removes at a
// clean stop, or a user and password given on both sides.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "apps/cli_args.hpp"
#include "chain/result.hpp"

namespace ac::app {

struct RpcOptions {
  int port = -1;  // -1: NODE_ID + 1000
  std::string bind = "127.0.0.1";
  bool disabled = false;
  std::string user;
  std::string password;
  int threads = 16;
  int work_queue = 64;
  int server_timeout = 30;  // seconds
};

std::filesystem::path cookie_path(const NodeEnvironment& env);

// The port RPC uses for this node. Reason "rpc-port-invalid" when NODE_ID + 1000 is no port.
Result<uint16_t> rpc_port(const NodeEnvironment& env, const RpcOptions& options);

// A fresh cookie "__cookie__:<64 hex>" (random from OpenSSL). Reason "cookie-write-failed".
Result<std::string> make_cookie();
// Writes it through a temporary file, mode 0600, fsynced. Reason "cookie-write-failed".
Status write_cookie(const NodeEnvironment& env, const std::string& cookie);
void remove_cookie(const NodeEnvironment& env);

// "user:password" from the options, else the node's cookie. Reason "rpc-no-credentials" when
// neither is there (the node is not running, or runs with --rpc-user).
Result<std::string> client_credentials(const NodeEnvironment& env, const RpcOptions& options);

}  // namespace ac::app
