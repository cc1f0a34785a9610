// Test-only signing: keys derived from a seed byte and libsecp256k1 called directly, so tests
// can produce valid (and deliberately broken) P2PKH spends without the wallet layer.
#pragma once

#include <secp256k1.h>

#include <array>
#include <cstdint>

#include "chain/bytes.hpp"
#include "chain/hash.hpp"
#include "chain/script.hpp"
#include "chain/sighash.hpp"
#include "chain/transaction.hpp"

namespace ac::test {

inline const secp256k1_context* signing_context() {
  static const secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return context;
}

struct TestKey {
  std::array<uint8_t, 32> secret{};
  Bytes pubkey;  // compressed unless made with compressed = false
  Hash160 pubkey_hash;
  Bytes script_pubkey;
};

inline TestKey make_key(uint8_t seed, bool compressed = true) {
  TestKey key;
  key.secret.fill(seed);
  secp256k1_pubkey pubkey;
  [[maybe_unused]] int created =
      secp256k1_ec_pubkey_create(signing_context(), &pubkey, key.secret.data());
  key.pubkey.resize(compressed ? 33 : 65);
  size_t length = key.pubkey.size();
  secp256k1_ec_pubkey_serialize(signing_context(), key.pubkey.data(), &length, &pubkey,
                                compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED);
  key.pubkey_hash = hash160(key.pubkey);
  key.script_pubkey = p2pkh_script(key.pubkey_hash);
  return key;
}

// DER signature (low S, as libsecp256k1 always produces) without a hash type byte.
inline Bytes sign_der(const TestKey& key, const Hash256& digest) {
  secp256k1_ecdsa_signature signature;
  [[maybe_unused]] int signed_ok = secp256k1_ecdsa_sign(
      signing_context(), &signature, digest.data.data(), key.secret.data(), nullptr, nullptr);
  Bytes der(72);
  size_t length = der.size();
  secp256k1_ecdsa_signature_serialize_der(signing_context(), der.data(), &length, &signature);
  der.resize(length);
  return der;
}

// The same signature with S replaced by n - S: still mathematically valid, but high S.
inline Bytes to_high_s(ByteSpan der) {
  static constexpr std::array<uint8_t, 32> kOrder = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
      0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  secp256k1_ecdsa_signature signature;
  secp256k1_ecdsa_signature_parse_der(signing_context(), &signature, der.data(), der.size());
  std::array<uint8_t, 64> compact{};
  secp256k1_ecdsa_signature_serialize_compact(signing_context(), compact.data(), &signature);
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int difference = kOrder[i] - compact[32 + i] - borrow;
    borrow = difference < 0 ? 1 : 0;
    compact[32 + i] = static_cast<uint8_t>(difference + (borrow ? 256 : 0));
  }
  secp256k1_ecdsa_signature_parse_compact(signing_context(), &signature, compact.data());
  Bytes out(72);
  size_t length = out.size();
  secp256k1_ecdsa_signature_serialize_der(signing_context(), out.data(), &length, &signature);
  out.resize(length);
  return out;
}

// A transaction with one input per entry of `keys`, each spending output 0 of a distinct
// made-up txid, paying one output.
inline Transaction unsigned_spend(size_t input_count, Amount output_value = 5 * kCoin) {
  Transaction tx;
  for (size_t i = 0; i < input_count; ++i) {
    TxIn input;
    input.prevout.txid.data[0] = static_cast<uint8_t>(i);
    input.prevout.txid.data[1] = static_cast<uint8_t>(i >> 8);
    input.prevout.txid.data[31] = 0x42;
    input.prevout.index = static_cast<uint32_t>(i % 3);
    tx.inputs.push_back(input);
  }
  tx.outputs.push_back(TxOut{output_value, p2pkh_script(Hash160{})});
  return tx;
}

// Signs input `index` of `tx` with `key` (SIGHASH_ALL) for an output paying `key`.
inline void sign_input(Transaction& tx, size_t index, const TestKey& key,
                       uint8_t hash_type = kSighashAll) {
  Bytes signature = sign_der(key, legacy_sighash(tx, index, key.script_pubkey, hash_type));
  signature.push_back(hash_type);
  tx.inputs[index].script_sig = p2pkh_script_sig(signature, key.pubkey);
}

}  // namespace ac::test
