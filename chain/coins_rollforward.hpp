// Rolling the coins forward after an interrupted coins flush (Store's FlushHeads, as Bitcoin
// Core's ReplayBlocks): the database then holds coins partly of the flush's `from` tip and
// partly of its `to` tip. Re-applying the coin changes of every block between them, in order,
// as plain writes (an add overwrites, a spend of a missing coin is fine) ends at exactly the
// coins of `to` whatever part was written: each coin's last write decides it. The blocks were
// validated when they were first connected, so no script or rule is checked again; the spent
// coins come from the blocks' undo data, which the flush keeps until its last batch.
// Reasons: "bad-undo" (the undo data does not match the block's inputs).
#pragma once

#include "chain/block.hpp"
#include "chain/result.hpp"
#include "chain/store.hpp"
#include "chain/undo.hpp"

namespace ac {

// The coin changes of connecting `block` again at `height`: every output added (none when
// `adds_coins` is false: a genesis whose outputs are not coins), every coin it spent (from
// `undo`) removed. coins_may_be_stored is set; no undo data or index update is written.
Result<StoreDelta> replay_connect(const Block& block, const BlockUndo& undo, int height,
                                  bool adds_coins);

// The coin changes of disconnecting `block` again: its outputs removed, the coins it spent
// restored; the tip becomes its parent and its undo data is erased with the next flush.
Result<StoreDelta> replay_disconnect(const Block& block, const BlockUndo& undo, int height);

}  // namespace ac
