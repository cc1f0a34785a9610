#include "chain/pow.hpp"

namespace ac {

std::optional<Arith256> target_from_compact(uint32_t bits) {
  const unsigned size = bits >> 24;
  uint32_t word = bits & 0x007fffff;
  const bool negative = word != 0 && (bits & 0x00800000) != 0;
  const bool overflow =
      word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  if (negative || overflow) return std::nullopt;
  Arith256 target;
  if (size <= 3) {
    target = Arith256(word >> (8 * (3 - size)));
  } else {
    target = Arith256(word) << (8 * (size - 3));
  }
  if (target.is_zero()) return std::nullopt;
  return target;
}

uint32_t compact_from_target(const Arith256& target) {
  unsigned size = (target.bit_length() + 7) / 8;
  uint32_t word = size <= 3 ? static_cast<uint32_t>(target.low64() << (8 * (3 - size)))
                            : static_cast<uint32_t>((target >> (8 * (size - 3))).low64());
  // The mantissa's top bit is the sign: move a byte into the exponent instead of setting it.
  if ((word & 0x00800000) != 0) {
    word >>= 8;
    ++size;
  }
  return word | (size << 24);
}

Status check_proof_of_work(const Hash256& block_hash, uint32_t bits, const ChainParams& params) {
  const std::optional<Arith256> target = target_from_compact(bits);
  const std::optional<Arith256> limit = target_from_compact(params.pow_limit_bits);
  if (!target) return make_error(ErrorKind::kInvalidHeader, "bad-bits", "undecodable target");
  if (!limit || *target > *limit)
    return make_error(ErrorKind::kInvalidHeader, "bad-bits", "target above the pow limit");
  if (Arith256::from_hash(block_hash) > *target)
    return make_error(ErrorKind::kInvalidHeader, "high-hash");
  return Status::success();
}

Arith256 block_work(uint32_t bits) {
  const Arith256 target = target_from_compact(bits).value_or(Arith256{});
  // 2^256 / (target + 1) does not fit in 256 bits; it equals ~target / (target + 1) + 1.
  return (~target / (target + Arith256(1))) + Arith256(1);
}

}  // namespace ac
