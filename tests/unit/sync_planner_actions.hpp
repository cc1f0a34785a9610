// Test helpers for the sync planner: distinct hashes by number, limits small enough to reach,
// a planner with ready peers, and what a batch of the planner's actions asks for (blocks per
// peer, submits, inventory requests).
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "actors/sync_planner.hpp"

namespace ac::actors::planner_test {

using Planner = SyncPlanner;

inline Hash256 hash_of(uint32_t n) {
  Hash256 out;
  out.data[0] = 0xab;
  out.data[1] = static_cast<uint8_t>(n);
  out.data[2] = static_cast<uint8_t>(n >> 8);
  out.data[3] = static_cast<uint8_t>(n >> 16);
  return out;
}

inline std::vector<Hash256> hash_range(uint32_t first, uint32_t count) {
  std::vector<Hash256> out;
  for (uint32_t n = first; n < first + count; ++n) out.push_back(hash_of(n));
  return out;
}

// The chain's tip in these tests: a hash no test's range reaches.
inline const Hash256 kTipHash = hash_of(1000000);

// Limits a test reaches in a few steps: 4 blocks in flight a peer, 8 in all, 16 ahead of the
// chain, requests of one block at least, answered within 5 s or retried 1 s later.
inline SyncLimits base_limits() {
  using namespace std::chrono_literals;
  SyncLimits limits;
  limits.max_in_flight_per_peer = 4;
  limits.max_in_flight_total = 8;
  limits.min_request_batch = 1;
  limits.max_blocks_ahead = 16;
  limits.request_timeout = 5s;
  limits.retry_backoff = 1s;
  return limits;
}

// A planner at chain height 0 (tip kTipHash) with ready peers (id, height) at `now`: inventory
// already asked from the first.
inline Planner planner_with_peers(const SyncLimits& limits,
                                  const std::vector<std::pair<PeerId, int>>& peers, SyncTime now) {
  Planner planner(limits);
  planner.on_chain_tip(0, {kTipHash}, now);
  for (auto [peer, height] : peers) planner.on_peer_ready(peer, height, now);
  return planner;
}

template <class T>
std::vector<T> only(const Planner::Actions& actions) {
  std::vector<T> out;
  for (const auto& action : actions) {
    if (const T* typed = std::get_if<T>(&action)) out.push_back(*typed);
  }
  return out;
}

inline std::vector<Hash256> submitted(const Planner::Actions& actions) {
  std::vector<Hash256> out;
  for (const auto& submit : only<Planner::Submit>(actions)) out.push_back(submit.hash);
  return out;
}

// All hashes requested from `peer` by these actions, in order.
inline std::vector<Hash256> requested_from(const Planner::Actions& actions, PeerId peer) {
  std::vector<Hash256> out;
  for (const auto& request : only<Planner::RequestBlocks>(actions)) {
    if (request.peer == peer) out.insert(out.end(), request.hashes.begin(), request.hashes.end());
  }
  return out;
}

inline std::vector<PeerId> inventory_asked(const Planner::Actions& actions) {
  std::vector<PeerId> out;
  for (const auto& ask : only<Planner::RequestInventory>(actions)) out.push_back(ask.peer);
  return out;
}

}  // namespace ac::actors::planner_test
