// Opening a node's data for a one-shot command: its LevelDB store with the chain state on top,
// and its wallet. Both are one line of error when they cannot be opened (a running node holds
// the store's lock; a damaged wallet file), never a hang.
#pragma once

#include <memory>

#include "apps/cli_args.hpp"
#include "chain/chain_storage.hpp"
#include "chain/params.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::app {

// The store, and the chain state over it (null from open_coins unless it had to replay).
using ChainContext = ChainStorage;

// Reason "store-locked" (detail names the node) when its node is running.
Result<ChainContext> open_chain(const NodeEnvironment& env, const ChainParams& params);

// As open_chain, and fails with "no-chain" when there is no genesis yet.
Result<ChainContext> open_existing_chain(const NodeEnvironment& env, const ChainParams& params);

// Only the store, for commands that read coins: the block index is not loaded (a balance
// costs the same at any chain length), unless blocks stored since the coins were last written
// must be replayed first. Fails with "no-chain" as open_existing_chain.
Result<ChainContext> open_coins(const NodeEnvironment& env, const ChainParams& params);

// The tip as the store holds it (its hash and index record), without the block index: what
// open_coins' commands need. Reason "store-corrupt" when the tip has no readable record.
Result<ChainTip> stored_tip(const ChainContext& context);

// "no-chain": the node has no genesis yet (what the commands above say then).
Error no_chain(const NodeEnvironment& env);

Result<wallet::Wallet> open_wallet(const NodeEnvironment& env);

// Seconds since the epoch, the clock every command validates block times against.
int64_t now_seconds();

}  // namespace ac::app
