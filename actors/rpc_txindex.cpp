#include "actors/rpc_txindex.hpp"

#include <mutex>

#include "actors/chain_actor.hpp"
#include "actors/rpc_chain_follow.hpp"
#include "chain/tx_index.hpp"

namespace ac::actors {

namespace {

std::mutex catch_up_mutex;  // one writer of an index at a time (one index per process)

void catch_up(TxIndex& index, const RpcAsk& ask, const RpcNodeContext& ctx) {
  std::lock_guard lock(catch_up_mutex);
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::optional<FollowedBlock> last;
    if (auto tip = index.tip()) last = FollowedBlock{tip->hash, tip->height};
    Status written;
    bool followed =
        follow_active_chain(ask, ctx, last, [&](const Block& block, const FollowedBlock& at) {
          if (written) written = index.add_block(block, at.hash, at.height);
        });
    if (!written) throw rpc::RpcError(rpc::kMiscError, written.error().message());
    if (followed) return;
    if (Status reset = index.reset(); !reset)  // reorganised: index again from the genesis
      throw rpc::RpcError(rpc::kMiscError, reset.error().message());
  }
  throw rpc::RpcError(rpc::kMiscError, "the chain kept changing while it was indexed");
}

}  // namespace

std::optional<IndexedTransaction> find_confirmed_transaction(const RpcAsk& ask,
                                                             const RpcNodeContext& ctx,
                                                             const Hash256& txid) {
  catch_up(*ctx.txindex, ask, ctx);
  auto block_hash = ctx.txindex->find(txid);
  if (!block_hash) return std::nullopt;
  auto blocks = ask.value<std::vector<BlockPtr>>(ctx.actors.chain, GetBlocks{{*block_hash}});
  if (blocks.empty() || !blocks[0]) return std::nullopt;
  const BlockPtr& block = blocks[0];
  for (const Transaction& tx : block->transactions)
    if (tx.txid() == txid) return IndexedTransaction{tx, *block_hash};
  return std::nullopt;
}

}  // namespace ac::actors
