#include "chain/check_block.hpp"

#include <algorithm>
#include <cassert>
#include <string>
#include <unordered_set>
#include <vector>

#include "chain/coinbase.hpp"
#include "chain/interpreter.hpp"
#include "chain/merkle.hpp"
#include "chain/pow.hpp"
#include "chain/tx_verify.hpp"

namespace ac {

namespace {

constexpr size_t kMaxTransactionBytes = 1'000'000;
constexpr size_t kMinCoinbaseScriptBytes = 2;
constexpr size_t kMaxCoinbaseScriptBytes = 100;

}  // namespace

Status check_transaction(const Transaction& tx) {
  if (tx.inputs.empty()) return make_error("tx-no-inputs");
  if (tx.outputs.empty()) return make_error("tx-no-outputs");
  if (tx.serialized_size() > kMaxTransactionBytes) return make_error("tx-oversize");

  Amount total = 0;
  for (const TxOut& out : tx.outputs) {
    if (out.value < 0) return make_error("tx-negative-output");
    if (out.value > kMaxMoney) return make_error("tx-output-too-large");
    // Both terms are within kMaxMoney here, so the sum cannot overflow int64.
    total += out.value;
    if (!money_range(total)) return make_error("tx-total-too-large");
  }

  std::vector<OutPoint> prevouts;
  prevouts.reserve(tx.inputs.size());
  for (const TxIn& in : tx.inputs) prevouts.push_back(in.prevout);
  std::sort(prevouts.begin(), prevouts.end());
  if (std::adjacent_find(prevouts.begin(), prevouts.end()) != prevouts.end())
    return make_error("tx-duplicate-inputs");

  if (tx.is_coinbase()) {
    const size_t script_size = tx.inputs[0].script_sig.size();
    if (script_size < kMinCoinbaseScriptBytes || script_size > kMaxCoinbaseScriptBytes)
      return make_error("coinbase-script-size", std::to_string(script_size) + " bytes");
  } else {
    for (const TxIn& in : tx.inputs) {
      if (in.prevout.is_null()) return make_error("tx-null-prevout");
    }
  }
  return Status::success();
}

Status check_block(const Block& block, std::span<const Hash256> txids, const ChainParams& params) {
  assert(txids.size() == block.transactions.size());
  const size_t size = block.serialized_size();
  if (size > params.max_block_bytes) return make_error("block-oversize");
  // Without witnesses a block weighs 4 bytes per byte.
  if (size * 4 > params.max_block_weight)
    return make_error("bad-blk-weight", std::to_string(size * 4));

  if (Status pow = check_proof_of_work(block.hash(), block.header.bits, params); !pow) return pow;

  bool mutated = false;
  const Hash256 root = merkle_root(txids, &mutated);
  if (root != block.header.merkle_root)
    return make_error(ErrorKind::kDamaged, "merkle-root-mismatch");
  if (mutated) return make_error(ErrorKind::kDamaged, "merkle-mutated");

  if (block.transactions.empty() || !block.transactions[0].is_coinbase())
    return make_error("no-coinbase");
  for (size_t i = 1; i < block.transactions.size(); ++i) {
    if (block.transactions[i].is_coinbase()) return make_error("extra-coinbase");
  }

  std::unordered_set<Hash256> seen;
  seen.reserve(txids.size());
  for (const Hash256& txid : txids) {
    if (!seen.insert(txid).second)
      return make_error(ErrorKind::kDamaged, "duplicate-txid", txid.hex());
  }

  int64_t legacy_sigops = 0;
  for (const Transaction& tx : block.transactions) {
    if (Status status = check_transaction(tx); !status) return status;
    legacy_sigops += legacy_sigop_count(tx);
  }
  // The cheap bound before any coin is looked up; connect_block adds P2SH sigops.
  if (legacy_sigops * 4 > params.max_block_sigops_cost)
    return make_error("bad-blk-sigops", std::to_string(legacy_sigops) + " legacy sigops");
  return Status::success();
}

Status contextual_check_block(const Block& block, int height, int64_t median_time_past, int64_t now,
                              const ChainParams& params) {
  if (block.header.bits != params.block_bits)
    return make_error(ErrorKind::kInvalidHeader, "bad-bits");
  const int64_t time = block.header.time;
  if (time <= median_time_past) return make_error("time-too-old");
  if (time > now + params.max_future_block_time_seconds)
    return make_error(ErrorKind::kTimeTooNew, "time-too-new");
  if (height >= params.bip34_height &&
      (block.transactions.empty() || !coinbase_commits_to_height(block.transactions[0], height)))
    return make_error("bad-coinbase-height");
  // BIP113 (with CSV): lock times compare with the median time past, not the block's time.
  const bool median_time_lock = (params.script_flags & verify_flags::kCheckSequenceVerify) != 0;
  const int64_t lock_time_cutoff = median_time_lock ? median_time_past : time;
  for (const Transaction& tx : block.transactions) {
    if (!is_final_tx(tx, height, lock_time_cutoff))
      return make_error("bad-txns-nonfinal", tx.txid().hex());
  }
  return Status::success();
}

}  // namespace ac
