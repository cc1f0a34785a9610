// The chain actor: the one owner of the block chain (a ChainBackend). It accepts blocks, answers
// queries about the active chain, and publishes TipChanged to its subscribers after every tip
// change. A node with no chain adopts the genesis of the first peer that sends one; a peer
// whose genesis differs from ours is refused and disconnected.
//
// While blocks queue up (a sync), the tip changes of the blocks connected one after another
// are published as one TipChanged once the blocks queued meanwhile are through, or every
// kMaxBlocksPerTipChange blocks, and their verdicts right after it. Each subscriber then wakes
// once per batch instead of once per block; a lone block is published at once.
#pragma once

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/chain_backend.hpp"
#include "actors/local_values.hpp"
#include "actors/log_sink.hpp"
#include "actors/session_interface.hpp"

namespace ac::actors {

inline constexpr size_t kMaxHashesAfter = 500;
inline constexpr size_t kMaxBlocksPerTipChange = 64;

// What became of a submitted block.
struct BlockVerdict {
  Hash256 hash;
  bool accepted = false;  // stored (new tip, side branch, already had, or orphan)
  bool new_tip = false;
  std::string outcome;  // "new-tip", "side-branch", "already-have", "orphan", or the reason
  // When refused: what the failure means (chain/result.hpp). The sync coordinator charges the
  // sender by it and the planner decides by it whether the block is asked for again.
  ErrorKind kind = ErrorKind::kInvalid;
  TipInfo tip;
  // Accepted as an orphan: its parent is unknown here, so the sender has blocks we lack.
  bool orphan = false;
};

// Sent by the chain, handled by its subscribers (sync coordinator, mempool, miner, node), after
// every tip change (merged while blocks queue up, see above).
struct TipChanged {
  TipInfo tip;
  std::vector<Hash256> connected;          // in connection order
  std::vector<Hash256> disconnected;       // in disconnection order
  std::vector<TxPtr> confirmed;            // now in the active chain (mempool evicts)
  std::vector<TxPtr> returned_to_mempool;  // from disconnected blocks, not in the new chain
  // The session whose block ended `connected`, so it has them all: no need to announce them to
  // it. None for blocks mined here or when orphans it did not send connected after its block.
  SessionActor source;
};

// Whoever subscribes to the chain's tip changes.
using TipChangedListener = caf::typed_actor<caf::reacts_to<TipChanged>>;

// Sent by the chain, handled by its early-block subscriber (the node), just before it connects
// `block`: the block extends the active tip, is new, and passed every check but its scripts and
// spends (ChainBackend::may_announce_early; Core's NewPoWValidBlock). BIP152 lets a node push
// it to its high-bandwidth peers now, ahead of the TipChanged; it may still fail to connect.
// `source` sent it (none for a block mined here).
struct NewPowValidBlock {
  BlockPtr block;
  SessionActor source;
};

using PowValidListener = caf::typed_actor<caf::reacts_to<NewPowValidBlock>>;

// Sent by the node at spawn, handled by the chain: the listener gets every NewPowValidBlock.
struct SubscribePowValid {
  PowValidListener listener;
};

// Sent by the sync coordinator (a peer's block) and the miner (its own), handled by the chain:
// accept `block` (announced early, NewPowValidBlock, when it qualifies). Answers BlockVerdict.
// `source` (null for the miner's) is told DisconnectPeer when its genesis differs from ours, and
// named in the TipChanged its block causes.
struct SubmitBlock {
  BlockPtr block;
  SessionActor source;
};

// Sent by the sync coordinator (peers' blocks, in the order to accept them), handled by the
// chain: accept each of `blocks` as SubmitBlock would, `sources[i]` the session that sent
// `blocks[i]`. Answers one BlockVerdict per block, in order, once, after the tip change the
// batch causes: one pending response per batch, not one per block.
// `relay_early`: a lone new block (not part of a download), which may be announced early
// (NewPowValidBlock) when it qualifies; blocks of a download never are.
struct SubmitBlocks {
  std::vector<BlockPtr> blocks;
  std::vector<SessionActor> sources;
  bool relay_early = false;
};

// Sent by the sync coordinator, mempool, miner, node and sessions (their version's height),
// handled by the chain: answers the active tip as TipInfo.
struct GetTip {};

// Sent by the sync coordinator, handled by the chain: answers the active chain's block locator
// (std::vector<Hash256>, newest first, genesis last).
struct GetLocator {};

// Sent by a session (a peer's getblocks), handled by the chain: answers the active-chain hashes
// after the first locator hash on it, up to `stop`, at most kMaxHashesAfter; from block 1 when
// no locator hash matches (the genesis is the fork point, as Core's).
struct GetHashesAfter {
  std::vector<Hash256> locator;
  Hash256 stop;
};

// Sent by a session (a peer's getheaders), handled by the chain: answers Core's getheaders
// answer (std::vector<BlockHeader>, at most net::kMaxHeadersPerMessage): the headers after the
// locator's fork point up to and including `stop`; with an empty locator the stop's alone.
struct GetHeadersAfter {
  std::vector<Hash256> locator;
  Hash256 stop;
};

// Sent by the node (announcing new blocks by their headers, BIP130) and by a session (whether
// a peer's headers connect), handled by the chain: answers the headers of `hashes`, in order,
// up to the first block it does not know (std::vector<BlockHeader>).
struct GetBlockHeaders {
  std::vector<Hash256> hashes;
};

// Sent by a session (a peer's headers: do they connect, and does the first extend our tip?),
// handled by the chain: answers where the block `hash` is (HeaderPlace).
struct GetHeaderPlace {
  Hash256 hash;
};

struct HeaderPlace {
  bool known = false;   // in the block index (any branch)
  bool is_tip = false;  // the active tip
};

// Sent by a session (a peer's getdata), handled by the chain: answers one BlockPtr per hash, in
// order, null for a block it does not have.
struct GetBlocks {
  std::vector<Hash256> hashes;
};

// Sent by the sync coordinator, mempool, miner and node at spawn, handled by the chain: the
// listener gets every TipChanged from then on.
struct SubscribeTipChanged {
  TipChangedListener listener;
};

// Sent by the RPC server (getblockheader, getblock), handled by the chain: answers what the
// block index knows of `hash` (std::optional<BlockSummary>; none for an unknown block).
struct GetBlockSummary {
  Hash256 hash;
};

// Sent by the RPC server (getblockhash), handled by the chain: answers the active chain's hash
// at `height` (std::optional<Hash256>).
struct GetActiveHashAt {
  int height = 0;
};

// Sent by the RPC server (getchaintips), handled by the chain: answers every branch's tip
// (std::vector<BranchTip>).
struct GetBranchTips {};

// Sent by the RPC server (verifychain), handled by the chain: recomputes the coins from the
// blocks and compares; answers the difference found (std::string, empty when none).
struct VerifyChain {};

// Sent by the RPC server (invalidateblock, reconsiderblock), handled by the chain: marks `hash`
// invalid by hand, or clears the marks of it, its ancestors and descendants, and moves the tip
// to the valid chain with the most work, published as any reorganisation (TipChanged: the
// mempool takes back the transactions of the blocks disconnected). Answers a BlockVerdict for
// `hash`: accepted when done, otherwise the reason and kind ("block-not-found" kNotFound,
// "invalidate-genesis" kRefused, a store failure kLocal).
struct InvalidateBlock {
  Hash256 hash;
};
struct ReconsiderBlock {
  Hash256 hash;
};

// Sent by the RPC server (getblockchaininfo), handled by the chain: answers its PruneState.
struct GetPruneState {};
// Sent by the RPC server (pruneblockchain), handled by the chain: deletes the block and undo
// files of the blocks up to `height`, never within 288 of the tip (ChainState::prune_to).
// Answers a PruneOutcome.
struct PruneBlockchain {
  int height = 0;
};
// Sent by the RPC server (pruneblockchain with a time), handled by the chain: answers the
// lowest active height whose blocks up to it reach `time` (std::optional<int>; none: no such).
struct GetHeightAtTime {
  int64_t time = 0;
};
struct PruneOutcome {
  int last_pruned = -1;  // the height of the last block without data; -1: none
  std::string error;     // the reason when it failed ("prune-disabled", a store failure)
};

using ChainActor =
    caf::typed_actor<caf::replies_to<SubmitBlock>::with<BlockVerdict>,                     //
                     caf::replies_to<SubmitBlocks>::with<std::vector<BlockVerdict>>,       //
                     caf::replies_to<GetTip>::with<TipInfo>,                               //
                     caf::replies_to<GetLocator>::with<std::vector<Hash256>>,              //
                     caf::replies_to<GetHashesAfter>::with<std::vector<Hash256>>,          //
                     caf::replies_to<GetHeadersAfter>::with<std::vector<BlockHeader>>,     //
                     caf::replies_to<GetBlockHeaders>::with<std::vector<BlockHeader>>,     //
                     caf::replies_to<GetBlocks>::with<std::vector<BlockPtr>>,              //
                     caf::replies_to<GetHeaderPlace>::with<HeaderPlace>,                   //
                     caf::reacts_to<SubscribeTipChanged>,                                  //
                     caf::reacts_to<SubscribePowValid>,                                    //
                     caf::replies_to<GetBlockSummary>::with<std::optional<BlockSummary>>,  //
                     caf::replies_to<GetActiveHashAt>::with<std::optional<Hash256>>,       //
                     caf::replies_to<GetBranchTips>::with<std::vector<BranchTip>>,         //
                     caf::replies_to<VerifyChain>::with<std::string>,                      //
                     caf::replies_to<InvalidateBlock>::with<BlockVerdict>,                 //
                     caf::replies_to<ReconsiderBlock>::with<BlockVerdict>,                 //
                     caf::replies_to<GetPruneState>::with<PruneState>,                     //
                     caf::replies_to<GetHeightAtTime>::with<std::optional<int>>,           //
                     caf::replies_to<PruneBlockchain>::with<PruneOutcome>>;

// `detached`: run on its own thread, so validating a block never holds a scheduler worker.
ChainActor spawn_chain(caf::actor_system& system, std::shared_ptr<ChainBackend> backend,
                       LogSinkPtr log, bool detached = false);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TipInfo)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::ErrorKind)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlockVerdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TipChanged)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubmitBlock)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubmitBlocks)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::BlockVerdict>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetTip)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetLocator)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetHashesAfter)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetHeadersAfter)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetBlockHeaders)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetBlocks)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetHeaderPlace)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::HeaderPlace)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubscribeTipChanged)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::NewPowValidBlock)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubscribePowValid)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetBlockSummary)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetActiveHashAt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetBranchTips)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::VerifyChain)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::InvalidateBlock)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ReconsiderBlock)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetPruneState)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PruneState)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PruneBlockchain)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetHeightAtTime)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<int>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PruneOutcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<ac::actors::BlockSummary>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<ac::Hash256>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::BranchTip>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::BlockHeader>)
