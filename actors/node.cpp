#include "actors/node.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <map>
#include <set>

#include "actors/chain_actor.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/messages.hpp"
#include "actors/miner_actor.hpp"
#include "actors/peer_session.hpp"
#include "actors/sync_coordinator.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/memory_coins.hpp"
#include "chain/script.hpp"
#include "net/messages.hpp"
#include "p2p/tcp_connect.hpp"
#include "wallet/address.hpp"

namespace ac::actors {

namespace {

// "localhost:8000" -> "127.0.0.1:8000"; other endpoints unchanged.
std::string normalize_endpoint(const std::string& endpoint) {
  const std::string localhost = "localhost:";
  if (endpoint.rfind(localhost, 0) == 0) return "127.0.0.1:" + endpoint.substr(localhost.size());
  return endpoint;
}

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
        if (state.inbound >= state.max_peers) {
          state.context->log->line(fmt::format(
              "refusing inbound connection from {}:{}: max-peers ({}) reached",
              self->remote_addr(msg.handle), self->remote_port(msg.handle), state.max_peers));
          self->close(msg.handle);
          return;
        }
        caf::actor session = fork_peer_session(self, msg.handle, state.context);
        self->monitor(session);
        ++state.inbound;
      },
      [=](discourage_atom, const std::string& host, const std::string& what) {
        auto& state = self->state;
        auto ban_time = state.context->limits.ban_time;
        state.context->log->line(
            fmt::format("discouraging {} for {} s: {}", host, ban_time.count(), what));
        state.discouraged[host] = std::chrono::steady_clock::now() + ban_time;
      },
      // Our outbound connections: sessions like the inbound ones, not counted against max-peers.
      [=](adopt_atom, int socket) -> caf::actor {
        caf::io::connection_handle handle =
            self->add_scribe(static_cast<caf::io::network::native_socket>(socket));
        return fork_peer_session(self, handle, self->state.context);
      },
      [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
  };
}

struct NodeState {
  PeerContextPtr context;
  NodeConfig config;
  std::string our_endpoint;
  caf::actor listener;
  std::set<std::string> attempted;  // endpoints learned from addr and dialled once
  std::set<std::string> connected;  // listening endpoints we have a connection with
  // Every live session -> its listening endpoint (known from the dial for outbound ones, from
  // the handshake for inbound ones).
  std::map<caf::actor, std::string> sessions;
  std::set<caf::actor> ready;  // sessions whose handshake is done
  // Set when the node goes down: connection attempts still waiting give up.
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);
  ~NodeState() { stopping->store(true); }
  // Accepted transactions not announced yet, with the session each came from.
  std::vector<std::pair<Hash256, caf::actor>> pending_tx_announces;
  static inline const char* name = "node";
};

using Node = caf::stateful_actor<NodeState>;

// Transactions are announced in batches, as Bitcoin Core trickles them: one inv per peer every
// kTxAnnounceDelay (or every kMaxTxAnnounceBatch transactions) instead of one per transaction.
// Under a flood that is a few messages instead of one per transaction and peer.
constexpr std::chrono::milliseconds kTxAnnounceDelay{50};
constexpr size_t kMaxTxAnnounceBatch = 1'000;

void flush_tx_announces(Node* self) {
  auto& state = self->state;
  if (state.pending_tx_announces.empty()) return;
  for (const auto& [session, endpoint] : state.sessions) {
    std::vector<Hash256> hashes;
    for (const auto& [hash, source] : state.pending_tx_announces)
      if (source != session) hashes.push_back(hash);
    if (!hashes.empty()) self->send(session, announce_atom::value, net::kMsgTx, std::move(hashes));
  }
  state.pending_tx_announces.clear();
}

// Each outbound attempt runs in a blocking actor of its own (tcp_connect waits up to
// kConnectTimeout), then the listener, a broker, adopts the socket into a session. The node
// keeps relaying meanwhile, however slow an address is to answer.
constexpr std::chrono::seconds kConnectTimeout{10};

void dialler(caf::blocking_actor* self, caf::actor node, caf::actor listener, std::string endpoint,
             std::string host, uint16_t port, std::shared_ptr<const std::atomic<bool>> stopping) {
  auto report = [&](caf::actor session, std::string error) {
    self->send(node, dialled_atom::value, endpoint, std::move(session), std::move(error));
  };
  Result<int> socket = p2p::tcp_connect(host, port, kConnectTimeout, *stopping);
  if (!socket) return report({}, socket.error().message());
  self->request(listener, caf::infinite, adopt_atom::value, *socket)
      .receive([&](const caf::actor& session) { report(session, {}); },
               [&](const caf::error& error) {
                 ::close(*socket);
                 report({}, self->system().render(error));
               });
}

void connect_to(Node* self, const std::string& raw_endpoint) {
  auto& state = self->state;
  std::string endpoint = normalize_endpoint(raw_endpoint);
  if (endpoint == state.our_endpoint || state.connected.count(endpoint) != 0) return;
  auto address = net::NetAddress::from_endpoint(endpoint);
  if (!address) {
    state.context->log->line("cannot connect to " + endpoint + ": bad address");
    return;
  }
  // Taken while dialling, so the endpoint is not dialled twice meanwhile.
  state.connected.insert(endpoint);
  self->spawn(dialler, caf::actor_cast<caf::actor>(self), state.listener, endpoint, address->host(),
              address->port, std::shared_ptr<const std::atomic<bool>>(state.stopping));
}

void forget_session(Node* self, const caf::actor& session) {
  auto& s = self->state;
  auto found = s.sessions.find(session);
  if (found == s.sessions.end()) return;
  // A peer that left is not handed on to newcomers.
  if (!found->second.empty()) s.connected.erase(found->second);
  s.ready.erase(session);
  s.sessions.erase(found);
}

caf::behavior node_actor(Node* self, caf::io::doorman_ptr doorman, PeerContext context,
                         NodeConfig config, uint16_t port) {
  auto& state = self->state;
  context.node = caf::actor_cast<caf::actor>(self);
  state.context = std::make_shared<const PeerContext>(std::move(context));
  state.config = std::move(config);
  state.our_endpoint = fmt::format("{}:{}", state.config.listen_host, port);
  state.listener = self->system().middleman().spawn_broker(listener, std::move(doorman),
                                                           state.context, state.config.max_peers);
  self->link_to(state.listener);
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  self->set_down_handler([=](const caf::down_msg& down) {
    // A dead actor's address no longer yields a handle: find its session by address.
    for (const auto& [session, endpoint] : self->state.sessions) {
      if (session.address() != down.source) continue;
      forget_session(self, session);
      return;
    }
  });
  self->send(state.context->chain, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  if (state.context->mempool)
    self->send(state.context->mempool, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  self->request(state.context->chain, caf::infinite, tip_atom::value).then([=](const TipInfo& tip) {
    auto& s = self->state;
    s.context->log->line(fmt::format("node {} listening on {}, tip height={} hash={}",
                                     s.context->log->node(), s.our_endpoint, tip.height,
                                     tip.height < 0 ? std::string("none") : tip.hash.hex()));
    for (const std::string& endpoint : s.config.connect)
      self->send(self, connect_atom::value, endpoint);
  });
  return {
      [=](connect_atom, const std::string& endpoint) { connect_to(self, endpoint); },
      [=](session_atom, const caf::actor& session) { self->state.sessions.emplace(session, ""); },
      [=](peer_up_atom, const caf::actor& session, const std::string& endpoint) {
        auto& s = self->state;
        // Tell the newcomer every peer we know (it connects to them), not the reverse, so two
        // peers never dial each other at the same time.
        std::vector<std::string> others;
        for (const std::string& known : s.connected)
          if (known != endpoint) others.push_back(known);
        if (!others.empty()) self->send(session, peer_addrs_atom::value, std::move(others));
        s.sessions[session] = endpoint;
        if (!endpoint.empty()) s.connected.insert(endpoint);
        s.ready.insert(session);
      },
      [=](peer_down_atom, const caf::actor& session) { forget_session(self, session); },
      [=](dialled_atom, const std::string& endpoint, const caf::actor& session,
          const std::string& error) {
        auto& s = self->state;
        if (!session) {
          s.context->log->line(fmt::format("cannot connect to {}: {}", endpoint, error));
          s.connected.erase(endpoint);
          return;
        }
        s.sessions[session] = endpoint;
        // It may have ended before this report: the monitor's down message then cleans up.
        self->monitor(session);
      },
      [=](peer_addrs_atom, const std::vector<std::string>& endpoints) {
        for (const std::string& endpoint : endpoints) {
          std::string normalized = normalize_endpoint(endpoint);
          if (normalized == self->state.our_endpoint) continue;
          if (self->state.connected.count(normalized) != 0) continue;
          if (self->state.attempted.insert(normalized).second) connect_to(self, normalized);
        }
      },
      [=](const TipChanged& change) {
        if (change.connected.empty()) return;
        for (const auto& [session, endpoint] : self->state.sessions) {
          if (session != change.source)
            self->send(session, announce_atom::value, net::kMsgBlock, change.connected);
        }
      },
      [=](mempool_changed_atom, uint64_t) {},
      [=](discourage_atom, const std::string& host, const std::string& what) {
        self->send(self->state.listener, discourage_atom::value, host, what);
      },
      [=](peers_atom) {
        std::vector<std::string> endpoints;
        for (const caf::actor& session : self->state.ready)
          endpoints.push_back(self->state.sessions[session]);
        return endpoints;
      },
      [=](announce_atom, uint32_t type, const std::vector<Hash256>& hashes,
          const caf::actor& source) {
        auto& s = self->state;
        if (type != net::kMsgTx) {
          for (const auto& [session, endpoint] : s.sessions)
            if (session != source) self->send(session, announce_atom::value, type, hashes);
          return;
        }
        if (s.pending_tx_announces.empty())
          self->delayed_send(self, kTxAnnounceDelay, flush_atom::value);
        for (const Hash256& hash : hashes) s.pending_tx_announces.emplace_back(hash, source);
        if (s.pending_tx_announces.size() >= kMaxTxAnnounceBatch) flush_tx_announces(self);
      },
      [=](flush_atom) { flush_tx_announces(self); },
  };
}

}  // namespace

Result<NodeActors> start_node_actors(caf::actor_system& system, const NodeConfig& config,
                                     std::shared_ptr<ChainBackend> chain) {
  auto doorman = system.middleman().backend().new_tcp_doorman(config.listen_port,
                                                              config.listen_host.c_str(), true);
  if (!doorman) return make_error("listen-failed", system.render(doorman.error()));
  Bytes payout_script;
  if (!config.miner_address.empty()) {
    auto pubkey_hash = wallet::decode_address(config.miner_address, config.params);
    if (!pubkey_hash) return make_error("bad-miner-address", pubkey_hash.error().message());
    payout_script = p2pkh_script(*pubkey_hash);
  }
  NodeActors actors;
  actors.port = (*doorman)->port();
  actors.chain = spawn_chain(system, std::move(chain), config.log, true);
  actors.sync = spawn_sync_coordinator(system, actors.chain, config.sync_limits, config.log);
  std::shared_ptr<const CoinsView> coins = config.coins;
  if (!coins) coins = std::make_shared<const MemoryCoins>();
  actors.mempool = spawn_mempool(
      system, MempoolConfig{config.params, coins, 50'000'000, config.log}, actors.chain);
  if (config.store) actors.utxo_indexer = spawn_utxo_indexer(system, config.store);
  if (!config.miner_address.empty())
    actors.miner = spawn_miner(
        system,
        MinerConfig{config.params, payout_script, config.min_txs, config.miner_threads, config.log},
        actors.chain, actors.mempool, actors.sync);
  PeerContext context;
  context.chain = actors.chain;
  context.sync = actors.sync;
  context.mempool = actors.mempool;
  context.log = config.log;
  context.magic = config.params.magic;
  context.limits = config.peer_limits;
  context.version_nonce = random_nonce();
  auto listen = net::NetAddress::from_host(config.listen_host, actors.port, net::kNodeNetwork);
  if (listen) context.listen_address = *listen;
  actors.node =
      system.spawn(node_actor, std::move(*doorman), std::move(context), config, actors.port);
  return actors;
}

void stop_node_actors(const NodeActors& actors) {
  for (const caf::actor& actor :
       {actors.node, actors.miner, actors.mempool, actors.sync, actors.utxo_indexer, actors.chain})
    if (actor) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

}  // namespace ac::actors
