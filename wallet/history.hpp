// The wallet's transactions as Core's listtransactions and gettransaction show them: every
// transaction of the active chain that pays one of the wallet's keys or spends a coin that
// paid one, in chain order, with what it took from the wallet (debit) and gave it (credit).
// Built by feeding it the active chain's blocks in order (connect_block); a reorganisation is
// handled by the caller starting again (clear), as it is rare. Unconfirmed transactions are
// added per question (with_unconfirmed), since the mempool changes under it.
//
// A value type with no I/O: the RPC server feeds it from the chain actor's blocks.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chain/amount.hpp"
#include "chain/block.hpp"
#include "chain/transaction.hpp"

namespace ac::wallet {

struct WalletTx {
  Transaction tx;
  Hash256 txid;
  std::optional<Hash256> block_hash;  // none while unconfirmed
  int height = -1;                    // -1 while unconfirmed
  int index_in_block = -1;
  int64_t block_time = 0;
  int64_t time_received = 0;  // of an unconfirmed one: when its reader first saw it (0: now)
  Amount debit = 0;           // the wallet's coins it spends
  Amount credit = 0;          // its outputs paying the wallet's keys
  Amount value_out = 0;
  bool is_coinbase = false;
  bool from_me() const { return debit > 0; }
  // Core's fee: outputs minus inputs (negative) for a transaction of the wallet's, else 0.
  Amount fee() const { return from_me() ? value_out - debit : 0; }
  // Core's gettransaction amount: credit minus what left (sent + fee for its own).
  Amount net_amount() const { return from_me() ? credit - value_out : credit; }
};

class WalletHistory {
 public:
  explicit WalletHistory(std::unordered_set<Hash160> keys = {}) : keys_(std::move(keys)) {}

  const std::unordered_set<Hash160>& keys() const { return keys_; }
  bool is_mine(const TxOut& output) const;
  // The value and key of an output that paid the wallet, spent or not.
  std::optional<TxOut> my_output(const OutPoint& outpoint) const;

  // REQUIRES: `block` is the active chain's block at `height`, right after the last one fed.
  void connect_block(const Block& block, const Hash256& hash, int height);
  // The hashes fed so far, by height (their parents check that the next block follows).
  const std::vector<Hash256>& scanned() const { return scanned_; }
  void clear();

  // The confirmed transactions in chain order, then those of `unconfirmed` (mempool order,
  // parents first) that concern the wallet.
  std::vector<WalletTx> with_unconfirmed(const std::vector<Transaction>& unconfirmed) const;
  const std::vector<WalletTx>& confirmed() const { return txs_; }

 private:
  // Debit and credit of `tx` against `mine`; nullopt when it does not concern the wallet.
  std::optional<WalletTx> classify(const Transaction& tx,
                                   std::unordered_map<OutPoint, TxOut>& mine) const;

  std::unordered_set<Hash160> keys_;
  std::vector<Hash256> scanned_;
  std::vector<WalletTx> txs_;
  std::unordered_map<OutPoint, TxOut> mine_;  // every output that paid the wallet
};

// The wallet's coinbases among `before` (transactions confirmed on a chain since reorganised)
// that `after` (the new active chain's) does not hold: their blocks left the active chain, and
// a coinbase never returns to the mempool, so they can never confirm (Core's "orphan").
// Returned unconfirmed (no block, height -1), received when their block was made.
std::vector<WalletTx> lost_coinbases(const std::vector<WalletTx>& before,
                                     const std::vector<WalletTx>& after);

}  // namespace ac::wallet
