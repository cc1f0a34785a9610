#include "chain/ecdsa.hpp"

#include <secp256k1.h>

namespace ac {
namespace {

// One DER INTEGER as BIP66 wants it: tag 0x02, a non-zero length, not negative, and no
// leading zero byte unless the next byte would otherwise read as negative.
bool is_strict_der_integer(ByteSpan der, size_t tag_at, size_t length) {
  if (der[tag_at] != 0x02 || length == 0) return false;
  const uint8_t first = der[tag_at + 2];
  if (first & 0x80) return false;
  if (length > 1 && first == 0x00 && !(der[tag_at + 3] & 0x80)) return false;
  return true;
}

bool parse_signature(ByteSpan der, secp256k1_ecdsa_signature& signature) {
  return secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &signature, der.data(),
                                             der.size()) == 1;
}

}  // namespace

// Layout: 0x30 total-length 0x02 R-length R 0x02 S-length S, with no trailing bytes.
bool is_strict_der(ByteSpan der) {
  // Shortest: both integers one byte (8 bytes). Longest: both 33 bytes (72 bytes).
  if (der.size() < 8 || der.size() > 72) return false;
  if (der[0] != 0x30) return false;
  if (der[1] != der.size() - 2) return false;
  const size_t r_length = der[3];
  // The S tag and length byte must lie inside the signature.
  if (5 + r_length >= der.size()) return false;
  const size_t s_length = der[5 + r_length];
  if (r_length + s_length + 6 != der.size()) return false;
  return is_strict_der_integer(der, 2, r_length) &&
         is_strict_der_integer(der, 4 + r_length, s_length);
}

bool is_low_s(ByteSpan der) {
  secp256k1_ecdsa_signature signature;
  if (!parse_signature(der, signature)) return false;
  // normalize reports 1 when it had to lower S, i.e. when S was high.
  return secp256k1_ecdsa_signature_normalize(secp256k1_context_static, nullptr, &signature) == 0;
}

bool verify_ecdsa(ByteSpan pubkey, const Hash256& digest, ByteSpan der) {
  const bool compressed = pubkey.size() == 33 && (pubkey[0] == 0x02 || pubkey[0] == 0x03);
  const bool uncompressed = pubkey.size() == 65 && pubkey[0] == 0x04;
  if (!compressed && !uncompressed) return false;
  if (!is_strict_der(der)) return false;
  secp256k1_pubkey parsed_key;
  if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &parsed_key, pubkey.data(),
                                 pubkey.size()))
    return false;
  secp256k1_ecdsa_signature signature;
  if (!parse_signature(der, signature)) return false;
  // Rejects high-S signatures by itself.
  return secp256k1_ecdsa_verify(secp256k1_context_static, &signature, digest.data.data(),
                                &parsed_key) == 1;
}

}  // namespace ac
