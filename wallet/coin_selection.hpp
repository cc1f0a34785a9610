// Choosing which of the wallet's coins pay for a transaction.
//
// Strategy: largest value first (ties by outpoint), until the target is covered. Deterministic,
// and it spends few inputs, keeping transactions small. Outpoints the wallet already spent in
// unconfirmed transactions are skipped. Maturity is the caller's concern: pass only coins that
// may be spent at the next height.
#pragma once

#include <span>
#include <unordered_set>
#include <vector>

#include "chain/amount.hpp"
#include "chain/coins.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"

namespace ac::wallet {

struct SpendableCoin {
  OutPoint outpoint;
  Coin coin;
  // An output of a payment not yet in a block (the wallet's own change): spendable, but told
  // apart from confirmed coins when the funds fall short.
  bool pending = false;

  friend bool operator==(const SpendableCoin&, const SpendableCoin&) = default;
};

struct CoinSelection {
  std::vector<SpendableCoin> coins;
  Amount total = 0;  // sum of the selected coins' values, >= the target
};

// Reasons: "bad-amount" (target not positive or above kMaxMoney), "insufficient-funds" (kind
// kRefused, the only one; detail: what the spendable coins add up to and what was needed).
Result<CoinSelection> select_coins(std::span<const SpendableCoin> available, Amount target,
                                   const std::unordered_set<OutPoint>& excluded = {});

}  // namespace ac::wallet
