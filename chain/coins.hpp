// The UTXO set's unit: an unspent output with where it was created.
#pragma once

#include <optional>

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

}  // namespace ac
