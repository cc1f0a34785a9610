#include "chain/tx_verify.hpp"

#include <string>

namespace ac {

namespace {

std::string describe(const OutPoint& outpoint) {
  return outpoint.txid.hex() + ":" + std::to_string(outpoint.index);
}

}  // namespace

Result<Amount> check_tx_inputs(const Transaction& tx, const CoinsView& view, int spend_height,
                               const ChainParams& params) {
  Amount value_in = 0;
  for (const TxIn& input : tx.inputs) {
    const std::optional<Coin> coin = view.coin(input.prevout);
    if (!coin)
      return make_error(ErrorKind::kMissingParent, "missing-inputs", describe(input.prevout));
    if (coin->is_coinbase && spend_height - coin->height < params.coinbase_maturity)
      return make_error(ErrorKind::kRefused, "premature-coinbase-spend",
                        describe(input.prevout) + " created at height " +
                            std::to_string(coin->height) + ", spent at " +
                            std::to_string(spend_height));
    // Both operands are at most kMaxMoney here, so the sum cannot overflow.
    if (!money_range(coin->output.value) || !money_range(value_in + coin->output.value))
      return make_error("input-values-out-of-range", describe(input.prevout));
    value_in += coin->output.value;
  }

  Amount value_out = 0;
  for (const TxOut& output : tx.outputs) {
    // check_transaction already bounds outputs; this only keeps the sum well-defined if a
    // caller skipped it.
    if (!money_range(output.value) || !money_range(value_out + output.value))
      return make_error("outputs-exceed-inputs", "output values out of range");
    value_out += output.value;
  }
  if (value_out > value_in)
    return make_error("outputs-exceed-inputs",
                      "in " + std::to_string(value_in) + " < out " + std::to_string(value_out));
  return value_in - value_out;
}

}  // namespace ac
