// The miner actor: when the mempool holds at least min_txs transactions (0: always), it builds a
// block template on the tip the mempool's selection is valid on (coinbase paying subsidy + fees
// with the BIP34 height, the mempool's selection, merkle root, time no earlier than median time
// past + 1) and searches its proof of work on a thread of its own, never on the scheduler's.
// Found blocks go to the chain (SubmitBlock); "mined block <hash> height=N txs=M" is logged.
// The chain's TipChanged reaches the mempool and the miner in either order: a new tip cancels a
// search on another one, and a selection is mined only when it was made on the last tip the
// miner heard of (otherwise the one of the two still behind catches up and its news, the
// mempool's MempoolChanged or our TipChanged, starts the next job).
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

// Sent by the miner, handled by its subscribers (tests): a proof-of-work search started on
// `parent`, or (zero) the running one stopped.
struct SearchChanged {
  Hash256 parent;
};

using SearchChangedListener = caf::typed_actor<caf::reacts_to<SearchChanged>>;

// Sent by tests, handled by the miner: the listener gets every SearchChanged from then on.
struct SubscribeSearchChanged {
  SearchChangedListener listener;
};

using MinerActor = caf::typed_actor<caf::reacts_to<MempoolChanged>,  // from the mempool
                                    caf::reacts_to<TipChanged>,      // from the chain
                                    caf::reacts_to<SyncingChanged>,  // from the sync coordinator
                                    caf::replies_to<GetBlocksFound>::with<uint64_t>,
                                    caf::replies_to<GetSearchParent>::with<Hash256>,
                                    caf::reacts_to<SubscribeSearchChanged>>;

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
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SearchChanged)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubscribeSearchChanged)
