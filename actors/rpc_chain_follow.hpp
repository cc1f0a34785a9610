// How the RPC side follows the active chain for what it keeps itself (the wallet's history,
// the transaction index): the blocks after the last one it saw, asked of the chain actor 500
// at a time (hashes_after + get_block), from the RPC thread that needs them.
#pragma once

#include <functional>
#include <optional>

#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "chain/block.hpp"

namespace ac::actors {

struct FollowedBlock {
  Hash256 hash;
  int height = -1;
};

// Feeds `consume` the active chain's blocks after `last` (none: from the genesis), in order,
// until the tip. Returns false, having fed nothing more, when a block does not follow the last
// one fed (the chain reorganised: the caller starts again from the genesis). Throws RpcError
// when the chain does not answer or a block is missing.
bool follow_active_chain(const RpcAsk& ask, const RpcNodeContext& ctx,
                         std::optional<FollowedBlock> last,
                         const std::function<void(const Block&, const FollowedBlock&)>& consume);

}  // namespace ac::actors
