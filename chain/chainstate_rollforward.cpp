// ChainState::roll_forward: the coins of an interrupted flush brought to its `to` tip
// (chain/coins_rollforward.hpp), before open() reads the tip and replays later blocks.
#include <vector>

#include "chain/chainstate.hpp"
#include "chain/coins_rollforward.hpp"

namespace ac {

Status ChainState::roll_forward(const FlushHeads& heads) {
  const auto corrupt = [](const std::string& what) {
    return make_error(ErrorKind::kLocal, "store-corrupt", what);
  };
  const Node* to = find(heads.to);
  const Node* from = heads.from.is_zero() ? nullptr : find(heads.from);
  if (!to || (!from && !heads.from.is_zero()))
    return corrupt("flush heads " + heads.from.hex() + " " + heads.to.hex() + " not in the index");

  // Up from both ends to their common ancestor (none when nothing was flushed before).
  std::vector<const Node*> disconnect;
  std::vector<const Node*> connect;
  for (const Node *a = from, *b = to; a != b;) {
    if (b && (!a || b->height > a->height)) {
      connect.push_back(b);
      b = b->parent;
    } else {
      disconnect.push_back(a);
      a = a->parent;
    }
  }

  const auto block_and_undo = [&](const Node* node) -> Result<std::pair<Block, BlockUndo>> {
    const Hash256& hash = node->hash();
    std::optional<Block> block = store_.block(hash);
    if (!block) return make_error(ErrorKind::kLocal, "missing-block-data", hash.hex());
    std::optional<BlockUndo> undo = store_.undo(hash);
    // A block without inputs to undo (a genesis, a block of coinbases) may have none stored.
    if (!undo) undo.emplace();
    return std::pair{std::move(*block), std::move(*undo)};
  };
  for (const Node* node : disconnect) {
    auto data = block_and_undo(node);
    if (!data) return data.error();
    Result<StoreDelta> change = replay_disconnect(data->first, data->second, node->height);
    if (!change) return change.error();
    if (Status applied = store_.apply(*change); !applied) return applied;
  }
  for (auto node = connect.rbegin(); node != connect.rend(); ++node) {
    auto data = block_and_undo(*node);
    if (!data) return data.error();
    const int height = (*node)->height;
    Result<StoreDelta> change = replay_connect(data->first, data->second, height,
                                               height > 0 || params_.genesis_outputs_spendable);
    if (!change) return change.error();
    if (Status applied = store_.apply(*change); !applied) return applied;
  }
  return Status::success();
}

}  // namespace ac
