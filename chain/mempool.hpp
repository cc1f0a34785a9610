// The pool of valid unconfirmed transactions a node relays and mines from: pure data and rules,
// no actors (the mempool actor owns one). Transactions may spend outputs of other pooled
// transactions. The pool is bounded by total serialized bytes: when full, the pooled
// transactions with the lowest fee rate that no pooled transaction depends on make room, unless
// the newcomer pays no more than they do, in which case it is refused ("mempool-full").
//
// accept() reasons: "tx-already-in-mempool", "coinbase-not-allowed", "non-final" (lock time
// not reached by the next block, judged by the tip's median time past), "mempool-conflict"
// (an input is already spent by a pooled transaction), any check_tx_inputs reason,
// "non-BIP68-final" (a relative lock the next block could not satisfy; chains with CSV),
// any verify_input_script reason (scripts run with the params' consensus and policy flags),
// "mempool-full".
// Not thread-safe: it has one owner (the mempool actor).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "chain/amount.hpp"
#include "chain/block.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/script_verify.hpp"
#include "chain/transaction.hpp"
#include "chain/tx_verify.hpp"
#include "chain/uint256.hpp"

namespace ac {

// What Core's getmempoolentry tells of a pooled transaction: itself, its place in the pool's
// graph of parents and children, and the totals over its in-pool ancestors and descendants
// (each set counting the transaction itself). Sizes are serialized bytes (no witnesses here,
// so each is also the BIP141 vsize).
struct MempoolEntryInfo {
  Hash256 txid;
  size_t bytes = 0;
  Amount fee = 0;
  int64_t entry_time = 0;  // seconds since the Unix epoch
  int height = 0;          // the tip's height when it entered the pool
  // Its pooled parents, ordered by their hex as Core's `depends`, and pooled children, ordered
  // by hash (operator<) as Core's `spentby`.
  std::vector<Hash256> depends;
  std::vector<Hash256> spent_by;
  size_t ancestor_count = 0;
  size_t ancestor_bytes = 0;
  Amount ancestor_fees = 0;
  size_t descendant_count = 0;
  size_t descendant_bytes = 0;
  Amount descendant_fees = 0;
  bool replaceable = false;  // it or a pooled ancestor signals BIP125 (a sequence < 0xfffffffe)
};

class Mempool {
 public:
  explicit Mempool(size_t max_bytes);

  // Validates `tx` against `chain_coins` (the UTXO set at the tip) plus the pool's own outputs,
  // for inclusion in a block at `next_height`, and adds it, noting `entry_time` (seconds since
  // the Unix epoch; kept across a restart by mempool.dat) and the tip's height then
  // (`next_height` - 1). Returns its txid.
  // Applies check_transaction first, so the context-free rules are the block's own.
  Result<Hash256> accept(const Transaction& tx, const CoinsView& chain_coins, int next_height,
                         const ChainParams& params, ScriptVerifier& verifier,
                         int64_t entry_time = 0);

  // A block was connected: drops its transactions, and every pooled transaction that spends an
  // input the block spent (a conflict) together with that transaction's pooled descendants.
  void remove_for_block(const Block& block);

  // Blocks were disconnected (reorg): offers their non-coinbase transactions again, oldest
  // first, against the chain after the disconnection, then drops pooled transactions whose
  // inputs no longer check out (e.g. they spent a transaction that was not re-added). Returns
  // the txids re-added.
  std::vector<Hash256> add_back(std::span<const Transaction> disconnected,
                                const CoinsView& chain_coins, int next_height,
                                const ChainParams& params, ScriptVerifier& verifier,
                                int64_t entry_time = 0);

  // Transactions for a block template, highest fee rate first subject to every pooled parent
  // coming before its children, totalling at most `max_bytes`.
  std::vector<Transaction> select_for_block(size_t max_bytes) const;

  // What the lock-time rules need besides the next height: the tip's median time past and,
  // for BIP68 time locks, the median time past at any height of the active chain. Until
  // told, time-based locks are never satisfied (the pool refuses rather than guesses).
  void set_tip_median_time(int64_t median_time_past) { tip_median_time_ = median_time_past; }
  void set_median_time_at(MedianTimeAt median_time_at) {
    median_time_at_ = std::move(median_time_at);
  }

  bool contains(const Hash256& txid) const { return entries_.contains(txid); }
  // The txids of every pooled transaction, in no particular order.
  std::vector<Hash256> txids() const;
  std::optional<Transaction> get(const Hash256& txid) const;
  // The fee the pooled transaction pays, if pooled.
  std::optional<Amount> fee(const Hash256& txid) const;
  // When the pooled transaction entered the pool (accept's `entry_time`), if pooled.
  std::optional<int64_t> entry_time(const Hash256& txid) const;
  size_t size() const { return entries_.size(); }
  // Sum of the pooled transactions' serialized sizes.
  size_t bytes() const { return bytes_; }
  size_t max_bytes() const { return max_bytes_; }
  // Sum of the pooled transactions' fees.
  Amount total_fee() const { return total_fee_; }
  // An estimate of the heap the pool takes (transactions, entries and indexes): Core's `usage`.
  size_t memory_usage() const;

  // The pool's graph (mempool_relations.cpp). The entry of a pooled transaction, if pooled.
  std::optional<MempoolEntryInfo> entry_info(const Hash256& txid) const;
  // The pooled ancestors (transactions it spends, theirs, ...) or descendants of a pooled
  // transaction, without itself, sorted by txid; empty when not pooled.
  std::vector<Hash256> ancestors(const Hash256& txid) const;
  std::vector<Hash256> descendants(const Hash256& txid) const;

 private:
  struct Entry {
    Transaction tx;
    Amount fee = 0;
    size_t bytes = 0;
    int64_t entry_time = 0;
    int height = 0;
  };
  // Orders entries by fee rate (fee / bytes, compared exactly), then txid.
  struct FeeRateKey {
    Amount fee;
    size_t bytes;
    Hash256 txid;
    bool operator<(const FeeRateKey& other) const;
  };
  class OverlayView;

  void insert(const Hash256& txid, Entry entry);
  void remove(const Hash256& txid);
  void remove_with_descendants(const Hash256& txid);
  std::vector<Hash256> pooled_parents(const Transaction& tx) const;
  std::vector<Hash256> pooled_children(const Hash256& txid, const Entry& entry) const;
  // Txids to evict so that `incoming_bytes` more fit, or nullopt if that would evict a
  // transaction paying at least the newcomer's fee rate.
  std::optional<std::vector<Hash256>> plan_eviction(const FeeRateKey& incoming,
                                                    const std::vector<Hash256>& protect) const;
  void drop_unfunded(const CoinsView& chain_coins, int next_height, const ChainParams& params);

  size_t max_bytes_;
  int64_t tip_median_time_ = 0;
  MedianTimeAt median_time_at_;
  size_t bytes_ = 0;
  Amount total_fee_ = 0;
  std::unordered_map<Hash256, Entry> entries_;
  std::unordered_map<OutPoint, Hash256> spenders_;  // pooled spender of each outpoint
  std::set<FeeRateKey> by_fee_rate_;
};

}  // namespace ac
