// getrawtransaction's look-up of a confirmed transaction through the --txindex index
// (chain/tx_index.hpp), which the RPC side brings up to the tip before each look-up, as the
// wallet's history (actors/rpc_chain_follow.hpp): the first look-up after a start indexes the
// blocks connected since the last, a fresh index the whole chain.
#pragma once

#include <optional>

#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "chain/transaction.hpp"

namespace ac::actors {

struct IndexedTransaction {
  Transaction tx;
  Hash256 block_hash;
};

// The confirmed transaction `txid` of the active chain, if the index knows it. REQUIRES:
// ctx.txindex. Throws RpcError when the index cannot be brought up to date.
std::optional<IndexedTransaction> find_confirmed_transaction(const RpcAsk& ask,
                                                             const RpcNodeContext& ctx,
                                                             const Hash256& txid);

}  // namespace ac::actors
