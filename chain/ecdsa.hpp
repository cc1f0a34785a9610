// ECDSA verification over secp256k1 with libsecp256k1 (its immutable static context, so no
// mutable state is shared). Signatures must be strict DER (BIP66) with a low S value.
#pragma once

#include "chain/bytes.hpp"
#include "chain/uint256.hpp"

namespace ac {

// BIP66's strict DER rules for an ECDSA signature (without the sighash byte).
bool is_strict_der(ByteSpan der);
// REQUIRES: is_strict_der(der). True when S <= n/2.
bool is_low_s(ByteSpan der);

// True when `der` (strict DER, low S, no sighash byte) signs `digest` under `pubkey`
// (33-byte compressed or 65-byte uncompressed SEC1).
bool verify_ecdsa(ByteSpan pubkey, const Hash256& digest, ByteSpan der);

// Consensus verification as Bitcoin has always done it: `signature` (no sighash byte) is
// parsed laxly (any BER-ish layout OpenSSL once accepted: long-form lengths, padded integers,
// trailing bytes), a high S is lowered first, and `pubkey` may be any form libsecp256k1
// parses whose length matches its first byte (compressed, uncompressed or hybrid).
bool verify_ecdsa_lax(ByteSpan pubkey, const Hash256& digest, ByteSpan signature);
// True when the laxly parsed `signature` has S <= n/2 (false if it does not parse).
bool is_low_s_lax(ByteSpan signature);

}  // namespace ac
