// The JSON-RPC server of a running node: HTTP/1.1 on its own threads (cpp-httplib), never on
// the CAF scheduler. It checks Basic authentication, bounds what a client may cost, and hands
// each body to a Dispatcher (net/jsonrpc.hpp) whose methods ask the actors with timeouts.
//
// Bounds, as Core's HTTP server: `threads` connections are served at once (a keep-alive
// connection holds its thread until it closes or idles for keep_alive_timeout); up to
// `work_queue` more wait their turn; beyond that a connection is answered HTTP 503 at once
// ("Work queue depth exceeded"), like -rpcworkqueue. Bodies over `max_body_bytes` get 413,
// a client that sends nothing or trickles is dropped after `timeout` without data.
// A wrong or missing credential gets 401 after a 250 ms pause (as Core, to slow guessing); the
// credential is never logged.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/log_sink.hpp"
#include "chain/result.hpp"
#include "net/jsonrpc.hpp"

namespace ac::actors {

struct RpcServerConfig {
  std::string bind = "127.0.0.1";
  uint16_t port = 0;        // 0: any free port
  std::string credentials;  // "user:password" (the cookie's "__cookie__:<hex>")
  size_t threads = 16;
  size_t work_queue = 64;
  size_t max_body_bytes = 32 * 1024 * 1024;
  std::chrono::seconds timeout{30};
  std::chrono::seconds keep_alive_timeout{5};
};

class RpcServer {
 public:
  // Binds and starts serving. Reason "rpc-port-in-use" (detail: the address) when the port is
  // taken, "rpc-bind-failed" for any other failure to listen.
  static Result<std::unique_ptr<RpcServer>> start(RpcServerConfig config,
                                                  std::shared_ptr<const rpc::Dispatcher> methods);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  uint16_t port() const;
  // Stops accepting, lets the requests in progress finish, joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  explicit RpcServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ac::actors
