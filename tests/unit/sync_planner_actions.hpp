// Test helpers for the sync planner: distinct hashes by number, and what a batch of the
// planner's actions asks for (blocks per peer, submits, inventory requests).
#pragma once

#include <cstdint>
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
