// Signature verification throughput: one input at a time, and ScriptVerifier batches of 1,000
// inputs on 1 and 2 threads. Target: at least 15,000 verifications per second per core.
#include <benchmark/benchmark.h>
#include <secp256k1.h>

#include <array>
#include <string>
#include <vector>

#include "chain/hash.hpp"
#include "chain/script.hpp"
#include "chain/script_verify.hpp"
#include "chain/sighash.hpp"

namespace ac {
namespace {

constexpr size_t kBatchInputs = 1000;

// kBatchInputs one-input transactions, each signed (SIGHASH_ALL) by the same key. One input
// per transaction keeps the legacy sighash, quadratic in a transaction's inputs, at the size
// of an ordinary payment, so the figures measure signature checks.
struct SignedBatch {
  std::vector<Transaction> transactions;
  Bytes script_pubkey;
  std::vector<ScriptCheck> checks;
};

const SignedBatch& signed_batch() {
  static const SignedBatch batch = [] {
    secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::array<uint8_t, 32> secret;
    secret.fill(0x5a);
    secp256k1_pubkey pubkey;
    [[maybe_unused]] int created = secp256k1_ec_pubkey_create(context, &pubkey, secret.data());
    Bytes pubkey_bytes(33);
    size_t pubkey_length = pubkey_bytes.size();
    secp256k1_ec_pubkey_serialize(context, pubkey_bytes.data(), &pubkey_length, &pubkey,
                                  SECP256K1_EC_COMPRESSED);

    SignedBatch out;
    out.script_pubkey = p2pkh_script(hash160(pubkey_bytes));
    out.transactions.resize(kBatchInputs);
    for (size_t i = 0; i < kBatchInputs; ++i) {
      Transaction& tx = out.transactions[i];
      TxIn input;
      input.prevout.txid = sha256(as_span(std::to_string(i)));
      tx.inputs.push_back(input);
      tx.outputs.push_back(TxOut{kCoin, out.script_pubkey});
      const Hash256 digest = legacy_sighash(tx, 0, out.script_pubkey);
      secp256k1_ecdsa_signature signature;
      [[maybe_unused]] int signed_ok = secp256k1_ecdsa_sign(context, &signature, digest.data.data(),
                                                            secret.data(), nullptr, nullptr);
      Bytes der(72);
      size_t der_length = der.size();
      secp256k1_ecdsa_signature_serialize_der(context, der.data(), &der_length, &signature);
      der.resize(der_length);
      der.push_back(kSighashAll);
      tx.inputs[0].script_sig = p2pkh_script_sig(der, pubkey_bytes);
    }
    secp256k1_context_destroy(context);
    for (const Transaction& tx : out.transactions)
      out.checks.push_back(ScriptCheck{&tx, 0, out.script_pubkey});
    return out;
  }();
  return batch;
}

void BM_VerifyInputScript(benchmark::State& state) {
  const SignedBatch& batch = signed_batch();
  size_t next = 0;
  for (auto _ : state) {
    Status status = verify_input_script(batch.transactions[next], 0, batch.script_pubkey);
    if (!status) state.SkipWithError(status.error().message().c_str());
    next = (next + 1) % kBatchInputs;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyInputScript);

void BM_ScriptVerifierBatch(benchmark::State& state) {
  const SignedBatch& batch = signed_batch();
  ScriptVerifier verifier(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    Status status = verifier.verify_all(batch.checks);
    if (!status) state.SkipWithError(status.error().message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatchInputs));
}
BENCHMARK(BM_ScriptVerifierBatch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace ac
