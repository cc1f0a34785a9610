// How the RPC's threads ask the node's actors: a blocking request from a scoped actor (its own
// mailbox, on the HTTP thread), with a timeout, so an actor never waits on the RPC and a busy
// actor costs the client an error (-1 "node did not answer ..."), never a hung connection.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "net/jsonrpc.hpp"

namespace ac::actors {

class RpcAsk {
 public:
  RpcAsk(caf::actor_system& system, std::chrono::milliseconds timeout)
      : system_(&system), timeout_(timeout) {}

  // The one value `dest` (a typed actor handle) replies with.
  template <class T, class Handle, class... Ts>
  T value(const Handle& dest, Ts&&... xs) const {
    std::optional<T> out;
    call(
        dest, [&](T& answer) { out = std::move(answer); }, std::forward<Ts>(xs)...);
    if (!out) throw rpc::RpcError(rpc::kMiscError, "node did not answer");
    return std::move(*out);
  }

 private:
  template <class Handle, class Handler, class... Ts>
  void call(const Handle& dest, Handler handler, Ts&&... xs) const {
    if (!dest) throw rpc::RpcError(rpc::kMiscError, "node is not running that service");
    caf::scoped_actor self{*system_};
    std::string failure;
    self->request(dest, timeout_, std::forward<Ts>(xs)...).receive(handler, [&](caf::error& error) {
      failure = system_->render(error);
    });
    if (!failure.empty()) throw rpc::RpcError(rpc::kMiscError, "node did not answer: " + failure);
  }

  caf::actor_system* system_;
  std::chrono::milliseconds timeout_;
};

}  // namespace ac::actors
