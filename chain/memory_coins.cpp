#include "chain/memory_coins.hpp"

namespace ac {

std::optional<Coin> MemoryCoins::coin(const OutPoint& outpoint) const {
  auto found = coins_.find(outpoint);
  if (found == coins_.end()) return std::nullopt;
  return found->second;
}

void MemoryCoins::apply(const StoreDelta& change) {
  for (const auto& [outpoint, coin] : change.coins_added) coins_[outpoint] = coin;
  for (const auto& [outpoint, coin] : change.coins_spent) coins_.erase(outpoint);
}

}  // namespace ac
