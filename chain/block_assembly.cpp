#include "chain/block_assembly.hpp"

#include <algorithm>

#include "chain/coinbase.hpp"
#include "chain/merkle.hpp"

namespace ac {

namespace {
void update_merkle_root(Block& block) {
  std::vector<Hash256> txids;
  txids.reserve(block.transactions.size());
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  block.header.merkle_root = merkle_root(txids);
}
}  // namespace

Block assemble_block(const BlockTemplate& t, const ChainParams& params) {
  Block block;
  block.transactions.reserve(t.transactions.size() + 1);
  block.transactions.push_back(make_coinbase(t.height, block_subsidy(t.height, params) + t.fees,
                                             t.payout_script, t.extra_nonce));
  block.transactions.insert(block.transactions.end(), t.transactions.begin(), t.transactions.end());
  block.header.version = params.block_version;
  block.header.prev_block = t.parent;
  block.header.bits = params.block_bits;
  int64_t earliest = t.parent.is_zero() ? t.now : t.median_time_past + 1;
  block.header.time = static_cast<uint32_t>(std::max(t.now, earliest));
  block.header.nonce = 0;
  update_merkle_root(block);
  return block;
}

void set_extra_nonce(Block& block, int height, uint64_t extra_nonce) {
  Transaction& coinbase = block.transactions.front();
  Transaction fresh = make_coinbase(height, coinbase.outputs.front().value,
                                    coinbase.outputs.front().script_pubkey, extra_nonce);
  coinbase.inputs = std::move(fresh.inputs);
  update_merkle_root(block);
}

}  // namespace ac
