// The UTXO set's unit: an unspent output with where it was created.
#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "chain/transaction.hpp"

namespace ac {

struct Coin {
  TxOut output;
  int height = 0;
  bool is_coinbase = false;

  friend bool operator==(const Coin&, const Coin&) = default;
};

// Read access to a set of unspent coins (the chain's, or the chain's plus a block's, or the
// chain's plus the mempool's).
class CoinsView {
 public:
  virtual ~CoinsView() = default;
  virtual std::optional<Coin> coin(const OutPoint& outpoint) const = 0;
};

// The coins of a chain whose tip moves while others read them (the Store: the chain actor
// writes, the mempool reads on its own thread). A reader names the tip it was told about and
// gets the coins of exactly that tip, or learns that they are not those of that tip (the chain
// is ahead of what the reader was told, or moved away): never coins of a tip it does not know.
class TipCoins {
 public:
  virtual ~TipCoins() = default;
  // The unspent coins among `outpoints` as of `tip`, read at once; nullopt when the coins are
  // not those of `tip` at the moment of reading.
  virtual std::optional<std::vector<std::pair<OutPoint, Coin>>> coins_at(
      const Hash256& tip, std::span<const OutPoint> outpoints) const = 0;
};

}  // namespace ac
