#include "wallet/key.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>

#include <algorithm>
#include <utility>

#include "chain/hash.hpp"
#include "wallet/base58.hpp"

namespace ac::wallet {

namespace {

constexpr uint8_t kCompressedFlag = 0x01;
// A random 32-byte string is an invalid secret with probability about 2^-128; the bound only
// guards against a broken RNG returning the same bad bytes forever.
constexpr int kMaxKeyDraws = 64;

bool random_bytes(uint8_t* out, size_t size) {
  return RAND_bytes(out, static_cast<int>(size)) == 1;
}

}  // namespace

PrivateKey::~PrivateKey() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

Hash160 PrivateKey::pubkey_hash() const {
  return hash160(public_key_);
}

std::string PrivateKey::to_wif(const ChainParams& params) const {
  Bytes payload;
  payload.reserve(1 + kSecretBytes + 1);
  payload.push_back(params.wif_version);
  payload.insert(payload.end(), secret_.begin(), secret_.end());
  payload.push_back(kCompressedFlag);
  std::string wif = base58check_encode(payload);
  OPENSSL_cleanse(payload.data(), payload.size());
  return wif;
}

Result<Signer> Signer::create() {
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  if (context == nullptr) return make_error("secp256k1-context-failed");
  Signer signer(context);
  std::array<uint8_t, 32> seed;
  bool seeded = random_bytes(seed.data(), seed.size()) &&
                secp256k1_context_randomize(context, seed.data()) == 1;
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!seeded) return make_error("rng-failure", "could not randomize the signing context");
  return signer;
}

Signer::Signer(Signer&& other) noexcept : context_(std::exchange(other.context_, nullptr)) {}

Signer& Signer::operator=(Signer&& other) noexcept {
  if (this != &other) {
    if (context_ != nullptr) secp256k1_context_destroy(context_);
    context_ = std::exchange(other.context_, nullptr);
  }
  return *this;
}

Signer::~Signer() {
  if (context_ != nullptr) secp256k1_context_destroy(context_);
}

Result<PrivateKey> Signer::generate_key() const {
  std::array<uint8_t, kSecretBytes> secret;
  for (int draw = 0; draw < kMaxKeyDraws; ++draw) {
    if (!random_bytes(secret.data(), secret.size())) break;
    if (secp256k1_ec_seckey_verify(context_, secret.data()) == 1) {
      auto key = import_key(secret);
      OPENSSL_cleanse(secret.data(), secret.size());
      return key;
    }
  }
  OPENSSL_cleanse(secret.data(), secret.size());
  return make_error("rng-failure", "no valid secret from the RNG");
}

Result<PrivateKey> Signer::import_key(ByteSpan secret) const {
  if (secret.size() != kSecretBytes || secp256k1_ec_seckey_verify(context_, secret.data()) != 1) {
    return make_error("bad-private-key");
  }
  secp256k1_pubkey pubkey;
  if (secp256k1_ec_pubkey_create(context_, &pubkey, secret.data()) != 1) {
    return make_error("bad-private-key");
  }
  std::array<uint8_t, kPublicKeyBytes> serialized;
  size_t length = serialized.size();
  secp256k1_ec_pubkey_serialize(context_, serialized.data(), &length, &pubkey,
                                SECP256K1_EC_COMPRESSED);
  std::array<uint8_t, kSecretBytes> secret_array;
  std::copy(secret.begin(), secret.end(), secret_array.begin());
  PrivateKey key(secret_array, serialized);
  OPENSSL_cleanse(secret_array.data(), secret_array.size());
  return key;
}

Result<PrivateKey> Signer::import_wif(std::string_view wif, const ChainParams& params) const {
  auto payload = base58check_decode(wif);
  if (!payload) {
    if (payload.kind() == ErrorKind::kDamaged) return make_error("bad-wif-checksum");
    return make_error("bad-wif-encoding", payload.error().message());
  }
  Bytes& bytes = payload.value();
  Result<PrivateKey> key = make_error("bad-wif-length");
  if (bytes.size() == 1 + kSecretBytes + 1 && bytes.back() == kCompressedFlag) {
    if (bytes[0] != params.wif_version) {
      key = make_error("wrong-network");
    } else {
      key = import_key(ByteSpan(bytes).subspan(1, kSecretBytes));
    }
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

Result<Bytes> Signer::sign(const PrivateKey& key, const Hash256& digest) const {
  secp256k1_ecdsa_signature signature;
  // A null nonce function selects RFC 6979; libsecp256k1 always produces low-S signatures.
  if (secp256k1_ecdsa_sign(context_, &signature, digest.data.data(), key.secret_.data(), nullptr,
                           nullptr) != 1) {
    return make_error("signing-failed");
  }
  Bytes der(72);
  size_t length = der.size();
  if (secp256k1_ecdsa_signature_serialize_der(context_, der.data(), &length, &signature) != 1) {
    return make_error("signing-failed");
  }
  der.resize(length);
  return der;
}

}  // namespace ac::wallet
