#include <gtest/gtest.h>

#include "chain/hash.hpp"
#include "chain/script.hpp"

namespace ac {
namespace {

Bytes hex(std::string_view text) {
  return from_hex(text).value();
}

Hash160 sample_hash() {
  return hash160(as_span("sample key"));
}

TEST(P2pkhScript, HasTheStandardTwentyFiveByteLayout) {
  const Hash160 hash = Hash160::from_span(hex("610f04edfac91d244149203e48a5a089991a2ac1"));
  EXPECT_EQ(to_hex(p2pkh_script(hash)), "76a914610f04edfac91d244149203e48a5a089991a2ac188ac");
}

TEST(P2pkhScript, MatchReturnsTheHashOfAP2pkhScript) {
  const Hash160 hash = sample_hash();
  EXPECT_EQ(match_p2pkh(p2pkh_script(hash)), hash);
}

TEST(P2pkhScript, MatchRejectsOtherScripts) {
  Bytes script = p2pkh_script(sample_hash());
  Bytes longer = script;
  longer.push_back(0x00);
  EXPECT_FALSE(match_p2pkh(longer));
  Bytes shorter(script.begin(), script.end() - 1);
  EXPECT_FALSE(match_p2pkh(shorter));
  for (size_t position : {0, 1, 2, 23, 24}) {
    Bytes changed = script;
    changed[position] ^= 0x01;
    EXPECT_FALSE(match_p2pkh(changed)) << "position " << position;
  }
  EXPECT_FALSE(match_p2pkh(Bytes{}));
}

TEST(P2pkhScriptSig, RoundTripsSignatureAndPubkey) {
  const Bytes signature(72, 0x30);
  const Bytes pubkey(33, 0x02);
  const Bytes script = p2pkh_script_sig(signature, pubkey);
  EXPECT_EQ(script.size(), 1 + 72 + 1 + 33u);
  EXPECT_EQ(script[0], 72);
  auto spend = parse_p2pkh_script_sig(script);
  ASSERT_TRUE(spend);
  EXPECT_EQ(spend->signature_with_hash_type, signature);
  EXPECT_EQ(spend->pubkey, pubkey);
}

TEST(P2pkhScriptSig, UsesPushData1ForLongData) {
  const Bytes data(80, 0x11);
  const Bytes pubkey(65, 0x04);
  const Bytes script = p2pkh_script_sig(data, pubkey);
  EXPECT_EQ(script[0], opcode::kPushData1);
  EXPECT_EQ(script[1], 80);
  auto spend = parse_p2pkh_script_sig(script);
  ASSERT_TRUE(spend);
  EXPECT_EQ(spend->signature_with_hash_type, data);
  EXPECT_EQ(spend->pubkey, pubkey);
}

TEST(P2pkhScriptSig, RejectsNonMinimalPush) {
  // 10 bytes pushed with OP_PUSHDATA1 although a direct push would do.
  Bytes script = {opcode::kPushData1, 10};
  script.insert(script.end(), 10, 0x30);
  script.push_back(33);
  script.insert(script.end(), 33, 0x02);
  EXPECT_FALSE(parse_p2pkh_script_sig(script));

  Bytes pushdata2 = {opcode::kPushData2, 80, 0};
  pushdata2.insert(pushdata2.end(), 80, 0x30);
  pushdata2.push_back(33);
  pushdata2.insert(pushdata2.end(), 33, 0x02);
  EXPECT_FALSE(parse_p2pkh_script_sig(pushdata2));
}

TEST(P2pkhScriptSig, RejectsSingleBytePushThatBitcoinEncodesAsSmallInteger) {
  Bytes script = {1, 0x05, 33};
  script.insert(script.end(), 33, 0x02);
  EXPECT_FALSE(parse_p2pkh_script_sig(script));
}

TEST(P2pkhScriptSig, RejectsWrongNumberOfPushes) {
  const Bytes one = p2pkh_script_sig(Bytes(71, 0x30), Bytes(33, 0x02));
  Bytes only_first(one.begin(), one.begin() + 72);
  EXPECT_FALSE(parse_p2pkh_script_sig(only_first));
  Bytes three = one;
  three.push_back(1);
  three.push_back(0x42);
  EXPECT_FALSE(parse_p2pkh_script_sig(three));
  EXPECT_FALSE(parse_p2pkh_script_sig(Bytes{}));
}

TEST(P2pkhScriptSig, RejectsNonPushOpcodes) {
  Bytes with_op = p2pkh_script_sig(Bytes(71, 0x30), Bytes(33, 0x02));
  with_op.insert(with_op.begin() + 72, opcode::kDup);
  EXPECT_FALSE(parse_p2pkh_script_sig(with_op));
  // OP_1 followed by a pubkey push: OP_1..OP_16 are not data pushes here.
  Bytes small_integer = {0x51, 33};
  small_integer.insert(small_integer.end(), 33, 0x02);
  EXPECT_FALSE(parse_p2pkh_script_sig(small_integer));
}

TEST(P2pkhScriptSig, RejectsTruncatedPush) {
  const Bytes full = p2pkh_script_sig(Bytes(71, 0x30), Bytes(33, 0x02));
  Bytes truncated(full.begin(), full.end() - 1);
  EXPECT_FALSE(parse_p2pkh_script_sig(truncated));
  EXPECT_FALSE(parse_p2pkh_script_sig(Bytes{opcode::kPushData1}));
  EXPECT_FALSE(parse_p2pkh_script_sig(Bytes{opcode::kPushData2, 0x01}));
  EXPECT_FALSE(parse_p2pkh_script_sig(Bytes{opcode::kPushData4, 0xff, 0xff, 0xff, 0xff}));
}

}  // namespace
}  // namespace ac
