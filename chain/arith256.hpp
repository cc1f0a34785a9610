// Unsigned 256-bit arithmetic for proof-of-work targets and cumulative chain work.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "chain/uint256.hpp"

namespace ac {

class Arith256 {
 public:
  Arith256() = default;
  explicit Arith256(uint64_t value) { limbs_[0] = value; }

  // Hash bytes are little-endian numbers (Bitcoin's convention).
  static Arith256 from_hash(const Hash256& hash);
  Hash256 to_hash() const;

  Arith256& operator+=(const Arith256& other);  // wraps modulo 2^256
  Arith256& operator-=(const Arith256& other);  // wraps modulo 2^256
  Arith256& operator<<=(unsigned bits);
  Arith256& operator>>=(unsigned bits);
  Arith256& operator/=(const Arith256& divisor);  // REQUIRES: divisor != 0
  Arith256 operator~() const;
  friend Arith256 operator+(Arith256 a, const Arith256& b) { return a += b; }
  friend Arith256 operator-(Arith256 a, const Arith256& b) { return a -= b; }
  friend Arith256 operator/(Arith256 a, const Arith256& b) { return a /= b; }
  friend Arith256 operator<<(Arith256 a, unsigned bits) { return a <<= bits; }
  friend Arith256 operator>>(Arith256 a, unsigned bits) { return a >>= bits; }

  bool is_zero() const;
  unsigned bit_length() const;  // 0 for zero
  uint64_t low64() const { return limbs_[0]; }
  std::string hex() const;  // big-endian, 64 digits

  friend bool operator==(const Arith256&, const Arith256&) = default;
  friend std::strong_ordering operator<=>(const Arith256& a, const Arith256& b);

 private:
  std::array<uint64_t, 4> limbs_{};  // little-endian limbs
};

}  // namespace ac
