// Proof of work: Bitcoin's compact "bits" encoding of a target, the hash <= target check, and
// the work a block adds to its chain (2^256 / (target + 1)).
#pragma once

#include <optional>

#include "chain/arith256.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/uint256.hpp"

namespace ac {

// The target `bits` encodes; nullopt when negative, zero or overflowing 256 bits.
std::optional<Arith256> target_from_compact(uint32_t bits);
uint32_t compact_from_target(const Arith256& target);

// Reasons: "bad-bits" (undecodable, or easier than params.pow_limit_bits), "high-hash".
Status check_proof_of_work(const Hash256& block_hash, uint32_t bits, const ChainParams& params);

// REQUIRES: target_from_compact(bits) has a value.
Arith256 block_work(uint32_t bits);

}  // namespace ac
