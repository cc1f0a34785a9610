// The miner actor: when the mempool holds at least min_txs transactions (0: always), it builds a
// block template on the chain's tip (coinbase paying subsidy + fees with the BIP34 height, the
// mempool's selection, merkle root, time no earlier than median time past + 1) and searches
// its proof of work on a thread of its own, never on the scheduler's. A new tip cancels the
// search; the mempool's change notice that follows every tip change starts the next one.
// Found blocks go to the chain; "mined block <hash> height=N txs=M" is logged. While the node
// downloads blocks (the sync coordinator says so) it does not mine: a block on a stale tip
// would only be orphaned.
//
// Messages: (mempool_changed_atom, uint64_t size) and (TipChanged), as a subscriber of the
// mempool and the chain (it subscribes itself at spawn); (syncing_atom, bool) from the sync
// coordinator, when given one; (stop_atom) cancels the search;
// (size_atom) -> uint64_t number of blocks found so far; (tip_atom) -> Hash256 the parent the
// running search builds on (zero while idle).
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/log_sink.hpp"
#include "chain/bytes.hpp"
#include "chain/params.hpp"

namespace ac::actors {

struct MinerConfig {
  ChainParams params;
  Bytes payout_script;
  int min_txs = 1;
  unsigned threads = 1;
  LogSinkPtr log;
};

// `sync` may be null (no pausing while downloading).
caf::actor spawn_miner(caf::actor_system& system, MinerConfig config, caf::actor chain,
                       caf::actor mempool, caf::actor sync = {});

}  // namespace ac::actors
