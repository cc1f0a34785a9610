#include "actors/dialler.hpp"

#include <caf/all.hpp>

#include <unistd.h>

#include "net/net_address.hpp"
#include "p2p/tcp_connect.hpp"

namespace ac::actors {

namespace {

void dialler(caf::blocking_actor* self, NodeActor node, ListenerActor listener,
             std::string endpoint, std::shared_ptr<const std::atomic<bool>> stopping) {
  auto report = [&](SessionActor session, std::string error) {
    self->send(node, Dialled{endpoint, std::move(session), std::move(error)});
  };
  auto address = net::NetAddress::from_endpoint(endpoint);
  if (!address) return report({}, "bad address");
  Result<int> socket = p2p::tcp_connect(address->host(), address->port, kConnectTimeout, *stopping);
  if (!socket) return report({}, socket.error().message());
  // Connected just as the node's shutdown began: the socket is not handed to the listener.
  if (stopping->load()) {
    ::close(*socket);
    return report({}, "cancelled");
  }
  self->request(listener, caf::infinite, AdoptSocket{*socket})
      .receive([&](const SessionActor& session) { report(session, {}); },
               [&](const caf::error& error) {
                 ::close(*socket);
                 report({}, self->system().render(error));
               });
}

}  // namespace

void spawn_dialler(caf::local_actor* parent, NodeActor node, ListenerActor listener,
                   std::string endpoint, std::shared_ptr<const std::atomic<bool>> stopping) {
  parent->spawn(dialler, std::move(node), std::move(listener), std::move(endpoint),
                std::move(stopping));
}

}  // namespace ac::actors
