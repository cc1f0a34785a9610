// Putting a block together before its proof of work: the coinbase (BIP34 height, reward),
// the chosen transactions, the merkle root and a header on top of the parent. Shared by
// `createblockchain`, `send --mine` and the miner actor so all three build blocks alike.
#pragma once

#include <cstdint>
#include <vector>

#include "chain/amount.hpp"
#include "chain/block.hpp"
#include "chain/params.hpp"

namespace ac {

struct BlockTemplate {
  Hash256 parent;  // zero for a genesis block
  int height = 0;
  int64_t median_time_past = 0;           // of the parent's chain; ignored for a genesis block
  int64_t now = 0;                        // seconds since the epoch
  Bytes payout_script;                    // receives subsidy + fees
  std::vector<Transaction> transactions;  // non-coinbase, parents before children
  Amount fees = 0;                        // inputs minus outputs of `transactions`
  uint64_t extra_nonce = 0;
};

// The block with its merkle root set and nonce zero (not yet mined). Its time is `now`, or
// median_time_past + 1 when the clock is behind, so the block is never too old.
Block assemble_block(const BlockTemplate& block_template, const ChainParams& params);

// Recomputes the coinbase for a new extra nonce and the merkle root to match, as a miner does
// once it has tried every nonce of a header.
void set_extra_nonce(Block& block, int height, uint64_t extra_nonce);

}  // namespace ac
