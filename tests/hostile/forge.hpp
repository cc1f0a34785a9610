// Learning the node's chain over the protocol and forging blocks and transactions on it.
//
// The node's active chain is read with getblocks (hashes from the genesis on, 500 a batch) and
// its last blocks with getdata, enough for the tip's height and median time past. Blocks are
// built on that tip with the chain's own assembly code and mined with its (quick) proof of
// work, then spoiled one rule at a time by the scenarios.
//
// Spendable coins: the forger holds one fresh key. fund() mines a valid block on the tip whose
// coinbase pays that key, offers it to the node as an honest peer would (inv, then the block
// when the node asks for it) and checks the node made it its tip. The quick chain's coinbase
// maturity is 0, so the coin is spendable in the very next block or in the mempool at once;
// signature-bearing scenarios then spend it wrongly.
#pragma once

#include <optional>
#include <vector>

#include "chain/block.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"
#include "tests/hostile/connection.hpp"
#include "wallet/key.hpp"

namespace ac::hostile {

// The node's active chain as far as forging needs it.
struct ChainView {
  Hash256 tip;
  int height = -1;
  std::vector<BlockHeader> recent;  // the last (up to median_time_span) headers, oldest first
  int64_t median_time_past(const ChainParams& params) const;
  // Records `block` as the new tip.
  void extend(const Block& block, const ChainParams& params);
};

// Reasons: "closed", "no-inventory" (getblocks unanswered), "no-block" (getdata unanswered).
Result<ChainView> learn_chain(Connection& connection, int32_t node_height,
                              const ChainParams& params, Duration timeout);

// A coin the forger's key can spend.
struct OwnCoin {
  OutPoint outpoint;
  TxOut output;
};

class Forger {
 public:
  // Reason: "rng-failure".
  static Result<Forger> create(const ChainParams& params);

  const ChainParams& params() const { return params_; }
  Bytes payout_script() const;

  // A valid block on `chain`'s tip holding `transactions` (coinbase value: subsidy + `fees`),
  // not yet mined.
  Block assemble(const ChainView& chain, const std::vector<Transaction>& transactions,
                 Amount fees = 0, uint64_t extra_nonce = 0) const;
  // Sets the nonce so the header meets (or, with `valid` false, misses) its target.
  void mine(Block& block, bool valid = true) const;
  // Recomputes the merkle root from the block's transactions.
  static void update_merkle_root(Block& block);

  // A transaction spending `coins` (signed with the forger's key) into `outputs`.
  Transaction spend(const std::vector<OwnCoin>& coins, const std::vector<TxOut>& outputs) const;
  // An output to the forger's key.
  TxOut pay_self(Amount value) const { return TxOut{value, payout_script()}; }

 private:
  Forger(const ChainParams& params, wallet::Signer signer, wallet::PrivateKey key)
      : params_(params), signer_(std::move(signer)), key_(std::move(key)) {}

  ChainParams params_;
  wallet::Signer signer_;
  wallet::PrivateKey key_;
};

// Offers `block` as an honest peer: inv, waits for the node's getdata, sends the block.
// False when the node did not ask for it or closed the connection.
bool offer_block(Connection& connection, const Block& block, Duration timeout);

// True when the node's active chain continues from `parent` with `hash`.
bool node_has_on_chain(Connection& connection, const Hash256& parent, const Hash256& hash,
                       Duration timeout);

// Mines a block paying the forger on the tip, offers it, checks the node took it, and extends
// `chain`. Reasons: "funding-not-requested", "funding-not-accepted".
Result<OwnCoin> fund(Connection& connection, ChainView& chain, const Forger& forger,
                     Duration timeout);

}  // namespace ac::hostile
