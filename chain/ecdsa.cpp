#include "chain/ecdsa.hpp"

#include <secp256k1.h>

#include <algorithm>
#include <iterator>

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

// Reads one DER-ish length at `position`: a short form byte, or 0x80|n followed by n
// big-endian bytes (leading zeros allowed). False when it runs past the end or overflows.
bool read_lax_length(ByteSpan in, size_t& position, size_t& length) {
  if (position == in.size()) return false;
  size_t first = in[position++];
  if (!(first & 0x80)) {
    length = first;
    return true;
  }
  size_t count = first - 0x80;
  if (count > in.size() - position) return false;
  while (count > 0 && in[position] == 0) {
    ++position;
    --count;
  }
  if (count >= sizeof(size_t)) return false;
  length = 0;
  for (; count > 0; --count) length = (length << 8) | in[position++];
  return true;
}

// One INTEGER (tag 0x02) of the lax layout: where its value starts and how long it is.
bool read_lax_integer(ByteSpan in, size_t& position, size_t& start, size_t& length) {
  if (position == in.size() || in[position] != 0x02) return false;
  ++position;
  if (!read_lax_length(in, position, length)) return false;
  if (length > in.size() - position) return false;
  start = position;
  position += length;
  return true;
}

// Copies a big-endian integer into 32 bytes, leading zeros dropped. False when too large.
bool to_32_bytes(ByteSpan in, size_t start, size_t length, uint8_t* out) {
  while (length > 0 && in[start] == 0) {
    ++start;
    --length;
  }
  if (length > 32) return false;
  std::copy(in.begin() + static_cast<std::ptrdiff_t>(start),
            in.begin() + static_cast<std::ptrdiff_t>(start + length), out + 32 - length);
  return true;
}

// A SEQUENCE (tag 0x30, length not checked) holding R and S; bytes after S are ignored. R or
// S too large for the curve gives a signature of zeros, which never verifies.
bool parse_der_lax(ByteSpan in, secp256k1_ecdsa_signature& signature) {
  size_t position = 0;
  if (position == in.size() || in[position] != 0x30) return false;
  ++position;
  if (position == in.size()) return false;
  if (in[position] & 0x80) {
    const size_t count = in[position++] - 0x80;
    if (count > in.size() - position) return false;
    position += count;
  } else {
    ++position;
  }
  size_t r_start = 0, r_length = 0, s_start = 0, s_length = 0;
  if (!read_lax_integer(in, position, r_start, r_length)) return false;
  if (!read_lax_integer(in, position, s_start, s_length)) return false;

  uint8_t compact[64] = {};
  bool fits = to_32_bytes(in, r_start, r_length, compact) &&
              to_32_bytes(in, s_start, s_length, compact + 32);
  if (fits) {
    fits =
        secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &signature, compact) == 1;
  }
  if (!fits) {
    std::fill(std::begin(compact), std::end(compact), 0);
    secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &signature, compact);
  }
  return true;
}

// Bitcoin's length check of a public key by its first byte, before libsecp256k1 parses it.
bool has_consistent_length(ByteSpan pubkey) {
  if (pubkey.empty()) return false;
  const uint8_t header = pubkey[0];
  if (header == 0x02 || header == 0x03) return pubkey.size() == 33;
  if (header == 0x04 || header == 0x06 || header == 0x07) return pubkey.size() == 65;
  return false;
}

}  // namespace

bool verify_ecdsa_lax(ByteSpan pubkey, const Hash256& digest, ByteSpan signature) {
  if (!has_consistent_length(pubkey)) return false;
  // The signature first: parsing it is cheap, decompressing the key costs a square root.
  secp256k1_ecdsa_signature parsed;
  if (!parse_der_lax(signature, parsed)) return false;
  secp256k1_ecdsa_signature_normalize(secp256k1_context_static, &parsed, &parsed);
  secp256k1_pubkey parsed_key;
  if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &parsed_key, pubkey.data(),
                                 pubkey.size()))
    return false;
  return secp256k1_ecdsa_verify(secp256k1_context_static, &parsed, digest.data.data(),
                                &parsed_key) == 1;
}

bool is_low_s_lax(ByteSpan signature) {
  secp256k1_ecdsa_signature parsed;
  if (!parse_der_lax(signature, parsed)) return false;
  return secp256k1_ecdsa_signature_normalize(secp256k1_context_static, nullptr, &parsed) == 0;
}

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
