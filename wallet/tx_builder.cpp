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

// The one wording of a shortfall, whether the node runs (its wallet actor) or not (the command
// line): what the coins that could have paid hold, confirmed and pending, and what was needed.
Error insufficient_funds(std::span<const SpendableCoin> signable,
                         const std::unordered_set<OutPoint>& excluded, Amount need) {
  Amount confirmed = 0;
  Amount pending = 0;
  for (const SpendableCoin& coin : signable) {
    if (excluded.contains(coin.outpoint) || !money_range(coin.coin.output.value)) continue;
    (coin.pending ? pending : confirmed) += coin.coin.output.value;
  }
  return make_error(ErrorKind::kRefused, "insufficient-funds",
                    "have " + format_coins(confirmed) + " coins confirmed + " +
                        format_coins(pending) + " pending, need " + format_coins(need));
}

}  // namespace

size_t max_p2pkh_tx_size(size_t inputs, size_t outputs) {
  // version 4, two one-byte counts (up to 252 entries), lock time 4; an input: outpoint 36,
  // script length 1, scriptSig (push 72-byte signature + hash type, push 33-byte key) 107,
  // sequence 4; an output: value 8, script length 1, P2PKH script 25.
  auto count_bytes = [](size_t n) -> size_t { return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5; };
  return 8 + count_bytes(inputs) + count_bytes(outputs) + inputs * 148 + outputs * 34;
}

Amount fee_for_size(Amount fee_rate, size_t size) {
  const __int128 fee = (static_cast<__int128>(fee_rate) * static_cast<__int128>(size) + 999) / 1000;
  return fee > kMaxMoney ? kMaxMoney + 1 : static_cast<Amount>(fee);
}

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
  if (!money_range(payment.fee_rate)) {
    return make_error("bad-fee", "rate " + std::to_string(payment.fee_rate) + " units per kB");
  }
  // More inputs cost more fee: select again until the selection pays for its own size.
  // Largest-first selection only grows with its target, so this ends.
  size_t inputs = 1;
  Amount fee = 0;
  Result<CoinSelection> selection = make_error(ErrorKind::kRefused, "insufficient-funds");
  for (;;) {
    fee = payment.fee + fee_for_size(payment.fee_rate, max_p2pkh_tx_size(inputs, 2));
    if (!money_range(fee) || !money_range(payment.amount + fee))
      return make_error("bad-fee", std::to_string(fee) + " units");
    selection = select_coins(signable, payment.amount + fee, excluded);
    if (!selection) {
      if (selection.kind() != ErrorKind::kRefused) return selection.error();
      return insufficient_funds(signable, excluded, payment.amount + fee);
    }
    if (selection->coins.size() <= inputs) break;
    inputs = selection->coins.size();
  }

  Transaction tx;
  for (const SpendableCoin& coin : selection->coins) tx.inputs.push_back(TxIn{coin.outpoint, {}});
  tx.outputs.push_back(TxOut{payment.amount, p2pkh_script(payment.to)});
  Amount change = selection->total - payment.amount - fee;
  if (payment.fee_rate > 0 && change < kDustChange) change = 0;
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
