#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "wallet/address.hpp"
#include "wallet/base58.hpp"

namespace ac::wallet {
namespace {

// Bitcoin Core's src/test/data/base58_encode_decode.json.
const std::vector<std::pair<std::string, std::string>> kVectors = {
    {"", ""},
    {"61", "2g"},
    {"626262", "a3gV"},
    {"636363", "aPEr"},
    {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
    {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
    {"516b6fcd0f", "ABnLTmg"},
    {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
    {"572e4794", "3EFU7m"},
    {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
    {"10c8511e", "Rt5zm"},
    {"00000000000000000000", "1111111111"},
};

TEST(Base58, EncodesBitcoinCoreVectors) {
  for (const auto& [hex, text] : kVectors) {
    EXPECT_EQ(base58_encode(*from_hex(hex)), text) << hex;
  }
}

TEST(Base58, DecodesBitcoinCoreVectors) {
  for (const auto& [hex, text] : kVectors) {
    auto decoded = base58_decode(text);
    ASSERT_TRUE(decoded.ok()) << text;
    EXPECT_EQ(to_hex(*decoded), hex) << text;
  }
}

TEST(Base58, RejectsCharactersOutsideTheAlphabet) {
  for (std::string text : {"0", "O", "I", "l", "abc def", "3EFU7m\n", "+", "\xff"}) {
    auto decoded = base58_decode(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.reason(), "base58-bad-character") << text;
  }
}

TEST(Base58, RejectsTextLongerThanTheBound) {
  EXPECT_TRUE(base58_decode(std::string(kMaxBase58Chars, '2')).ok());
  auto decoded = base58_decode(std::string(kMaxBase58Chars + 1, '2'));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "base58-too-long");
}

TEST(Base58Check, EncodesBitcoinWikiAddressExample) {
  // The Bitcoin wiki's "Technical background of version 1 Bitcoin addresses" example.
  EXPECT_EQ(base58check_encode(*from_hex("003c176e659bea0f29a3e9bf7880c112b1b31b4dc8")),
            "16UjcYNBG9GTK4uq2f7yYEbuifqCzoLMGS");
}

TEST(Base58Check, DecodeStripsAndVerifiesChecksum) {
  auto decoded = base58check_decode("16UjcYNBG9GTK4uq2f7yYEbuifqCzoLMGS");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(to_hex(*decoded), "003c176e659bea0f29a3e9bf7880c112b1b31b4dc8");
}

TEST(Base58Check, RejectsBadChecksum) {
  // Plain Base58 of 25 bytes whose last 4 are not the checksum of the first 21.
  auto decoded = base58check_decode("1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "base58-bad-checksum");
}

TEST(Base58Check, RejectsPayloadShorterThanChecksum) {
  auto decoded = base58check_decode("3EFU");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "base58-too-short");
}

TEST(Base58Check, RoundTripsPayloadsWithLeadingZeros) {
  for (const char* hex : {"", "00", "0000ff", "000102030405060708090a0b0c0d0e0f"}) {
    Bytes payload = *from_hex(hex);
    auto decoded = base58check_decode(base58check_encode(payload));
    ASSERT_TRUE(decoded.ok()) << hex;
    EXPECT_EQ(*decoded, payload) << hex;
  }
}

TEST(Address, DecodesKnownMainnetAddress) {
  auto hash = decode_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", 0x00);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(to_hex(hash->span()), "77bff20c60e522dfaa3350c39b030a5d004e839a");
}

TEST(Address, EncodesHashWithVersionByte) {
  Hash160 hash = Hash160::from_span(*from_hex("77bff20c60e522dfaa3350c39b030a5d004e839a"));
  EXPECT_EQ(encode_address(hash, 0x00), "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2");
}

TEST(Address, DemoAddressesRoundTripAndUseTestnetPrefix) {
  ChainParams params = demo_params();
  Hash160 hash = Hash160::from_span(*from_hex("751e76e8199196d454941c45d1b3a323f1433bd6"));
  std::string address = encode_address(hash, params);
  EXPECT_EQ(address, "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r");
  auto decoded = decode_address(address, params);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, hash);
}

TEST(Address, RejectsAddressOfAnotherNetwork) {
  auto decoded = decode_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", demo_params());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "wrong-network");
}

TEST(Address, RejectsMistypedCharacterAsChecksumFailure) {
  auto decoded = decode_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", 0x00);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "bad-address-checksum");
}

TEST(Address, RejectsNonBase58AndWrongLength) {
  auto bad_character = decode_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0", 0x00);
  ASSERT_FALSE(bad_character.ok());
  EXPECT_EQ(bad_character.reason(), "bad-address-encoding");
  // A valid Base58Check string of 20 bytes instead of 21.
  auto short_payload = decode_address(base58check_encode(Bytes(20, 0x6f)), demo_params());
  ASSERT_FALSE(short_payload.ok());
  EXPECT_EQ(short_payload.reason(), "bad-address-encoding");
  auto empty = decode_address("", 0x00);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.reason(), "bad-address-encoding");
}

}  // namespace
}  // namespace ac::wallet
