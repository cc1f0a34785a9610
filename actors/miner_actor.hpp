// The miner actor: when the mempool holds at least min_txs transactions (0: always), it builds a
// block template on the chain's tip (coinbase paying subsidy + fees with the BIP34 height, the
// mempool's selection, merkle root, time no earlier than median time past + 1) and searches
// its proof of work on a thread of its own, never on the scheduler's. A new tip cancels the
// search; the mempool's change notice that follows every tip change starts the next one.
// Found blocks go to the chain (SubmitBlock); "mined block <hash> height=N txs=M" is logged.
// While the node downloads blocks (the sync coordinator says so) it does not mine: a block on a
// stale tip would only be orphaned.
//
// At spawn it subscribes to the chain's TipChanged, the mempool's MempoolChanged and, when
// given a sync coordinator, its SyncingChanged.
#pragma once

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>

#include "actors/chain_actor.hpp"
#include "actors/log_sink.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/sync_coordinator.hpp"
#include "chain/bytes.hpp"
#include "chain/params.hpp"

namespace ac::actors {

// Sent by tests, handled by the miner: answers how many of its blocks the chain accepted
// (uint64_t).
struct GetBlocksFound {};

// Sent by tests, handled by the miner: answers the parent the running search builds on
// (Hash256; zero while it does not search).
struct GetSearchParent {};

using MinerActor = caf::typed_actor<caf::reacts_to<MempoolChanged>,  // from the mempool
                                    caf::reacts_to<TipChanged>,      // from the chain
                                    caf::reacts_to<SyncingChanged>,  // from the sync coordinator
                                    caf::replies_to<GetBlocksFound>::with<uint64_t>,
                                    caf::replies_to<GetSearchParent>::with<Hash256>>;

struct MinerConfig {
  ChainParams params;
  Bytes payout_script;
  int min_txs = 1;
  unsigned threads = 1;
  LogSinkPtr log;
};

// `sync` may be null (no pausing while downloading).
MinerActor spawn_miner(caf::actor_system& system, MinerConfig config, ChainActor chain,
                       MempoolActor mempool, SyncActor sync = {});

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetBlocksFound)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetSearchParent)
