#include "actors/rpc_chain_follow.hpp"

#include "actors/chain_actor.hpp"

namespace ac::actors {

bool follow_active_chain(const RpcAsk& ask, const RpcNodeContext& ctx,
                         std::optional<FollowedBlock> last,
                         const std::function<void(const Block&, const FollowedBlock&)>& consume) {
  while (true) {
    std::vector<Hash256> locator;
    if (last) locator.push_back(last->hash);
    auto hashes =
        ask.value<std::vector<Hash256>>(ctx.actors.chain, GetHashesAfter{locator, Hash256{}});
    if (hashes.empty()) return true;
    auto blocks = ask.value<std::vector<BlockPtr>>(ctx.actors.chain, GetBlocks{hashes});
    for (size_t i = 0; i < hashes.size(); ++i) {
      if (i >= blocks.size() || !blocks[i])
        throw rpc::RpcError(rpc::kMiscError, "block " + hashes[i].hex() + " not found");
      if (blocks[i]->header.prev_block != (last ? last->hash : Hash256{})) return false;
      FollowedBlock next{hashes[i], last ? last->height + 1 : 0};
      consume(*blocks[i], next);
      last = next;
    }
  }
}

}  // namespace ac::actors
