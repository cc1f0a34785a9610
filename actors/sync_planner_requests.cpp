// The sync planner's follow-up to every input: which hashes to ask of which peer, when the
// arrived prefix goes to the chain, and when to ask a peer for more inventory
// (actors/sync_planner.hpp describes the whole).
#include <algorithm>
#include <iterator>

#include "actors/sync_planner.hpp"

namespace ac::actors {

std::optional<PeerId> SyncPlanner::pick_peer(Entry& entry, size_t position, SyncTime now) {
  // Without a live announcer, or once an announcer failed, any peer claiming a height that
  // reaches this hash's estimated height may be asked.
  const bool anyone_high_enough = entry.failed || entry.announcers.empty();
  const long estimated_height = chain_height_ + 1 + static_cast<long>(position);
  std::optional<PeerId> best;
  std::tuple<bool, bool, size_t> best_rank;
  for (const auto& [id, peer] : peers_) {
    if (peer.in_flight >= limits_.max_in_flight_per_peer) continue;
    const bool announcer = entry.announcers.contains(id);
    if (!announcer && !(anyone_high_enough && peer.height >= estimated_height)) continue;
    // Untried first, then announcers, then the least loaded; ids break ties (map order).
    std::tuple<bool, bool, size_t> rank{entry.tried.contains(id), !announcer, peer.in_flight};
    if (!best || rank < best_rank) {
      best = id;
      best_rank = rank;
    }
  }
  if (!best || !std::get<0>(best_rank)) return best;
  if (now < entry.retry_at) return std::nullopt;
  entry.tried.clear();  // every candidate failed once: start another round
  return best;
}

void SyncPlanner::advance(SyncTime now, Actions& actions) {
  drop_exhausted();
  flush_submits(actions);
  assign_requests(now, actions);
  maybe_request_inventory(now, actions);
}

void SyncPlanner::flush_submits(Actions& actions) {
  // The chain gets blocks in batches of min_submit_batch while it is busy, whatever is ready
  // when it is idle, and never more than max_submitting waiting in its mailbox.
  if (!submitting_.empty()) {
    if (submitting_.size() + limits_.min_submit_batch > limits_.max_submitting) return;
    size_t ready = 0;
    for (auto it = queue_.begin(); it != queue_.end() && ready < limits_.min_submit_batch &&
                                   it->second.state == HashState::arrived;
         ++it)
      ++ready;
    if (ready < limits_.min_submit_batch) return;
  }
  while (!queue_.empty() && queue_.begin()->second.state == HashState::arrived &&
         submitting_.size() < limits_.max_submitting) {
    const Hash256 hash = queue_.begin()->second.hash;
    take_submitted(hash);  // never there (is_solved keeps it out of the queue); keeps the count
    submitting_.emplace(hash, std::move(queue_.begin()->second));
    queue_.erase(queue_.begin());
    index_.erase(hash);
    --buffered_count_;
    actions.push_back(Submit{hash});
  }
}

void SyncPlanner::assign_requests(SyncTime now, Actions& actions) {
  auto has_capacity = [&] {
    for (const auto& [id, peer] : peers_) {
      if (peer.in_flight == 0 ||
          peer.in_flight + limits_.min_request_batch <= limits_.max_in_flight_per_peer)
        return true;
    }
    return false;
  };
  if (total_in_flight_ >= limits_.max_in_flight_total || !has_capacity()) return;
  // Backpressure: what is downloaded waits for the chain before more is asked.
  if (bytes_ahead_ >= limits_.max_bytes_ahead) return;
  std::map<PeerId, std::vector<Hash256>> batches;
  // Places after the connected tip: the blocks handed to the chain come first.
  size_t position = submitting_.size();
  for (auto it = queue_.begin(); it != queue_.end() && position < limits_.max_blocks_ahead;
       ++it, ++position) {
    Entry& entry = it->second;
    if (entry.state != HashState::announced) continue;
    auto peer = pick_peer(entry, position, now);
    if (!peer) continue;
    entry.state = HashState::requested;
    entry.peer = *peer;
    entry.deadline = now + limits_.request_timeout;
    ++peers_.at(*peer).in_flight;
    ++total_in_flight_;
    batches[*peer].push_back(entry.hash);
    if (total_in_flight_ >= limits_.max_in_flight_total) break;
  }
  for (auto& [peer, hashes] : batches) actions.push_back(RequestBlocks{peer, std::move(hashes)});
}

void SyncPlanner::maybe_request_inventory(SyncTime now, Actions& actions) {
  if (inventory_request_) return;
  // After an idle spell the queue may hold what will never come: any peer ahead of the chain
  // is asked, the one asked least recently first.
  const bool rotate = rotate_inventory_peer_;
  // Ask for the next batch once the last announced hash is requested, not after it arrived.
  if (!rotate && !queue_.empty() && queue_.rbegin()->second.state == HashState::announced) return;
  const long expected_height =
      rotate ? chain_height_
             : chain_height_ + static_cast<long>(queue_.size() + submitting_.size());
  std::optional<PeerId> best;
  for (const auto& [id, peer] : peers_) {
    if (peer.nothing_new_at_height == chain_height_) continue;
    if (peer.height <= expected_height) continue;
    if (!best) {
      best = id;
      continue;
    }
    const Peer& chosen = peers_.at(*best);
    if (rotate ? peer.inventory_asked_at < chosen.inventory_asked_at : peer.height > chosen.height)
      best = id;
  }
  if (!best) return;
  rotate_inventory_peer_ = false;
  Peer& peer = peers_.at(*best);
  peer.inventory_asked_at = now;
  actions.push_back(RequestInventory{*best, peer.batch_tail});
  inventory_request_ = InventoryRequest{*best, now + limits_.request_timeout};
}

}  // namespace ac::actors
