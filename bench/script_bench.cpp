// Script verification throughput with the full interpreter (regtest's consensus and policy
// flags): one input at a time, and ScriptVerifier batches of 1,000 inputs on 1 and 2 threads,
// for P2PKH spends and for 2-of-3 P2SH multisig spends (two signature checks each).
// Target: at least 15,000 inputs per second per core for both. And a block whose inputs the
// mempool checked before, its signatures found in the signature cache.
#include <benchmark/benchmark.h>
#include <secp256k1.h>

#include <array>
#include <string>
#include <vector>

#include "chain/hash.hpp"
#include "chain/interpreter.hpp"
#include "chain/opcodes.hpp"
#include "chain/script.hpp"
#include "chain/script_ops.hpp"
#include "chain/script_verify.hpp"
#include "chain/sighash.hpp"
#include "chain/signature_cache.hpp"

namespace ac {
namespace {

constexpr size_t kBatchInputs = 1000;
constexpr uint32_t kFlags = verify_flags::kConsensus;
constexpr uint32_t kPolicy = verify_flags::kStandard;

enum class Kind { kP2pkh, kMultisig2of3 };

struct Signer {
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::vector<std::array<uint8_t, 32>> secrets;
  std::vector<Bytes> pubkeys;

  explicit Signer(size_t keys) {
    for (size_t k = 0; k < keys; ++k) {
      std::array<uint8_t, 32> secret;
      secret.fill(static_cast<uint8_t>(0x5a + k));
      secp256k1_pubkey pubkey;
      [[maybe_unused]] int created = secp256k1_ec_pubkey_create(context, &pubkey, secret.data());
      Bytes bytes(33);
      size_t length = bytes.size();
      secp256k1_ec_pubkey_serialize(context, bytes.data(), &length, &pubkey,
                                    SECP256K1_EC_COMPRESSED);
      secrets.push_back(secret);
      pubkeys.push_back(bytes);
    }
  }
  ~Signer() { secp256k1_context_destroy(context); }

  Bytes sign(size_t key, const Hash256& digest) const {
    secp256k1_ecdsa_signature signature;
    [[maybe_unused]] int signed_ok = secp256k1_ecdsa_sign(context, &signature, digest.data.data(),
                                                          secrets[key].data(), nullptr, nullptr);
    Bytes der(72);
    size_t der_length = der.size();
    secp256k1_ecdsa_signature_serialize_der(context, der.data(), &der_length, &signature);
    der.resize(der_length);
    der.push_back(kSighashAll);
    return der;
  }
};

// kBatchInputs one-input transactions. One input per transaction keeps the legacy sighash,
// quadratic in a transaction's inputs, at the size of an ordinary payment.
struct SignedBatch {
  std::vector<Transaction> transactions;
  Bytes script_pubkey;
  std::vector<ScriptCheck> checks;
};

SignedBatch make_batch(Kind kind) {
  const Signer signer(3);
  SignedBatch out;
  Bytes redeem;
  if (kind == Kind::kP2pkh) {
    out.script_pubkey = p2pkh_script(hash160(signer.pubkeys[0]));
  } else {
    redeem.push_back(OP_1 + 1);
    for (const Bytes& pubkey : signer.pubkeys) append_push(redeem, pubkey);
    redeem.push_back(OP_1 + 2);
    redeem.push_back(OP_CHECKMULTISIG);
    out.script_pubkey = {OP_HASH160, 0x14};
    const Hash160 hash = hash160(redeem);
    out.script_pubkey.insert(out.script_pubkey.end(), hash.begin(), hash.end());
    out.script_pubkey.push_back(OP_EQUAL);
  }
  out.transactions.resize(kBatchInputs);
  for (size_t i = 0; i < kBatchInputs; ++i) {
    Transaction& tx = out.transactions[i];
    TxIn input;
    input.prevout.txid = sha256(as_span(std::to_string(i)));
    tx.inputs.push_back(input);
    tx.outputs.push_back(TxOut{kCoin, out.script_pubkey});
    if (kind == Kind::kP2pkh) {
      const Hash256 digest = legacy_sighash(tx, 0, out.script_pubkey);
      tx.inputs[0].script_sig = p2pkh_script_sig(signer.sign(0, digest), signer.pubkeys[0]);
    } else {
      // Keys 2 and 3 sign: CHECKMULTISIG matches from the last key and signature down, so
      // this takes two signature checks (keys 1 and 2 would add a failing third).
      const Hash256 digest = legacy_sighash(tx, 0, redeem);
      Bytes script_sig{OP_0};
      append_push(script_sig, signer.sign(1, digest));
      append_push(script_sig, signer.sign(2, digest));
      append_push(script_sig, redeem);
      tx.inputs[0].script_sig = std::move(script_sig);
    }
  }
  for (const Transaction& tx : out.transactions)
    out.checks.push_back(ScriptCheck{&tx, 0, out.script_pubkey, kFlags, kPolicy});
  return out;
}

const SignedBatch& batch_of(Kind kind) {
  static const SignedBatch p2pkh = make_batch(Kind::kP2pkh);
  static const SignedBatch multisig = make_batch(Kind::kMultisig2of3);
  return kind == Kind::kP2pkh ? p2pkh : multisig;
}

void verify_one_at_a_time(benchmark::State& state, Kind kind) {
  const SignedBatch& batch = batch_of(kind);
  size_t next = 0;
  for (auto _ : state) {
    Status status =
        verify_input_script(batch.transactions[next], 0, batch.script_pubkey, kFlags, kPolicy);
    if (!status) state.SkipWithError(status.error().message().c_str());
    next = (next + 1) % kBatchInputs;
  }
  state.SetItemsProcessed(state.iterations());
}

void verify_batches(benchmark::State& state, Kind kind) {
  const SignedBatch& batch = batch_of(kind);
  ScriptVerifier verifier(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    Status status = verifier.verify_all(batch.checks);
    if (!status) state.SkipWithError(status.error().message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatchInputs));
}

// A block's check of inputs the mempool checked before (the usual case on a running node): the
// mempool's pass stores the signatures (untimed), the block's pass finds them in the cache.
void verify_block_after_mempool(benchmark::State& state, Kind kind) {
  const SignedBatch& batch = batch_of(kind);
  SignatureCache cache;
  ScriptVerifier verifier(static_cast<unsigned>(state.range(0)), &cache);
  std::vector<ScriptCheck> mempool_checks = batch.checks;
  for (ScriptCheck& check : mempool_checks) check.store_signatures = true;
  for (auto _ : state) {
    state.PauseTiming();
    Status stored = verifier.verify_all(mempool_checks);
    state.ResumeTiming();
    Status status = verifier.verify_all(batch.checks);
    if (!stored || !status) state.SkipWithError("verification failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatchInputs));
}

void BM_VerifyP2pkh(benchmark::State& state) {
  verify_one_at_a_time(state, Kind::kP2pkh);
}
void BM_VerifyMultisig2of3P2sh(benchmark::State& state) {
  verify_one_at_a_time(state, Kind::kMultisig2of3);
}
void BM_ScriptVerifierBatchP2pkh(benchmark::State& state) {
  verify_batches(state, Kind::kP2pkh);
}
void BM_ScriptVerifierBatchMultisig2of3P2sh(benchmark::State& state) {
  verify_batches(state, Kind::kMultisig2of3);
}
void BM_BlockAfterMempoolP2pkh(benchmark::State& state) {
  verify_block_after_mempool(state, Kind::kP2pkh);
}
void BM_BlockAfterMempoolMultisig2of3P2sh(benchmark::State& state) {
  verify_block_after_mempool(state, Kind::kMultisig2of3);
}
BENCHMARK(BM_VerifyP2pkh);
BENCHMARK(BM_VerifyMultisig2of3P2sh);
BENCHMARK(BM_ScriptVerifierBatchP2pkh)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_ScriptVerifierBatchMultisig2of3P2sh)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_BlockAfterMempoolP2pkh)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BlockAfterMempoolMultisig2of3P2sh)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace ac
