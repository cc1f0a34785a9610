#include "actors/mempool_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <ctime>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "actors/mempool_persistence.hpp"
#include "chain/memory_coins.hpp"
#include "chain/mempool.hpp"
#include "chain/script_verify.hpp"
#include "net/compact_block.hpp"

namespace ac::actors {

namespace {

// The mempool's own continuation: submit the next batch of mempool.dat's transactions.
struct LoadMore {};

}  // namespace

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::LoadMore)

namespace ac::actors {

namespace {

// Saved transactions submitted per message while loading, so that the RPC server's questions and
// tip changes are answered between batches.
constexpr size_t kLoadBatch = 500;

// mempool.dat's transactions not yet submitted, in file order, and what became of the others.
struct Loading {
  std::deque<SavedMempoolTx> entries;
  size_t total = 0;
  size_t accepted = 0;
  size_t refused = 0;
  size_t expired = 0;
  bool batch_due = false;  // a LoadMore is in the mailbox
};

// A SelectTxs{.., after_load} that came while loading.
struct WaitingSelect {
  uint64_t max_bytes = 0;
  caf::typed_response_promise<TxSelection> promise;
};

// A submitted transaction waiting for the mempool to be told the tip the chain's coins are at.
struct WaitingTx {
  TxPtr tx;
  SessionActor source;
  caf::typed_response_promise<TxVerdict> promise;
};

// A peer's getdata for a transaction that came while submissions were waiting: answered once
// they are checked, so a peer that sends `tx` then `getdata` for it learns its verdict.
struct WaitingGet {
  Hash256 txid;
  caf::typed_response_promise<TxPtr> promise;
};

struct MempoolState {
  MempoolConfig config;
  std::optional<Mempool> pool;
  std::unique_ptr<ScriptVerifier> verifier;
  TipInfo tip;        // the last tip the chain told us about; coins are read as of it
  bool told = false;  // a TipChanged came (the spawn-time GetTip answer may come after it)
  std::deque<WaitingTx> waiting;
  std::deque<WaitingGet> waiting_gets;
  bool loaded = true;  // false until mempool.dat's transactions were all submitted
  Loading loading;
  std::vector<WaitingSelect> waiting_selects;
  // Transactions of disconnected blocks not yet taken back (the coins were ahead of the tip
  // that disconnected them), oldest first; taken back before any waiting submission.
  std::vector<Transaction> returned;
  std::vector<TxsAcceptedListener> relays;
  std::vector<MempoolChangedListener> size_listeners;
  // Recently accepted transactions, kept after they leave the pool (mined, evicted) so that a
  // peer asking for what we announced still gets it, and a re-announce is not fetched again.
  std::unordered_map<Hash256, TxPtr> relayed;
  std::deque<Hash256> relayed_order;
  static inline const char* name = "mempool";
};

constexpr size_t kMaxRelayed = 1'000;

void remember_relayed(MempoolState& state, const Hash256& txid, const TxPtr& tx) {
  if (!state.relayed.emplace(txid, tx).second) return;
  state.relayed_order.push_back(txid);
  if (state.relayed_order.size() > kMaxRelayed) {
    state.relayed.erase(state.relayed_order.front());
    state.relayed_order.pop_front();
  }
}

using MempoolImpl = MempoolActor::extend<caf::reacts_to<LoadMore>>;
using MempoolSelf = MempoolImpl::stateful_pointer<MempoolState>;

int64_t now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

void notify_changed(MempoolSelf self) {
  auto size = static_cast<uint64_t>(self->state.pool->size());
  for (const MempoolChangedListener& listener : self->state.size_listeners)
    self->send(listener, MempoolChanged{size});
}

// The chain's coins that `txs` spend (and, with `pooled`, those every pooled transaction
// spends) as of the tip we were told about; nullopt when the chain's coins are ahead of it.
std::optional<MemoryCoins> coins_for(const MempoolState& state, std::span<const Transaction> txs,
                                     bool pooled = false) {
  std::vector<OutPoint> outpoints;
  for (const Transaction& tx : txs)
    for (const TxIn& input : tx.inputs) outpoints.push_back(input.prevout);
  if (pooled) {
    for (const Transaction& tx : state.pool->select_for_block(state.pool->bytes()))
      for (const TxIn& input : tx.inputs) outpoints.push_back(input.prevout);
  }
  auto read = state.config.coins->coins_at(state.tip.hash, outpoints);
  if (!read) return std::nullopt;
  MemoryCoins coins;
  for (auto& [outpoint, coin] : *read) coins.add(outpoint, std::move(coin));
  return coins;
}

// The verdict on `tx`, or nullopt when it must wait for the next tip (see the header).
std::optional<TxVerdict> submit(MempoolSelf self, const TxPtr& tx, const SessionActor& source) {
  auto& state = self->state;
  if (!tx) return TxVerdict{false, "null-tx", ErrorKind::kLocal};
  std::optional<MemoryCoins> coins = coins_for(state, std::span(tx.get(), 1));
  if (!coins) return std::nullopt;
  auto accepted = state.pool->accept(*tx, *coins, state.tip.height + 1, state.config.params,
                                     *state.verifier, now_seconds());
  if (!accepted) {
    state.config.log->line(
        fmt::format("rejected tx {}: {}", tx->txid().hex(), accepted.error().message()));
    return TxVerdict{false, accepted.reason(), accepted.kind()};
  }
  state.config.log->line("accepted tx " + accepted->hex());
  remember_relayed(state, *accepted, tx);
  for (const TxsAcceptedListener& relay : state.relays)
    self->send(relay, TxsAccepted{std::vector<Hash256>{*accepted}, source});
  notify_changed(self);
  return TxVerdict{true, {}};
}

// Takes back the transactions of disconnected blocks, once the coins are those of our tip.
bool take_back_returned(MempoolSelf self) {
  auto& state = self->state;
  if (state.returned.empty()) return true;
  std::optional<MemoryCoins> coins = coins_for(state, state.returned, true);
  if (!coins) return false;
  std::vector<Hash256> back =
      state.pool->add_back(state.returned, *coins, state.tip.height + 1, state.config.params,
                           *state.verifier, now_seconds());
  state.returned.clear();
  // Announce them again: peers that were on the winning side of a split never saw them, and
  // a miner among them must, or they would never be confirmed again.
  if (!back.empty()) {
    for (const Hash256& txid : back) {
      state.config.log->line("returned tx " + txid.hex() + " to the mempool");
      if (auto tx = state.pool->get(txid))
        remember_relayed(state, txid, std::make_shared<const Transaction>(std::move(*tx)));
    }
    for (const TxsAcceptedListener& relay : state.relays) self->send(relay, TxsAccepted{back, {}});
  }
  return true;
}

// The pooled or recently accepted transaction `txid`, or null.
TxPtr find_tx(const MempoolState& state, const Hash256& txid) {
  if (std::optional<Transaction> tx = state.pool->get(txid))
    return std::make_shared<const Transaction>(std::move(*tx));
  auto relayed = state.relayed.find(txid);
  return relayed == state.relayed.end() ? nullptr : relayed->second;
}

bool nothing_waits(const MempoolState& state) {
  return state.waiting.empty() && state.returned.empty() && state.loaded;
}

TxSelection select(const MempoolState& state, uint64_t max_bytes) {
  TxSelection selection;
  Amount fees = 0;
  for (Transaction& tx : state.pool->select_for_block(static_cast<size_t>(max_bytes))) {
    const Amount fee = state.pool->fee(tx.txid()).value_or(0);
    fees += fee;
    selection.tx_fees.push_back(static_cast<int64_t>(fee));
    selection.txs.push_back(std::make_shared<const Transaction>(std::move(tx)));
  }
  selection.fees = static_cast<int64_t>(fees);
  selection.tip = state.tip;
  selection.pool_size = static_cast<uint64_t>(state.pool->size());
  selection.loaded = state.loaded;
  return selection;
}

void finish_loading(MempoolSelf self) {
  auto& state = self->state;
  const Loading& loading = state.loading;
  state.loaded = true;
  state.config.log->line(
      fmt::format("loaded {} of {} mempool txs ({} already confirmed or invalid, {} expired)",
                  loading.accepted, loading.total, loading.refused, loading.expired));
  for (WaitingSelect& waiting : state.waiting_selects)
    waiting.promise.deliver(select(state, waiting.max_bytes));
  state.waiting_selects.clear();
  notify_changed(self);
}

// Submits the next batch of mempool.dat's transactions, each with its saved entry time, without
// relaying them. True once all are; false while some remain (their batch is due, or the coins
// are ahead of our tip and a TipChanged will resume).
bool load_saved(MempoolSelf self) {
  auto& state = self->state;
  if (state.loaded) return true;
  Loading& loading = state.loading;
  const int64_t oldest = now_seconds() - std::chrono::seconds(kMempoolExpiry).count();
  for (size_t n = 0; n < kLoadBatch && !loading.entries.empty(); ++n) {
    const SavedMempoolTx& entry = loading.entries.front();
    if (entry.entry_time < oldest) {
      ++loading.expired;
    } else {
      std::optional<MemoryCoins> coins = coins_for(state, std::span(&entry.tx, 1));
      if (!coins) return false;
      auto accepted = state.pool->accept(entry.tx, *coins, state.tip.height + 1,
                                         state.config.params, *state.verifier, entry.entry_time);
      ++(accepted ? loading.accepted : loading.refused);
    }
    loading.entries.pop_front();
  }
  if (!loading.entries.empty()) {
    if (!loading.batch_due) self->send(self, LoadMore{});
    loading.batch_due = true;
    return false;
  }
  finish_loading(self);
  return true;
}

// Reads mempool.dat at spawn; a damaged file is reported and left out, never fatal.
void start_loading(MempoolSelf self) {
  auto& state = self->state;
  auto saved = load_mempool_file(state.config.persist_path);
  if (!saved) {
    state.config.log->line(fmt::format("cannot load {}: {} (starting with an empty mempool)",
                                       state.config.persist_path.string(),
                                       saved.error().message()));
    return;
  }
  state.loaded = false;
  state.loading.total = saved->size();
  state.loading.entries.assign(std::make_move_iterator(saved->begin()),
                               std::make_move_iterator(saved->end()));
  if (state.loading.entries.empty()) finish_loading(self);  // no file: nothing to wait for
}

// Writes every pooled transaction, parents first, with its entry time to mempool.dat.
MempoolSaved save(const MempoolState& state) {
  if (state.config.persist_path.empty()) return {false, "mempool-not-persisted", 0};
  // Core refuses too: writing a partly loaded pool would lose the rest of the file.
  if (!state.loaded) return {false, "mempool-not-loaded: the mempool was not loaded yet", 0};
  std::vector<SavedMempoolTx> entries;
  for (Transaction& tx : state.pool->select_for_block(state.pool->bytes())) {
    const int64_t entry_time = state.pool->entry_time(tx.txid()).value_or(0);
    entries.push_back({std::move(tx), entry_time});
  }
  if (Status written = save_mempool_file(state.config.persist_path, entries); !written)
    return {false, written.error().message(), 0};
  return {true, state.config.persist_path.string(), static_cast<uint64_t>(entries.size())};
}

// Checks what waits, in order, until something must wait for a later tip again; once nothing
// does, answers the getdata requests that came behind it.
void check_waiting(MempoolSelf self) {
  auto& state = self->state;
  if (!take_back_returned(self) || !load_saved(self)) return;
  while (!state.waiting.empty()) {
    WaitingTx& next = state.waiting.front();
    std::optional<TxVerdict> verdict = submit(self, next.tx, next.source);
    if (!verdict) return;
    next.promise.deliver(std::move(*verdict));
    state.waiting.pop_front();
  }
  for (WaitingGet& get : state.waiting_gets) get.promise.deliver(find_tx(state, get.txid));
  state.waiting_gets.clear();
}

// BIP152: what of ours a compact block names, from the pool and the recently accepted.
std::vector<TxPtr> match_short_ids(const MempoolState& state, const MatchShortIds& request) {
  std::unordered_set<uint64_t> wanted(request.short_ids.begin(), request.short_ids.end());
  std::vector<TxPtr> matches;
  if (wanted.empty()) return matches;
  for (const Hash256& txid : state.pool->txids())
    if (wanted.contains(net::short_id(request.key, txid)) && !state.relayed.contains(txid))
      matches.push_back(find_tx(state, txid));
  for (const auto& [txid, tx] : state.relayed)
    if (wanted.contains(net::short_id(request.key, txid))) matches.push_back(tx);
  return matches;
}

void on_tip_changed(MempoolSelf self, const TipChanged& change) {
  auto& state = self->state;
  state.tip = change.tip;
  state.told = true;
  state.pool->set_tip_median_time(change.tip.median_time_past);
  // An empty pool (a node catching up) has nothing to evict: skip copying every block's txs.
  if (!change.confirmed.empty() && state.pool->size() > 0) {
    Block confirmed;
    for (const TxPtr& tx : change.confirmed) confirmed.transactions.push_back(*tx);
    state.pool->remove_for_block(confirmed);
  }
  for (const TxPtr& tx : change.returned_to_mempool) state.returned.push_back(*tx);
  check_waiting(self);
  notify_changed(self);
}

MempoolImpl::behavior_type mempool_actor(MempoolSelf self, MempoolConfig config, ChainActor chain) {
  auto& state = self->state;
  state.pool.emplace(config.max_bytes);
  state.verifier = std::make_unique<ScriptVerifier>(1);
  state.config = std::move(config);
  if (state.config.load_persisted && !state.config.persist_path.empty()) start_loading(self);
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  self->send(chain, SubscribeTipChanged{TipChangedListener{self}});
  self->request(chain, caf::infinite, GetTip{}).then([=](const TipInfo& tip) {
    if (self->state.told) return;
    self->state.tip = tip;
    self->state.pool->set_tip_median_time(tip.median_time_past);
    check_waiting(self);
    notify_changed(self);  // a miner that asked before we knew a tip asks again
  });
  return {
      [=](const SubmitTx& submission) -> caf::result<TxVerdict> {
        auto& state = self->state;
        if (nothing_waits(state)) {
          if (auto verdict = submit(self, submission.tx, submission.source)) return *verdict;
        }
        auto promise = self->make_response_promise<TxVerdict>();
        state.waiting.push_back({submission.tx, submission.source, promise});
        return promise;
      },
      [=](const GetMissingTxs& request) {
        std::vector<Hash256> missing;
        for (const Hash256& hash : request.hashes)
          if (!self->state.pool->contains(hash) && self->state.relayed.count(hash) == 0)
            missing.push_back(hash);
        return missing;
      },
      [=](const GetTx& request) -> caf::result<TxPtr> {
        auto& state = self->state;
        if (nothing_waits(state)) return find_tx(state, request.txid);
        auto promise = self->make_response_promise<TxPtr>();
        state.waiting_gets.push_back({request.txid, promise});
        return promise;
      },
      [=](const MatchShortIds& request) { return match_short_ids(self->state, request); },
      [=](const SelectTxs& request) -> caf::result<TxSelection> {
        auto& state = self->state;
        if (!request.after_load || state.loaded) return select(state, request.max_bytes);
        auto promise = self->make_response_promise<TxSelection>();
        state.waiting_selects.push_back({request.max_bytes, promise});
        return promise;
      },
      [=](SaveMempool) { return save(self->state); },
      [=](LoadMore) {
        self->state.loading.batch_due = false;
        check_waiting(self);
      },
      [=](GetMempoolSize) { return static_cast<uint64_t>(self->state.pool->size()); },
      [=](const GetMempoolEntries& request) { return mempool_entries(*self->state.pool, request); },
      [=](GetMempoolInfo) { return mempool_info(*self->state.pool, self->state.loaded); },
      [=](const SubscribeTxsAccepted& subscription) {
        self->state.relays.push_back(subscription.listener);
      },
      [=](const SubscribeMempoolChanged& subscription) {
        self->state.size_listeners.push_back(subscription.listener);
      },
      [=](const TipChanged& change) { on_tip_changed(self, change); },
  };
}

}  // namespace

MempoolActor spawn_mempool(caf::actor_system& system, MempoolConfig config, ChainActor chain) {
  return system.spawn(mempool_actor, std::move(config), std::move(chain));
}

}  // namespace ac::actors
