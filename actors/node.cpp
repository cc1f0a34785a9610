#include "actors/node.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <random>

#include "actors/chain_actor.hpp"
#include "actors/dialler.hpp"
#include "actors/listener.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/messages.hpp"
#include "actors/miner_actor.hpp"
#include "actors/node_connections.hpp"
#include "actors/sync_coordinator.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/memory_coins.hpp"
#include "chain/script.hpp"
#include "net/messages.hpp"
#include "wallet/address.hpp"

namespace ac::actors {

namespace {

// Transactions are announced in batches, as Bitcoin Core trickles them: one inv per peer every
// kTxAnnounceDelay (or every kMaxTxAnnounceBatch transactions) instead of one per transaction.
// Under a flood that is a few messages instead of one per transaction and peer.
constexpr std::chrono::milliseconds kTxAnnounceDelay{50};
constexpr size_t kMaxTxAnnounceBatch = 1'000;
// How often the node looks for empty outbound slots and bootstrap peers due for a retry.
constexpr std::chrono::milliseconds kRefillInterval{500};
// A new peer hears of the best transactions of our mempool up to this many bytes.
constexpr uint64_t kMempoolAnnounceBytes = 4'000'000;

void flush_tx_announces(Node* self) {
  auto& state = self->state;
  if (state.pending_tx_announces.empty()) return;
  for (const auto& [session, peer] : state.peers.sessions()) {
    std::vector<Hash256> hashes;
    for (const auto& [hash, source] : state.pending_tx_announces)
      if (source != session) hashes.push_back(hash);
    if (!hashes.empty()) self->send(session, announce_atom::value, net::kMsgTx, std::move(hashes));
  }
  state.pending_tx_announces.clear();
}

// Tells a new peer what our mempool holds (it asks for what it lacks), so transactions
// accepted while it was away still reach it.
void announce_mempool(Node* self, const caf::actor& session) {
  if (!self->state.context->mempool) return;
  self->request(self->state.context->mempool, caf::infinite, select_txs_atom::value,
                kMempoolAnnounceBytes)
      .then([=](const std::vector<TxPtr>& txs, int64_t) {
        std::vector<Hash256> txids;
        for (const TxPtr& tx : txs) txids.push_back(tx->txid());
        if (!txids.empty()) self->send(session, announce_atom::value, net::kMsgTx, txids);
      });
}

caf::behavior node_actor(Node* self, caf::io::doorman_ptr doorman, PeerContext context,
                         NodeConfig config, uint16_t port) {
  auto& state = self->state;
  context.node = caf::actor_cast<caf::actor>(self);
  state.context = std::make_shared<const PeerContext>(std::move(context));
  state.book = state.context->address_book;
  state.config = std::move(config);
  state.our_endpoint = fmt::format("{}:{}", state.config.listen_host, port);
  state.listener =
      spawn_listener(self->system(), std::move(doorman), state.context, state.config.max_peers);
  self->link_to(state.listener);
  self->link_to(state.book);
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  self->set_down_handler([=](const caf::down_msg& down) {
    // A dead actor's address no longer yields a handle: find its session by address.
    if (auto session = self->state.peers.find_by_address(down.source))
      forget_session(self, *session);
  });
  self->send(state.context->chain, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  if (state.context->mempool)
    self->send(state.context->mempool, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  for (const std::string& raw : state.config.connect) {
    std::string endpoint = normalize_endpoint(raw);
    if (!net::NetAddress::from_endpoint(endpoint)) {
      state.context->log->line("cannot connect to " + endpoint + ": bad address");
      continue;
    }
    if (endpoint == state.our_endpoint) continue;
    state.bootstrap.emplace(endpoint, Backoff{});
    self->send(state.book, pin_atom::value, endpoint);
  }
  self->request(state.context->chain, caf::infinite, tip_atom::value).then([=](const TipInfo& tip) {
    auto& s = self->state;
    s.context->log->line(fmt::format("node {} listening on {}, tip height={} hash={}",
                                     s.context->log->node(), s.our_endpoint, tip.height,
                                     tip.height < 0 ? std::string("none") : tip.hash.hex()));
    if (s.bootstrap.empty())
      s.context->log->line(
          "no bootstrap peer (--connect): dialling what the address book "
          "knows and waiting for inbound peers");
    refill(self);
    self->send(self, tick_atom::value);
  });
  return {
      [=](tick_atom) {
        refill(self);
        self->delayed_send(self, kRefillInterval, tick_atom::value);
      },
      [=](session_atom, const caf::actor& session) { self->state.peers.add(session, now_ms()); },
      [=](inbound_atom, const caf::actor& session) { on_inbound(self, session); },
      [=](peer_up_atom, const caf::actor& session, const std::string& endpoint) {
        on_peer_up(self, session, endpoint);
        announce_mempool(self, session);
      },
      [=](peer_down_atom, const caf::actor& session) { forget_session(self, session); },
      [=](dialled_atom, const std::string& endpoint, const caf::actor& session,
          const std::string& error) { on_dialled(self, endpoint, session, error); },
      [=](peer_addrs_atom, AddressList& addresses) {
        auto source = caf::actor_cast<caf::actor>(self->current_sender());
        learn_addresses(self, std::move(addresses), source);
      },
      [=](latency_atom, const caf::actor& session, int64_t round_trip_ms) {
        self->state.peers.record_latency(session, round_trip_ms);
      },
      [=](const TipChanged& change) {
        if (change.connected.empty()) return;
        if (change.source) self->state.peers.record_block(change.source, now_ms());
        for (const auto& [session, peer] : self->state.peers.sessions()) {
          if (session != change.source)
            self->send(session, announce_atom::value, net::kMsgBlock, change.connected);
        }
      },
      [=](mempool_changed_atom, uint64_t) {},
      [=](discourage_atom, const std::string& host, const std::string& what) {
        auto& s = self->state;
        s.discouraged[host] = std::chrono::steady_clock::now() + s.context->limits.ban_time;
        self->send(s.listener, discourage_atom::value, host, what);
        self->send(s.book, discourage_atom::value, host, what);
      },
      [=](peers_atom) { return self->state.peers.ready_endpoints(); },
      [=](announce_atom, uint32_t type, const std::vector<Hash256>& hashes,
          const caf::actor& source) {
        auto& s = self->state;
        if (type != net::kMsgTx) {
          for (const auto& [session, peer] : s.peers.sessions())
            if (session != source) self->send(session, announce_atom::value, type, hashes);
          return;
        }
        if (source) s.peers.record_tx(source, now_ms());
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
  AddressBookConfig book_config;
  book_config.path = config.address_book_path;
  book_config.own_endpoints = {fmt::format("{}:{}", config.listen_host, actors.port)};
  book_config.ban_time = config.peer_limits.ban_time;
  book_config.log = config.log;
  actors.address_book = spawn_address_book(system, std::move(book_config));
  PeerContext context;
  context.chain = actors.chain;
  context.sync = actors.sync;
  context.mempool = actors.mempool;
  context.address_book = actors.address_book;
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
  if (actors.address_book)
    caf::anon_send_exit(actors.address_book, caf::exit_reason::user_shutdown);
}

}  // namespace ac::actors
