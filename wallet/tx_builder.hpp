// Building and signing a payment from the wallet's coins.
//
// The transaction spends the selected P2PKH coins, pays the recipient first, and returns any
// change to the change address (no change output when it would be zero). Each input is signed
// with the legacy SIGHASH_ALL digest of the spent output's script; its scriptSig is
// <DER signature || 0x01> <compressed public key>.
#pragma once

#include <span>
#include <unordered_set>

#include "chain/amount.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"
#include "wallet/coin_selection.hpp"
#include "wallet/key.hpp"

namespace ac::wallet {

struct Payment {
  Hash160 to;
  Amount amount = 0;
  // The tutorial's chain has no fees, so the default is none; a positive fee is left to miners.
  Amount fee = 0;
  Hash160 change_to;
  // Satoshis per 1,000 bytes, on top of `fee`: charged on the transaction's largest possible
  // size (every signature 72 bytes), rounded up, so the real rate is never below it.
  Amount fee_rate = 0;
};

// Serialized size of a payment spending `inputs` P2PKH coins (compressed keys, signatures of
// at most 72 bytes) into `outputs` P2PKH outputs: an upper bound of the signed size.
size_t max_p2pkh_tx_size(size_t inputs, size_t outputs);
// `fee_rate` (per 1,000 bytes) applied to `size` bytes, rounded up.
Amount fee_for_size(Amount fee_rate, size_t size);
// Change below this would be an output costing more to spend than it holds (Core's dust
// limit of a P2PKH output); it goes to the fee instead.
inline constexpr Amount kDustChange = 546;

// Selects among the `available` coins that one of `keys` can sign for (skipping `excluded`,
// e.g. the wallet's pending spends) enough to cover amount + fee + the fee rate's share for
// the inputs it ends up with, then builds and signs. With a fee rate, change under
// kDustChange is left to the fee.
// Reasons: "bad-amount", "bad-fee" (negative or above kMaxMoney), "insufficient-funds" (kind
// kRefused, the only one; detail "have X coins confirmed + Y pending, need Z": the signable
// coins not excluded, and the amount with the fee of the last selection tried), "signing-failed".
Result<Transaction> build_payment(const Signer& signer, std::span<const PrivateKey> keys,
                                  std::span<const SpendableCoin> available,
                                  const std::unordered_set<OutPoint>& excluded,
                                  const Payment& payment);

// Signs every input of `tx` (unchanged on failure); `spent[i]` is the coin input i spends.
// REQUIRES: spent.size() == tx.inputs.size() and spent[i].outpoint == tx.inputs[i].prevout
// Reasons: "missing-key" (a coin is not P2PKH to one of `keys`), "signing-failed".
Status sign_inputs(const Signer& signer, std::span<const PrivateKey> keys,
                   std::span<const SpendableCoin> spent, Transaction& tx);

}  // namespace ac::wallet
