// What the chain actor needs from the block chain it owns: queries about the active chain and
// one entry point that accepts a block. The node runs it on chain/chainstate's ChainState
// (actors/chainstate_backend.hpp); actor tests run it on a small in-memory chain. No CAF here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.hpp"
#include "chain/block_index.hpp"
#include "chain/chainstate.hpp"
#include "chain/result.hpp"
#include "chain/uint256.hpp"

namespace ac::actors {

// The active chain's tip as the actors need it (chain/chainstate.hpp's ChainTip adds the chain
// work, which only validation needs).
struct TipInfo {
  Hash256 hash;
  int height = -1;               // -1: no chain yet (a node waiting to adopt a peer's genesis)
  int64_t median_time_past = 0;  // of the chain ending at the tip (a miner's earliest time)
};

// What accepting one block did.
struct Acceptance {
  bool accepted = false;  // stored: new tip, side branch, already had, or orphan
  std::string outcome;    // "new-tip", "side-branch", "already-have", "orphan", or the reason
  // When refused: what the failure means (whom it costs, whether to ask elsewhere) and its
  // detail for the log.
  ErrorKind kind = ErrorKind::kInvalid;
  std::string detail;
  std::vector<Hash256> connected;     // in connection order
  std::vector<Hash256> disconnected;  // in disconnection order
  // Non-coinbase transactions of the connected blocks, and those of the disconnected blocks
  // that the connected ones do not confirm again.
  std::vector<Transaction> confirmed;
  std::vector<Transaction> returned;
  bool orphan = false;  // accepted as an orphan: its parent is unknown here
};

// One block of the index as the RPC describes it (Core's getblockheader fields).
struct BlockSummary {
  BlockIndexRecord record;
  bool in_active_chain = false;
  std::optional<Hash256> next;  // the active chain's next block
  int64_t median_time = 0;
  int tip_height = -1;  // the active tip's (confirmations = tip_height - height + 1)
};

// What pruning has done (getblockchaininfo): off, by hand (target 0) or to a byte target.
struct PruneState {
  bool enabled = false;
  uint64_t target_bytes = 0;
  int first_stored_height = 0;  // Core's pruneheight: every active block from it up is stored
  uint64_t stored_bytes = 0;    // the block and undo files (Core's size_on_disk)
};

class ChainBackend {
 public:
  virtual ~ChainBackend() = default;

  virtual TipInfo tip() const = 0;
  virtual std::optional<Hash256> genesis() const = 0;
  // Hashes of the active chain, newest first, dense then exponentially sparser, genesis last.
  virtual std::vector<Hash256> locator() const = 0;
  // Active-chain hashes after the first locator hash on the active chain, at most `max`; when
  // no locator hash is on it, from block 1 (the genesis is the fork point), as Core.
  virtual std::vector<Hash256> hashes_after(const std::vector<Hash256>& locator,
                                            const Hash256& stop, size_t max) const = 0;
  // Core's getheaders answer (ChainState::headers_after); none without a block index.
  virtual std::vector<BlockHeader> headers_after(const std::vector<Hash256>&, const Hash256&,
                                                 size_t) const {
    return {};
  }
  virtual std::optional<Block> block(const Hash256& hash) const = 0;
  // The header of a block the chain knows (any branch); read from the block itself unless the
  // backend has an index.
  virtual std::optional<BlockHeader> header(const Hash256& hash) const {
    std::optional<Block> found = block(hash);
    if (!found) return std::nullopt;
    return found->header;
  }
  // Makes `block` the genesis of an empty chain.
  virtual Status create_genesis(const Block& block) = 0;
  // create_genesis, then the blocks that waited for it (a node without a chain fetched the
  // genesis named by block 1's parent). `connected` starts with the genesis.
  virtual Acceptance adopt_genesis(const Block& block) {
    Acceptance out;
    if (Status status = create_genesis(block); !status) {
      out.outcome = status.reason();
      out.kind = status.kind();
      out.detail = status.error().detail;
      return out;
    }
    out.accepted = true;
    out.outcome = "new-tip";
    out.connected.push_back(block.hash());
    return out;
  }
  virtual Acceptance accept_block(const Block& block) = 0;
  // The block accept_block will get next (null: none), checked ahead where the backend can
  // overlap that with the current block's signature checks (ChainState::expect_next).
  virtual void expect_next(std::shared_ptr<const Block>) {}
  // Whether `block`, new and on the active tip, passes every check but its scripts and spends,
  // so it may be relayed before it is connected (ChainState::may_announce_early). A backend
  // without validation rules says no.
  virtual bool may_announce_early(const Block&) const { return false; }

  // For the RPC; a backend without a block index (the actor tests' MemoryChain) knows none.
  virtual std::optional<BlockSummary> summary(const Hash256&) const { return std::nullopt; }
  virtual std::optional<Hash256> active_hash_at(int) const { return std::nullopt; }
  virtual std::vector<BranchTip> branch_tips() const { return {}; }
  // Recomputes the coins from the blocks and compares (ChainState::verify_chain).
  virtual Status verify() const { return Status::success(); }
  // invalidateblock / reconsiderblock (ChainState::invalidate_block / reconsider_block): how the
  // tip moved, or why not. A backend without a block index knows no block to mark.
  virtual Acceptance invalidate_block(const Hash256&) { return unknown_block(); }
  virtual Acceptance reconsider_block(const Hash256&) { return unknown_block(); }
  // Pruning (ChainState::prune_to); a backend without block files prunes nothing.
  virtual PruneState prune_state() const { return {}; }
  virtual std::optional<int> earliest_height_at_time(int64_t) const { return std::nullopt; }
  virtual Result<int> prune_to(int) { return make_error(ErrorKind::kRefused, "prune-disabled"); }

 private:
  static Acceptance unknown_block() {
    Acceptance out;
    out.outcome = "block-not-found";
    out.kind = ErrorKind::kNotFound;
    return out;
  }
};

}  // namespace ac::actors
