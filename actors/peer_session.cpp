#include "actors/peer_session.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>
#include <openssl/rand.h>

#include <ctime>
#include <optional>
#include <unordered_set>

#include "actors/frame_reader.hpp"
#include "actors/messages.hpp"
#include "net/messages.hpp"

namespace ac::actors {

namespace {

struct SessionState {
  PeerContextPtr context;
  caf::io::connection_handle handle;
  std::optional<FrameReader> reader;
  std::string peer;  // "127.0.0.1:8000" as the socket sees it
  bool version_sent = false;
  bool verack_owed = false;
  bool version_received = false;
  bool verack_received = false;
  bool ready = false;
  bool closed = false;
  std::string listen_endpoint;  // the peer's, from its version
  int32_t best_height = -1;
  // Hashes the peer announced, sent us or got from us: never announced to it again.
  std::unordered_set<Hash256> known_inventory;
  // Announces that came before the handshake finished: sent once it has.
  std::vector<std::pair<uint32_t, std::vector<Hash256>>> pending_announces;
  static inline const char* name = "peer_session";
};

using Session = caf::io::stateful_broker<SessionState>;

// Bounds the per-peer memory of announced hashes; forgetting only costs a redundant inv.
constexpr size_t kMaxKnownInventory = 50'000;
constexpr size_t kMaxPendingAnnounces = 1'000;

void remember(SessionState& state, const Hash256& hash) {
  if (state.known_inventory.size() >= kMaxKnownInventory) state.known_inventory.clear();
  state.known_inventory.insert(hash);
}

uint64_t random_nonce() {
  uint64_t nonce = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&nonce), sizeof nonce);
  return nonce;
}

caf::actor self_handle(Session* self) {
  return caf::actor_cast<caf::actor>(self);
}

void send_message(Session* self, const net::Message& message) {
  auto& state = self->state;
  if (state.closed) return;
  state.context->log->trace("->", state.peer, message);
  Bytes frame = net::encode_frame(state.context->magic, message);
  self->write(state.handle, frame.size(), frame.data());
  self->flush(state.handle);
}

void notify_gone(Session* self) {
  auto& state = self->state;
  auto me = self_handle(self);
  if (state.context->sync) self->send(state.context->sync, peer_gone_atom::value, me);
  self->send(state.context->node, peer_down_atom::value, me);
}

// Ends the session on our side with one log line.
void disconnect(Session* self, const std::string& reason) {
  auto& state = self->state;
  if (state.closed) return;
  state.context->log->line(fmt::format("disconnecting {}: {}", state.peer, reason));
  state.closed = true;
  self->close(state.handle);
  notify_gone(self);
  self->quit();
}

std::vector<net::InvItem> items_of(uint32_t type, const std::vector<Hash256>& hashes) {
  std::vector<net::InvItem> items;
  items.reserve(hashes.size());
  for (const Hash256& hash : hashes) items.push_back(net::InvItem{type, hash});
  return items;
}

void send_version(Session* self, int32_t height) {
  auto& state = self->state;
  net::Version version;
  version.services = net::kNodeNetwork;
  version.timestamp = std::time(nullptr);
  auto remote = net::NetAddress::from_endpoint(state.peer);
  if (remote) version.addr_recv = *remote;
  version.addr_from = state.context->listen_address;
  version.nonce = random_nonce();
  version.user_agent = "/actorchain:0.1/";
  version.start_height = height;
  send_message(self, version);
  state.version_sent = true;
  if (state.verack_owed) {
    state.verack_owed = false;
    send_message(self, net::Verack{});
  }
}

// An inv of the hashes the peer does not know of yet.
void announce(Session* self, uint32_t type, const std::vector<Hash256>& hashes) {
  auto& state = self->state;
  std::vector<Hash256> fresh;
  for (const Hash256& hash : hashes)
    if (state.known_inventory.count(hash) == 0) fresh.push_back(hash);
  for (const Hash256& hash : fresh) remember(state, hash);
  if (!fresh.empty()) send_message(self, net::Inv{items_of(type, fresh)});
}

void maybe_ready(Session* self) {
  auto& state = self->state;
  if (state.ready || !state.version_received || !state.verack_received) return;
  state.ready = true;
  for (const auto& [type, hashes] : state.pending_announces) announce(self, type, hashes);
  state.pending_announces.clear();
  auto me = self_handle(self);
  self->send(state.context->node, peer_up_atom::value, me, state.listen_endpoint);
  if (state.context->sync)
    self->send(state.context->sync, peer_ready_atom::value, me, state.best_height);
}

void on_version(Session* self, const net::Version& version) {
  auto& state = self->state;
  if (state.version_received) return;
  state.version_received = true;
  state.best_height = version.start_height;
  if (version.addr_from.port != 0) state.listen_endpoint = version.addr_from.endpoint();
  // Our version goes first: when the chain's tip is not known yet, the verack waits for it.
  if (state.version_sent)
    send_message(self, net::Verack{});
  else
    state.verack_owed = true;
  maybe_ready(self);
}

void on_getblocks(Session* self, const net::GetBlocks& request) {
  self->request(self->state.context->chain, caf::infinite, hashes_after_atom::value,
                request.locator, request.hash_stop)
      .then([=](const std::vector<Hash256>& hashes) {
        if (!hashes.empty()) send_message(self, net::Inv{items_of(net::kMsgBlock, hashes)});
      });
}

void on_getdata(Session* self, const net::GetData& request) {
  auto& state = self->state;
  for (const net::InvItem& item : request.items) {
    Hash256 hash = item.hash;
    if (item.type == net::kMsgBlock) {
      self->request(state.context->chain, caf::infinite, get_block_atom::value, hash)
          .then([=](const BlockPtr& block) {
            if (block) {
              remember(self->state, hash);
              send_message(self, net::BlockMessage{*block});
            } else {
              send_message(self, net::NotFound{{net::InvItem{net::kMsgBlock, hash}}});
            }
          });
    } else if (item.type == net::kMsgTx && state.context->mempool) {
      self->request(state.context->mempool, caf::infinite, get_tx_atom::value, hash)
          .then([=](const TxPtr& tx) {
            if (tx) {
              remember(self->state, hash);
              send_message(self, net::TxMessage{*tx});
            } else {
              send_message(self, net::NotFound{{net::InvItem{net::kMsgTx, hash}}});
            }
          });
    } else {
      send_message(self, net::NotFound{{item}});
    }
  }
}

void on_inv(Session* self, const net::Inv& inv) {
  auto& state = self->state;
  std::vector<Hash256> blocks;
  std::vector<Hash256> txs;
  for (const net::InvItem& item : inv.items) {
    remember(state, item.hash);
    if (item.type == net::kMsgBlock) blocks.push_back(item.hash);
    if (item.type == net::kMsgTx) txs.push_back(item.hash);
  }
  if (!blocks.empty() && state.context->sync)
    self->send(state.context->sync, block_inv_atom::value, self_handle(self), std::move(blocks));
  if (!txs.empty() && state.context->mempool) {
    self->request(state.context->mempool, caf::infinite, missing_txs_atom::value, std::move(txs))
        .then([=](const std::vector<Hash256>& missing) {
          if (!missing.empty()) send_message(self, net::GetData{items_of(net::kMsgTx, missing)});
        });
  }
}

void on_addr(Session* self, const net::Addr& addr) {
  std::vector<std::string> endpoints;
  for (const net::TimestampedAddress& entry : addr.addresses)
    if (entry.address.port != 0) endpoints.push_back(entry.address.endpoint());
  if (!endpoints.empty())
    self->send(self->state.context->node, peer_addrs_atom::value, std::move(endpoints));
}

void handle_message(Session* self, const net::Message& message) {
  auto& state = self->state;
  state.context->log->trace("<-", state.peer, message);
  if (!state.version_received && !std::holds_alternative<net::Version>(message)) {
    disconnect(self, fmt::format("misbehaving: {} before version", net::command_of(message)));
    return;
  }
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, net::Version>) {
          on_version(self, m);
        } else if constexpr (std::is_same_v<T, net::Verack>) {
          state.verack_received = true;
          maybe_ready(self);
        } else if constexpr (std::is_same_v<T, net::Ping>) {
          send_message(self, net::Pong{m.nonce});
        } else if constexpr (std::is_same_v<T, net::Pong>) {
          // keepalive answered: nothing to do
        } else if constexpr (std::is_same_v<T, net::Addr>) {
          on_addr(self, m);
        } else if constexpr (std::is_same_v<T, net::GetBlocks>) {
          on_getblocks(self, m);
        } else if constexpr (std::is_same_v<T, net::GetData>) {
          on_getdata(self, m);
        } else if constexpr (std::is_same_v<T, net::Inv>) {
          on_inv(self, m);
        } else if constexpr (std::is_same_v<T, net::NotFound>) {
          std::vector<Hash256> blocks;
          for (const net::InvItem& item : m.items)
            if (item.type == net::kMsgBlock) blocks.push_back(item.hash);
          if (!blocks.empty() && state.context->sync)
            self->send(state.context->sync, not_found_atom::value, self_handle(self),
                       std::move(blocks));
        } else if constexpr (std::is_same_v<T, net::BlockMessage>) {
          remember(state, m.block.hash());
          if (state.context->sync)
            self->send(state.context->sync, block_arrived_atom::value, self_handle(self),
                       std::make_shared<const Block>(m.block));
        } else if constexpr (std::is_same_v<T, net::TxMessage>) {
          remember(state, m.tx.txid());
          if (state.context->mempool)
            self->request(state.context->mempool, caf::infinite, submit_tx_atom::value,
                          std::make_shared<const Transaction>(m.tx), self_handle(self))
                .then([](bool, const std::string&) {});
        }
      },
      message);
}

void on_bytes(Session* self, const std::vector<char>& bytes) {
  auto& state = self->state;
  auto frames =
      state.reader->feed(ByteSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (!frames) {
    disconnect(self, "misbehaving: " + frames.error().message());
    return;
  }
  for (const Frame& frame : *frames) {
    auto message = net::decode_payload(frame.header.command, frame.payload);
    if (!message) {
      if (message.reason() == "unknown-command") continue;
      disconnect(self, fmt::format("misbehaving: undecodable {}: {}", frame.header.command,
                                   message.error().message()));
      return;
    }
    handle_message(self, *message);
    if (state.closed) return;
  }
  self->configure_read(state.handle, caf::io::receive_policy::exactly(state.reader->wanted()));
}

caf::behavior peer_session(Session* self, caf::io::connection_handle handle,
                           PeerContextPtr context) {
  auto& state = self->state;
  state.context = context;
  state.handle = handle;
  state.reader.emplace(context->magic);
  state.peer = fmt::format("{}:{}", self->remote_addr(handle), self->remote_port(handle));
  self->link_to(context->node);
  // A failed request (an actor gone at shutdown) must not take the connection down with it.
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  self->configure_read(handle, caf::io::receive_policy::exactly(state.reader->wanted()));
  self->send(context->node, session_atom::value, self_handle(self));
  self->request(context->chain, caf::infinite, tip_atom::value).then([=](const TipInfo& tip) {
    send_version(self, tip.height);
  });
  self->delayed_send(self, context->keepalive, keepalive_atom::value);
  return {
      [=](const caf::io::new_data_msg& msg) { on_bytes(self, msg.buf); },
      [=](const caf::io::connection_closed_msg&) {
        auto& s = self->state;
        if (s.closed) return;
        s.context->log->line(fmt::format("peer {} closed the connection", s.peer));
        s.closed = true;
        notify_gone(self);
        self->quit();
      },
      [=](keepalive_atom) {
        send_message(self, net::Ping{random_nonce()});
        self->delayed_send(self, self->state.context->keepalive, keepalive_atom::value);
      },
      [=](request_blocks_atom, const std::vector<Hash256>& hashes) {
        if (!hashes.empty()) send_message(self, net::GetData{items_of(net::kMsgBlock, hashes)});
      },
      [=](request_inventory_atom, const std::vector<Hash256>& locator) {
        net::GetBlocks request;
        request.locator = locator;
        send_message(self, request);
      },
      [=](announce_atom, uint32_t type, const std::vector<Hash256>& hashes) {
        auto& s = self->state;
        if (!s.ready) {
          if (s.pending_announces.size() < kMaxPendingAnnounces)
            s.pending_announces.emplace_back(type, hashes);
          return;
        }
        announce(self, type, hashes);
      },
      [=](peer_addrs_atom, const std::vector<std::string>& endpoints) {
        net::Addr addr;
        auto now = static_cast<uint32_t>(std::time(nullptr));
        for (const std::string& endpoint : endpoints) {
          auto address = net::NetAddress::from_endpoint(endpoint, net::kNodeNetwork);
          if (address) addr.addresses.push_back(net::TimestampedAddress{now, *address});
        }
        if (!addr.addresses.empty()) send_message(self, addr);
      },
      [=](disconnect_atom, const std::string& reason) { disconnect(self, reason); },
  };
}

}  // namespace

caf::actor fork_peer_session(caf::io::broker* listener, caf::io::connection_handle handle,
                             PeerContextPtr context) {
  return listener->fork(peer_session, handle, std::move(context));
}

caf::expected<caf::actor> connect_peer_session(caf::actor_system& system, const std::string& host,
                                               uint16_t port, PeerContextPtr context) {
  return system.middleman().spawn_client(peer_session, host, port, std::move(context));
}

}  // namespace ac::actors
