// The sync coordinator decides which blocks to fetch from which peer. It keeps the unsolved
// hashes (announced, requested, in flight with a deadline), keeps many blocks in flight at once
// (a window, never one block per round trip), feeds arrived blocks to the chain in announced
// order, re-requests on notfound, stall or disconnect from another peer, and asks `getblocks`
// again until the best peer has nothing more to announce.
//
// Messages it handles (actors/messages.hpp):
//   (peer_ready_atom, caf::actor session, int32_t best_height)
//   (peer_gone_atom, caf::actor session)
//   (block_inv_atom, caf::actor session, std::vector<Hash256> hashes)
//   (block_arrived_atom, caf::actor session, BlockPtr block)
//   (not_found_atom, caf::actor session, std::vector<Hash256> hashes)
//   (TipChanged)           from the chain (subscribe), to learn its height and drop solved hashes
//   (tick_atom)            its own deadline timer
//   (subscribe_atom, caf::actor)  the subscriber gets (syncing_atom, bool downloading) now and
//                          whenever it flips (SyncPlanner::downloading); the miner pauses on it
// Messages it sends to a session:
//   (request_blocks_atom, std::vector<Hash256>)  -> session sends getdata
//   (request_inventory_atom, std::vector<Hash256> locator) -> session sends getblocks
//   (disconnect_atom, std::string reason)
// To the chain: request (submit_block_atom, BlockPtr, caf::actor source) -> BlockVerdict, and
// (locator_atom) -> std::vector<Hash256>, (tip_atom) -> TipInfo; and once at spawn
// (subscribe_atom, caf::actor self) so the chain sends it TipChanged.
// The locator sent to a session may carry, in front of the chain's, the last hash of that
// peer's previous batch, so the next batch can be asked before the chain connected the last.
#pragma once

#include <caf/fwd.hpp>

#include "actors/log_sink.hpp"
#include "actors/sync_planner.hpp"  // SyncLimits; the decisions themselves

namespace ac::actors {

// `log`, when given, gets the sync_started / sync_finished events of the trace file.
caf::actor spawn_sync_coordinator(caf::actor_system& system, caf::actor chain,
                                  SyncLimits limits = {}, LogSinkPtr log = nullptr);

}  // namespace ac::actors
