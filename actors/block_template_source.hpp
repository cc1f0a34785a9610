// The one way our miners turn the mempool's selection into a BlockTemplate: the miner actor,
// generatetoaddress (rpc_node_methods.cpp) and getblocktemplate (rpc_mining_methods.cpp) all
// ask the mempool with template_selection() and build with template_on(), so their blocks
// agree on parent, height, time rule, transactions and fees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>

#include "actors/mempool_actor.hpp"
#include "chain/block_assembly.hpp"
#include "chain/params.hpp"

namespace ac::actors {

// Bytes of a block left for its header and coinbase.
inline constexpr size_t kCoinbaseReserve = 1'000;

// What to ask the mempool for a block's transactions: as many as a block holds besides its
// coinbase.
SelectTxs template_selection(const ChainParams& params);

// A block template on the tip `selection` is valid on (which the caller checked is ours):
// the next height, that tip's median time past, the clock `now`, the selected transactions in
// their order and their fees, paying `payout_script`.
BlockTemplate template_on(const TxSelection& selection, Bytes payout_script,
                          int64_t now = static_cast<int64_t>(std::time(nullptr)));

}  // namespace ac::actors
