// Block connection and disconnection as pure functions over a CoinsView: they compute the
// StoreDelta that moves the tip onto a block (or back off it) and never write anything, so the
// caller decides when to apply it (one Store::apply per block) and tests can run them in memory.
//
// connect_block reasons (stable): every check_tx_inputs reason ("missing-inputs" covers a coin
// that is absent or already spent, including by an earlier transaction of the same block,
// "premature-coinbase-spend", "input-values-out-of-range", "outputs-exceed-inputs"), every
// script reason of verify_input_script, "fees-out-of-range", "coinbase-too-large",
// "duplicate-coin" (an output would overwrite an unspent coin), "bad-blk-sigops" (legacy plus
// P2SH sigops, 4 cost each, above params.max_block_sigops_cost), "bad-txns-nonfinal" (a
// BIP68 relative lock not yet satisfied; chains with CHECKSEQUENCEVERIFY in their flags), and,
// for blocks that skipped check_block, "no-coinbase", "extra-coinbase", "txid-count-mismatch".
// disconnect_block reasons: "bad-undo" (undo data does not match the block or the coins),
// "missing-block-output" (an output of the block is not an unspent coin).
#pragma once

#include <functional>
#include <span>

#include "chain/block.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/script_verify.hpp"
#include "chain/store.hpp"
#include "chain/tx_verify.hpp"
#include "chain/undo.hpp"

namespace ac {

// The change that makes `block` (at `height`, on top of the chain whose coins are
// `chain_coins`) the tip. Every output becomes a coin, spendable or not. coins_added and
// coins_spent are net changes against `chain_coins`: a coin created and spent inside the block
// appears in neither (but is in the undo data, which lists every spent coin in order). The
// index_updates are left empty for the caller. Scripts of all inputs are verified in one
// verifier.verify_all batch after every other rule passed. `median_time_at` answers for the
// blocks below `height` on this chain (BIP68's time locks); without it (tests, benchmarks of
// chains that never use relative locks) BIP68 is not checked.
// A genesis block (height 0) of a chain whose genesis outputs are not spendable adds no coins.
// `meanwhile` runs on the calling thread while the verifier's workers check the scripts (see
// ScriptVerifier::verify_all), when every other rule passed; it does not run otherwise.
// `outputs_repeat` false (outputs_may_repeat said so for this chain): an output is not looked
// up in `chain_coins` before it is added, as it cannot be there.
// REQUIRES: check_block(block) passed; txids[i] == block.transactions[i].txid().
Result<StoreDelta> connect_block(const Block& block, std::span<const Hash256> txids, int height,
                                 const CoinsView& chain_coins, const ChainParams& params,
                                 ScriptVerifier& verifier, const MedianTimeAt& median_time_at = {},
                                 const std::function<void()>& meanwhile = {},
                                 bool outputs_repeat = true);

// Whether an output of a block could be an unspent coin of the chain already, so that
// connect_block must look each one up ("duplicate-coin", Bitcoin's BIP30). Not on a chain with
// BIP34 from height 1 (as Bitcoin Core skips BIP30 checks under BIP34): every coinbase after
// the genesis starts with the push of its own height, so no coinbase txid repeats, and a
// non-coinbase transaction repeats only by spending the same outpoints again, which needs a
// repeated parent, down to a repeated coinbase. The genesis is the exception: when its outputs
// are coins and its scriptSig starts with a height's push, that block's coinbase may repeat it.
bool outputs_may_repeat(const ChainParams& params, const Block& genesis);

// "bad-undo" unless `undo` holds one spent coin for each input of `block` (its coinbase has none).
Status check_undo_fits(const Block& block, const BlockUndo& undo);

// The change that makes `block`'s parent the tip again, given the undo data written when the
// block was connected and the coins with `block` as the tip. Net changes, as connect_block's.
Result<StoreDelta> disconnect_block(const Block& block, const BlockUndo& undo,
                                    const CoinsView& chain_coins);

}  // namespace ac
