// Bitcoin's legacy (pre-segwit) signature hash, with every hash type's rules.
#pragma once

#include <cstddef>
#include <cstdint>

#include "chain/bytes.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"

namespace ac {

inline constexpr uint8_t kSighashAll = 0x01;
inline constexpr uint8_t kSighashNone = 0x02;
inline constexpr uint8_t kSighashSingle = 0x03;
inline constexpr uint8_t kSighashAnyoneCanPay = 0x80;

// The digest a signature for input `input_index` of `tx` commits to. `script_code` (the
// executed script from the last OP_CODESEPARATOR on, after FindAndDelete of the signature)
// takes the place of that input's scriptSig, with every OP_CODESEPARATOR left in it removed;
// other inputs' scripts are empty. By the low 5 bits of `hash_type`: NONE signs no outputs
// and lets other inputs' sequences change; SINGLE signs only the output at the input's index
// (earlier ones blanked) and also frees other sequences; anything else signs all outputs.
// ANYONECANPAY (0x80) signs only this input. `hash_type` is appended as 4 bytes.
// Core's quirk is kept: SINGLE with no output at the input's index (or an index past the
// inputs) yields the digest 1 (0x01 then 31 zero bytes, little-endian), with nothing hashed.
Hash256 legacy_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                       uint32_t hash_type = kSighashAll);

}  // namespace ac
