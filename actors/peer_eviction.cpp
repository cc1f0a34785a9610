#include "actors/peer_eviction.hpp"

#include <algorithm>
#include <numeric>

namespace ac::actors {

namespace {

// Marks up to `count` of the unprotected candidates that `better` ranks first, among those
// `eligible` accepts.
template <class Eligible, class Better>
void protect(const std::vector<EvictionCandidate>& inbound, std::vector<bool>& is_protected,
             size_t count, Eligible eligible, Better better) {
  std::vector<size_t> order;
  for (size_t i = 0; i < inbound.size(); ++i)
    if (!is_protected[i] && eligible(inbound[i])) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return better(inbound[a], inbound[b]); });
  for (size_t i = 0; i < order.size() && i < count; ++i) is_protected[order[i]] = true;
}

std::optional<size_t> youngest(const std::vector<EvictionCandidate>& inbound,
                               const std::vector<bool>& excluded) {
  std::optional<size_t> chosen;
  for (size_t i = 0; i < inbound.size(); ++i) {
    if (excluded[i]) continue;
    if (!chosen || inbound[i].connected_ms > inbound[*chosen].connected_ms) chosen = i;
  }
  return chosen;
}

}  // namespace

std::optional<size_t> choose_inbound_to_evict(const std::vector<EvictionCandidate>& inbound) {
  if (inbound.empty()) return std::nullopt;
  std::vector<bool> is_protected(inbound.size(), false);
  protect(
      inbound, is_protected, kProtectedByBlocks,
      [](const EvictionCandidate& c) { return c.last_block_ms > 0; },
      [](const EvictionCandidate& a, const EvictionCandidate& b) {
        return a.last_block_ms > b.last_block_ms;
      });
  protect(
      inbound, is_protected, kProtectedByTxs,
      [](const EvictionCandidate& c) { return c.last_tx_ms > 0; },
      [](const EvictionCandidate& a, const EvictionCandidate& b) {
        return a.last_tx_ms > b.last_tx_ms;
      });
  protect(
      inbound, is_protected, kProtectedByLatency,
      [](const EvictionCandidate& c) { return c.ping_ms >= 0; },
      [](const EvictionCandidate& a, const EvictionCandidate& b) { return a.ping_ms < b.ping_ms; });
  if (auto chosen = youngest(inbound, is_protected)) return chosen;
  std::vector<bool> gave_blocks(inbound.size());
  for (size_t i = 0; i < inbound.size(); ++i) gave_blocks[i] = inbound[i].last_block_ms > 0;
  if (auto chosen = youngest(inbound, gave_blocks)) return chosen;
  return youngest(inbound, std::vector<bool>(inbound.size(), false));
}

}  // namespace ac::actors
