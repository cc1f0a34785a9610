// mempool.dat's transactions back into the pool at a start, in batches, and the pool written
// out again (SaveMempool): the mempool actor's persistence, beside its admission
// (mempool_actor.cpp).
#include <fmt/format.h>

#include <chrono>

#include "actors/mempool_state.hpp"

namespace ac::actors::mempool_detail {

namespace {

// Saved transactions submitted per message while loading, so that the RPC server's questions and
// tip changes are answered between batches.
constexpr size_t kLoadBatch = 500;

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

}  // namespace

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

}  // namespace ac::actors::mempool_detail
