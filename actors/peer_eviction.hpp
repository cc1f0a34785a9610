// Which inbound peer gives way when a node is full (--max-peers), so that a newcomer (another
// node, or the CLI's `send`) always gets in. Bitcoin Core's idea, simplified: protect the peers
// that recently gave us blocks (4) or transactions (4) and the lowest-latency ones (8), then
// evict the youngest connection of those left: it has shown the least. When protection covers
// everyone, the youngest inbound peer that has not given us a block goes (then the youngest of
// all): a full node never turns a newcomer away. Pure (no CAF), like the sync planner.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ac::actors {

struct EvictionCandidate {
  int64_t connected_ms = 0;   // when the connection started (any monotonic clock)
  int64_t last_block_ms = 0;  // last block from it that became part of our chain; 0: never
  int64_t last_tx_ms = 0;     // last transaction from it that our mempool accepted; 0: never
  int64_t ping_ms = -1;       // its best ping round trip; -1: not measured yet
};

inline constexpr size_t kProtectedByBlocks = 4;
inline constexpr size_t kProtectedByTxs = 4;
inline constexpr size_t kProtectedByLatency = 8;

// The index in `inbound` of the peer to disconnect; nullopt only when `inbound` is empty.
std::optional<size_t> choose_inbound_to_evict(const std::vector<EvictionCandidate>& inbound);

}  // namespace ac::actors
