#include "actors/peer_protocol.hpp"

#include <fmt/format.h>

#include "actors/misbehaviour.hpp"
#include "actors/peer_link.hpp"
#include "actors/peer_protocol_state.hpp"

namespace ac::actors {

namespace {

constexpr size_t kMaxPendingAnnounces = 1'000;

void notify_gone(Protocol* self) {
  auto& state = self->state;
  auto me = self_handle(self);
  if (state.context->sync) self->send(state.context->sync, PeerGone{me});
  self->send(state.context->node, PeerDown{me});
}

// getdata for blocks the sync coordinator asks of this peer; one the peer announced by a
// single header on our tip as MSG_CMPCT_BLOCK (BIP152 low bandwidth, actors/peer_headers.cpp).
void request_blocks(Protocol* self, const std::vector<Hash256>& hashes) {
  auto& state = self->state;
  if (hashes.empty()) return;
  std::vector<net::InvItem> items = items_of(net::kMsgBlock, hashes);
  for (net::InvItem& item : items) {
    if (state.compact_wanted != item.hash) continue;
    item.type = net::kMsgCmpctBlock;
    state.compact_asked = item.hash;
    state.compact_wanted.reset();
  }
  send_message(self, net::GetData{std::move(items)});
}

// The transport drops the connection (and quits).
void abort_transport(Protocol* self) {
  if (self->state.transport) self->send(self->state.transport, PeerAbort{});
}

// ---- what the peer tells us ----------------------------------------------------------------

void on_inv(Protocol* self, const net::Inv& inv) {
  auto& state = self->state;
  std::vector<Hash256> blocks;
  std::vector<Hash256> txs;
  for (const net::InvItem& item : inv.items) {
    remember(state, item.hash);
    if (item.type == net::kMsgBlock) {
      note_peer_has(state, item.hash);
      note_block_known(state, item.hash);
      if (!we_have(state, item.hash)) blocks.push_back(item.hash);
    }
    if (item.type == net::kMsgTx) txs.push_back(item.hash);
  }
  if (!blocks.empty() && state.context->sync)
    self->send(state.context->sync, BlocksAnnounced{self_handle(self), std::move(blocks)});
  if (!txs.empty() && state.context->mempool) {
    ask(self, state.context->mempool, GetMissingTxs{std::move(txs)})
        .then(
            [=](const std::vector<Hash256>& missing) {
              if (answered(self)) return;
              if (!missing.empty())
                send_message(self, net::GetData{items_of(net::kMsgTx, missing)});
            },
            [=](caf::error&) { answered(self); });
  }
}

void on_addr(Protocol* self, const net::Addr& addr) {
  AddressList addresses;
  for (const net::TimestampedAddress& entry : addr.addresses)
    if (entry.address.port != 0) addresses.push_back(entry);
  if (!addresses.empty())
    self->send(self->state.context->node,
               AddressesLearned{self_handle(self), std::move(addresses)});
}

void on_pong(Protocol* self, const net::Pong& pong) {
  auto& state = self->state;
  if (state.ping_nonce != pong.nonce) return;
  state.ping_nonce.reset();
  auto round_trip = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - state.ping_sent);
  note_pong(state, round_trip);
  self->send(state.context->node,
             PingMeasured{self_handle(self), static_cast<int64_t>(round_trip.count() / 1000)});
}

void on_not_found(Protocol* self, const net::NotFound& missing) {
  std::vector<Hash256> blocks;
  for (const net::InvItem& item : missing.items)
    if (item.type == net::kMsgBlock || item.type == net::kMsgCmpctBlock)
      blocks.push_back(item.hash);
  if (!blocks.empty() && self->state.context->sync)
    self->send(self->state.context->sync, BlocksNotFound{self_handle(self), std::move(blocks)});
}

void on_message(Protocol* self, net::Message& message) {
  auto& state = self->state;
  learn_peer_node(state.trace, message);
  if (!state.version_received && !std::holds_alternative<net::Version>(message)) {
    misbehaving(self, kDiscourageScore, fmt::format("{} before version", net::command_of(message)));
    return;
  }
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, net::Version>) {
          on_version(self, m);
        } else if constexpr (std::is_same_v<T, net::Verack>) {
          state.verack_received = true;
          maybe_ready(self);
        } else if constexpr (std::is_same_v<T, net::Ping>) {
          send_message(self, net::Pong{m.nonce});
        } else if constexpr (std::is_same_v<T, net::Pong>) {
          on_pong(self, m);
        } else if constexpr (std::is_same_v<T, net::Addr>) {
          on_addr(self, m);
        } else if constexpr (std::is_same_v<T, net::GetAddr>) {
          on_getaddr(self);
        } else if constexpr (std::is_same_v<T, net::GetBlocks>) {
          on_getblocks(self, m);
        } else if constexpr (std::is_same_v<T, net::GetHeaders>) {
          on_getheaders(self, m);
        } else if constexpr (std::is_same_v<T, net::SendHeaders>) {
          state.prefer_headers = true;
        } else if constexpr (std::is_same_v<T, net::Headers>) {
          on_headers(self, m);
        } else if constexpr (std::is_same_v<T, net::MemPool>) {
          on_mempool_request(self);
        } else if constexpr (kIsCompactMessage<T>) {
          on_compact(self, m);
        } else if constexpr (std::is_same_v<T, net::GetData>) {
          on_getdata(self, m);
        } else if constexpr (std::is_same_v<T, net::Inv>) {
          on_inv(self, m);
        } else if constexpr (std::is_same_v<T, net::NotFound>) {
          on_not_found(self, m);
        } else if constexpr (std::is_same_v<T, net::BlockMessage>) {
          if (state.compact_asked == m.block.hash()) state.compact_asked.reset();
          remember(state, m.block.hash());
          note_peer_has(state, m.block.hash());
          note_block_known(state, m.block.hash());
          if (state.context->sync)
            self->send(state.context->sync,
                       BlockArrived{self_handle(self),
                                    std::make_shared<const Block>(std::move(m.block)), false});
        } else if constexpr (std::is_same_v<T, net::TxMessage>) {
          remember(state, m.tx.txid());
          on_tx(self, std::make_shared<const Transaction>(std::move(m.tx)));
        }
      },
      message);
}

// ---- time ----------------------------------------------------------------------------------

// A ping with a new nonce (a pong to an earlier one no longer counts), and its deadline.
void send_ping(Protocol* self) {
  auto& s = self->state;
  s.ping_nonce = random_nonce();
  s.ping_sent = std::chrono::steady_clock::now();
  send_message(self, net::Ping{*s.ping_nonce});
  set_timer(self, s.context->limits.ping_timeout, PingTimeout{*s.ping_nonce});
}

void on_keepalive(Protocol* self) {
  auto& s = self->state;
  if (s.closed) return;
  if (!s.ping_nonce) send_ping(self);
  set_timer(self, s.context->limits.ping_interval, KeepaliveDue{});
}

void on_ping_timeout(Protocol* self, uint64_t nonce) {
  auto& s = self->state;
  if (s.ping_nonce != nonce) return;
  // While serving is paused the peer has not read what we sent for that long; its pong may be
  // behind what it has not read either.
  if (s.send_paused)
    disconnect(self, fmt::format("send buffer full for {} s: peer not reading",
                                 s.context->limits.ping_timeout.count()));
  else
    disconnect(self, fmt::format("no pong within {} s", s.context->limits.ping_timeout.count()));
}

ProtocolWithTimers::behavior_type peer_protocol(Protocol* self, PeerContextPtr context,
                                                net::TraceConnection trace, std::string host,
                                                ListenerActor listener) {
  auto& state = self->state;
  state.listener = std::move(listener);
  state.context = context;
  state.peer = trace.peer;
  state.trace = std::move(trace);
  state.host = std::move(host);
  self->link_to(context->node);
  // A failed request (an actor gone at shutdown) must not take the session down with it.
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  // Going down with the node: nothing more is owed to the peer.
  self->set_exit_handler([=](caf::exit_msg& exit) {
    auto& s = self->state;
    if (!s.closed) {
      s.closed = true;
      abort_transport(self);
    }
    s.exit_reason = std::move(exit.reason);
    quit_when_idle(self);
  });
  self->send(context->node, SessionStarted{self_handle(self)});
  ask(self, context->chain, GetTip{})
      .then(
          [=](const TipInfo& tip) {
            if (answered(self)) return;
            send_version(self, tip.height);
          },
          [=](caf::error&) { answered(self); });
  set_timer(self, context->limits.handshake_timeout, HandshakeTimeout{});
  return {
      // From the transport.
      [=](PeerTransportAttached& attached) {
        auto& s = self->state;
        s.transport = std::move(attached.transport);
        if (s.closed) return abort_transport(self);
        for (net::Message& message : s.unattached_out)
          self->send(s.transport, PeerMessageOut{std::move(message)});
        s.unattached_out.clear();
      },
      [=](PeerMessageIn& in) {
        if (!self->state.closed) on_message(self, in.message);
      },
      [=](const PeerUndecodable& bad) {
        Penalty penalty = framing_penalty(bad.error.kind);
        if (penalty == Penalty{}) return;  // an unknown command: skipped
        pay(self, penalty, fmt::format("undecodable {}: {}", bad.command, bad.error.message()));
      },
      [=](const PeerFramingFailed& failed) {
        std::string what = "bad framing: " + failed.error.message();
        pay(self, framing_penalty(failed.error.kind), what);
        // The reader has failed: nothing more can be read from this connection.
        disconnect(self, what);
      },
      [=](const PeerSendWindow& window) { on_send_window(self, window.open); },
      [=](const PeerSendOverflow&) {
        disconnect(self, fmt::format("send buffer over {} bytes: peer not reading",
                                     self->state.context->limits.max_send_buffer));
      },
      [=](PeerClosed) {
        auto& s = self->state;
        if (s.closed) return;
        s.context->log->line(fmt::format("peer {} closed the connection", s.peer), &s.trace);
        s.closed = true;
        notify_gone(self);
        quit_when_idle(self);
      },
      // Timers.
      [=](HandshakeTimeout) {
        auto& s = self->state;
        if (!s.ready)
          disconnect(self, fmt::format("no handshake within {} s",
                                       s.context->limits.handshake_timeout.count()));
      },
      [=](KeepaliveDue) { on_keepalive(self); },
      [=](const PingTimeout& timeout) { on_ping_timeout(self, timeout.nonce); },
      // From the node, the sync coordinator, the mempool.
      [=](const ChargeMisbehaviour& charge) { misbehaving(self, charge.points, charge.what); },
      [=](const RequestBlocks& request) { request_blocks(self, request.hashes); },
      [=](const RequestInventory& request) {
        net::GetBlocks getblocks;
        getblocks.locator = request.locator;
        send_message(self, getblocks);
      },
      [=](AnnounceInventory& announcement) {
        auto& s = self->state;
        if (!s.ready) {
          if (s.pending_announces.size() < kMaxPendingAnnounces)
            s.pending_announces.push_back(std::move(announcement));
          return;
        }
        on_announce(self, announcement);
      },
      [=](const SetCompactRelay& relay) { on_compact_relay(self, relay.high_bandwidth); },
      [=](const SendAddresses& request) {
        if (!request.addresses.empty()) send_message(self, net::Addr{request.addresses});
      },
      [=](RequestAddresses) { send_message(self, net::GetAddr{}); },
      [=](const DisconnectPeer& request) { disconnect(self, request.reason); },
      // From the RPC server.
      [=](PingNow) {
        if (self->state.ready && !self->state.closed) send_ping(self);
      },
      [=](GetPeerReport) { return report_peer(self); },
  };
}

}  // namespace

std::vector<net::InvItem> items_of(uint32_t type, const std::vector<Hash256>& hashes) {
  std::vector<net::InvItem> items;
  items.reserve(hashes.size());
  for (const Hash256& hash : hashes) items.push_back(net::InvItem{type, hash});
  return items;
}

void send_message(Protocol* self, net::Message message) {
  auto& state = self->state;
  if (state.closed) return;
  if (state.transport)
    self->send(state.transport, PeerMessageOut{std::move(message)});
  else
    state.unattached_out.push_back(std::move(message));
}

void quit_when_idle(Protocol* self) {
  auto& state = self->state;
  if (state.closed && state.pending_requests == 0) self->quit(state.exit_reason);
}

bool answered(Protocol* self) {
  --self->state.pending_requests;
  if (!self->state.closed) return false;
  quit_when_idle(self);
  return true;
}

void disconnect(Protocol* self, const std::string& reason) {
  auto& state = self->state;
  if (state.closed) return;
  state.context->log->line(fmt::format("disconnecting {}: {}", state.peer, reason), &state.trace);
  state.closed = true;
  abort_transport(self);
  notify_gone(self);
  quit_when_idle(self);
}

void misbehaving(Protocol* self, int points, const std::string& what) {
  auto& state = self->state;
  if (state.closed || points <= 0) return;
  state.misbehaviour += points;
  state.context->log->line(fmt::format("peer {} misbehaving (+{}, score {}): {}", state.peer,
                                       points, state.misbehaviour, what),
                           &state.trace);
  if (state.misbehaviour < kDiscourageScore) return;
  if (!is_discouragement_exempt(state.host))
    self->send(state.listener, DiscourageHost{state.host, what});
  disconnect(self, what);
}

void pay(Protocol* self, Penalty penalty, const std::string& what) {
  misbehaving(self, penalty.points, what);
  if (penalty.disconnect) disconnect(self, what);
}

ProtocolActor spawn_peer_protocol(caf::actor_system& system, PeerContextPtr context,
                                  net::TraceConnection trace, std::string host,
                                  ListenerActor listener) {
  return system.spawn(peer_protocol, std::move(context), std::move(trace), std::move(host),
                      std::move(listener));
}

}  // namespace ac::actors
