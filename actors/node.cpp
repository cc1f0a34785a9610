#include "actors/node.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>

#include "actors/chain_actor.hpp"
#include "actors/listener.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/miner_actor.hpp"
#include "actors/node_actor.hpp"
#include "actors/node_connections.hpp"
#include "actors/sync_coordinator.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/script.hpp"
#include "net/compact_block.hpp"
#include "net/messages.hpp"
#include "wallet/address.hpp"

namespace ac::actors {

namespace {

// No coins at any tip: the mempool of a node given none refuses every transaction.
class NoCoins final : public TipCoins {
 public:
  std::optional<std::vector<std::pair<OutPoint, Coin>>> coins_at(
      const Hash256&, std::span<const OutPoint>) const override {
    return std::vector<std::pair<OutPoint, Coin>>{};
  }
};

// Transactions are announced in batches, as Bitcoin Core trickles them: one inv per peer every
// kTxAnnounceDelay (or every kMaxTxAnnounceBatch transactions) instead of one per transaction.
// Under a flood that is a few messages instead of one per transaction and peer.
constexpr std::chrono::milliseconds kTxAnnounceDelay{50};
constexpr size_t kMaxTxAnnounceBatch = 1'000;
// How often the node looks for empty outbound slots and bootstrap peers due for a retry.
constexpr std::chrono::milliseconds kRefillInterval{500};
// A new peer hears of the best transactions of our mempool up to this many bytes.
constexpr uint64_t kMempoolAnnounceBytes = 4'000'000;
// Core's MAX_BLOCKS_TO_ANNOUNCE: more new blocks at once are announced by inv.
constexpr size_t kMaxHeadersToAnnounce = 8;
// BIP152: how many peers we ask to push new blocks to us (Core's three).
constexpr size_t kCompactRelays = 3;

void flush_tx_announces(Node* self) {
  auto& state = self->state;
  if (state.pending_tx_announces.empty()) return;
  for (const auto& [session, peer] : state.peers.sessions()) {
    std::vector<Hash256> hashes;
    for (const auto& [hash, source] : state.pending_tx_announces)
      if (source != session) hashes.push_back(hash);
    if (!hashes.empty())
      self->send(session,
                 AnnounceInventory{net::kMsgTx, std::move(hashes), {}, nullptr, nullptr, false});
  }
  state.pending_tx_announces.clear();
}

// Tells a new peer what our mempool holds (it asks for what it lacks), so transactions
// accepted while it was away still reach it; once mempool.dat is loaded, so it hears of all.
void announce_mempool(Node* self, const SessionActor& session) {
  if (!self->state.context->mempool) return;
  self->request(self->state.context->mempool, caf::infinite, SelectTxs{kMempoolAnnounceBytes, true})
      .then([=](const TxSelection& selection) {
        std::vector<Hash256> txids;
        for (const TxPtr& tx : selection.txs) txids.push_back(tx->txid());
        if (!txids.empty())
          self->send(session, AnnounceInventory{net::kMsgTx, txids, {}, nullptr, nullptr, false});
      });
}

// BIP152 (Core's NewPoWValidBlock): a new block on our tip that passed every check but its
// scripts and spends is pushed as a cmpctblock at once to the high-bandwidth peers that have
// its parent, before the chain connects it; the others hear of it once it is connected.
void announce_early(Node* self, const BlockPtr& block, const SessionActor& source) {
  auto& state = self->state;
  state.early_block = block;
  state.early_compact =
      std::make_shared<const net::CmpctBlock>(net::make_compact_block(*block, random_nonce()));
  AnnounceInventory early{net::kMsgBlock,      {block->hash()}, {block->header},
                          state.early_compact, block,           true};
  for (const auto& [session, peer] : state.peers.sessions())
    if (session != source) self->send(session, early);
}

// New blocks go to every peer but the one they came from, with their headers (BIP130) when
// there are few enough to announce that way, and a single new block also as a cmpctblock for
// the peers that asked to have blocks pushed (BIP152), made once with one nonce (the one made
// when it was relayed early, if it was). The headers are asked of the chain even when not
// needed, with an empty list, so that announcements leave in the order of the tip changes.
void announce_blocks(Node* self, std::vector<Hash256> connected, SessionActor source) {
  auto fan_out = [=](std::vector<BlockHeader> headers,
                     std::shared_ptr<const net::CmpctBlock> compact, BlockPtr block) {
    if (headers.size() != connected.size()) headers.clear();
    for (const auto& [session, peer] : self->state.peers.sessions())
      if (session != source)
        self->send(session,
                   AnnounceInventory{net::kMsgBlock, connected, headers, compact, block, false});
  };
  auto& chain = self->state.context->chain;
  auto& state = self->state;
  if (connected.size() == 1 && state.early_block && state.early_block->hash() == connected[0]) {
    fan_out({state.early_block->header}, state.early_compact, state.early_block);
    return;
  }
  if (connected.size() == 1) {
    self->request(chain, caf::infinite, GetBlocks{connected})
        .then(
            [=](const std::vector<BlockPtr>& blocks) {
              if (blocks.empty() || !blocks.front()) return fan_out({}, nullptr, nullptr);
              fan_out({blocks.front()->header},
                      std::make_shared<const net::CmpctBlock>(
                          net::make_compact_block(*blocks.front(), random_nonce())),
                      blocks.front());
            },
            [=](caf::error&) { fan_out({}, nullptr, nullptr); });
    return;
  }
  std::vector<Hash256> wanted;
  if (connected.size() <= kMaxHeadersToAnnounce) wanted = connected;
  self->request(chain, caf::infinite, GetBlockHeaders{std::move(wanted)})
      .then([=](const std::vector<BlockHeader>& headers) { fan_out(headers, nullptr, nullptr); },
            [=](caf::error&) { fan_out({}, nullptr, nullptr); });
}

// BIP152: the peer that gave us a new block becomes one of the kCompactRelays asked to push
// blocks to us; the one that gave us a block longest ago goes back to announcing them.
void choose_compact_relay(Node* self, const SessionActor& source) {
  auto& relays = self->state.compact_relays;
  auto found = std::find(relays.begin(), relays.end(), source);
  if (found == relays.begin() && found != relays.end()) return;
  if (found != relays.end()) {
    relays.erase(found);
    relays.push_front(source);
    return;
  }
  relays.push_front(source);
  self->send(source, SetCompactRelay{true});
  if (relays.size() > kCompactRelays) {
    self->send(relays.back(), SetCompactRelay{false});
    relays.pop_back();
  }
}

// A --connect endpoint or one addnode named: kept connected, reconnected after a drop.
bool is_ready(Node* self, const std::string& endpoint) {
  const std::vector<std::string> ready = self->state.peers.ready_endpoints();
  return std::find(ready.begin(), ready.end(), endpoint) != ready.end();
}

// Answers the AwaitPeer requests whose peer is now ready.
void answer_peer_waiters(Node* self) {
  auto& waiters = self->state.peer_waiters;
  std::erase_if(waiters, [&](auto& waiter) {
    if (!is_ready(self, waiter.first)) return false;
    waiter.second.deliver(true);
    return true;
  });
}

void add_bootstrap(Node* self, const std::string& raw) {
  auto& s = self->state;
  std::string endpoint = normalize_endpoint(raw);
  if (!net::NetAddress::from_endpoint(endpoint)) {
    s.context->log->line("cannot connect to " + endpoint + ": bad address");
    return;
  }
  if (endpoint == s.our_endpoint) return;
  s.bootstrap.emplace(endpoint, Backoff{});
  self->send(s.book, PinAddress{endpoint});
}

NodeImpl::behavior_type node_actor(Node* self, caf::io::doorman_ptr doorman, PeerContext context,
                                   NodeConfig config, uint16_t port,
                                   std::shared_ptr<std::atomic<bool>> stopping) {
  auto& state = self->state;
  state.stopping = std::move(stopping);
  context.node = NodeActor{self};
  state.context = std::make_shared<const PeerContext>(std::move(context));
  state.book = state.context->address_book;
  state.config = std::move(config);
  state.our_endpoint = fmt::format("{}:{}", state.config.listen_host, port);
  state.listener =
      spawn_listener(self->system(), std::move(doorman), state.context, state.config.max_peers);
  self->link_to(state.listener);
  self->link_to(state.book);
  state.bans = state.context->bans;
  if (state.context->ban_manager) {
    self->send(state.context->ban_manager, SubscribeBans{state.listener});
    self->send(state.context->ban_manager, SubscribeBans{NodeActor{self}});
  }
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  self->set_down_handler([=](const caf::down_msg& down) {
    // A dead actor's address no longer yields a handle: find its session by address.
    if (auto session = self->state.peers.find_by_address(down.source))
      forget_session(self, *session);
  });
  self->send(state.context->chain, SubscribeTipChanged{TipChangedListener{self}});
  self->send(state.context->chain, SubscribePowValid{PowValidListener{self}});
  if (state.context->mempool)
    self->send(state.context->mempool, SubscribeTxsAccepted{TxsAcceptedListener{self}});
  for (const std::string& raw : state.config.connect) add_bootstrap(self, raw);
  self->request(state.context->chain, caf::infinite, GetTip{}).then([=](const TipInfo& tip) {
    auto& s = self->state;
    s.context->log->line(fmt::format("node {} listening on {}, tip height={} hash={}",
                                     s.context->log->node(), s.our_endpoint, tip.height,
                                     tip.height < 0 ? std::string("none") : tip.hash.hex()));
    if (s.bootstrap.empty())
      s.context->log->line(
          "no bootstrap peer (--connect): dialling what the address book "
          "knows and waiting for inbound peers");
    refill(self);
    self->send(self, RefillTick{});
  });
  return {
      [=](RefillTick) {
        refill(self);
        self->delayed_send(self, kRefillInterval, RefillTick{});
      },
      [=](const ConnectTo& request) {
        add_bootstrap(self, request.endpoint);
        refill(self);
      },
      [=](const SessionStarted& started) { self->state.peers.add(started.session, now_ms()); },
      [=](const InboundSession& inbound) { on_inbound(self, inbound.session); },
      [=](const PeerUp& up) {
        on_peer_up(self, up.session, up.endpoint);
        announce_mempool(self, up.session);
        answer_peer_waiters(self);
      },
      [=](const PeerDown& down) { forget_session(self, down.session); },
      [=](const Dialled& dialled) {
        on_dialled(self, dialled.endpoint, dialled.session, dialled.error);
      },
      [=](AddressesLearned& learned) {
        learn_addresses(self, std::move(learned.addresses), learned.source);
      },
      [=](const PingMeasured& ping) {
        self->state.peers.record_latency(ping.session, ping.round_trip_ms);
      },
      [=](const TipChanged& change) {
        if (change.connected.empty()) return;
        if (change.source) {
          self->state.peers.record_block(change.source, now_ms());
          if (self->state.peers.find(change.source)) choose_compact_relay(self, change.source);
        }
        announce_blocks(self, change.connected, change.source);
      },
      [=](const NewPowValidBlock& early) {
        if (early.block) announce_early(self, early.block, early.source);
      },
      [=](const DiscourageHost& request) {
        auto& s = self->state;
        s.discouraged[request.host] = std::chrono::steady_clock::now() + s.context->limits.ban_time;
        self->send(s.book, request);
      },
      [=](const BansChanged& changed) {
        self->state.bans = changed.bans;
        return true;
      },
      [=](GetReadyPeers) { return self->state.peers.ready_endpoints(); },
      [=](const AwaitPeer& wait) -> caf::result<bool> {
        if (is_ready(self, wait.endpoint)) return true;
        auto promise = self->make_response_promise<bool>();
        self->state.peer_waiters.emplace_back(wait.endpoint, promise);
        return promise;
      },
      [=](GetPeerDetails) {
        std::vector<PeerDetail> out;
        int64_t now = now_ms();
        for (const auto& [session, peer] : self->state.peers.sessions())
          out.push_back({session, peer.endpoint, peer.direction == Direction::inbound,
                         peer.direction == Direction::bootstrap, peer.ready,
                         now - peer.connected_ms, peer.ping_ms});
        return out;
      },
      [=](const ForgetNode& request) { return self->state.bootstrap.erase(request.endpoint) > 0; },
      [=](GetNetTotals) {
        const NetTotals& totals = *self->state.context->totals;
        return TrafficTotals{totals.bytes_sent.load(std::memory_order_relaxed),
                             totals.bytes_received.load(std::memory_order_relaxed)};
      },
      [=](const TxsAccepted& accepted) {
        auto& s = self->state;
        if (accepted.source) s.peers.record_tx(accepted.source, now_ms());
        if (s.pending_tx_announces.empty())
          self->delayed_send(self, kTxAnnounceDelay, FlushTxAnnounces{});
        for (const Hash256& hash : accepted.txids)
          s.pending_tx_announces.emplace_back(hash, accepted.source);
        if (s.pending_tx_announces.size() >= kMaxTxAnnounceBatch) flush_tx_announces(self);
      },
      [=](FlushTxAnnounces) { flush_tx_announces(self); },
  };
}

}  // namespace

Result<NodeActors> start_node_actors(caf::actor_system& system, const NodeConfig& config,
                                     std::shared_ptr<ChainBackend> chain) {
  auto doorman = system.middleman().backend().new_tcp_doorman(config.listen_port,
                                                              config.listen_host.c_str(), true);
  if (!doorman) {
    // CAF's text names its internals; the user needs to know the port is taken.
    if (doorman.error() == caf::sec::cannot_open_port)
      return make_error(
          ErrorKind::kBusy, "port-in-use",
          fmt::format("{}:{} is already in use", config.listen_host, config.listen_port));
    return make_error("listen-failed", system.render(doorman.error()));
  }
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
  std::shared_ptr<const TipCoins> coins = config.coins;
  if (!coins) coins = std::make_shared<const NoCoins>();
  actors.mempool = spawn_mempool(system,
                                 MempoolConfig{config.params, coins, 50'000'000, config.log,
                                               config.mempool_path, config.load_mempool},
                                 actors.chain);
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
  BanManagerConfig ban_config{config.ban_list_path, config.peer_limits.ban_time, config.log, {}};
  net::BanList bans = load_bans(ban_config);
  auto initial_bans = std::make_shared<const net::BanList>(bans);
  actors.bans = spawn_ban_manager(system, std::move(ban_config), std::move(bans));
  PeerContext context;
  context.chain = actors.chain;
  context.sync = actors.sync;
  context.mempool = actors.mempool;
  context.address_book = actors.address_book;
  context.bans = std::move(initial_bans);
  context.ban_manager = actors.bans;
  context.log = config.log;
  context.magic = config.params.magic;
  context.params = config.params;
  context.limits = config.peer_limits;
  context.version_nonce = random_nonce();
  context.services = config.local_services;
  auto listen = net::NetAddress::from_host(config.listen_host, actors.port, config.local_services);
  if (listen) context.listen_address = *listen;
  actors.stopping = std::make_shared<std::atomic<bool>>(false);
  actors.node = system.spawn(node_actor, std::move(*doorman), std::move(context), config,
                             actors.port, actors.stopping);
  return actors;
}

void begin_node_shutdown(const NodeActors& actors) {
  if (actors.stopping) actors.stopping->store(true);
}

void stop_node_actors(const NodeActors& actors) {
  begin_node_shutdown(actors);
  auto stop = [](const auto& actor) {
    if (actor) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  };
  stop(actors.node);
  stop(actors.miner);
  stop(actors.mempool);
  stop(actors.sync);
  stop(actors.utxo_indexer);
  stop(actors.chain);
  stop(actors.address_book);
  stop(actors.bans);
}

}  // namespace ac::actors
