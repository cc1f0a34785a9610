#include "chain/tx_verify.hpp"

#include <algorithm>
#include <string>

#include "chain/script_ops.hpp"

namespace ac {

namespace {

std::string describe(const OutPoint& outpoint) {
  return outpoint.txid.hex() + ":" + std::to_string(outpoint.index);
}

}  // namespace

Result<Amount> check_tx_inputs(const Transaction& tx, const CoinsView& view, int spend_height,
                               const ChainParams& params) {
  Amount value_in = 0;
  for (const TxIn& input : tx.inputs) {
    const std::optional<Coin> coin = view.coin(input.prevout);
    if (!coin)
      return make_error(ErrorKind::kMissingParent, "missing-inputs", describe(input.prevout));
    if (coin->is_coinbase && spend_height - coin->height < params.coinbase_maturity)
      return make_error(ErrorKind::kRefused, "premature-coinbase-spend",
                        describe(input.prevout) + " created at height " +
                            std::to_string(coin->height) + ", spent at " +
                            std::to_string(spend_height));
    // Both operands are at most kMaxMoney here, so the sum cannot overflow.
    if (!money_range(coin->output.value) || !money_range(value_in + coin->output.value))
      return make_error("input-values-out-of-range", describe(input.prevout));
    value_in += coin->output.value;
  }

  Amount value_out = 0;
  for (const TxOut& output : tx.outputs) {
    // check_transaction already bounds outputs; this only keeps the sum well-defined if a
    // caller skipped it.
    if (!money_range(output.value) || !money_range(value_out + output.value))
      return make_error("outputs-exceed-inputs", "output values out of range");
    value_out += output.value;
  }
  if (value_out > value_in)
    return make_error("outputs-exceed-inputs",
                      "in " + std::to_string(value_in) + " < out " + std::to_string(value_out));
  return value_in - value_out;
}

}  // namespace ac

namespace ac {

bool is_final_tx(const Transaction& tx, int height, int64_t time) {
  if (tx.lock_time == 0) return true;
  const int64_t limit = tx.lock_time < kLockTimeThreshold ? height : time;
  if (static_cast<int64_t>(tx.lock_time) < limit) return true;
  for (const TxIn& input : tx.inputs) {
    if (input.sequence != kSequenceFinal) return false;
  }
  return true;
}

SequenceLock sequence_lock(const Transaction& tx, std::span<const int> coin_heights,
                           const MedianTimeAt& median_time_at) {
  SequenceLock lock;
  if (static_cast<uint32_t>(tx.version) < 2) return lock;
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const uint32_t sequence = tx.inputs[i].sequence;
    if (sequence & kSequenceLockDisabled) continue;
    const int coin_height = coin_heights[i];
    const int64_t value = sequence & kSequenceLockMask;
    if (sequence & kSequenceLockIsTime) {
      // Counted from the median time past of the block before the coin's.
      const int64_t coin_time = median_time_at(std::max(coin_height - 1, 0));
      lock.min_time =
          std::max(lock.min_time, coin_time + (value << kSequenceLockTimeGranularity) - 1);
    } else {
      lock.min_height = std::max(lock.min_height, coin_height + static_cast<int>(value) - 1);
    }
  }
  return lock;
}

bool sequence_lock_satisfied(const SequenceLock& lock, int height, int64_t parent_median_time) {
  return lock.min_height < height && lock.min_time < parent_median_time;
}

int legacy_sigop_count(const Transaction& tx) {
  int count = 0;
  for (const TxIn& input : tx.inputs) count += count_sigops(input.script_sig, false);
  for (const TxOut& output : tx.outputs) count += count_sigops(output.script_pubkey, false);
  return count;
}

}  // namespace ac
