// Checks of a non-coinbase transaction's inputs against a view of coins, shared by block
// connection and the mempool so both apply the very same rules. Scripts are verified
// separately (script_verify.hpp) so callers can batch them across threads.
// Reasons: "missing-inputs" (absent or already spent), "premature-coinbase-spend",
//   "input-values-out-of-range", "outputs-exceed-inputs".
#pragma once

#include "chain/amount.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"

namespace ac {

// The fee (inputs minus outputs) when every input exists in `view`, is mature at
// `spend_height`, and the values add up. REQUIRES: !tx.is_coinbase(), check_transaction(tx).
Result<Amount> check_tx_inputs(const Transaction& tx, const CoinsView& view, int spend_height,
                               const ChainParams& params);

}  // namespace ac
