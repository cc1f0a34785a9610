#include <gtest/gtest.h>

#include "chain/ecdsa.hpp"
#include "chain/hash.hpp"
#include "signing_helpers.hpp"

namespace ac {
namespace {

// The signature (without hash type) of mainnet tx b6f5cb50...a344a2's input: a 33-byte R with
// a 0x00 pad (its top bit is set) and a 32-byte S.
const Bytes kMainnetDer =
    from_hex(
        "3045022100d79836dbd86162e3c3a38bbf31f6547c3600e4f52330a8d55aa591e889"
        "6d61900220332331d6d5c2c63db6174465aba6b848a4230ce943cffcf77ffdc02a30a8fbd7")
        .value();

// Builds 0x30 len 0x02 rlen R 0x02 slen S from the two integers.
Bytes der_of(ByteSpan r, ByteSpan s) {
  Bytes out;
  out.reserve(6 + r.size() + s.size());
  for (uint8_t byte : {uint8_t{0x30}, static_cast<uint8_t>(4 + r.size() + s.size()), uint8_t{0x02},
                       static_cast<uint8_t>(r.size())})
    out.push_back(byte);
  for (uint8_t byte : r) out.push_back(byte);
  out.push_back(0x02);
  out.push_back(static_cast<uint8_t>(s.size()));
  for (uint8_t byte : s) out.push_back(byte);
  return out;
}

TEST(StrictDer, AcceptsMainnetSignature) {
  EXPECT_TRUE(is_strict_der(kMainnetDer));
}

TEST(StrictDer, AcceptsShortestAndLongestForms) {
  EXPECT_TRUE(is_strict_der(der_of(Bytes{0x01}, Bytes{0x01})));
  Bytes padded(33, 0x80);
  padded[0] = 0x00;
  EXPECT_TRUE(is_strict_der(der_of(padded, padded)));
}

TEST(StrictDer, RejectsWrongSequenceTagOrLength) {
  Bytes wrong_tag = kMainnetDer;
  wrong_tag[0] = 0x31;
  EXPECT_FALSE(is_strict_der(wrong_tag));
  Bytes wrong_length = kMainnetDer;
  wrong_length[1] += 1;
  EXPECT_FALSE(is_strict_der(wrong_length));
  Bytes trailing = kMainnetDer;
  trailing.push_back(0x00);
  EXPECT_FALSE(is_strict_der(trailing));
  Bytes truncated(kMainnetDer.begin(), kMainnetDer.end() - 1);
  EXPECT_FALSE(is_strict_der(truncated));
}

TEST(StrictDer, RejectsSizesOutsideEightToSeventyTwo) {
  EXPECT_FALSE(is_strict_der(Bytes{0x30, 0x05, 0x02, 0x01, 0x01, 0x02, 0x00}));
  Bytes padded(34, 0x80);
  padded[0] = 0x00;
  padded[1] = 0x00;
  EXPECT_FALSE(is_strict_der(der_of(padded, Bytes(33, 0x01))));
  EXPECT_FALSE(is_strict_der(Bytes{}));
}

TEST(StrictDer, RejectsBadIntegerTags) {
  Bytes r_tag = kMainnetDer;
  r_tag[2] = 0x03;
  EXPECT_FALSE(is_strict_der(r_tag));
  Bytes s_tag = kMainnetDer;
  s_tag[4 + 33] = 0x03;
  EXPECT_FALSE(is_strict_der(s_tag));
}

TEST(StrictDer, RejectsLengthsThatDoNotAddUp) {
  Bytes r_too_long = kMainnetDer;
  r_too_long[3] = 0x40;  // S's tag would fall outside the signature
  EXPECT_FALSE(is_strict_der(r_too_long));
  Bytes s_wrong = kMainnetDer;
  s_wrong[5 + 33] = 0x1f;
  EXPECT_FALSE(is_strict_der(s_wrong));
}

TEST(StrictDer, RejectsZeroLengthIntegers) {
  EXPECT_FALSE(is_strict_der(der_of(Bytes{}, Bytes{0x01, 0x02, 0x03})));
  EXPECT_FALSE(is_strict_der(der_of(Bytes{0x01, 0x02, 0x03}, Bytes{})));
}

TEST(StrictDer, RejectsNegativeIntegers) {
  EXPECT_FALSE(is_strict_der(der_of(Bytes{0x81, 0x01}, Bytes{0x01})));
  EXPECT_FALSE(is_strict_der(der_of(Bytes{0x01}, Bytes{0x81, 0x01})));
}

TEST(StrictDer, RejectsUnnecessaryZeroPadding) {
  EXPECT_FALSE(is_strict_der(der_of(Bytes{0x00, 0x01}, Bytes{0x01})));
  EXPECT_FALSE(is_strict_der(der_of(Bytes{0x01}, Bytes{0x00, 0x7f})));
  // A lone zero byte is a valid (if useless) encoding of zero.
  EXPECT_TRUE(is_strict_der(der_of(Bytes{0x00}, Bytes{0x01})));
}

TEST(LowS, MainnetSignatureIsLowAndItsNegationIsHigh) {
  EXPECT_TRUE(is_low_s(kMainnetDer));
  const Bytes high = test::to_high_s(kMainnetDer);
  ASSERT_TRUE(is_strict_der(high));
  EXPECT_FALSE(is_low_s(high));
}

class VerifyEcdsa : public ::testing::Test {
 protected:
  const test::TestKey key = test::make_key(7);
  const Hash256 digest = sha256(as_span("message"));
  const Bytes der = test::sign_der(key, digest);
};

TEST_F(VerifyEcdsa, AcceptsValidSignature) {
  EXPECT_TRUE(verify_ecdsa(key.pubkey, digest, der));
}

TEST_F(VerifyEcdsa, AcceptsUncompressedPubkey) {
  const test::TestKey uncompressed = test::make_key(7, false);
  ASSERT_EQ(uncompressed.pubkey.size(), 65u);
  EXPECT_TRUE(verify_ecdsa(uncompressed.pubkey, digest, der));
}

TEST_F(VerifyEcdsa, RejectsWrongDigest) {
  EXPECT_FALSE(verify_ecdsa(key.pubkey, sha256(as_span("other")), der));
}

TEST_F(VerifyEcdsa, RejectsWrongKey) {
  EXPECT_FALSE(verify_ecdsa(test::make_key(8).pubkey, digest, der));
}

TEST_F(VerifyEcdsa, RejectsHighS) {
  EXPECT_FALSE(verify_ecdsa(key.pubkey, digest, test::to_high_s(der)));
}

TEST_F(VerifyEcdsa, RejectsMalformedPubkeys) {
  Bytes hybrid = test::make_key(7, false).pubkey;
  hybrid[0] = 0x06 | (hybrid[64] & 1);
  EXPECT_FALSE(verify_ecdsa(hybrid, digest, der));
  Bytes truncated(key.pubkey.begin(), key.pubkey.end() - 1);
  EXPECT_FALSE(verify_ecdsa(truncated, digest, der));
  Bytes off_curve = key.pubkey;
  off_curve[0] = 0x05;
  EXPECT_FALSE(verify_ecdsa(off_curve, digest, der));
  EXPECT_FALSE(verify_ecdsa(Bytes{}, digest, der));
}

TEST_F(VerifyEcdsa, RejectsNonStrictDer) {
  Bytes padded = der;
  padded.push_back(0x00);
  EXPECT_FALSE(verify_ecdsa(key.pubkey, digest, padded));
}

}  // namespace
}  // namespace ac
