#include "actors/listener.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>

#include <map>

#include "actors/messages.hpp"

namespace ac::actors {

namespace {

struct ListenerState {
  PeerContextPtr context;
  int max_peers = 0;
  int inbound = 0;
  // Addresses refused until then, after they misbehaved. In memory only, as Bitcoin Core's
  // discouragement: a restart forgives.
  std::map<std::string, std::chrono::steady_clock::time_point> discouraged;
  static inline const char* name = "listener";
};

using Listener = caf::io::stateful_broker<ListenerState>;

bool is_discouraged(ListenerState& state, const std::string& host) {
  auto found = state.discouraged.find(host);
  if (found == state.discouraged.end()) return false;
  if (found->second > std::chrono::steady_clock::now()) return true;
  state.discouraged.erase(found);
  return false;
}

caf::behavior listener(Listener* self, caf::io::doorman_ptr doorman, PeerContextPtr context,
                       int max_peers) {
  self->add_doorman(std::move(doorman));
  self->state.context = std::move(context);
  self->state.max_peers = max_peers;
  self->set_down_handler([=](const caf::down_msg&) { --self->state.inbound; });
  return {
      [=](const caf::io::new_connection_msg& msg) {
        auto& state = self->state;
        if (is_discouraged(state, self->remote_addr(msg.handle))) {
          state.context->log->line(
              fmt::format("refusing inbound connection from {}:{}: discouraged",
                          self->remote_addr(msg.handle), self->remote_port(msg.handle)));
          self->close(msg.handle);
          return;
        }
        if (state.inbound >= state.max_peers + kInboundHeadroom) {
          state.context->log->line(fmt::format(
              "refusing inbound connection from {}:{}: {} inbound connections",
              self->remote_addr(msg.handle), self->remote_port(msg.handle), state.inbound));
          self->close(msg.handle);
          return;
        }
        caf::actor session = fork_peer_session(self, msg.handle, state.context);
        self->monitor(session);
        ++state.inbound;
        self->send(state.context->node, inbound_atom::value, session);
      },
      [=](discourage_atom, const std::string& host, const std::string& what) {
        auto& state = self->state;
        auto ban_time = state.context->limits.ban_time;
        state.context->log->line(
            fmt::format("discouraging {} for {} s: {}", host, ban_time.count(), what));
        state.discouraged[host] = std::chrono::steady_clock::now() + ban_time;
      },
      // Our outbound connections: sessions like the inbound ones, counted by the node.
      [=](adopt_atom, int socket) -> caf::actor {
        caf::io::connection_handle handle =
            self->add_scribe(static_cast<caf::io::network::native_socket>(socket));
        return fork_peer_session(self, handle, self->state.context);
      },
      [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
  };
}

}  // namespace

caf::actor spawn_listener(caf::actor_system& system, caf::io::doorman_ptr doorman,
                          PeerContextPtr context, int max_peers) {
  return system.middleman().spawn_broker(listener, std::move(doorman), std::move(context),
                                         max_peers);
}

}  // namespace ac::actors
