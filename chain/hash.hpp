// Bitcoin's hash functions, computed with OpenSSL (digest handles fetched once and cached).
#pragma once

#include "chain/bytes.hpp"
#include "chain/uint256.hpp"

namespace ac {

Hash256 sha256(ByteSpan data);
// SHA-256 applied twice: block ids, transaction ids, merkle nodes, message checksums.
Hash256 sha256d(ByteSpan data);
Hash160 ripemd160(ByteSpan data);
// SHA-1 (20 bytes, so it shares Hash160's type): only for the script opcode OP_SHA1.
Hash160 sha1(ByteSpan data);
// RIPEMD-160 of SHA-256: the public key hash inside P2PKH scripts and addresses.
Hash160 hash160(ByteSpan data);

}  // namespace ac
