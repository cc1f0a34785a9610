// The sync coordinator decides which blocks to fetch from which peer. It keeps the unsolved
// hashes (announced, requested, in flight with a deadline), keeps many blocks in flight at once
// (a window, never one block per round trip), feeds arrived blocks to the chain in announced
// order, re-requests on notfound, stall or disconnect from another peer, and asks `getblocks`
// again until the best peer has nothing more to announce. The decisions themselves are the
// SyncPlanner's (actors/sync_planner.hpp); this actor carries them out.
//
// It sends sessions RequestBlocks, RequestInventory, DisconnectPeer and ChargeMisbehaviour
// (actors/session_interface.hpp); the chain SubmitBlocks, GetLocator and GetTip. The locator sent
// to a session may carry, in front of the chain's, the last hash of that peer's previous batch,
// so the next batch can be asked before the chain connected the last.
#pragma once

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <vector>

#include "actors/chain_actor.hpp"
#include "actors/local_values.hpp"
#include "actors/log_sink.hpp"
#include "actors/session_interface.hpp"
#include "actors/sync_planner.hpp"  // SyncLimits

namespace ac::actors {

// Sent by a session, handled by the sync coordinator: the handshake is done; the peer claims
// `best_height`.
struct PeerReady {
  SessionActor session;
  int32_t best_height = -1;
};

// Sent by a session, handled by the sync coordinator: the connection is gone; its requests go
// to other peers. (A session that dies without saying so is noticed by a monitor.)
struct PeerGone {
  SessionActor session;
};

// Sent by a session, handled by the sync coordinator: the peer's inv listed these block hashes
// (in the peer's order).
struct BlocksAnnounced {
  SessionActor session;
  std::vector<Hash256> hashes;
};

// Sent by a session, handled by the sync coordinator: a block arrived from the peer. `pushed`:
// the peer sent it unasked (a BIP152 compact block, rebuilt by the session), so it counts as
// announced by that peer too.
struct BlockArrived {
  SessionActor session;
  BlockPtr block;
  bool pushed = false;
};

// Sent by a session, handled by the sync coordinator: the peer answered notfound for these
// block hashes.
struct BlocksNotFound {
  SessionActor session;
  std::vector<Hash256> hashes;
};

// Sent by the sync coordinator, handled by its subscribers (the miner): whether the node is
// downloading blocks (SyncPlanner::downloading), once at subscription and whenever it flips.
struct SyncingChanged {
  bool downloading = false;
};

using SyncingListener = caf::typed_actor<caf::reacts_to<SyncingChanged>>;

// Sent by the miner, handled by the sync coordinator: the listener gets SyncingChanged.
struct SubscribeSyncing {
  SyncingListener listener;
};

using SyncActor = caf::typed_actor<caf::reacts_to<PeerReady>,        //
                                   caf::reacts_to<PeerGone>,         //
                                   caf::reacts_to<BlocksAnnounced>,  //
                                   caf::reacts_to<BlockArrived>,     //
                                   caf::reacts_to<BlocksNotFound>,   //
                                   caf::reacts_to<TipChanged>,       // from the chain
                                   caf::reacts_to<SubscribeSyncing>>;

// The part of the chain actor the sync coordinator talks to.
using SyncChainView =
    caf::typed_actor<caf::replies_to<SubmitBlocks>::with<std::vector<BlockVerdict>>,  //
                     caf::replies_to<GetTip>::with<TipInfo>,                          //
                     caf::replies_to<GetLocator>::with<std::vector<Hash256>>,         //
                     caf::reacts_to<SubscribeTipChanged>>;

// `log`, when given, gets the sync_started / sync_finished events of the trace file.
SyncActor spawn_sync_coordinator(caf::actor_system& system, SyncChainView chain,
                                 SyncLimits limits = {}, LogSinkPtr log = nullptr);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerReady)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerGone)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlocksAnnounced)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlockArrived)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlocksNotFound)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SyncingChanged)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubscribeSyncing)
