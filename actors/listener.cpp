#include "actors/listener.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <map>

#include "actors/next_round.hpp"
#include "actors/node_actor.hpp"
#include "actors/peer_session.hpp"

namespace ac::actors {

namespace {

struct ListenerState {
  PeerContextPtr context;
  int max_peers = 0;
  int inbound = 0;
  bool exit_heard = false;  // the node went down: the listener quits in the next round
  // Addresses refused until then, after they misbehaved.
  std::map<std::string, std::chrono::steady_clock::time_point> discouraged;
  BanListPtr bans;  // setban's ranges (actors/ban_manager.hpp)
  static inline const char* name = "listener";
};

using ListenerSelf = ListenerBroker::stateful_broker_pointer<ListenerState>;

bool is_discouraged(ListenerState& state, const std::string& host) {
  auto found = state.discouraged.find(host);
  if (found == state.discouraged.end()) return false;
  if (found->second > std::chrono::steady_clock::now()) return true;
  state.discouraged.erase(found);
  return false;
}

ListenerBroker::behavior_type listener(ListenerSelf self, caf::io::doorman_ptr doorman,
                                       PeerContextPtr context, int max_peers) {
  self->add_doorman(std::move(doorman));
  self->state.context = std::move(context);
  self->state.max_peers = max_peers;
  self->state.bans = self->state.context->bans;
  self->set_down_handler([=](const caf::down_msg&) { --self->state.inbound; });
  // The node's exit may come in the listener's first turn, while its listening socket's
  // registration still waits in the multiplexer: it then quits a round later
  // (actors/next_round.hpp).
  self->set_exit_handler([=](caf::exit_msg& exit) {
    if (self->state.exit_heard) return self->quit(std::move(exit.reason));
    self->state.exit_heard = true;
    exit_next_round(self, std::move(exit.reason));
  });
  return {
      [=](const caf::io::new_connection_msg& msg) {
        auto& state = self->state;
        if (state.bans &&
            state.bans->is_banned_host(self->remote_addr(msg.handle), std::time(nullptr))) {
          state.context->log->line(fmt::format("refusing inbound connection from {}:{}: banned",
                                               self->remote_addr(msg.handle),
                                               self->remote_port(msg.handle)));
          self->close(msg.handle);
          return;
        }
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
        SessionActor session = fork_peer_session(self, msg.handle, state.context);
        self->monitor(session);
        ++state.inbound;
        self->send(state.context->node, InboundSession{session});
      },
      [=](const DiscourageHost& request) {
        auto& state = self->state;
        auto ban_time = state.context->limits.ban_time;
        state.context->log->line(fmt::format("discouraging {} for {} s: {}", request.host,
                                             ban_time.count(), request.what));
        state.discouraged[request.host] = std::chrono::steady_clock::now() + ban_time;
        // The node keeps its dials and its address book away from the host too.
        self->send(state.context->node, request);
      },
      // Our outbound connections: sessions like the inbound ones, counted by the node.
      [=](const AdoptSocket& adopt) -> SessionActor {
        caf::io::connection_handle handle =
            self->add_scribe(static_cast<caf::io::network::native_socket>(adopt.socket));
        return fork_peer_session(self, handle, self->state.context);
      },
      [=](const BansChanged& changed) {
        self->state.bans = changed.bans;
        return true;
      },
      [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
  };
}

}  // namespace

ListenerActor spawn_listener(caf::actor_system& system, caf::io::doorman_ptr doorman,
                             PeerContextPtr context, int max_peers) {
  return system.middleman().spawn_broker(listener, std::move(doorman), std::move(context),
                                         max_peers);
}

}  // namespace ac::actors
