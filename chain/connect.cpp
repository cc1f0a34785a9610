#include "chain/connect.hpp"

#include <string>
#include <unordered_map>
#include <vector>

#include "chain/coinbase.hpp"
#include "chain/interpreter.hpp"
#include "chain/script_ops.hpp"
#include "chain/tx_verify.hpp"

namespace ac {
namespace {

// The chain's coins with one block's changes on top: what a transaction later in the block
// sees. Reads of the chain are cached, so each coin is fetched from the store once.
class BlockCoinsView final : public CoinsView {
 public:
  explicit BlockCoinsView(const CoinsView& chain) : chain_(chain) {}

  std::optional<Coin> coin(const OutPoint& outpoint) const override {
    if (auto change = changes_.find(outpoint); change != changes_.end()) return change->second;
    return chain_coin(outpoint);
  }

  bool in_chain(const OutPoint& outpoint) const { return chain_coin(outpoint).has_value(); }
  // Records, without asking the chain, that it does not hold `outpoint`.
  void absent_from_chain(const OutPoint& outpoint) { chain_cache_.try_emplace(outpoint); }
  // Whether this block's changes so far leave `outpoint` unspent (nullopt: they did not touch it).
  std::optional<bool> unspent_in_block(const OutPoint& outpoint) const {
    if (auto change = changes_.find(outpoint); change != changes_.end())
      return change->second.has_value();
    return std::nullopt;
  }

  void remove(const OutPoint& outpoint) { change(outpoint) = std::nullopt; }
  void add(const OutPoint& outpoint, Coin coin) { change(outpoint) = std::move(coin); }

  // The net difference from the chain's coins, in the order outpoints were first touched.
  // connect_block and disconnect_block never leave an outpoint present both before and after
  // with a different coin, so the two lists are disjoint.
  void collect(StoreDelta& out) const {
    for (const OutPoint& outpoint : touched_) {
      const std::optional<Coin>& after = changes_.at(outpoint);
      std::optional<Coin> before = chain_coin(outpoint);
      if (before == after) continue;
      if (before) out.coins_spent.emplace_back(outpoint, *before);
      if (after) out.coins_added.emplace_back(outpoint, *after);
    }
  }

 private:
  std::optional<Coin>& change(const OutPoint& outpoint) {
    auto [entry, inserted] = changes_.try_emplace(outpoint);
    if (inserted) touched_.push_back(outpoint);
    return entry->second;
  }

  const std::optional<Coin>& chain_coin(const OutPoint& outpoint) const {
    auto cached = chain_cache_.find(outpoint);
    if (cached == chain_cache_.end()) {
      cached = chain_cache_.emplace(outpoint, chain_.coin(outpoint)).first;
    }
    return cached->second;
  }

  const CoinsView& chain_;
  std::unordered_map<OutPoint, std::optional<Coin>> changes_;
  std::vector<OutPoint> touched_;
  mutable std::unordered_map<OutPoint, std::optional<Coin>> chain_cache_;
};

std::string describe_input(const Hash256& txid, size_t input_index) {
  return "tx " + txid.hex() + " input " + std::to_string(input_index);
}

}  // namespace

Result<StoreDelta> connect_block(const Block& block, std::span<const Hash256> txids, int height,
                                 const CoinsView& chain_coins, const ChainParams& params,
                                 ScriptVerifier& verifier, const MedianTimeAt& median_time_at,
                                 const std::function<void()>& meanwhile, bool outputs_repeat) {
  if (txids.size() != block.transactions.size())
    return make_error(ErrorKind::kLocal, "txid-count-mismatch");
  if (block.transactions.empty() || !block.transactions.front().is_coinbase()) {
    return make_error("no-coinbase");
  }

  size_t input_count = 0;
  for (size_t i = 1; i < block.transactions.size(); ++i) {
    input_count += block.transactions[i].inputs.size();
  }
  // Reserved up front: the script checks point into these coins, so they must not move.
  BlockUndo undo;
  undo.spent_coins.reserve(input_count);
  std::vector<ScriptCheck> checks;
  checks.reserve(input_count);

  const bool p2sh = (params.script_flags & verify_flags::kP2sh) != 0;
  const bool bip68 =
      (params.script_flags & verify_flags::kCheckSequenceVerify) != 0 && median_time_at;
  const int64_t parent_median_time = bip68 && height > 0 ? median_time_at(height - 1) : 0;
  const bool adds_coins = height > 0 || params.genesis_outputs_spendable;

  BlockCoinsView view(chain_coins);
  Amount fees = 0;
  int64_t sigops_cost = 0;
  std::vector<int> coin_heights;
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    const Transaction& tx = block.transactions[i];
    const bool is_coinbase = i == 0;
    if (!is_coinbase && tx.is_coinbase()) return make_error("extra-coinbase");
    sigops_cost += int64_t{legacy_sigop_count(tx)} * 4;
    if (!is_coinbase) {
      Result<Amount> fee = check_tx_inputs(tx, view, height, params);
      if (!fee) {
        // In a block, unknown or immature inputs make the block invalid: whatever the kind
        // the rule gave (the mempool's view), here it is kInvalid.
        return make_error(ErrorKind::kInvalid, fee.reason(),
                          "tx " + txids[i].hex() + ": " + fee.error().detail);
      }
      fees += *fee;
      if (!money_range(fees)) return make_error("fees-out-of-range", "tx " + txids[i].hex());
      coin_heights.clear();
      for (const TxIn& input : tx.inputs) {
        // Present: check_tx_inputs found every input.
        const std::optional<Coin> coin = view.coin(input.prevout);
        coin_heights.push_back(coin->height);
        if (p2sh)
          sigops_cost +=
              int64_t{count_p2sh_sigops(coin->output.script_pubkey, input.script_sig)} * 4;
      }
      if (bip68 && !sequence_lock_satisfied(sequence_lock(tx, coin_heights, median_time_at), height,
                                            parent_median_time)) {
        return make_error("bad-txns-nonfinal", "non-BIP68-final tx " + txids[i].hex());
      }
      for (size_t j = 0; j < tx.inputs.size(); ++j) {
        const OutPoint& prevout = tx.inputs[j].prevout;
        std::optional<Coin> spent = view.coin(prevout);
        if (!spent) return make_error("missing-inputs", describe_input(txids[i], j));
        undo.spent_coins.push_back(std::move(*spent));
        checks.push_back(ScriptCheck{&tx, j, undo.spent_coins.back().output.script_pubkey,
                                     params.script_flags, 0});
        view.remove(prevout);
      }
    }
    if (sigops_cost > params.max_block_sigops_cost) {
      return make_error("bad-blk-sigops",
                        "cost " + std::to_string(sigops_cost) + " at tx " + txids[i].hex());
    }
    if (!adds_coins) continue;
    for (size_t k = 0; k < tx.outputs.size(); ++k) {
      OutPoint created{txids[i], static_cast<uint32_t>(k)};
      // Also refused when the coin was spent earlier in this block: replacing a coin within
      // one block would leave the outpoint both removed and added in the StoreDelta. When
      // outputs cannot repeat the chain's (outputs_may_repeat), the chain is not asked: a
      // lookup that always misses, and the costliest one in a large store.
      const std::optional<bool> in_block = view.unspent_in_block(created);
      if (in_block.value_or(false)) {
        return make_error("duplicate-coin", txids[i].hex() + ":" + std::to_string(k));
      }
      if (!outputs_repeat) {
        if (!in_block) view.absent_from_chain(created);
      } else if (view.in_chain(created)) {
        return make_error("duplicate-coin", txids[i].hex() + ":" + std::to_string(k));
      }
      view.add(created, Coin{tx.outputs[k], height, is_coinbase});
    }
  }

  Amount coinbase_value = 0;
  for (const TxOut& output : block.transactions.front().outputs) coinbase_value += output.value;
  const Amount subsidy = block_subsidy(height, params);
  if (coinbase_value > subsidy + fees) {
    return make_error("coinbase-too-large",
                      std::to_string(coinbase_value) + " > " + std::to_string(subsidy + fees));
  }

  if (Status scripts = verifier.verify_all(checks, meanwhile); !scripts) return scripts.error();

  StoreDelta change;
  change.new_tip = block.hash();
  view.collect(change);
  change.undo_to_write.emplace(change.new_tip, std::move(undo));
  return change;
}

bool outputs_may_repeat(const ChainParams& params, const Block& genesis) {
  if (params.bip34_height > 1) return true;
  if (!params.genesis_outputs_spendable || genesis.transactions.empty()) return false;
  return coinbase_committed_height(genesis.transactions.front()).has_value();
}

Status check_undo_fits(const Block& block, const BlockUndo& undo) {
  size_t input_count = 0;
  for (const Transaction& tx : block.transactions) {
    if (!tx.is_coinbase()) input_count += tx.inputs.size();
  }
  if (input_count == undo.spent_coins.size()) return Status::success();
  return make_error(ErrorKind::kLocal, "bad-undo",
                    "block " + block.hash().hex() + ": " + std::to_string(undo.spent_coins.size()) +
                        " coins for " + std::to_string(input_count) + " inputs");
}

Result<StoreDelta> disconnect_block(const Block& block, const BlockUndo& undo,
                                    const CoinsView& chain_coins) {
  if (Status fits = check_undo_fits(block, undo); !fits) return fits.error();

  // Transactions in reverse, each's outputs removed before its inputs are restored, so a coin
  // created and spent inside the block ends up absent again.
  BlockCoinsView view(chain_coins);
  size_t next_undo = undo.spent_coins.size();
  for (size_t i = block.transactions.size(); i-- > 0;) {
    const Transaction& tx = block.transactions[i];
    const Hash256 txid = tx.txid();
    for (size_t k = 0; k < tx.outputs.size(); ++k) {
      OutPoint created{txid, static_cast<uint32_t>(k)};
      std::optional<Coin> coin = view.coin(created);
      if (!coin || coin->output != tx.outputs[k] || coin->is_coinbase != tx.is_coinbase()) {
        return make_error(ErrorKind::kLocal, "missing-block-output",
                          txid.hex() + ":" + std::to_string(k));
      }
      view.remove(created);
    }
    if (tx.is_coinbase()) continue;
    for (size_t j = tx.inputs.size(); j-- > 0;) {
      const OutPoint& prevout = tx.inputs[j].prevout;
      if (view.coin(prevout)) {
        return make_error(ErrorKind::kLocal, "bad-undo",
                          "would overwrite unspent " + describe_input(txid, j));
      }
      view.add(prevout, undo.spent_coins[--next_undo]);
    }
  }

  StoreDelta change;
  change.new_tip = block.header.prev_block;
  view.collect(change);
  change.undo_to_erase = block.hash();
  return change;
}

}  // namespace ac
