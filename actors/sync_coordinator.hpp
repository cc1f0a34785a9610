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
// Messages it sends to a session:
//   (request_blocks_atom, std::vector<Hash256>)  -> session sends getdata
//   (request_inventory_atom, std::vector<Hash256> locator) -> session sends getblocks
//   (disconnect_atom, std::string reason)
// To the chain: request (submit_block_atom, BlockPtr, caf::actor source) -> BlockVerdict, and
// (locator_atom) -> std::vector<Hash256>, (tip_atom) -> TipInfo.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <cstddef>

namespace ac::actors {

struct SyncLimits {
  size_t max_in_flight_per_peer = 128;
  size_t max_in_flight_total = 512;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds tick_interval{500};
  size_t max_buffered_blocks = 2048;  // arrived out of order, waiting for their predecessors
};

caf::actor spawn_sync_coordinator(caf::actor_system& system, caf::actor chain,
                                  SyncLimits limits = {});

}  // namespace ac::actors
