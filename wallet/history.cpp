#include "wallet/history.hpp"

#include "chain/script.hpp"

namespace ac::wallet {

bool WalletHistory::is_mine(const TxOut& output) const {
  auto key = match_p2pkh(output.script_pubkey);
  return key && keys_.contains(*key);
}

std::optional<TxOut> WalletHistory::my_output(const OutPoint& outpoint) const {
  auto found = mine_.find(outpoint);
  if (found == mine_.end()) return std::nullopt;
  return found->second;
}

std::optional<WalletTx> WalletHistory::classify(const Transaction& tx,
                                                std::unordered_map<OutPoint, TxOut>& mine) const {
  WalletTx entry;
  entry.is_coinbase = tx.is_coinbase();
  if (!entry.is_coinbase) {
    for (const TxIn& input : tx.inputs) {
      auto found = mine.find(input.prevout);
      if (found != mine.end()) entry.debit += found->second.value;
    }
  }
  entry.txid = tx.txid();
  for (uint32_t i = 0; i < tx.outputs.size(); ++i) {
    entry.value_out += tx.outputs[i].value;
    if (!is_mine(tx.outputs[i])) continue;
    entry.credit += tx.outputs[i].value;
    mine.emplace(OutPoint{entry.txid, i}, tx.outputs[i]);
  }
  if (entry.debit == 0 && entry.credit == 0) return std::nullopt;
  entry.tx = tx;
  return entry;
}

void WalletHistory::connect_block(const Block& block, const Hash256& hash, int height) {
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    auto entry = classify(block.transactions[i], mine_);
    if (!entry) continue;
    entry->block_hash = hash;
    entry->height = height;
    entry->index_in_block = static_cast<int>(i);
    entry->block_time = block.header.time;
    txs_.push_back(std::move(*entry));
  }
  scanned_.push_back(hash);
}

void WalletHistory::clear() {
  scanned_.clear();
  txs_.clear();
  mine_.clear();
}

std::vector<WalletTx> WalletHistory::with_unconfirmed(
    const std::vector<Transaction>& unconfirmed) const {
  std::vector<WalletTx> out = txs_;
  std::unordered_map<OutPoint, TxOut> mine = mine_;
  for (const Transaction& tx : unconfirmed) {
    if (auto entry = classify(tx, mine)) out.push_back(std::move(*entry));
  }
  return out;
}

std::vector<WalletTx> lost_coinbases(const std::vector<WalletTx>& before,
                                     const std::vector<WalletTx>& after) {
  std::unordered_set<Hash256> still;
  for (const WalletTx& tx : after) still.insert(tx.txid);
  std::vector<WalletTx> out;
  for (const WalletTx& tx : before) {
    if (!tx.is_coinbase || still.contains(tx.txid)) continue;
    WalletTx lost = tx;
    lost.block_hash.reset();
    lost.height = -1;
    lost.index_in_block = -1;
    lost.time_received = tx.block_time;
    out.push_back(std::move(lost));
  }
  return out;
}

}  // namespace ac::wallet
