#include <gtest/gtest.h>

#include "chain/params.hpp"
#include "chain/pow.hpp"

namespace ac {
namespace {

// Vectors from Bitcoin Core's compact-encoding tests (arith_uint256 SetCompact/GetCompact).

TEST(CompactBits, DecodesBitcoinGenesisBits) {
  const auto target = target_from_compact(0x1d00ffff);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->hex(), "00000000ffff0000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(compact_from_target(*target), 0x1d00ffffu);
}

TEST(CompactBits, ZeroTargetsAreRejected) {
  for (uint32_t bits :
       {0x00000000u, 0x00123456u, 0x01003456u, 0x02000056u, 0x03000000u, 0x04000000u, 0x00923456u,
        0x01803456u, 0x02800056u, 0x03800000u, 0x04800000u}) {
    EXPECT_FALSE(target_from_compact(bits)) << std::hex << bits;
  }
  EXPECT_EQ(compact_from_target(Arith256{}), 0u);
}

TEST(CompactBits, NegativeTargetsAreRejected) {
  EXPECT_FALSE(target_from_compact(0x04923456));
  EXPECT_FALSE(target_from_compact(0x01fedcba));
}

TEST(CompactBits, OverflowingTargetsAreRejected) {
  EXPECT_FALSE(target_from_compact(0xff123456));
  EXPECT_FALSE(target_from_compact(0x23000001));
  EXPECT_FALSE(target_from_compact(0x22000100));
  EXPECT_FALSE(target_from_compact(0x21010000));
  EXPECT_TRUE(target_from_compact(0x22000001));
}

TEST(CompactBits, MatchesBitcoinCoreVectors) {
  struct Vector {
    uint32_t bits;
    uint64_t value;
    uint32_t reencoded;
  };
  for (const Vector& v :
       {Vector{0x01123456, 0x12, 0x01120000}, Vector{0x02123456, 0x1234, 0x02123400},
        Vector{0x03123456, 0x123456, 0x03123456}, Vector{0x04123456, 0x12345600, 0x04123456},
        Vector{0x05009234, 0x92340000, 0x05009234}}) {
    const auto target = target_from_compact(v.bits);
    ASSERT_TRUE(target) << std::hex << v.bits;
    EXPECT_EQ(*target, Arith256(v.value)) << std::hex << v.bits;
    EXPECT_EQ(compact_from_target(*target), v.reencoded) << std::hex << v.bits;
  }
  EXPECT_EQ(compact_from_target(Arith256(0x80)), 0x02008000u);
}

TEST(CompactBits, DecodesLargeExponent) {
  const auto target = target_from_compact(0x20123456);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->hex(), "1234560000000000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(compact_from_target(*target), 0x20123456u);
}

TEST(BlockWork, GenesisBitsGive0x100010001) {
  EXPECT_EQ(block_work(0x1d00ffff), Arith256(0x100010001ULL));
}

TEST(BlockWork, EasiestQuickTargetIsTwoHashes) {
  // Target 0x7fffff << 232 is just under 2^255: 2^256 / (target + 1) rounds down to 2.
  EXPECT_EQ(block_work(0x207fffff), Arith256(2));
}

TEST(CheckProofOfWork, AcceptsHashAtOrBelowTarget) {
  const ChainParams params = quick_params();
  const Arith256 target = *target_from_compact(params.block_bits);
  EXPECT_TRUE(check_proof_of_work(target.to_hash(), params.block_bits, params));
  EXPECT_TRUE(check_proof_of_work(Hash256{}, params.block_bits, params));
}

TEST(CheckProofOfWork, RejectsHashAboveTargetAsHighHash) {
  const ChainParams params = quick_params();
  const Arith256 target = *target_from_compact(params.block_bits);
  const Status status =
      check_proof_of_work((target + Arith256(1)).to_hash(), params.block_bits, params);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "high-hash");
}

TEST(CheckProofOfWork, RejectsUndecodableBits) {
  const Status status = check_proof_of_work(Hash256{}, 0x04923456, quick_params());
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "bad-bits");
}

TEST(CheckProofOfWork, RejectsTargetEasierThanPowLimit) {
  const ChainParams params = demo_params();
  const Status status = check_proof_of_work(Hash256{}, 0x207fffff, params);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "bad-bits");
}

}  // namespace
}  // namespace ac
