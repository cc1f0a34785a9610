#include "chain/mempool.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_set>

#include "chain/check_block.hpp"
#include "chain/interpreter.hpp"
#include "chain/tx_verify.hpp"

namespace ac {

bool Mempool::FeeRateKey::operator<(const FeeRateKey& other) const {
  const FeeRateKey& a = *this;
  const FeeRateKey& b = other;
  // a.fee / a.bytes < b.fee / b.bytes without division; fees (< 2^51) times sizes (< 2^32)
  // need more than 64 bits.
  const __int128 left = static_cast<__int128>(a.fee) * static_cast<__int128>(b.bytes);
  const __int128 right = static_cast<__int128>(b.fee) * static_cast<__int128>(a.bytes);
  if (left != right) return left < right;
  return a.txid < b.txid;
}

// The chain's coins plus the outputs of pooled transactions, which count as created at the
// next block's height and are never coinbases. Outputs a pooled transaction already spends
// stay visible: conflicts are caught separately, before this view is consulted.
class Mempool::OverlayView : public CoinsView {
 public:
  OverlayView(const Mempool& pool, const CoinsView& chain, int next_height)
      : pool_(pool), chain_(chain), next_height_(next_height) {}

  std::optional<Coin> coin(const OutPoint& outpoint) const override {
    if (auto it = pool_.entries_.find(outpoint.txid); it != pool_.entries_.end()) {
      const std::vector<TxOut>& outputs = it->second.tx.outputs;
      if (outpoint.index >= outputs.size()) return std::nullopt;
      return Coin{outputs[outpoint.index], next_height_, false};
    }
    return chain_.coin(outpoint);
  }

 private:
  const Mempool& pool_;
  const CoinsView& chain_;
  int next_height_;
};

Mempool::Mempool(size_t max_bytes) : max_bytes_(max_bytes) {}

Result<Hash256> Mempool::accept(const Transaction& tx, const CoinsView& chain_coins,
                                int next_height, const ChainParams& params,
                                ScriptVerifier& verifier, int64_t entry_time) {
  const Hash256 txid = tx.txid();
  if (contains(txid))
    return make_error(ErrorKind::kAlreadyHave, "tx-already-in-mempool", txid.hex());
  if (tx.is_coinbase()) return make_error("coinbase-not-allowed", txid.hex());
  if (Status s = check_transaction(tx); !s) return s.error();
  // Not yet valid rather than invalid (Core's premature spend): refused, costing nothing.
  if (!is_final_tx(tx, next_height, tip_median_time_))
    return make_error(ErrorKind::kRefused, "non-final", txid.hex());
  for (const TxIn& input : tx.inputs) {
    if (auto it = spenders_.find(input.prevout); it != spenders_.end())
      return make_error(ErrorKind::kRefused, "mempool-conflict",
                        txid.hex() + " and " + it->second.hex() + " spend " +
                            input.prevout.txid.hex() + ":" + std::to_string(input.prevout.index));
  }

  const OverlayView view(*this, chain_coins, next_height);
  Result<Amount> fee = check_tx_inputs(tx, view, next_height, params);
  if (!fee) return fee.error();

  if (params.script_flags & verify_flags::kCheckSequenceVerify) {
    std::vector<int> coin_heights;
    coin_heights.reserve(tx.inputs.size());
    for (const TxIn& input : tx.inputs) coin_heights.push_back(view.coin(input.prevout)->height);
    // Pooled coins count as created in the next block, whose predecessor is the tip.
    const MedianTimeAt median_time_at = [&](int height) {
      if (height >= next_height - 1) return tip_median_time_;
      return median_time_at_ ? median_time_at_(height) : std::numeric_limits<int64_t>::max() / 2;
    };
    if (!sequence_lock_satisfied(sequence_lock(tx, coin_heights, median_time_at), next_height,
                                 tip_median_time_))
      return make_error(ErrorKind::kRefused, "non-BIP68-final", txid.hex());
  }

  // Every input exists (check_tx_inputs said so); keep the spent scripts alive for the checks.
  std::vector<Bytes> spent_scripts;
  spent_scripts.reserve(tx.inputs.size());
  for (const TxIn& input : tx.inputs)
    spent_scripts.push_back(view.coin(input.prevout)->output.script_pubkey);
  std::vector<ScriptCheck> checks;
  checks.reserve(tx.inputs.size());
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    // Stored in the signature cache: the block that mines this transaction finds them there.
    checks.push_back(
        {&tx, i, spent_scripts[i], params.script_flags, params.policy_script_flags, true});
  }
  if (Status scripts = verifier.verify_all(checks); !scripts) return scripts.error();

  const size_t tx_bytes = tx.serialized_size();
  if (bytes_ + tx_bytes > max_bytes_) {
    if (tx_bytes > max_bytes_)
      return make_error(ErrorKind::kRefused, "mempool-full", "transaction larger than the pool");
    const auto evictions = plan_eviction(FeeRateKey{*fee, tx_bytes, txid}, pooled_parents(tx));
    if (!evictions)
      return make_error(ErrorKind::kRefused, "mempool-full",
                        "fee rate too low to displace pooled transactions");
    for (const Hash256& evicted : *evictions) remove(evicted);
  }
  insert(txid, Entry{tx, *fee, tx_bytes, entry_time, next_height - 1});
  return txid;
}

std::optional<std::vector<Hash256>> Mempool::plan_eviction(
    const FeeRateKey& incoming, const std::vector<Hash256>& protect) const {
  std::unordered_set<Hash256> evicted;
  std::vector<Hash256> order;
  size_t freed = 0;
  const size_t needed = bytes_ + incoming.bytes - max_bytes_;
  while (freed < needed) {
    // The cheapest pooled transaction whose pooled children are all being evicted already.
    const FeeRateKey* victim = nullptr;
    for (const FeeRateKey& key : by_fee_rate_) {
      if (!(key < incoming)) return std::nullopt;  // every remaining one pays at least as much
      if (evicted.contains(key.txid) ||
          std::find(protect.begin(), protect.end(), key.txid) != protect.end())
        continue;
      const Entry& entry = entries_.at(key.txid);
      bool leaf = true;
      for (uint32_t index = 0; index < entry.tx.outputs.size() && leaf; ++index) {
        auto it = spenders_.find(OutPoint{key.txid, index});
        leaf = it == spenders_.end() || evicted.contains(it->second);
      }
      if (leaf) {
        victim = &key;
        break;
      }
    }
    if (!victim) return std::nullopt;
    evicted.insert(victim->txid);
    order.push_back(victim->txid);
    freed += victim->bytes;
  }
  return order;
}

std::vector<Hash256> Mempool::pooled_parents(const Transaction& tx) const {
  std::vector<Hash256> parents;
  for (const TxIn& input : tx.inputs) {
    if (contains(input.prevout.txid) &&
        std::find(parents.begin(), parents.end(), input.prevout.txid) == parents.end())
      parents.push_back(input.prevout.txid);
  }
  return parents;
}

void Mempool::insert(const Hash256& txid, Entry entry) {
  for (const TxIn& input : entry.tx.inputs) spenders_[input.prevout] = txid;
  by_fee_rate_.insert(FeeRateKey{entry.fee, entry.bytes, txid});
  bytes_ += entry.bytes;
  total_fee_ += entry.fee;
  entries_.emplace(txid, std::move(entry));
}

void Mempool::remove(const Hash256& txid) {
  auto it = entries_.find(txid);
  if (it == entries_.end()) return;
  const Entry& entry = it->second;
  for (const TxIn& input : entry.tx.inputs) {
    if (auto spender = spenders_.find(input.prevout);
        spender != spenders_.end() && spender->second == txid)
      spenders_.erase(spender);
  }
  by_fee_rate_.erase(FeeRateKey{entry.fee, entry.bytes, txid});
  bytes_ -= entry.bytes;
  total_fee_ -= entry.fee;
  entries_.erase(it);
}

void Mempool::remove_with_descendants(const Hash256& txid) {
  std::vector<Hash256> pending = {txid};
  while (!pending.empty()) {
    const Hash256 current = pending.back();
    pending.pop_back();
    auto it = entries_.find(current);
    if (it == entries_.end()) continue;
    for (const Hash256& child : pooled_children(current, it->second)) pending.push_back(child);
    remove(current);
  }
}

void Mempool::remove_for_block(const Block& block) {
  for (const Transaction& tx : block.transactions) {
    if (tx.is_coinbase()) continue;
    remove(tx.txid());
    // Whatever else in the pool spends this transaction's inputs can never confirm now.
    for (const TxIn& input : tx.inputs) {
      if (auto spender = spenders_.find(input.prevout); spender != spenders_.end())
        remove_with_descendants(spender->second);
    }
  }
}

std::vector<Hash256> Mempool::add_back(std::span<const Transaction> disconnected,
                                       const CoinsView& chain_coins, int next_height,
                                       const ChainParams& params, ScriptVerifier& verifier,
                                       int64_t entry_time) {
  std::vector<Hash256> added;
  for (const Transaction& tx : disconnected) {
    if (tx.is_coinbase()) continue;
    if (Result<Hash256> txid = accept(tx, chain_coins, next_height, params, verifier, entry_time);
        txid)
      added.push_back(*txid);
  }
  drop_unfunded(chain_coins, next_height, params);
  std::erase_if(added, [&](const Hash256& txid) { return !contains(txid); });
  return added;
}

void Mempool::drop_unfunded(const CoinsView& chain_coins, int next_height,
                            const ChainParams& params) {
  std::vector<Hash256> txids;
  txids.reserve(entries_.size());
  for (const auto& [txid, entry] : entries_) txids.push_back(txid);
  const OverlayView view(*this, chain_coins, next_height);
  for (const Hash256& txid : txids) {
    auto it = entries_.find(txid);
    if (it == entries_.end()) continue;  // went with an ancestor
    if (!check_tx_inputs(it->second.tx, view, next_height, params).ok())
      remove_with_descendants(txid);
  }
}

std::vector<Transaction> Mempool::select_for_block(size_t max_bytes) const {
  std::vector<Transaction> selected;
  std::unordered_set<Hash256> included;
  size_t total = 0;
  // Passes over the pool by descending fee rate; a transaction goes in once all its pooled
  // parents are in, so a child paying more than its parent joins on a later pass.
  bool progress = true;
  while (progress) {
    progress = false;
    for (auto key = by_fee_rate_.rbegin(); key != by_fee_rate_.rend(); ++key) {
      if (included.contains(key->txid) || total + key->bytes > max_bytes) continue;
      const Transaction& tx = entries_.at(key->txid).tx;
      const bool parents_in = std::all_of(tx.inputs.begin(), tx.inputs.end(), [&](const TxIn& in) {
        return !contains(in.prevout.txid) || included.contains(in.prevout.txid);
      });
      if (!parents_in) continue;
      included.insert(key->txid);
      selected.push_back(tx);
      total += key->bytes;
      progress = true;
    }
  }
  return selected;
}

std::vector<Hash256> Mempool::txids() const {
  std::vector<Hash256> out;
  out.reserve(entries_.size());
  for (const auto& [txid, entry] : entries_) out.push_back(txid);
  return out;
}

std::optional<Transaction> Mempool::get(const Hash256& txid) const {
  auto it = entries_.find(txid);
  if (it == entries_.end()) return std::nullopt;
  return it->second.tx;
}

std::optional<Amount> Mempool::fee(const Hash256& txid) const {
  auto it = entries_.find(txid);
  if (it == entries_.end()) return std::nullopt;
  return it->second.fee;
}

std::optional<int64_t> Mempool::entry_time(const Hash256& txid) const {
  auto it = entries_.find(txid);
  if (it == entries_.end()) return std::nullopt;
  return it->second.entry_time;
}

}  // namespace ac
