// ChainState: one node's view of the block tree and its active chain. It owns the in-memory
// block index (every block stored, its height, chain work and validation status), runs the
// three validation stages on each arriving block, stores it, and moves the tip to the valid
// chain with the most work, one Store::apply per block connected or disconnected, so the store
// always holds a consistent chain. The store caches the coins; accept_block writes them when
// the cache passed its bound, and open() replays the blocks a crash left after the last write.
// Blocks whose parent is unknown wait in a bounded orphan pool; so does every block before a
// node without a chain has its genesis (block 1's parent is how such a node learns which
// genesis to fetch; adopt_genesis then connects what waited).
//
// accept_block reasons, besides every check_block, contextual_check_block and connect_block
// reason: "no-genesis" (a block without parent while we have no chain: adopt_genesis takes
// it; kLocal), "different-genesis" (a
// block without parent that is not our genesis; kDifferentChain), "duplicate-invalid" (already
// known to be invalid; kCachedInvalid), "bad-prevblk" (its parent is invalid; kInvalidParent).
// Storage failures pass the store's reason through (kLocal). A rule broken by a body that the
// header does not commit to is kind kDamaged, whichever rule it was. Only kInvalid failures of
// blocks with proof of work are remembered as invalid.
//
// Single-threaded: one owner calls it (the chain actor). No globals: several may coexist.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "chain/arith256.hpp"
#include "chain/block.hpp"
#include "chain/block_index.hpp"
#include "chain/orphan_pool.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/script_verify.hpp"
#include "chain/store.hpp"

namespace ac {

enum class AcceptStatus {
  kNewTip,      // the tip moved (onto this block, or further through waiting orphans)
  kSideBranch,  // stored, but the tip did not move (not more work than the tip)
  kAlreadyHave,
  kOrphan,  // parent unknown: waits in the orphan pool; ask the sender for its ancestors
};

struct AcceptOutcome {
  AcceptStatus status = AcceptStatus::kAlreadyHave;
  // The net tip movement of the whole call: blocks taken off the active chain (old tip first)
  // and put on it (lowest first).
  std::vector<Hash256> disconnected;
  std::vector<Hash256> connected;
  // Non-coinbase transactions of the disconnected blocks that are not in the connected ones,
  // parents before children: the mempool takes them back.
  std::vector<Transaction> returned_transactions;
  // Non-coinbase transactions of the connected blocks: the mempool evicts them.
  std::vector<Transaction> confirmed_transactions;
  // Orphans that were waiting for this block (or for one of them) and are now stored.
  std::vector<Hash256> accepted_orphans;
  // Without a chain yet: the parent this orphan waits for, to be fetched (block 1's parent is
  // the genesis, which adopt_genesis then takes).
  std::optional<Hash256> wanted_parent;
};

// The active tip as validation sees it. The actors' TipInfo (actors/chain_backend.hpp) is the
// same tip for messages: it leaves out the chain work (only fork choice needs it) and adds the
// median time past (the miner's earliest block time, the mempool's lock-time clock).
struct ChainTip {
  Hash256 hash;
  int height = 0;
  Arith256 chain_work;
};

// A block of the index with no child (Core's getchaintips): how far its branch reaches back
// to the active chain and what it is.
struct BranchTip {
  Hash256 hash;
  int height = 0;
  int branch_length = 0;  // blocks between it and the active chain; 0 for the active tip
  std::string status;     // "active", "valid-fork" or "invalid"
};

class ChainState {
 public:
  using Clock = std::function<int64_t()>;  // seconds since the epoch; empty: the system clock

  // Loads the block index and the tip from `store`, rolls the coins forward when a flush was
  // interrupted (Store::interrupted_flush, chain/coins_rollforward.hpp) and, should the store
  // hold a valid chain with more work than its tip (a crash after blocks were stored or connected
  // since the coins were last flushed, or in the middle of a reorganisation), moves the tip onto it
  // and flushes the coins. `store` and `verifier` must outlive the result. Reason "store-corrupt"
  // when the records do not form a tree from the genesis or one does not decode. An empty store of
  // a chain with a built-in genesis (regtest) gets that genesis, connected, before open returns.
  static Result<std::unique_ptr<ChainState>> open(Store& store, ChainParams params,
                                                  ScriptVerifier& verifier, Clock now_seconds);

  ChainState(const ChainState&) = delete;
  ChainState& operator=(const ChainState&) = delete;

  // Makes `genesis` (checked, height 0) the first block and connects it. Succeeds without
  // change when it already is our genesis; reason "genesis-exists" for another block,
  // "genesis-has-parent" for a block with a parent.
  Status create_genesis(const Block& genesis);
  // create_genesis, then connects the orphans that waited for it (a node without a chain that
  // learned its genesis from block 1's parent). `connected` starts with the genesis.
  Result<AcceptOutcome> adopt_genesis(const Block& genesis);

  // Validates, stores and, when it leads to more work, connects `block` (and any orphans it
  // was the missing parent of). On a consensus failure the reason is returned and, when the
  // block's transactions are committed by its header (so the failure is the block's and not a
  // corruption in transit) and the failure is permanent, the block is marked invalid. When a
  // block fails to connect during a switch to a better branch, it and its descendants are
  // marked invalid, the tip returns to the best valid chain (normally the old tip), and the
  // reason is returned unless the tip still moved (the valid part of that branch has more work
  // than the old tip: the outcome is then kNewTip, the failed blocks marked). A storage
  // failure returns the store's reason; memory and store still agree, on whatever tip the
  // last successful write set (ask tip()).
  Result<AcceptOutcome> accept_block(const Block& block);
  // The block the caller will accept next (nullptr: none known), e.g. the next of a batch.
  // While the scripts of the block being connected are checked on the verifier's workers, this
  // thread hashes and checks `next` (txids, merkle root, context-free rules: check_block) when
  // it builds on that block, and the next accept_block uses the result. Only the pure checks
  // run early: storing and connecting stay in order, so a failure of `next` never affects the
  // block before it. Used only when accept_block gets that very object; forgotten at the end of
  // each accept_block.
  void expect_next(std::shared_ptr<const Block> next) { next_block_ = std::move(next); }
  // Core's test before NewPoWValidBlock (chain/chainstate_early.cpp): `block` is new, its
  // parent is the active tip, and it passes every check that needs no coins: proof of work,
  // bits, time, merkle root (not mutated), sizes, transactions' shape, coinbase height and lock
  // times. Such a block may be announced to high-bandwidth peers (BIP152) before it is
  // connected; its scripts and spends are checked only then.
  bool may_announce_early(const Block& block) const;

  // Bitcoin Core's invalidateblock (chain/chainstate_invalidate.cpp): marks `hash` invalid
  // by hand (kFailed | kInvalidatedByHand) and its descendants kFailedParent, disconnects back
  // to its parent when it is on the active chain, and moves the tip to the valid chain with
  // the most work (maybe another branch). The outcome says how the tip moved, with the
  // transactions of the disconnected blocks for the mempool. The marks persist. Blocks that
  // arrive later on that branch are stored but refused (kInvalidatedByHand: no peer's fault).
  // Reasons: "block-not-found" (kNotFound), "invalidate-genesis" (kRefused), the store's.
  Result<AcceptOutcome> invalidate_block(const Hash256& hash);
  // Bitcoin Core's reconsiderblock: clears the failure marks of `hash`, of its ancestors and of
  // its descendants (those whose data is stored), then moves the tip to the valid chain with
  // the most work, which may take it back onto that branch; a block that still breaks a rule
  // is marked invalid again on the way. Reasons: "block-not-found" (kNotFound), the store's.
  Result<AcceptOutcome> reconsider_block(const Hash256& hash);

  std::optional<ChainTip> tip() const;
  std::optional<Hash256> genesis() const { return genesis_; }
  // Known blocks: stored ones and those recorded as invalid.
  std::optional<BlockIndexRecord> record(const Hash256& hash) const;
  std::optional<BlockHeader> header(const Hash256& hash) const;
  // True for blocks in the index (including invalid ones) or waiting in the orphan pool:
  // blocks not worth requesting again.
  bool contains(const Hash256& hash) const;
  bool is_orphan(const Hash256& hash) const { return orphans_.contains(hash); }
  bool in_active_chain(const Hash256& hash) const;
  std::optional<Hash256> active_chain_hash_at(int height) const;
  // Every block with no child, the active tip first, then by height (highest first).
  std::vector<BranchTip> branch_tips() const;
  std::optional<Block> block(const Hash256& hash) const { return store_.block(hash); }
  std::optional<Bytes> block_bytes(const Hash256& hash) const { return store_.block_bytes(hash); }
  // Median time of the (up to) median_time_span blocks ending at `hash`.
  std::optional<int64_t> median_time_past(const Hash256& hash) const;

  // Bitcoin's block locator of the active chain: the 12 most recent blocks one by one, then
  // steps doubling in size (2, 4, 8, ...), ending with the genesis. Empty without a chain.
  std::vector<Hash256> locator() const;
  // The active-chain blocks after the first `locator` hash found on the active chain, up to
  // `max` and stopping before `stop`. When no locator hash is on our chain (an empty locator
  // from a node with nothing yet), the fork point is our genesis and the list starts at block 1,
  // as Core's and bcoin's (a node without a chain learns the genesis from block 1's parent).
  // A chain of the genesis alone answers an empty locator with the genesis (Core: nothing).
  std::vector<Hash256> hashes_after(const std::vector<Hash256>& locator, const Hash256& stop,
                                    size_t max = 500) const;
  // Core's getheaders answer: the active-chain headers after the fork point of `locator` (the
  // first of its hashes on our active chain; our genesis when none is), up to `max` and up to
  // and including `stop`. An empty locator asks for the header of `stop` alone (any block we
  // know). Empty without a chain.
  std::vector<BlockHeader> headers_after(const std::vector<Hash256>& locator, const Hash256& stop,
                                         size_t max = 2000) const;

  // Recomputes the coins by replaying the active chain from the genesis in memory and compares
  // them with the store's. Reasons: "coins-mismatch" (detail: how many differ), "tip-mismatch",
  // "missing-block-data", "replay-failed" (a block of the active chain no longer connects),
  // and the store's "store-corrupt" / "store-read-failed" when a stored value did not read.
  Status verify_chain() const;

  // Pruning (Bitcoin Core's -prune; chain/chainstate_prune.cpp). Off until set_prune;
  // target_bytes 0: by hand only (prune_to), else checked after each block once a new block
  // file began, pruning the oldest files until the block and undo files fit the target.
  struct PruneSettings {
    bool enabled = false;
    uint64_t target_bytes = 0;
  };
  void set_prune(PruneSettings settings) { prune_ = settings; }
  const PruneSettings& prune_settings() const { return prune_; }
  // Flushes the coins, then deletes the block and undo files whose blocks are all at most
  // `height`, never within kMinBlocksToKeep of the tip; the genesis block stays (written anew
  // when its file goes). Their index records stay, marked kPruned. Returns the height of the
  // last block pruned (Core's pruneblockchain answer; -1: none). Reasons: "prune-disabled"
  // (kRefused), the store's.
  Result<int> prune_to(int height);
  // The lowest height from which every block of the active chain up to the tip is stored
  // (Core's pruneheight; 0 when nothing was pruned).
  int first_stored_height() const;
  // The lowest height of the active chain where the latest block time so far is at least
  // `time` (Core's FindEarliestAtLeast; pruneblockchain's timestamp form); nullopt: none.
  std::optional<int> earliest_height_at_time(int64_t time) const;
  // Whether blocks of this store were ever pruned (their records are marked kPruned).
  bool has_pruned() const { return has_pruned_; }

 private:
  // One block of the index, kept compact (Core's CBlockIndex is about 150 bytes; with its map
  // entry this is 176): the hash is the map's key, pointed to rather than copied; the header is
  // kept without its parent's hash (the parent's key); the record is rebuilt on demand.
  struct Node {
    const Hash256* key = nullptr;  // the index's key: this block's hash
    Node* parent = nullptr;
    // Its children as a list through them (no allocation per block): the first, then each
    // one's next sibling.
    Node* first_child = nullptr;
    Node* next_sibling = nullptr;
    Arith256 chain_work;  // total work from genesis up to and including this block
    Hash256 merkle_root;
    int32_t version = 0;
    uint32_t time = 0;
    uint32_t bits = 0;
    uint32_t nonce = 0;
    int height = 0;
    uint32_t status = 0;    // block_status bits
    uint32_t sequence = 0;  // arrival order: ties in work go to the first seen

    const Hash256& hash() const { return *key; }
    bool failed() const { return (status & block_status::kFailedMask) != 0; }
    BlockHeader header() const;
    BlockIndexRecord record() const;
  };
  struct CandidateOrder {
    bool operator()(const Node* a, const Node* b) const;
  };
  class BlockCache;
  struct Processed;
  // check_block's result for a block, computed ahead while its parent's scripts were checked.
  // Matched by object, not by hash: a damaged copy has the genuine block's hash.
  struct Prechecked {
    std::shared_ptr<const Block> block;
    std::vector<Hash256> txids;
    Status checked;
  };

  ChainState(Store& store, ChainParams params, ScriptVerifier& verifier, Clock now_seconds);

  Node* find(const Hash256& hash);
  const Node* find(const Hash256& hash) const;
  Node* tip_node() const { return active_.empty() ? nullptr : active_.back(); }
  Node& insert(const BlockIndexRecord& record, Node* parent);
  const Node* fork_point(const Node* node) const;
  int64_t median_time_past(const Node* node) const;

  Result<AcceptOutcome> accept_block_unflushed(const Block& block);
  // Re-applies the coin changes of the blocks from heads.from to heads.to (disconnecting the
  // blocks of `from`'s branch, then connecting `to`'s) without checks, before the tip is read.
  Status roll_forward(const FlushHeads& heads);
  // Processes the orphans waiting for `parent`, and theirs, recording those stored.
  Status take_waiting_orphans(const Hash256& parent, BlockCache& cache, AcceptOutcome& outcome);
  Result<Processed> process_block(const Block& block, BlockCache& cache,
                                  std::optional<Prechecked> prechecked = std::nullopt);
  // Runs during `connecting`'s script checks: prechecks next_block_ if it is a child of it.
  void precheck_next(const Node* connecting);
  Status activate_best_chain(BlockCache& cache, std::optional<Error>& failure);
  // Drops the candidates with less work than the tip.
  void prune_candidates();
  // Runs `step` with a BlockCache of its own (the class is chainstate.cpp's), for the member
  // functions defined in other files.
  Status with_block_cache(const std::function<Status(BlockCache&)>& step);
  // Error: the node could not proceed (storage); a value: the block is invalid.
  Result<std::optional<Error>> connect_node(Node* node, BlockCache& cache);
  Status disconnect_tip(BlockCache& cache);
  // Automatic pruning after a block (prune_to with the height the target needs).
  Status prune_if_needed();
  // A block's height from the index (nullopt: unknown), for chain/prune.hpp's file_spans.
  std::function<std::optional<int>(const Hash256&)> height_lookup() const;
  Status mark_invalid(Node* node);
  // Whether `node` is failed only because the operator invalidated it or an ancestor by hand
  // (no rule failed on the way up to the first block that is not failed).
  bool invalidated_by_hand(const Node* node) const;
  // Adds to the candidates every stored valid block with at least the tip's work: after the
  // tip moved back (invalidate_block) or failures were cleared (reconsider_block).
  void restore_candidates();
  // The end of either: moves to the most-work valid chain (a block of another branch that
  // breaks a rule is marked on the way, not this call's verdict), says how the tip moved from
  // `old_tip`, and flushes the coins if the cache is full.
  Status activate_by_hand(const Node* old_tip, BlockCache& cache, AcceptOutcome& outcome);
  Result<AcceptOutcome> finish_by_hand(const Node* old_tip, AcceptOutcome outcome);
  void describe_tip_move(const Node* old_tip, BlockCache& cache, AcceptOutcome& outcome);

  Store& store_;
  ChainParams params_;
  ScriptVerifier& verifier_;
  Clock now_seconds_;
  std::optional<Hash256> genesis_;
  bool outputs_repeat_ = true;  // connect_block looks outputs up (outputs_may_repeat)
  std::unordered_map<Hash256, Node> index_;
  std::vector<Node*> active_;  // active_[h]: the active block at height h
  // Stored, not invalid, at least the tip's work (prune_candidates); most work first.
  std::set<Node*, CandidateOrder> candidates_;
  OrphanPool orphans_;
  uint32_t next_sequence_ = 0;
  std::shared_ptr<const Block> next_block_;
  std::optional<Prechecked> prechecked_;
  PruneSettings prune_;
  std::optional<uint32_t> prune_checked_file_;  // the block file of the last automatic check
  bool has_pruned_ = false;
};

}  // namespace ac
