// Validation stages that need no chain state (Bitcoin Core's CheckTransaction/CheckBlock) and
// those that need only the parent's context (ContextualCheckBlock). Every failure carries a
// stable reason:
//  transaction: "tx-no-inputs", "tx-no-outputs", "tx-oversize", "tx-negative-output",
//    "tx-output-too-large", "tx-total-too-large", "tx-duplicate-inputs",
//    "coinbase-script-size", "tx-null-prevout"
//  block: "block-oversize", "bad-blk-weight", "bad-blk-sigops" (legacy count alone),
//    "high-hash", "bad-bits", "merkle-root-mismatch", "merkle-mutated",
//    "no-coinbase", "extra-coinbase", "duplicate-txid", plus any transaction reason
//  contextual: "bad-bits", "time-too-old", "time-too-new", "bad-coinbase-height",
//    "bad-txns-nonfinal" (a transaction's lock time not yet reached; compared with the
//    median time past on chains with CSV in their flags, BIP113, else the block's time)
#pragma once

#include <cstdint>
#include <span>

#include "chain/block.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"

namespace ac {

Status check_transaction(const Transaction& tx);

// `txids` are the ids of block.transactions, in order (computed once by the caller).
Status check_block(const Block& block, std::span<const Hash256> txids, const ChainParams& params);

// `median_time_past` is the median time of the (up to) 11 blocks ending at the parent;
// `now` is the node's clock (seconds since the epoch).
Status contextual_check_block(const Block& block, int height, int64_t median_time_past, int64_t now,
                              const ChainParams& params);

}  // namespace ac
