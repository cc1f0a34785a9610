// ChainState::may_announce_early: what a block must pass before it is relayed ahead of being
// connected (BIP152 high-bandwidth relay; Bitcoin Core's NewPoWValidBlock follows AcceptBlock's
// CheckBlock and ContextualCheckBlock).
#include <vector>

#include "chain/chainstate.hpp"
#include "chain/check_block.hpp"

namespace ac {

bool ChainState::may_announce_early(const Block& block) const {
  const Node* tip = tip_node();
  if (!tip || block.header.prev_block != tip->hash()) return false;
  if (contains(block.hash())) return false;
  std::vector<Hash256> txids;
  txids.reserve(block.transactions.size());
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  return check_block(block, txids, params_) &&
         contextual_check_block(block, tip->height + 1, median_time_past(tip), now_seconds_(),
                                params_);
}

}  // namespace ac
