// The handshake: our version (once the chain's tip is known), the peer's version and verack,
// and what follows once both sides have both: sendheaders, sendcmpct, the announcements that
// waited, the keepalive, and telling the node and the sync coordinator.
#include <fmt/format.h>

#include <ctime>

#include "actors/peer_protocol_state.hpp"

namespace ac::actors {

namespace {

// BIP130: peers from this protocol version on understand sendheaders.
constexpr int32_t kSendHeadersVersion = 70012;
// BIP159: what a NODE_NETWORK_LIMITED peer must be able to serve.
constexpr int32_t kPrunedPeerServes = 288;

}  // namespace

void send_version(Protocol* self, int32_t height) {
  auto& state = self->state;
  net::Version version;
  version.services = state.context->services;
  version.timestamp = std::time(nullptr);
  auto remote = net::NetAddress::from_endpoint(state.peer);
  if (remote) version.addr_recv = *remote;
  version.addr_from = state.context->listen_address;
  version.nonce = state.context->version_nonce;
  version.user_agent = "/actorchain:0.1/";
  version.start_height = height;
  state.own_height = height;
  send_message(self, version);
  state.version_sent = true;
  if (state.verack_owed) {
    state.verack_owed = false;
    send_message(self, net::Verack{});
  }
}

void maybe_ready(Protocol* self) {
  auto& state = self->state;
  if (state.ready || !state.version_received || !state.verack_received) return;
  state.ready = true;
  state.context->log->event("handshake", "handshake done with " + state.peer, "", &state.trace);
  // BIP159: a pruned peer serves its last 288 blocks only, so it cannot bring us up to it.
  const uint64_t services = state.known.services;
  if (!(services & net::kNodeNetwork) && (services & net::kNodeNetworkLimited) &&
      state.best_height - state.own_height > kPrunedPeerServes) {
    state.context->log->line(fmt::format(
        "peer {} is pruned (NETWORK_LIMITED): it serves its last {} blocks only, and we are {} "
        "behind it; the blocks before those come from peers that keep every block",
        state.peer, kPrunedPeerServes, state.best_height - state.own_height));
  }
  if (state.peer_version >= kSendHeadersVersion) send_message(self, net::SendHeaders{});
  send_compact_mode(self);  // BIP152
  for (const AnnounceInventory& announcement : state.pending_announces)
    on_announce(self, announcement);
  state.pending_announces.clear();
  auto me = self_handle(self);
  set_timer(self, state.context->limits.ping_interval, KeepaliveDue{});
  self->send(state.context->node, PeerUp{me, state.listen_endpoint});
  if (state.context->sync) self->send(state.context->sync, PeerReady{me, state.best_height});
}

void on_version(Protocol* self, const net::Version& version) {
  auto& state = self->state;
  if (state.version_received) return;
  if (version.nonce == state.context->version_nonce) {
    disconnect(self, "connected to ourselves (our own version nonce came back)");
    return;
  }
  state.version_received = true;
  state.best_height = version.start_height;
  note_version(state, version);
  state.peer_version = version.version;
  state.relay_txs = version.relay;
  if (version.addr_from.port != 0) {
    // A node listening on every interface (0.0.0.0) names no address: it is reachable where
    // this connection comes from.
    net::NetAddress listening = version.addr_from;
    auto unspecified = net::NetAddress::from_host(listening.is_ipv4() ? "0.0.0.0" : "::", 0);
    if (unspecified && listening.ip == unspecified->ip) {
      auto here = net::NetAddress::from_host(state.host, listening.port);
      if (here) listening.ip = here->ip;
    }
    state.listen_endpoint = listening.endpoint();
  }
  // Our version goes first: when the chain's tip is not known yet, the verack waits for it.
  if (state.version_sent)
    send_message(self, net::Verack{});
  else
    state.verack_owed = true;
  maybe_ready(self);
}

}  // namespace ac::actors
