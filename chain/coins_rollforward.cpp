#include "chain/coins_rollforward.hpp"

#include "chain/connect.hpp"

namespace ac {

// Store::apply adds before it removes, so a coin created and spent inside the block (in both
// lists) ends absent, as it was before the block and is after it.
Result<StoreDelta> replay_connect(const Block& block, const BlockUndo& undo, int height,
                                  bool adds_coins) {
  if (Status checked = check_undo_fits(block, undo); !checked) return checked.error();
  StoreDelta change;
  change.new_tip = block.hash();
  change.coins_may_be_stored = true;
  size_t next_undo = 0;
  for (const Transaction& tx : block.transactions) {
    if (!tx.is_coinbase()) {
      for (const TxIn& input : tx.inputs)
        change.coins_spent.emplace_back(input.prevout, undo.spent_coins[next_undo++]);
    }
    if (!adds_coins) continue;
    const Hash256 txid = tx.txid();
    for (size_t k = 0; k < tx.outputs.size(); ++k) {
      change.coins_added.emplace_back(OutPoint{txid, static_cast<uint32_t>(k)},
                                      Coin{tx.outputs[k], height, tx.is_coinbase()});
    }
  }
  return change;
}

Result<StoreDelta> replay_disconnect(const Block& block, const BlockUndo& undo, int height) {
  if (Status checked = check_undo_fits(block, undo); !checked) return checked.error();
  StoreDelta change;
  change.new_tip = block.header.prev_block;
  change.undo_to_erase = block.hash();
  change.coins_may_be_stored = true;
  size_t next_undo = 0;
  for (const Transaction& tx : block.transactions) {
    if (!tx.is_coinbase()) {
      for (const TxIn& input : tx.inputs)
        change.coins_added.emplace_back(input.prevout, undo.spent_coins[next_undo++]);
    }
    const Hash256 txid = tx.txid();
    for (size_t k = 0; k < tx.outputs.size(); ++k) {
      change.coins_spent.emplace_back(OutPoint{txid, static_cast<uint32_t>(k)},
                                      Coin{tx.outputs[k], height, tx.is_coinbase()});
    }
  }
  return change;
}

}  // namespace ac
