// The mempool actor's state and the parts of its behaviour its files share (internal to
// mempool_actor.cpp, which admits transactions and answers the other actors, and
// mempool_loading.cpp, mempool.dat's loading and saving). Nothing else includes this.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "actors/mempool_actor.hpp"
#include "actors/mempool_persistence.hpp"
#include "chain/memory_coins.hpp"
#include "chain/mempool.hpp"
#include "chain/script_verify.hpp"

namespace ac::actors::mempool_detail {

// The mempool's own continuation: submit the next batch of mempool.dat's transactions.
struct LoadMore {};

}  // namespace ac::actors::mempool_detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::mempool_detail::LoadMore)

namespace ac::actors::mempool_detail {

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

using MempoolImpl = MempoolActor::extend<caf::reacts_to<LoadMore>>;
using MempoolSelf = MempoolImpl::stateful_pointer<MempoolState>;

// mempool_actor.cpp:
int64_t now_seconds();
// Tells the MempoolChanged listeners the pool's size.
void notify_changed(MempoolSelf self);
// The chain's coins that `txs` spend (and, with `pooled`, those every pooled transaction
// spends) as of the tip we were told about; nullopt when the chain's coins are ahead of it.
std::optional<MemoryCoins> coins_for(const MempoolState& state, std::span<const Transaction> txs,
                                     bool pooled = false);
TxSelection select(const MempoolState& state, uint64_t max_bytes);

// mempool_loading.cpp:
// Reads mempool.dat at spawn; a damaged file is reported and left out, never fatal.
void start_loading(MempoolSelf self);
// Submits the next batch of mempool.dat's transactions, each with its saved entry time, without
// relaying them. True once all are; false while some remain (their batch is due, or the coins
// are ahead of our tip and a TipChanged will resume).
bool load_saved(MempoolSelf self);
// Writes every pooled transaction, parents first, with its entry time to mempool.dat.
MempoolSaved save(const MempoolState& state);

}  // namespace ac::actors::mempool_detail
