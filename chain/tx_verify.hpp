// Checks of a non-coinbase transaction's inputs against a view of coins, shared by block
// connection and the mempool so both apply the very same rules. Scripts are verified
// separately (script_verify.hpp) so callers can batch them across threads.
// Reasons: "missing-inputs" (absent or already spent), "premature-coinbase-spend",
//   "input-values-out-of-range", "outputs-exceed-inputs".
#pragma once

#include <functional>
#include <span>

#include "chain/amount.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"

namespace ac {

// The fee (inputs minus outputs) when every input exists in `view`, is mature at
// `spend_height`, and the values add up. REQUIRES: !tx.is_coinbase(), check_transaction(tx).
Result<Amount> check_tx_inputs(const Transaction& tx, const CoinsView& view, int spend_height,
                               const ChainParams& params);

}  // namespace ac

namespace ac {

inline constexpr uint32_t kLockTimeThreshold = 500'000'000;  // below: a height; else a time
inline constexpr uint32_t kSequenceFinal = 0xffffffff;
// BIP68 fields of an input's sequence.
inline constexpr uint32_t kSequenceLockDisabled = 1u << 31;
inline constexpr uint32_t kSequenceLockIsTime = 1u << 22;
inline constexpr uint32_t kSequenceLockMask = 0x0000ffff;
inline constexpr int kSequenceLockTimeGranularity = 9;  // time locks count units of 512 s

// Whether `tx` may be in a block at `height` whose lock-time clock reads `time` (the median
// time past of its parent from BIP113 on): a lock time of 0, or below the height / time it is
// compared with, or every input final (sequence 0xffffffff).
bool is_final_tx(const Transaction& tx, int height, int64_t time);

// BIP68: the last height and median time past at which `tx` is still locked (-1: no lock).
struct SequenceLock {
  int min_height = -1;
  int64_t min_time = -1;
};

// The median time past of the block at a height below the one being validated, on its chain.
using MedianTimeAt = std::function<int64_t(int height)>;

// The relative locks of `tx` (version >= 2 only) given the heights its inputs' coins were
// created at. REQUIRES: coin_heights.size() == tx.inputs.size().
SequenceLock sequence_lock(const Transaction& tx, std::span<const int> coin_heights,
                           const MedianTimeAt& median_time_at);

// True when a block at `height`, whose parent's median time past is `parent_median_time`,
// may include a transaction with `lock`.
bool sequence_lock_satisfied(const SequenceLock& lock, int height, int64_t parent_median_time);

// Legacy sigops: every scriptSig and scriptPubKey of `tx`, counted inaccurately.
int legacy_sigop_count(const Transaction& tx);

}  // namespace ac
