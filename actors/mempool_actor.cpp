#include "actors/mempool_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <ctime>
#include <unordered_set>

#include "actors/mempool_state.hpp"
#include "net/compact_block.hpp"

namespace ac::actors {

namespace mempool_detail {

constexpr size_t kMaxRelayed = 1'000;

void remember_relayed(MempoolState& state, const Hash256& txid, const TxPtr& tx) {
  if (!state.relayed.emplace(txid, tx).second) return;
  state.relayed_order.push_back(txid);
  if (state.relayed_order.size() > kMaxRelayed) {
    state.relayed.erase(state.relayed_order.front());
    state.relayed_order.pop_front();
  }
}

int64_t now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

void notify_changed(MempoolSelf self) {
  auto size = static_cast<uint64_t>(self->state.pool->size());
  for (const MempoolChangedListener& listener : self->state.size_listeners)
    self->send(listener, MempoolChanged{size});
}

std::optional<MemoryCoins> coins_for(const MempoolState& state, std::span<const Transaction> txs,
                                     bool pooled) {
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

}  // namespace mempool_detail

MempoolActor spawn_mempool(caf::actor_system& system, MempoolConfig config, ChainActor chain) {
  return system.spawn(mempool_detail::mempool_actor, std::move(config), std::move(chain));
}

}  // namespace ac::actors
