#include "actors/rpc_chain_follow.hpp"

#include "actors/chain_actor.hpp"

namespace ac::actors {

bool follow_active_chain(const RpcAsk& ask, const RpcNodeContext& ctx,
                         std::optional<FollowedBlock> last,
                         const std::function<void(const Block&, const FollowedBlock&)>& consume) {
  if (!last) {
    // getblocks' answer starts after the fork point (block 1 for an empty locator, as Core's):
    // the genesis is taken by its height.
    auto genesis = ask.value<std::optional<Hash256>>(ctx.actors.chain, GetActiveHashAt{0});
    if (!genesis) return true;
    auto blocks = ask.value<std::vector<BlockPtr>>(ctx.actors.chain, GetBlocks{{*genesis}});
    if (blocks.empty() || !blocks[0])
      throw rpc::RpcError(rpc::kMiscError, "block " + genesis->hex() + " not found");
    FollowedBlock first{*genesis, 0};
    consume(*blocks[0], first);
    last = first;
  }
  while (true) {
    std::vector<Hash256> locator{last->hash};
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
