#include "chain/arith256.hpp"

#include <bit>

namespace ac {

Arith256 Arith256::from_hash(const Hash256& hash) {
  Arith256 out;
  for (size_t limb = 0; limb < 4; ++limb) {
    uint64_t value = 0;
    for (size_t byte = 0; byte < 8; ++byte)
      value |= static_cast<uint64_t>(hash.data[limb * 8 + byte]) << (8 * byte);
    out.limbs_[limb] = value;
  }
  return out;
}

Hash256 Arith256::to_hash() const {
  Hash256 out;
  for (size_t limb = 0; limb < 4; ++limb) {
    for (size_t byte = 0; byte < 8; ++byte)
      out.data[limb * 8 + byte] = static_cast<uint8_t>(limbs_[limb] >> (8 * byte));
  }
  return out;
}

Arith256& Arith256::operator+=(const Arith256& other) {
  uint64_t carry = 0;
  for (size_t i = 0; i < 4; ++i) {
    uint64_t sum = limbs_[i] + carry;
    carry = sum < carry ? 1 : 0;
    sum += other.limbs_[i];
    carry += sum < other.limbs_[i] ? 1 : 0;
    limbs_[i] = sum;
  }
  return *this;
}

Arith256& Arith256::operator-=(const Arith256& other) {
  uint64_t borrow = 0;
  for (size_t i = 0; i < 4; ++i) {
    uint64_t subtrahend = other.limbs_[i] + borrow;
    // other.limbs_[i] + borrow overflows only when it is 2^64, which always borrows again.
    uint64_t next_borrow = (subtrahend < borrow || limbs_[i] < subtrahend) ? 1 : 0;
    limbs_[i] -= subtrahend;
    borrow = next_borrow;
  }
  return *this;
}

Arith256& Arith256::operator<<=(unsigned bits) {
  if (bits >= 256) return *this = Arith256{};
  const unsigned limb_shift = bits / 64;
  const unsigned bit_shift = bits % 64;
  std::array<uint64_t, 4> out{};
  for (unsigned i = limb_shift; i < 4; ++i) {
    out[i] = limbs_[i - limb_shift] << bit_shift;
    if (bit_shift != 0 && i > limb_shift) out[i] |= limbs_[i - limb_shift - 1] >> (64 - bit_shift);
  }
  limbs_ = out;
  return *this;
}

Arith256& Arith256::operator>>=(unsigned bits) {
  if (bits >= 256) return *this = Arith256{};
  const unsigned limb_shift = bits / 64;
  const unsigned bit_shift = bits % 64;
  std::array<uint64_t, 4> out{};
  for (unsigned i = 0; i + limb_shift < 4; ++i) {
    out[i] = limbs_[i + limb_shift] >> bit_shift;
    if (bit_shift != 0 && i + limb_shift + 1 < 4)
      out[i] |= limbs_[i + limb_shift + 1] << (64 - bit_shift);
  }
  limbs_ = out;
  return *this;
}

Arith256& Arith256::operator/=(const Arith256& divisor) {
  // Shift-subtract long division: aligns the divisor under the dividend's top bit and walks
  // down one bit at a time. At most 256 steps; only used for chain work, never per hash.
  Arith256 remainder = *this;
  Arith256 quotient;
  const unsigned dividend_bits = remainder.bit_length();
  const unsigned divisor_bits = divisor.bit_length();
  if (divisor_bits == 0 || dividend_bits < divisor_bits) return *this = quotient;
  unsigned shift = dividend_bits - divisor_bits;
  Arith256 shifted = divisor << shift;
  while (true) {
    if (remainder >= shifted) {
      remainder -= shifted;
      quotient.limbs_[shift / 64] |= uint64_t{1} << (shift % 64);
    }
    if (shift == 0) break;
    shifted >>= 1;
    --shift;
  }
  return *this = quotient;
}

Arith256 Arith256::operator~() const {
  Arith256 out;
  for (size_t i = 0; i < 4; ++i) out.limbs_[i] = ~limbs_[i];
  return out;
}

bool Arith256::is_zero() const {
  return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0;
}

unsigned Arith256::bit_length() const {
  for (size_t i = 4; i-- > 0;) {
    if (limbs_[i] != 0) return static_cast<unsigned>(64 * i + std::bit_width(limbs_[i]));
  }
  return 0;
}

std::string Arith256::hex() const {
  return to_hash().hex();
}

std::strong_ordering operator<=>(const Arith256& a, const Arith256& b) {
  for (size_t i = 4; i-- > 0;) {
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
  }
  return std::strong_ordering::equal;
}

}  // namespace ac
