#include "actors/block_template_source.hpp"

#include <utility>

namespace ac::actors {

SelectTxs template_selection(const ChainParams& params) {
  return SelectTxs{static_cast<uint64_t>(params.max_block_bytes - kCoinbaseReserve)};
}

BlockTemplate template_on(const TxSelection& selection, Bytes payout_script, int64_t now) {
  BlockTemplate block_template;
  block_template.parent = selection.tip.hash;
  block_template.height = selection.tip.height + 1;
  block_template.median_time_past = selection.tip.median_time_past;
  block_template.now = now;
  block_template.payout_script = std::move(payout_script);
  block_template.transactions.reserve(selection.txs.size());
  for (const TxPtr& tx : selection.txs) block_template.transactions.push_back(*tx);
  block_template.fees = selection.fees;
  return block_template;
}

}  // namespace ac::actors
