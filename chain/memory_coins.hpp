// An in-memory UTXO set: a CoinsView that StoreDeltas apply to. Replays a chain for
// verification without touching the store, and gives tests a chain's coins without LevelDB.
#pragma once

#include <optional>
#include <unordered_map>

#include "chain/coins.hpp"
#include "chain/store.hpp"

namespace ac {

class MemoryCoins final : public CoinsView {
 public:
  std::optional<Coin> coin(const OutPoint& outpoint) const override;

  void add(const OutPoint& outpoint, Coin coin) { coins_[outpoint] = std::move(coin); }
  void erase(const OutPoint& outpoint) { coins_.erase(outpoint); }
  // Inserts coins_added, then erases coins_spent: as Store::apply, an outpoint in both ends
  // absent.
  void apply(const StoreDelta& change);

  size_t size() const { return coins_.size(); }
  const std::unordered_map<OutPoint, Coin>& coins() const { return coins_; }

 private:
  std::unordered_map<OutPoint, Coin> coins_;
};

}  // namespace ac
