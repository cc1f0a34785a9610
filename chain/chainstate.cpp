#include "chain/chainstate.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <limits>
#include <string>
#include <unordered_set>

#include "chain/check_block.hpp"
#include "chain/connect.hpp"
#include "chain/memory_coins.hpp"
#include "chain/merkle.hpp"
#include "chain/pow.hpp"

namespace ac {
namespace {

std::vector<Hash256> txids_of(const Block& block) {
  std::vector<Hash256> txids;
  txids.reserve(block.transactions.size());
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  return txids;
}

std::string block_detail(const Hash256& hash, const Error& error) {
  std::string detail = "block " + hash.hex();
  if (!error.detail.empty()) detail += ": " + error.detail;
  return detail;
}

// The verdict on `block` for a failed check: the check's own reason and kind, except that a
// rule broken by a body the header does not commit to (a corruption in transit or a
// CVE-2012-2459 mutation, whatever rule it happened to break first) says nothing about the
// genuine block, which has the same hash: that is kDamaged.
Error block_failure(const Block& block, const Hash256& hash, std::span<const Hash256> txids,
                    const Error& failed) {
  Error error = make_error(failed.kind, failed.reason, block_detail(hash, failed));
  if (error.kind == ErrorKind::kInvalid) {
    bool mutated = false;
    if (merkle_root(txids, &mutated) != block.header.merkle_root || mutated)
      error.kind = ErrorKind::kDamaged;
  }
  return error;
}

// Whether a failed block is remembered as invalid for good. Only for the block's own failure
// (kInvalid after block_failure: its header commits to the body that broke the rule), and only
// when the header carries its proof of work, as marking would otherwise let anyone fill the
// index for free. Damaged copies, a time in the future (valid later), unknown parents and the
// node's own failures are never remembered.
bool failure_is_permanent(const Block& block, const Hash256& hash, const Error& failure,
                          const ChainParams& params) {
  return failure.kind == ErrorKind::kInvalid &&
         check_proof_of_work(hash, block.header.bits, params).ok();
}

}  // namespace

// Blocks read or received during one call, with their txids, so a block is decoded and
// hashed once however many times the reorganisation logic needs it.
class ChainState::BlockCache {
 public:
  struct Entry {
    Block block;
    std::vector<Hash256> txids;
  };

  explicit BlockCache(const Store& store) : store_(store) {}

  void remember(const Hash256& hash, const Block& block, std::vector<Hash256> txids) {
    entries_.try_emplace(hash, Entry{block, std::move(txids)});
  }

  // Nullptr when the store does not have the block.
  const Entry* get(const Hash256& hash) {
    if (auto found = entries_.find(hash); found != entries_.end()) return &found->second;
    std::optional<Block> block = store_.block(hash);
    if (!block) return nullptr;
    std::vector<Hash256> txids = txids_of(*block);
    return &entries_.emplace(hash, Entry{std::move(*block), std::move(txids)}).first->second;
  }

 private:
  const Store& store_;
  std::unordered_map<Hash256, Entry> entries_;
};

struct ChainState::Processed {
  AcceptStatus status = AcceptStatus::kAlreadyHave;
  bool stored = false;             // newly stored (its waiting orphans may follow)
  std::optional<Error> rejection;  // the block, or a block of its branch, is invalid
};

bool ChainState::CandidateOrder::operator()(const Node* a, const Node* b) const {
  if (a->chain_work != b->chain_work) {
    return a->chain_work > b->chain_work;
  }
  return a->sequence < b->sequence;
}

ChainState::ChainState(Store& store, ChainParams params, ScriptVerifier& verifier,
                       Clock now_seconds)
    : store_(store),
      params_(std::move(params)),
      verifier_(verifier),
      now_seconds_(std::move(now_seconds)) {
  if (!now_seconds_) {
    now_seconds_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

Result<std::unique_ptr<ChainState>> ChainState::open(Store& store, ChainParams params,
                                                     ScriptVerifier& verifier, Clock now_seconds) {
  std::unique_ptr<ChainState> state(
      new ChainState(store, std::move(params), verifier, std::move(now_seconds)));
  std::optional<Hash256> genesis = store.genesis();
  if (!genesis) {
    // A chain with its genesis built in (regtest) starts from it without being told.
    if (state->params_.builtin_genesis) {
      if (Status created = state->create_genesis(*state->params_.builtin_genesis); !created)
        return created.error();
    }
    return state;
  }

  // Rebuild the tree from the genesis down. Records not reachable from it (a genesis
  // abandoned by a crash before its marker was written) and records without data that were
  // never marked invalid are left out.
  const std::vector<BlockIndexRecord> records = store.load_index();
  if (std::optional<Error> unreadable = store.first_read_error()) return *unreadable;
  const BlockIndexRecord* genesis_record = nullptr;
  std::unordered_multimap<Hash256, const BlockIndexRecord*> children_of;
  for (const BlockIndexRecord& record : records) {
    if (record.hash == *genesis) {
      genesis_record = &record;
    } else {
      children_of.emplace(record.header.prev_block, &record);
    }
  }
  if (!genesis_record || !(genesis_record->status & block_status::kHaveData) ||
      genesis_record->failed()) {
    return make_error(ErrorKind::kLocal, "store-corrupt", "genesis record missing or unusable");
  }
  std::deque<Node*> pending{&state->insert(*genesis_record, nullptr)};
  while (!pending.empty()) {
    Node* parent = pending.front();
    pending.pop_front();
    auto [first, last] = children_of.equal_range(parent->hash());
    for (auto it = first; it != last; ++it) {
      BlockIndexRecord record = *it->second;
      const bool has_data = (record.status & block_status::kHaveData) != 0;
      const bool pruned = (record.status & block_status::kPruned) != 0;
      if (!has_data && !pruned && !record.failed()) continue;
      state->has_pruned_ = state->has_pruned_ || pruned;
      if (record.height != parent->height + 1) {
        return make_error(ErrorKind::kLocal, "store-corrupt", "height of " + record.hash.hex());
      }
      if (parent->failed()) record.status |= block_status::kFailedParent;
      pending.push_back(&state->insert(record, parent));
    }
  }
  state->genesis_ = *genesis;
  std::optional<Block> genesis_block = store.block(*genesis);
  if (!genesis_block) return make_error(ErrorKind::kLocal, "missing-block-data", genesis->hex());
  state->outputs_repeat_ = outputs_may_repeat(state->params_, *genesis_block);
  if (std::optional<FlushHeads> heads = store.interrupted_flush()) {
    if (Status rolled = state->roll_forward(*heads); !rolled) return rolled.error();
  }

  if (std::optional<Hash256> tip_hash = store.tip()) {
    Node* tip = state->find(*tip_hash);
    if (!tip || tip->failed()) {
      return make_error(ErrorKind::kLocal, "store-corrupt",
                        "tip " + tip_hash->hex() + " not in the index");
    }
    state->active_.resize(tip->height + 1);
    for (Node* node = tip; node; node = node->parent) state->active_[node->height] = node;
  }

  // Blocks stored or connected since the coins were last written (a crash, or a genesis not
  // yet connected) are replayed: the stored chain with the most work is connected from the
  // flushed tip, whose undo data is kept until a flush moves past it.
  BlockCache cache(store);
  std::optional<Error> failure;
  if (Status activated = state->activate_best_chain(cache, failure); !activated) {
    return activated.error();
  }
  if (store.coins_may_lag_blocks()) {
    if (Status flushed = store.flush_coins(); !flushed) return flushed.error();
  }
  return state;
}

ChainState::Node* ChainState::find(const Hash256& hash) {
  auto found = index_.find(hash);
  return found == index_.end() ? nullptr : &found->second;
}

const ChainState::Node* ChainState::find(const Hash256& hash) const {
  auto found = index_.find(hash);
  return found == index_.end() ? nullptr : &found->second;
}

ChainState::Node& ChainState::insert(const BlockIndexRecord& record, Node* parent) {
  auto entry = index_.try_emplace(record.hash).first;
  Node& node = entry->second;
  node.key = &entry->first;
  node.chain_work = record.chain_work;
  node.merkle_root = record.header.merkle_root;
  node.version = record.header.version;
  node.time = record.header.time;
  node.bits = record.header.bits;
  node.nonce = record.header.nonce;
  node.height = record.height;
  node.status = record.status;
  node.parent = parent;
  node.sequence = next_sequence_++;
  if (parent) {
    node.next_sibling = parent->first_child;
    parent->first_child = &node;
  }
  if ((record.status & block_status::kHaveData) && !record.failed()) candidates_.insert(&node);
  return node;
}

BlockHeader ChainState::Node::header() const {
  BlockHeader header;
  header.version = version;
  if (parent) header.prev_block = parent->hash();
  header.merkle_root = merkle_root;
  header.time = time;
  header.bits = bits;
  header.nonce = nonce;
  return header;
}

BlockIndexRecord ChainState::Node::record() const {
  return BlockIndexRecord{hash(), header(), height, chain_work, status};
}

const ChainState::Node* ChainState::fork_point(const Node* node) const {
  while (node && !in_active_chain(node->hash())) node = node->parent;
  return node;
}

int64_t ChainState::median_time_past(const Node* node) const {
  std::vector<int64_t> times;
  for (; node && static_cast<int>(times.size()) < params_.median_time_span; node = node->parent) {
    times.push_back(node->time);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

Status ChainState::create_genesis(const Block& genesis) {
  const Hash256 hash = genesis.hash();
  if (genesis_) {
    if (*genesis_ == hash) return Status::success();
    return make_error(ErrorKind::kDifferentChain, "genesis-exists",
                      "genesis is " + genesis_->hex());
  }
  if (!genesis.header.prev_block.is_zero())
    return make_error(ErrorKind::kInvalid, "genesis-has-parent");
  const std::vector<Hash256> txids = txids_of(genesis);
  if (Status checked = check_block(genesis, txids, params_); !checked) return checked;
  if (Status checked = contextual_check_block(genesis, 0, std::numeric_limits<int64_t>::min(),
                                              now_seconds_(), params_);
      !checked) {
    return checked;
  }
  Result<StoreDelta> change = connect_block(genesis, txids, 0, store_, params_, verifier_);
  if (!change) return change.error();

  BlockIndexRecord record;
  record.hash = hash;
  record.header = genesis.header;
  record.height = 0;
  record.chain_work = block_work(genesis.header.bits);
  record.status = block_status::kHaveData | block_status::kValidChecked;
  // Block, then marker, then coins: a crash between them leaves a state open() completes.
  if (Status stored = store_.put_block(genesis, record); !stored) return stored;
  if (Status marked = store_.set_genesis(hash); !marked) return marked;
  record.status |= block_status::kConnected;
  change->index_updates.push_back(record);
  if (Status applied = store_.apply(*change); !applied) return applied;

  genesis_ = hash;
  outputs_repeat_ = outputs_may_repeat(params_, genesis);
  active_.push_back(&insert(record, nullptr));
  return Status::success();
}

Result<AcceptOutcome> ChainState::adopt_genesis(const Block& genesis) {
  if (Status created = create_genesis(genesis); !created) return created.error();
  BlockCache cache(store_);
  Node* const old_tip = tip_node();
  AcceptOutcome outcome;
  outcome.status = AcceptStatus::kNewTip;
  if (Status taken = take_waiting_orphans(genesis.hash(), cache, outcome); !taken)
    return taken.error();
  describe_tip_move(old_tip, cache, outcome);
  outcome.connected.insert(outcome.connected.begin(), genesis.hash());
  if (store_.coins_cache_full()) {
    if (Status flushed = store_.flush_coins(); !flushed) return flushed.error();
  }
  return outcome;
}

Status ChainState::take_waiting_orphans(const Hash256& parent, BlockCache& cache,
                                        AcceptOutcome& outcome) {
  std::deque<Hash256> parents{parent};
  while (!parents.empty()) {
    const Hash256 next = parents.front();
    parents.pop_front();
    for (const Block& child : orphans_.take_children(next)) {
      // A waiting orphan that turns out invalid is dropped; only its sender cared.
      Result<Processed> processed = process_block(child, cache);
      if (!processed) return processed.error();
      if (processed->stored) {
        outcome.accepted_orphans.push_back(child.hash());
        parents.push_back(child.hash());
      }
    }
  }
  return Status::success();
}

Result<AcceptOutcome> ChainState::accept_block(const Block& block) {
  Result<AcceptOutcome> outcome = accept_block_unflushed(block);
  next_block_.reset();
  // Between blocks, with every stored block that leads to more work connected: the flushed
  // state needs the least replaying after a crash.
  if (store_.coins_cache_full()) {
    if (Status flushed = store_.flush_coins(); !flushed) return flushed.error();
  }
  if (Status pruned = prune_if_needed(); !pruned) return pruned.error();
  return outcome;
}

Result<AcceptOutcome> ChainState::accept_block_unflushed(const Block& block) {
  BlockCache cache(store_);
  Node* const old_tip = tip_node();

  // What was checked ahead is for this block or for none: it does not outlive this call.
  std::optional<Prechecked> prechecked = std::move(prechecked_);
  prechecked_.reset();
  if (prechecked && prechecked->block.get() != &block) prechecked.reset();
  Result<Processed> first = process_block(block, cache, std::move(prechecked));
  if (!first) return first.error();
  AcceptOutcome outcome;
  outcome.status = first->status;
  if (!genesis_ && first->status == AcceptStatus::kOrphan)
    outcome.wanted_parent = block.header.prev_block;
  if (first->stored) {
    if (Status taken = take_waiting_orphans(block.hash(), cache, outcome); !taken)
      return taken.error();
  }

  describe_tip_move(old_tip, cache, outcome);
  if (tip_node() != old_tip) outcome.status = AcceptStatus::kNewTip;
  // A failure in a branch that still moved the tip is not this block's verdict: the failed
  // blocks are marked invalid and the tip is on the branch's valid part.
  if (first->rejection && tip_node() == old_tip) return *first->rejection;
  return outcome;
}

Result<ChainState::Processed> ChainState::process_block(const Block& block, BlockCache& cache,
                                                        std::optional<Prechecked> prechecked) {
  const Hash256 hash = block.hash();
  Processed result;
  if (const Node* known = find(hash)) {
    if (known->failed())
      result.rejection = make_error(
          invalidated_by_hand(known) ? ErrorKind::kInvalidatedByHand : ErrorKind::kCachedInvalid,
          "duplicate-invalid", hash.hex());
    return result;
  }
  if (orphans_.contains(hash)) return result;
  if (block.header.prev_block.is_zero()) {
    result.rejection =
        genesis_
            ? make_error(ErrorKind::kDifferentChain, "different-genesis", hash.hex())
            : make_error(ErrorKind::kLocal, "no-genesis", "a genesis is adopted, not accepted");
    return result;
  }

  std::vector<Hash256> txids = prechecked ? std::move(prechecked->txids) : txids_of(block);
  const auto context_free_check = [&] {
    return prechecked ? prechecked->checked : check_block(block, txids, params_);
  };
  Node* parent = find(block.header.prev_block);
  if (!parent) {
    // Checked before pooling so the pool only ever holds blocks that could be valid.
    if (Status checked = context_free_check(); !checked) {
      result.rejection = block_failure(block, hash, txids, checked.error());
      return result;
    }
    orphans_.add(hash, block);
    result.status = AcceptStatus::kOrphan;
    return result;
  }
  // A branch the operator invalidated: its blocks are checked and stored (reconsider_block
  // connects them) but refused, at no cost to the sender.
  const bool on_branch_invalidated_by_hand = parent->failed() && invalidated_by_hand(parent);
  if (parent->failed() && !on_branch_invalidated_by_hand) {
    result.rejection = make_error(ErrorKind::kInvalidParent, "bad-prevblk", hash.hex());
    return result;
  }

  const int height = parent->height + 1;
  Status checked = context_free_check();
  if (checked) {
    checked =
        contextual_check_block(block, height, median_time_past(parent), now_seconds_(), params_);
  }
  if (!checked) {
    result.rejection = block_failure(block, hash, txids, checked.error());
    if (failure_is_permanent(block, hash, *result.rejection, params_)) {
      BlockIndexRecord record;
      record.hash = hash;
      record.header = block.header;
      record.height = height;
      record.chain_work = parent->chain_work + block_work(block.header.bits);
      record.status = block_status::kFailed;
      if (Status stored = store_.put_index_records({record}); !stored) return stored.error();
      insert(record, parent);
    }
    return result;
  }

  BlockIndexRecord record;
  record.hash = hash;
  record.header = block.header;
  record.height = height;
  record.chain_work = parent->chain_work + block_work(block.header.bits);
  record.status = block_status::kHaveData | block_status::kValidChecked;
  if (on_branch_invalidated_by_hand) record.status |= block_status::kFailedParent;
  if (Status stored = store_.put_block(block, record); !stored) return stored.error();
  insert(record, parent);
  cache.remember(hash, block, std::move(txids));
  result.stored = true;
  if (on_branch_invalidated_by_hand) {
    result.rejection = make_error(ErrorKind::kInvalidatedByHand, "bad-prevblk", hash.hex());
    return result;
  }

  const Node* before = tip_node();
  if (Status activated = activate_best_chain(cache, result.rejection); !activated) {
    return activated.error();
  }
  result.status = tip_node() != before ? AcceptStatus::kNewTip : AcceptStatus::kSideBranch;
  return result;
}

Status ChainState::activate_best_chain(BlockCache& cache, std::optional<Error>& failure) {
  // On equal work the tip we started from wins, also when a failed branch forced us off it.
  Node* const preferred = tip_node();
  while (!candidates_.empty()) {
    Node* best = *candidates_.begin();
    if (preferred && preferred != best && !preferred->failed() &&
        preferred->chain_work == best->chain_work) {
      best = preferred;
    }
    const Node* tip = tip_node();
    if (tip && tip->chain_work >= best->chain_work) break;

    const Node* fork = fork_point(best);
    if (!fork && !active_.empty()) {
      return make_error(ErrorKind::kLocal, "store-corrupt",
                        "block " + best->hash().hex() + " off the tree");
    }
    if (has_pruned_ && fork && fork->height + 1 < first_stored_height()) {
      // The blocks to disconnect were pruned (no block or undo data): as with Core's pruned
      // nodes, that branch cannot be taken. It stays stored, on the side.
      candidates_.erase(best);
      continue;
    }
    while (tip_node() != fork) {
      if (Status disconnected = disconnect_tip(cache); !disconnected) return disconnected;
    }
    std::vector<Node*> path;
    for (Node* node = best; node != fork; node = node->parent) path.push_back(node);
    for (auto node = path.rbegin(); node != path.rend(); ++node) {
      Result<std::optional<Error>> connected = connect_node(*node, cache);
      if (!connected) return connected.error();
      if (*connected) {
        if (!failure) failure = **connected;
        if (Status marked = mark_invalid(*node); !marked) return marked;
        break;
      }
    }
  }
  prune_candidates();
  return Status::success();
}

Status ChainState::with_block_cache(const std::function<Status(BlockCache&)>& step) {
  BlockCache cache(store_);
  return step(cache);
}

void ChainState::prune_candidates() {
  // As Core's PruneBlockIndexCandidates: a block with less work than the tip cannot become
  // the best chain while the tip stands, and a connected tip never becomes invalid, so the
  // tip (or one with more work) stays a candidate and covers it; a block built on it later
  // is a candidate of its own. Otherwise the set would hold every block of the chain.
  const Node* tip = tip_node();
  if (!tip) return;
  while (!candidates_.empty() && (*std::prev(candidates_.end()))->chain_work < tip->chain_work) {
    candidates_.erase(std::prev(candidates_.end()));
  }
}

Result<std::optional<Error>> ChainState::connect_node(Node* node, BlockCache& cache) {
  const Hash256& hash = node->hash();
  const BlockCache::Entry* entry = cache.get(hash);
  if (!entry) return make_error(ErrorKind::kLocal, "missing-block-data", hash.hex());
  Result<StoreDelta> change = connect_block(
      entry->block, entry->txids, node->height, store_, params_, verifier_,
      [this](int height) { return median_time_past(active_[height]); },
      [this, node] { precheck_next(node); }, outputs_repeat_);
  if (!change) {
    // A stored block's body matched its header when it arrived: a failure here is its own,
    // unless it is the node's (kLocal: its undo data or coins would not read).
    if (change.kind() == ErrorKind::kLocal) return change.error();
    return std::optional<Error>(
        make_error(ErrorKind::kInvalid, change.reason(), block_detail(hash, change.error())));
  }
  BlockIndexRecord updated = node->record();
  updated.status |= block_status::kConnected;
  change->index_updates.push_back(updated);
  if (Status applied = store_.apply(*change); !applied) return applied.error();
  node->status = updated.status;
  active_.push_back(node);
  return std::optional<Error>();
}

void ChainState::precheck_next(const Node* connecting) {
  if (!next_block_ || next_block_->header.prev_block != connecting->hash()) return;
  if (prechecked_ && prechecked_->block == next_block_) return;
  std::vector<Hash256> txids = txids_of(*next_block_);
  Status checked = check_block(*next_block_, txids, params_);
  prechecked_ = Prechecked{next_block_, std::move(txids), std::move(checked)};
}

Status ChainState::disconnect_tip(BlockCache& cache) {
  Node* tip = tip_node();
  const Hash256& hash = tip->hash();
  const BlockCache::Entry* entry = cache.get(hash);
  if (!entry) return make_error(ErrorKind::kLocal, "missing-block-data", hash.hex());
  std::optional<BlockUndo> undo = store_.undo(hash);
  if (!undo) return make_error(ErrorKind::kLocal, "missing-undo", hash.hex());
  Result<StoreDelta> change = disconnect_block(entry->block, *undo, store_);
  if (!change) {
    return make_error(ErrorKind::kLocal, change.reason(), block_detail(hash, change.error()));
  }
  if (Status applied = store_.apply(*change); !applied) return applied;
  active_.pop_back();
  return Status::success();
}

Status ChainState::mark_invalid(Node* node) {
  std::vector<BlockIndexRecord> updates;
  candidates_.erase(node);
  node->status |= block_status::kFailed;
  updates.push_back(node->record());
  std::vector<Node*> descendants;
  const auto add_children = [&descendants](const Node* parent) {
    for (Node* child = parent->first_child; child; child = child->next_sibling)
      descendants.push_back(child);
  };
  add_children(node);
  while (!descendants.empty()) {
    Node* descendant = descendants.back();
    descendants.pop_back();
    if (descendant->status & block_status::kFailedParent) continue;
    candidates_.erase(descendant);
    descendant->status |= block_status::kFailedParent;
    updates.push_back(descendant->record());
    add_children(descendant);
  }
  return store_.put_index_records(updates);
}

void ChainState::describe_tip_move(const Node* old_tip, BlockCache& cache, AcceptOutcome& outcome) {
  if (tip_node() == old_tip) return;
  const Node* fork = fork_point(old_tip);
  std::vector<const Node*> disconnected;
  for (const Node* node = old_tip; node != fork; node = node->parent) {
    disconnected.push_back(node);
    outcome.disconnected.push_back(node->hash());
  }
  const size_t first_connected = fork ? fork->height + 1 : 0;
  std::unordered_set<Hash256> confirmed;
  for (size_t height = first_connected; height < active_.size(); ++height) {
    const Hash256& hash = active_[height]->hash();
    outcome.connected.push_back(hash);
    const BlockCache::Entry* entry = cache.get(hash);
    if (!entry) continue;
    for (size_t i = 1; i < entry->block.transactions.size(); ++i) {
      outcome.confirmed_transactions.push_back(entry->block.transactions[i]);
      confirmed.insert(entry->txids[i]);
    }
  }
  for (auto node = disconnected.rbegin(); node != disconnected.rend(); ++node) {
    const BlockCache::Entry* entry = cache.get((*node)->hash());
    if (!entry) continue;
    for (size_t i = 1; i < entry->block.transactions.size(); ++i) {
      if (!confirmed.contains(entry->txids[i])) {
        outcome.returned_transactions.push_back(entry->block.transactions[i]);
      }
    }
  }
}

std::optional<ChainTip> ChainState::tip() const {
  const Node* node = tip_node();
  if (!node) return std::nullopt;
  return ChainTip{node->hash(), node->height, node->chain_work};
}

std::optional<BlockIndexRecord> ChainState::record(const Hash256& hash) const {
  const Node* node = find(hash);
  if (!node) return std::nullopt;
  return node->record();
}

std::optional<BlockHeader> ChainState::header(const Hash256& hash) const {
  const Node* node = find(hash);
  if (!node) return std::nullopt;
  return node->header();
}

bool ChainState::contains(const Hash256& hash) const {
  return index_.contains(hash) || orphans_.contains(hash);
}

bool ChainState::in_active_chain(const Hash256& hash) const {
  const Node* node = find(hash);
  if (!node) return false;
  const size_t height = node->height;
  return height < active_.size() && active_[height] == node;
}

std::vector<BranchTip> ChainState::branch_tips() const {
  std::vector<BranchTip> tips;
  for (const auto& [hash, node] : index_) {
    // The active tip has children when a branch was invalidated by hand on top of it.
    if (node.first_child && &node != tip_node()) continue;
    BranchTip tip{hash, node.height, 0, "active"};
    const Node* on_active = &node;
    while (on_active && !in_active_chain(on_active->hash())) on_active = on_active->parent;
    tip.branch_length = node.height - (on_active ? on_active->height : -1);
    if (tip.branch_length > 0) tip.status = node.failed() ? "invalid" : "valid-fork";
    tips.push_back(std::move(tip));
  }
  std::sort(tips.begin(), tips.end(), [](const BranchTip& a, const BranchTip& b) {
    if ((a.branch_length == 0) != (b.branch_length == 0)) return a.branch_length == 0;
    return a.height > b.height;
  });
  return tips;
}

std::optional<Hash256> ChainState::active_chain_hash_at(int height) const {
  if (height < 0 || static_cast<size_t>(height) >= active_.size()) return std::nullopt;
  return active_[height]->hash();
}

std::optional<int64_t> ChainState::median_time_past(const Hash256& hash) const {
  const Node* node = find(hash);
  if (!node) return std::nullopt;
  return median_time_past(node);
}

std::vector<Hash256> ChainState::locator() const {
  std::vector<Hash256> out;
  if (active_.empty()) return out;
  int height = static_cast<int>(active_.size()) - 1;
  int step = 1;
  while (true) {
    out.push_back(active_[height]->hash());
    if (height == 0) break;
    height = std::max(height - step, 0);
    if (out.size() > 10) step *= 2;
  }
  return out;
}

std::vector<Hash256> ChainState::hashes_after(const std::vector<Hash256>& locator,
                                              const Hash256& stop, size_t max) const {
  std::vector<Hash256> out;
  // One departure from Core, where its answer would be nothing: a node without a chain (an
  // empty locator) asking a chain of the genesis alone gets the genesis, having no block 1 to
  // learn it from. Core's peers always send their genesis in the locator.
  if (locator.empty() && active_.size() == 1 && max > 0 && active_[0]->hash() != stop)
    return {active_[0]->hash()};
  size_t start = 1;  // as Core: no locator hash on our chain makes the genesis the fork point
  for (const Hash256& hash : locator) {
    if (in_active_chain(hash)) {
      start = find(hash)->height + 1;
      break;
    }
  }
  for (size_t height = start; height < active_.size() && out.size() < max; ++height) {
    const Hash256& hash = active_[height]->hash();
    if (hash == stop) break;
    // As Core's pruned nodes: no announcing blocks that can no longer be served.
    if (!(active_[height]->status & block_status::kHaveData)) break;
    out.push_back(hash);
  }
  return out;
}

std::vector<BlockHeader> ChainState::headers_after(const std::vector<Hash256>& locator,
                                                   const Hash256& stop, size_t max) const {
  std::vector<BlockHeader> out;
  if (active_.empty() || max == 0) return out;
  if (locator.empty()) {
    if (const Node* node = find(stop)) out.push_back(node->header());
    return out;
  }
  size_t start = 1;  // Core's FindForkInMainChain falls back to the genesis; we start after it
  for (const Hash256& hash : locator) {
    if (in_active_chain(hash)) {
      start = find(hash)->height + 1;
      break;
    }
  }
  for (size_t height = start; height < active_.size() && out.size() < max; ++height) {
    out.push_back(active_[height]->header());
    if (active_[height]->hash() == stop) break;
  }
  return out;
}

Status ChainState::verify_chain() const {
  const Node* tip = tip_node();
  std::optional<Hash256> stored_tip = store_.tip();
  if ((tip == nullptr) != !stored_tip || (tip && tip->hash() != *stored_tip)) {
    return make_error(ErrorKind::kLocal, "tip-mismatch");
  }

  if (const int first = first_stored_height(); first > 0) {
    return make_error(ErrorKind::kRefused, "verify-pruned",
                      "the blocks below height " + std::to_string(first) +
                          " were pruned: the coins cannot be replayed from the genesis");
  }
  MemoryCoins replayed;
  for (size_t height = 0; height < active_.size(); ++height) {
    const Hash256& hash = active_[height]->hash();
    std::optional<Block> block = store_.block(hash);
    if (!block) return make_error(ErrorKind::kLocal, "missing-block-data", hash.hex());
    const std::vector<Hash256> txids = txids_of(*block);
    Result<StoreDelta> change = connect_block(
        *block, txids, static_cast<int>(height), replayed, params_, verifier_,
        [this](int below) { return median_time_past(active_[below]); }, {}, outputs_repeat_);
    if (!change) return make_error(ErrorKind::kLocal, "replay-failed", change.error().message());
    replayed.apply(*change);
  }

  size_t differing = 0;
  size_t matching = 0;
  size_t stored_count = 0;
  store_.for_each_coin([&](const OutPoint& outpoint, const Coin& coin) {
    ++stored_count;
    if (replayed.coin(outpoint) == coin) {
      ++matching;
    } else {
      ++differing;
    }
  });
  differing += replayed.size() - matching;
  if (std::optional<Error> unreadable = store_.first_read_error()) return *unreadable;
  if (differing != 0) {
    return make_error(ErrorKind::kLocal, "coins-mismatch",
                      std::to_string(differing) + " coins differ (store has " +
                          std::to_string(stored_count) + ", replay has " +
                          std::to_string(replayed.size()) + ")");
  }
  return Status::success();
}

}  // namespace ac
