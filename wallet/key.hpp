// Private keys and signing over secp256k1.
//
// A PrivateKey is a valid 32-byte secret together with its compressed (33-byte) public key; its
// bytes are wiped when it is destroyed. Keys are made by a Signer, which owns a randomized
// libsecp256k1 context (blinding against side channels): deriving a public key and signing need
// such a context, verifying a secret does not. A Signer is an ordinary object, not a global, so
// independent wallets (and tests) each have their own; its const methods leave the context
// untouched, so one Signer may serve several threads.
//
// WIF (Wallet Import Format): Base58Check(wif_version || secret || 0x01); the trailing 0x01 marks
// the compressed public key, the only kind this chain uses.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "chain/bytes.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/uint256.hpp"

struct secp256k1_context_struct;

namespace ac::wallet {

inline constexpr size_t kSecretBytes = 32;
inline constexpr size_t kPublicKeyBytes = 33;

class PrivateKey {
 public:
  PrivateKey(const PrivateKey& other) = default;
  PrivateKey& operator=(const PrivateKey& other) = default;
  ~PrivateKey();

  ByteSpan secret() const { return secret_; }
  const std::array<uint8_t, kPublicKeyBytes>& public_key() const { return public_key_; }
  // HASH160 of the compressed public key: what P2PKH scripts and addresses name.
  Hash160 pubkey_hash() const;
  std::string to_wif(const ChainParams& params) const;

  friend bool operator==(const PrivateKey& a, const PrivateKey& b) {
    return a.secret_ == b.secret_;
  }

 private:
  friend class Signer;
  PrivateKey(const std::array<uint8_t, kSecretBytes>& secret,
             const std::array<uint8_t, kPublicKeyBytes>& public_key)
      : secret_(secret), public_key_(public_key) {}

  std::array<uint8_t, kSecretBytes> secret_;
  std::array<uint8_t, kPublicKeyBytes> public_key_;
};

class Signer {
 public:
  // Creates and randomizes a context. Reason: "rng-failure" when OpenSSL's RNG fails.
  static Result<Signer> create();

  Signer(Signer&& other) noexcept;
  Signer& operator=(Signer&& other) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  ~Signer();

  // A fresh key from OpenSSL's RNG (redrawn until it is a valid secret). Reason: "rng-failure".
  Result<PrivateKey> generate_key() const;
  // Reason: "bad-private-key" (not 32 bytes, zero, or not below the curve order).
  Result<PrivateKey> import_key(ByteSpan secret) const;
  // Reasons: "bad-wif-encoding", "bad-wif-checksum", "wrong-network", "bad-wif-length" (not a
  // compressed-key WIF), "bad-private-key".
  Result<PrivateKey> import_wif(std::string_view wif, const ChainParams& params) const;

  // Strict DER ECDSA signature (low S, RFC 6979 nonce) of `digest` (its bytes as stored, i.e.
  // serialization order, as Bitcoin signs a sighash). Reason: "signing-failed".
  Result<Bytes> sign(const PrivateKey& key, const Hash256& digest) const;

 private:
  explicit Signer(secp256k1_context_struct* context) : context_(context) {}

  secp256k1_context_struct* context_ = nullptr;
};

}  // namespace ac::wallet
