// ChainState::invalidate_block and reconsider_block: Bitcoin Core's invalidateblock and
// reconsiderblock, the operator's way off a chain it does not want (and back onto it), and a
// test's way to force a reorganisation. The marks are the block index's failure bits, stored
// with each record, so a restart keeps them; kInvalidatedByHand tells them from a rule's verdict,
// so that the peers that follow the branch are not charged for it: on such a branch
// accept_block's "bad-prevblk" and "duplicate-invalid" are kInvalidatedByHand (not
// kInvalidParent / kCachedInvalid), and a new block there is checked and stored, for
// reconsider_block, before it is refused.
#include <vector>

#include "chain/chainstate.hpp"

namespace ac {

bool ChainState::invalidated_by_hand(const Node* node) const {
  bool by_hand = false;
  for (; node && node->failed(); node = node->parent) {
    if (node->status & block_status::kFailed) {
      if (!(node->status & block_status::kInvalidatedByHand)) return false;
      by_hand = true;
    }
  }
  return by_hand;
}

void ChainState::restore_candidates() {
  const Node* tip = tip_node();
  for (auto& [hash, node] : index_) {
    if (!(node.status & block_status::kHaveData) || node.failed()) continue;
    if (tip && node.chain_work < tip->chain_work) continue;
    candidates_.insert(&node);
  }
}

Result<AcceptOutcome> ChainState::invalidate_block(const Hash256& hash) {
  Node* node = find(hash);
  if (!node) return make_error(ErrorKind::kNotFound, "block-not-found", hash.hex());
  if (!node->parent) {
    return make_error(ErrorKind::kRefused, "invalidate-genesis",
                      "the genesis block cannot be invalidated");
  }
  Node* const old_tip = tip_node();
  AcceptOutcome outcome;
  Status done = with_block_cache([&](BlockCache& cache) -> Status {
    while (in_active_chain(node->hash())) {
      if (Status disconnected = disconnect_tip(cache); !disconnected) return disconnected;
    }
    // The coins and the tip marker reach LevelDB before the marks do: a crash in between must
    // not leave a flushed tip on a branch marked invalid (open() refuses such a store), and
    // the flushed tip may be on that branch even when the active one is not (a reorganisation
    // since the last flush). At worst the invalidation is lost and the node reconnects the
    // branch.
    if (Status flushed = store_.flush_coins(); !flushed) return flushed;
    // A block a rule already failed stays the rule's verdict.
    if (!(node->status & block_status::kFailed)) node->status |= block_status::kInvalidatedByHand;
    if (Status marked = mark_invalid(node); !marked) return marked;
    // The candidates with less work than the old tip were pruned: those of the new one return.
    restore_candidates();
    return activate_by_hand(old_tip, cache, outcome);
  });
  if (!done) return done.error();
  return finish_by_hand(old_tip, std::move(outcome));
}

Result<AcceptOutcome> ChainState::reconsider_block(const Hash256& hash) {
  Node* node = find(hash);
  if (!node) return make_error(ErrorKind::kNotFound, "block-not-found", hash.hex());
  constexpr uint32_t kMarks = block_status::kFailedMask | block_status::kInvalidatedByHand;
  std::vector<Node*> changed;
  const auto set_status = [&changed](Node* target, uint32_t status) {
    if (target->status == status) return;
    target->status = status;
    changed.push_back(target);
  };
  // As Core's ResetBlockFailureFlags: the block, its descendants and its ancestors. A block
  // without data failed its own checks on arrival: nothing to try again.
  const auto clear = [&](Node* target) {
    if (target->status & block_status::kHaveData) set_status(target, target->status & ~kMarks);
  };
  std::vector<Node*> pending{node};
  while (!pending.empty()) {
    Node* next = pending.back();
    pending.pop_back();
    clear(next);
    for (Node* child = next->first_child; child; child = child->next_sibling)
      pending.push_back(child);
  }
  for (Node* ancestor = node->parent; ancestor; ancestor = ancestor->parent) clear(ancestor);
  // An ancestor cleared may have other branches below it, marked only for descending from it:
  // "failed parent" is derived again over the whole tree, so none keeps a stale mark.
  if (!active_.empty()) pending.push_back(active_.front());
  while (!pending.empty()) {
    Node* parent = pending.back();
    pending.pop_back();
    for (Node* child = parent->first_child; child; child = child->next_sibling) {
      const uint32_t inherited = parent->failed() ? block_status::kFailedParent : 0u;
      set_status(child, (child->status & ~block_status::kFailedParent) | inherited);
      pending.push_back(child);
    }
  }
  std::vector<BlockIndexRecord> updates;
  updates.reserve(changed.size());
  for (const Node* target : changed) updates.push_back(target->record());
  if (Status stored = store_.put_index_records(updates); !stored) return stored.error();

  restore_candidates();
  Node* const old_tip = tip_node();
  AcceptOutcome outcome;
  Status done = with_block_cache(
      [&](BlockCache& cache) -> Status { return activate_by_hand(old_tip, cache, outcome); });
  if (!done) return done.error();
  return finish_by_hand(old_tip, std::move(outcome));
}

Status ChainState::activate_by_hand(const Node* old_tip, BlockCache& cache,
                                    AcceptOutcome& outcome) {
  std::optional<Error> failure;
  if (Status activated = activate_best_chain(cache, failure); !activated) return activated;
  describe_tip_move(old_tip, cache, outcome);
  return Status::success();
}

Result<AcceptOutcome> ChainState::finish_by_hand(const Node* old_tip, AcceptOutcome outcome) {
  outcome.status = tip_node() != old_tip ? AcceptStatus::kNewTip : AcceptStatus::kAlreadyHave;
  if (store_.coins_cache_full()) {
    if (Status flushed = store_.flush_coins(); !flushed) return flushed.error();
  }
  return outcome;
}

}  // namespace ac
