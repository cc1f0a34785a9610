// Bitcoin's legacy (pre-segwit) signature hash. Only SIGHASH_ALL is used on this chain.
#pragma once

#include <cstddef>
#include <cstdint>

#include "chain/bytes.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"

namespace ac {

inline constexpr uint8_t kSighashAll = 0x01;

// The digest a signature for input `input_index` of `tx` commits to, with `script_code` (the
// spent output's scriptPubKey) in place of that input's scriptSig and empty scripts elsewhere.
// `hash_type` is appended as 4 little-endian bytes; it is 32 bits wide (as in Bitcoin) so the
// published test vectors apply, but only SIGHASH_ALL's rules are implemented: the NONE, SINGLE
// and ANYONECANPAY special cases and OP_CODESEPARATOR removal are not (see sighash.cpp).
// REQUIRES: input_index < tx.inputs.size()
Hash256 legacy_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                       uint32_t hash_type = kSighashAll);

}  // namespace ac
