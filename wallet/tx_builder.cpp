#include "wallet/tx_builder.hpp"

#include <string>

#include "chain/script.hpp"
#include "chain/sighash.hpp"

namespace ac::wallet {

namespace {

const PrivateKey* find_key(std::span<const PrivateKey> keys, const Hash160& pubkey_hash) {
  for (const PrivateKey& key : keys) {
    if (key.pubkey_hash() == pubkey_hash) return &key;
  }
  return nullptr;
}

const PrivateKey* key_for_script(std::span<const PrivateKey> keys, ByteSpan script) {
  auto pubkey_hash = match_p2pkh(script);
  return pubkey_hash ? find_key(keys, *pubkey_hash) : nullptr;
}

}  // namespace

Result<Transaction> build_payment(const Signer& signer, std::span<const PrivateKey> keys,
                                  std::span<const SpendableCoin> available,
                                  const std::unordered_set<OutPoint>& excluded,
                                  const Payment& payment) {
  if (payment.amount <= 0 || payment.amount > kMaxMoney) {
    return make_error("bad-amount", std::to_string(payment.amount) + " units");
  }
  if (!money_range(payment.fee)) {
    return make_error("bad-fee", std::to_string(payment.fee) + " units");
  }
  std::vector<SpendableCoin> signable;
  for (const SpendableCoin& candidate : available) {
    if (key_for_script(keys, candidate.coin.output.script_pubkey) != nullptr) {
      signable.push_back(candidate);
    }
  }
  // Both terms are within kMaxMoney: the sum cannot overflow; select_coins bounds it.
  auto selection = select_coins(signable, payment.amount + payment.fee, excluded);
  if (!selection) return selection.error();

  Transaction tx;
  for (const SpendableCoin& coin : selection->coins) tx.inputs.push_back(TxIn{coin.outpoint, {}});
  tx.outputs.push_back(TxOut{payment.amount, p2pkh_script(payment.to)});
  Amount change = selection->total - payment.amount - payment.fee;
  if (change > 0) tx.outputs.push_back(TxOut{change, p2pkh_script(payment.change_to)});

  if (Status signed_ok = sign_inputs(signer, keys, selection->coins, tx); !signed_ok) {
    return signed_ok.error();
  }
  return tx;
}

Status sign_inputs(const Signer& signer, std::span<const PrivateKey> keys,
                   std::span<const SpendableCoin> spent, Transaction& tx) {
  // scriptSigs are collected first so that a failure leaves `tx` untouched.
  std::vector<Bytes> script_sigs;
  script_sigs.reserve(tx.inputs.size());
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const Bytes& script = spent[i].coin.output.script_pubkey;
    const PrivateKey* key = key_for_script(keys, script);
    if (key == nullptr) return make_error("missing-key", "input " + std::to_string(i));
    auto signature = signer.sign(*key, legacy_sighash(tx, i, script, kSighashAll));
    if (!signature) return signature.error();
    signature->push_back(kSighashAll);
    script_sigs.push_back(p2pkh_script_sig(*signature, key->public_key()));
  }
  for (size_t i = 0; i < tx.inputs.size(); ++i) tx.inputs[i].script_sig = std::move(script_sigs[i]);
  return {};
}

}  // namespace ac::wallet
