#include "wallet/coin_selection.hpp"

#include <algorithm>
#include <string>

namespace ac::wallet {

Result<CoinSelection> select_coins(std::span<const SpendableCoin> available, Amount target,
                                   const std::unordered_set<OutPoint>& excluded) {
  if (target <= 0 || target > kMaxMoney) {
    return make_error("bad-amount", std::to_string(target) + " units");
  }
  std::vector<const SpendableCoin*> candidates;
  candidates.reserve(available.size());
  for (const SpendableCoin& candidate : available) {
    if (excluded.contains(candidate.outpoint)) continue;
    if (!money_range(candidate.coin.output.value) || candidate.coin.output.value == 0) continue;
    candidates.push_back(&candidate);
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const SpendableCoin* a, const SpendableCoin* b) {
              if (a->coin.output.value != b->coin.output.value) {
                return a->coin.output.value > b->coin.output.value;
              }
              return a->outpoint < b->outpoint;
            });

  CoinSelection selection;
  for (const SpendableCoin* candidate : candidates) {
    if (selection.total >= target) break;
    selection.coins.push_back(*candidate);
    // Both terms are within kMaxMoney, and the total stays below target until here: no overflow.
    selection.total += candidate->coin.output.value;
  }
  if (selection.total < target) {
    return make_error(
        ErrorKind::kRefused, "insufficient-funds",
        "have " + std::to_string(selection.total) + " units, need " + std::to_string(target));
  }
  return selection;
}

}  // namespace ac::wallet
