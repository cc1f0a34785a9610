#include <gtest/gtest.h>

#include "chain/arith256.hpp"

namespace ac {
namespace {

Arith256 from_display_hex(const char* hex) {
  return Arith256::from_hash(*Hash256::from_hex(hex));
}

const char* const kAllOnes = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

TEST(Arith256, HashRoundTripKeepsLittleEndianByteOrder) {
  Hash256 hash;
  hash.data[0] = 0x01;
  hash.data[31] = 0x80;
  const Arith256 value = Arith256::from_hash(hash);
  EXPECT_EQ(value.low64(), 1u);
  EXPECT_EQ(value.bit_length(), 256u);
  EXPECT_EQ(value.to_hash(), hash);
  EXPECT_EQ(value.hex(), hash.hex());
}

TEST(Arith256, AdditionCarriesAcrossLimbsAndWraps) {
  Arith256 value(0xffffffffffffffffULL);
  value += Arith256(1);
  EXPECT_EQ(value, Arith256(1) << 64);
  EXPECT_EQ(from_display_hex(kAllOnes) + Arith256(1), Arith256{});
}

TEST(Arith256, SubtractionBorrowsAcrossLimbsAndWraps) {
  EXPECT_EQ((Arith256(1) << 64) - Arith256(1), Arith256(0xffffffffffffffffULL));
  EXPECT_EQ(Arith256{} - Arith256(1), from_display_hex(kAllOnes));
  EXPECT_EQ(from_display_hex(kAllOnes) - from_display_hex(kAllOnes), Arith256{});
}

TEST(Arith256, ShiftsMoveBitsAcrossLimbs) {
  EXPECT_EQ((Arith256(1) << 255).hex(),
            "8000000000000000000000000000000000000000000000000000000000000000");
  EXPECT_EQ((Arith256(0x3) << 63) >> 63, Arith256(0x3));
  EXPECT_EQ(Arith256(1) << 256, Arith256{});
  EXPECT_EQ(from_display_hex(kAllOnes) >> 255, Arith256(1));
  EXPECT_EQ((Arith256(0xabcdef) << 100).bit_length(), 124u);
}

TEST(Arith256, DivisionMatchesKnownQuotients) {
  EXPECT_EQ(Arith256(100) / Arith256(7), Arith256(14));
  EXPECT_EQ(Arith256(6) / Arith256(7), Arith256{});
  EXPECT_EQ((Arith256(1) << 200) / (Arith256(1) << 100), Arith256(1) << 100);
  // (2^256 - 1) / (2^128 + 1) = 2^128 - 1
  EXPECT_EQ(from_display_hex(kAllOnes) / ((Arith256(1) << 128) + Arith256(1)),
            (Arith256(1) << 128) - Arith256(1));
  EXPECT_EQ(from_display_hex(kAllOnes) / from_display_hex(kAllOnes), Arith256(1));
}

TEST(Arith256, ComparisonIsNumericFromTheTopLimb) {
  EXPECT_LT(Arith256(0xffffffffffffffffULL), Arith256(1) << 64);
  EXPECT_GT(Arith256(1) << 192, (Arith256(1) << 191) + Arith256(0xffffffffffffffffULL));
  EXPECT_EQ(Arith256(5) <=> Arith256(5), std::strong_ordering::equal);
}

TEST(Arith256, ComplementAndBitLength) {
  EXPECT_EQ(~Arith256{}, from_display_hex(kAllOnes));
  EXPECT_EQ(Arith256{}.bit_length(), 0u);
  EXPECT_TRUE(Arith256{}.is_zero());
  EXPECT_EQ(Arith256(1).bit_length(), 1u);
  EXPECT_EQ((Arith256(1) << 64).bit_length(), 65u);
}

}  // namespace
}  // namespace ac
