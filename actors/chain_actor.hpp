// The chain actor: the one owner of the block chain (a ChainBackend). It accepts blocks, answers
// queries about the active chain, and publishes TipChanged to its subscribers after every tip
// change. A node with no chain adopts the genesis of the first peer that sends one; a peer
// whose genesis differs from ours is refused and disconnected.
//
// While blocks queue up (a sync), the tip changes of the blocks connected one after another
// are published as one TipChanged once the blocks queued meanwhile are through, or every
// kMaxBlocksPerTipChange blocks, and their verdicts right after it. Each subscriber then wakes
// once per batch instead of once per block; a lone block is published at once.
//
// Messages (actors/messages.hpp):
//   (submit_block_atom, BlockPtr, caf::actor source) -> BlockVerdict
//       source (may be null) is told (disconnect_atom, reason) when it sent another genesis.
//   (tip_atom) -> TipInfo
//   (locator_atom) -> std::vector<Hash256>
//   (hashes_after_atom, std::vector<Hash256> locator, Hash256 stop) -> std::vector<Hash256>
//       at most kMaxHashesAfter; starts at the genesis itself when no locator hash matches.
//   (get_block_atom, Hash256) -> BlockPtr (null when unknown)
//   (get_block_atom, std::vector<Hash256>) -> std::vector<BlockPtr>, one per hash, in order
//   (has_block_atom, Hash256) -> bool
//   (subscribe_atom, caf::actor subscriber): subscriber gets TipChanged after each tip change.
#pragma once

#include <caf/fwd.hpp>

#include <cstddef>
#include <memory>

#include "actors/chain_backend.hpp"
#include "actors/log_sink.hpp"

namespace ac::actors {

inline constexpr size_t kMaxHashesAfter = 500;
inline constexpr size_t kMaxBlocksPerTipChange = 64;

// `detached`: run on its own thread, so validating a block never holds a scheduler worker.
caf::actor spawn_chain(caf::actor_system& system, std::shared_ptr<ChainBackend> backend,
                       LogSinkPtr log, bool detached = false);

}  // namespace ac::actors
