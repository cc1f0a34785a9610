#include "actors/sync_planner.hpp"

#include "actors/misbehaviour.hpp"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace ac::actors {

SyncPlanner::SyncPlanner(SyncLimits limits) : limits_(limits) {}

SyncPlanner::Actions SyncPlanner::on_peer_ready(PeerId peer, int best_height, SyncTime now) {
  peers_[peer].height = best_height;
  progress_at_ = now;  // a new peer is asked in any case: no need to count silence before it
  Actions actions;
  advance(now, actions);
  return actions;
}

SyncPlanner::Actions SyncPlanner::on_peer_gone(PeerId peer, SyncTime now) {
  Actions actions;
  if (!peers_.contains(peer)) return actions;
  drop_peer(peer, now);
  advance(now, actions);
  return actions;
}

SyncPlanner::Actions SyncPlanner::on_inventory(PeerId peer, const std::vector<Hash256>& hashes,
                                               SyncTime now) {
  Actions actions;
  auto found = peers_.find(peer);
  if (found == peers_.end()) return actions;
  size_t added = 0;
  std::optional<Hash256> last_recorded;  // where the next batch from this peer must start
  for (const auto& hash : hashes) {
    if (is_solved(hash)) {
      last_recorded = hash;
      continue;
    }
    if (Entry* entry = find_entry(hash)) {
      entry->announcers.insert(peer);
      last_recorded = hash;
      continue;
    }
    if (queue_.size() >= limits_.max_unsolved_hashes) break;
    last_recorded = hash;
    enqueue(hash, peer);
    ++added;
  }
  if (added > 0) progress_at_ = now;
  if (inventory_request_ && inventory_request_->peer == peer) {
    inventory_request_.reset();
    Peer& state = found->second;
    if (added == 0) {
      state.nothing_new_at_height = chain_height_;
      state.batch_tail.reset();
    } else {
      state.batch_tail = last_recorded;
    }
  }
  advance(now, actions);
  return actions;
}

SyncPlanner::Actions SyncPlanner::on_block(PeerId peer, const Hash256& hash, SyncTime now,
                                           size_t bytes) {
  Actions actions;
  if (is_solved(hash)) return actions;
  auto indexed = index_.find(hash);
  if (indexed == index_.end()) {
    actions.push_back(
        Misbehaving{peer, kUnrequestedBlockPoints, "unrequested block " + hash.hex()});
    return actions;
  }
  Entry& entry = queue_.at(indexed->second);
  if (entry.state == HashState::arrived) return actions;
  if (entry.state == HashState::announced) {
    // Unrequested: keep it only inside the download window, which bounds the buffer.
    size_t position = submitting_.size();
    if (position >= limits_.max_blocks_ahead) return actions;
    for (auto it = queue_.begin(); it->first != indexed->second; ++it) {
      if (++position >= limits_.max_blocks_ahead) return actions;
    }
  }
  // The peer is making progress: a deep window is not a stall, only silence is.
  if (entry.state == HashState::requested && entry.peer == peer) peers_.at(peer).progress_at = now;
  progress_at_ = now;
  release(entry);
  entry.state = HashState::arrived;
  entry.sender = peer;
  entry.bytes = bytes;
  bytes_ahead_ += bytes;
  ++buffered_count_;
  advance(now, actions);
  return actions;
}

SyncPlanner::Actions SyncPlanner::on_pushed_block(PeerId peer, const Hash256& hash, SyncTime now,
                                                  size_t bytes) {
  if (peers_.contains(peer) && !is_solved(hash)) {
    if (Entry* entry = find_entry(hash)) {
      entry->announcers.insert(peer);
    } else if (queue_.size() < limits_.max_unsolved_hashes) {
      enqueue(hash, peer);
    }
  }
  return on_block(peer, hash, now, bytes);
}

SyncPlanner::Actions SyncPlanner::on_not_found(PeerId peer, const std::vector<Hash256>& hashes,
                                               SyncTime now) {
  Actions actions;
  for (const auto& hash : hashes) {
    Entry* entry = find_entry(hash);
    if (!entry) continue;
    entry->announcers.erase(peer);
    if (entry->state == HashState::requested && entry->peer == peer) fail(*entry, now);
  }
  advance(now, actions);
  return actions;
}

SyncPlanner::Actions SyncPlanner::on_tick(SyncTime now) {
  Actions actions;
  std::set<PeerId> stalled;
  for (auto& [sequence, entry] : queue_) {
    if (entry.state != HashState::requested || now < deadline_of(entry)) continue;
    stalled.insert(entry.peer);
    fail(entry, now);
  }
  // One stall per peer per tick: a whole window timing out at once is one stall, not many.
  for (PeerId peer : stalled) {
    auto found = peers_.find(peer);
    if (found == peers_.end()) continue;
    if (++found->second.stalls < limits_.max_stalls) continue;
    drop_peer(peer, now);
    actions.push_back(Disconnect{peer, "stalling"});
  }
  give_up_orphans();
  check_idle(now);
  // Bitcoin peers stay silent when they have nothing after our locator.
  if (inventory_request_ && now >= inventory_request_->deadline) {
    auto found = peers_.find(inventory_request_->peer);
    if (found != peers_.end()) {
      found->second.nothing_new_at_height = chain_height_;
      found->second.batch_tail.reset();
    }
    inventory_request_.reset();
  }
  advance(now, actions);
  return actions;
}

SyncPlanner::Actions SyncPlanner::on_chain_tip(int height, const std::vector<Hash256>& connected,
                                               SyncTime now) {
  chain_height_ = height;
  if (!connected.empty()) progress_at_ = now;
  for (const auto& hash : connected) {
    remember_known(hash);
    take_submitted(hash);
    for (auto& [id, peer] : peers_) {
      if (peer.batch_tail == hash) peer.batch_tail.reset();  // the chain's locator covers it
    }
    auto indexed = index_.find(hash);
    if (indexed == index_.end()) continue;
    Entry& entry = queue_.at(indexed->second);
    // An arrived block stays: it is submitted in its turn and the chain answers already-have.
    if (entry.state == HashState::arrived) continue;
    release(entry);
    queue_.erase(indexed->second);
    index_.erase(indexed);
  }
  Actions actions;
  advance(now, actions);
  return actions;
}

bool SyncPlanner::is_blocks_own_failure(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid:
    case ErrorKind::kInvalidHeader:
    case ErrorKind::kCachedInvalid:
    case ErrorKind::kInvalidParent:
    case ErrorKind::kInvalidatedByHand:  // the chain stored it: fetching it again gains nothing
    case ErrorKind::kDifferentChain:
      return true;
    case ErrorKind::kDamaged:
    case ErrorKind::kTimeTooNew:
    case ErrorKind::kMissingParent:
    case ErrorKind::kAlreadyHave:
    case ErrorKind::kRefused:
    case ErrorKind::kUnsupported:
    case ErrorKind::kNotFound:
    case ErrorKind::kBusy:
    case ErrorKind::kCancelled:
    case ErrorKind::kLocal:
      return false;
  }
  return false;
}

SyncPlanner::Actions SyncPlanner::on_submitted(const Hash256& hash,
                                               std::optional<ErrorKind> refusal, SyncTime now) {
  std::optional<Entry> entry = take_submitted(hash);
  if (!refusal) {
    remember_known(hash);
  } else {
    // Batches built on a refused block lead nowhere: restart from the chain's locator.
    for (auto& [id, peer] : peers_) peer.batch_tail.reset();
    if (is_blocks_own_failure(*refusal)) {
      rejected_.insert(hash);
    } else if (entry && !index_.contains(hash)) {
      // Not the block's fault (a damaged copy, too early, our own failure): back in its place,
      // to be asked from another peer than the one that sent this copy first.
      entry->state = HashState::announced;
      entry->bytes = 0;
      entry->failed = true;
      ++entry->failures;
      entry->retry_at = now + limits_.retry_backoff;
      std::erase_if(entry->announcers, [&](PeerId peer) { return !peers_.contains(peer); });
      std::erase_if(entry->tried, [&](PeerId peer) { return !peers_.contains(peer); });
      if (peers_.contains(entry->sender)) entry->tried.insert(entry->sender);
      if (entry->announcers.empty()) entry->abandoned = true;
      index_.emplace(hash, entry->sequence);
      queue_.emplace(entry->sequence, std::move(*entry));
    }
  }
  Actions actions;
  advance(now, actions);
  return actions;
}

SyncPlanner::Actions SyncPlanner::on_orphan(PeerId peer, SyncTime now) {
  Actions actions;
  auto found = peers_.find(peer);
  if (found == peers_.end()) return actions;
  Peer& state = found->second;
  // It has at least one block past our tip; its answers so far do not settle that.
  state.height = std::max(state.height, chain_height_ + 1);
  state.nothing_new_at_height.reset();
  if (!inventory_request_) {
    state.batch_tail.reset();  // the branch forks below our tip: start from the locator
    state.inventory_asked_at = now;
    actions.push_back(RequestInventory{peer, std::nullopt});
    inventory_request_ = InventoryRequest{peer, now + limits_.request_timeout};
  }
  advance(now, actions);
  return actions;
}

bool SyncPlanner::is_buffered(const Hash256& hash) const {
  auto indexed = index_.find(hash);
  return indexed != index_.end() && queue_.at(indexed->second).state == HashState::arrived;
}

size_t SyncPlanner::in_flight_count(PeerId peer) const {
  auto found = peers_.find(peer);
  return found == peers_.end() ? 0 : found->second.in_flight;
}

void SyncPlanner::enqueue(const Hash256& hash, PeerId peer) {
  Entry entry;
  entry.hash = hash;
  entry.sequence = next_sequence_;
  entry.announcers.insert(peer);
  index_.emplace(hash, next_sequence_);
  queue_.emplace(next_sequence_++, std::move(entry));
}

SyncPlanner::Entry* SyncPlanner::find_entry(const Hash256& hash) {
  auto indexed = index_.find(hash);
  return indexed == index_.end() ? nullptr : &queue_.at(indexed->second);
}

bool SyncPlanner::is_solved(const Hash256& hash) const {
  return known_.contains(hash) || submitting_.contains(hash) || rejected_.contains(hash);
}

void SyncPlanner::remember_known(const Hash256& hash) {
  if (!known_.insert(hash).second) return;
  known_order_.push_back(hash);
  while (known_order_.size() > limits_.max_known_hashes) {
    known_.erase(known_order_.front());
    known_order_.pop_front();
  }
}

SyncTime SyncPlanner::deadline_of(const Entry& entry) const {
  auto peer = peers_.find(entry.peer);
  if (peer == peers_.end()) return entry.deadline;
  return std::max(entry.deadline, peer->second.progress_at + limits_.request_timeout);
}

void SyncPlanner::release(Entry& entry) {
  if (entry.state != HashState::requested) return;
  auto found = peers_.find(entry.peer);
  if (found != peers_.end()) --found->second.in_flight;
  --total_in_flight_;
  entry.state = HashState::announced;
}

std::optional<SyncPlanner::Entry> SyncPlanner::take_submitted(const Hash256& hash) {
  auto submitted = submitting_.find(hash);
  if (submitted == submitting_.end()) return std::nullopt;
  Entry entry = std::move(submitted->second);
  submitting_.erase(submitted);
  bytes_ahead_ -= entry.bytes;
  return entry;
}

void SyncPlanner::fail(Entry& entry, SyncTime now) {
  PeerId peer = entry.peer;
  release(entry);
  entry.failed = true;
  ++entry.failures;
  entry.tried.insert(peer);
  entry.retry_at = now + limits_.retry_backoff;
}

void SyncPlanner::drop_exhausted() {
  bool dropped = false;
  for (auto it = queue_.begin(); it != queue_.end();) {
    Entry& entry = it->second;
    if (entry.state != HashState::announced || entry.failures < limits_.max_attempts) {
      ++it;
      continue;
    }
    index_.erase(entry.hash);
    it = queue_.erase(it);
    dropped = true;
  }
  if (dropped) ask_afresh();
}

void SyncPlanner::ask_afresh() {
  for (auto& [id, peer] : peers_) {
    peer.nothing_new_at_height.reset();
    peer.batch_tail.reset();
  }
}

bool SyncPlanner::any_peer_ahead() const {
  return std::any_of(peers_.begin(), peers_.end(),
                     [&](const auto& peer) { return peer.second.height > chain_height_; });
}

void SyncPlanner::check_idle(SyncTime now) {
  if (now - progress_at_ < limits_.idle_timeout || !any_peer_ahead()) return;
  // Whatever was lost (an inv, a getblocks, its answer), asking again costs one message.
  progress_at_ = now;
  ask_afresh();
  rotate_inventory_peer_ = true;
  inventory_request_.reset();
}

void SyncPlanner::give_up_orphans() {
  if (peers_.empty()) return;
  size_t position = submitting_.size();  // among the hashes kept, as pick_peer counts them
  for (auto it = queue_.begin(); it != queue_.end();) {
    Entry& entry = it->second;
    const long estimated_height = chain_height_ + 1 + static_cast<long>(position);
    bool askable =
        !entry.abandoned || !entry.announcers.empty() || entry.state != HashState::announced;
    for (const auto& [id, peer] : peers_) {
      if (askable) break;
      askable = peer.height >= estimated_height && !entry.tried.contains(id);
    }
    if (askable) {
      ++it;
      ++position;
      continue;
    }
    index_.erase(entry.hash);
    it = queue_.erase(it);
  }
}

void SyncPlanner::drop_peer(PeerId peer, SyncTime now) {
  for (auto& [sequence, entry] : queue_) {
    if (entry.state == HashState::requested && entry.peer == peer) {
      release(entry);
      entry.retry_at = now;
    }
    if (entry.announcers.erase(peer) != 0 && entry.announcers.empty()) entry.abandoned = true;
    entry.tried.erase(peer);
  }
  peers_.erase(peer);
  if (inventory_request_ && inventory_request_->peer == peer) inventory_request_.reset();
}

}  // namespace ac::actors
