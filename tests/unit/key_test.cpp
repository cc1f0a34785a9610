#include <gtest/gtest.h>
#include <secp256k1.h>

#include <set>
#include <string>

#include "chain/ecdsa.hpp"
#include "chain/hash.hpp"
#include "wallet/address.hpp"
#include "wallet/key.hpp"

namespace ac::wallet {
namespace {

ChainParams mainnet_versions() {
  ChainParams params = demo_params();
  params.pubkey_address_version = 0x00;
  params.wif_version = 0x80;
  return params;
}

Bytes secret_one() {
  return *from_hex(std::string(63, '0') + "1");
}

class KeyTest : public ::testing::Test {
 protected:
  Signer signer_ = std::move(Signer::create()).value();
};

TEST_F(KeyTest, SecretOneDerivesGeneratorPointAndItsHash) {
  auto key = signer_.import_key(secret_one());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(to_hex(key->public_key()),
            "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  EXPECT_EQ(to_hex(key->pubkey_hash().span()), "751e76e8199196d454941c45d1b3a323f1433bd6");
  EXPECT_EQ(encode_address(key->pubkey_hash(), mainnet_versions()),
            "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
}

TEST_F(KeyTest, ExportsPublishedWifForSecretOne) {
  auto key = signer_.import_key(secret_one());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->to_wif(mainnet_versions()),
            "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn");
  EXPECT_EQ(key->to_wif(demo_params()), "cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA");
}

TEST_F(KeyTest, ImportsPublishedWif) {
  auto key = signer_.import_wif("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn",
                                mainnet_versions());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(to_hex(key->secret()), to_hex(secret_one()));
}

TEST_F(KeyTest, WifRoundTripsGeneratedKey) {
  auto key = signer_.generate_key();
  ASSERT_TRUE(key.ok());
  auto imported = signer_.import_wif(key->to_wif(demo_params()), demo_params());
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(*imported, *key);
  EXPECT_EQ(imported->public_key(), key->public_key());
}

TEST_F(KeyTest, RejectsWifOfAnotherNetwork) {
  auto key =
      signer_.import_wif("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn", demo_params());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.reason(), "wrong-network");
}

TEST_F(KeyTest, RejectsUncompressedWif) {
  // Secret 1 in the uncompressed (no 0x01 suffix) mainnet form.
  auto key =
      signer_.import_wif("5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf", mainnet_versions());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.reason(), "bad-wif-length");
}

TEST_F(KeyTest, RejectsWifWithBadChecksum) {
  auto key = signer_.import_wif("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWo",
                                mainnet_versions());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.reason(), "bad-wif-checksum");
}

TEST_F(KeyTest, RejectsInvalidSecrets) {
  Bytes zero(32, 0);
  Bytes curve_order = *from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  Bytes too_short(31, 1);
  for (const Bytes& secret : {zero, curve_order, too_short}) {
    auto key = signer_.import_key(secret);
    ASSERT_FALSE(key.ok()) << to_hex(secret);
    EXPECT_EQ(key.reason(), "bad-private-key");
  }
}

TEST_F(KeyTest, GeneratesDistinctValidKeys) {
  std::set<std::string> secrets;
  for (int i = 0; i < 16; ++i) {
    auto key = signer_.generate_key();
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->public_key().size(), kPublicKeyBytes);
    EXPECT_TRUE(key->public_key()[0] == 0x02 || key->public_key()[0] == 0x03);
    secrets.insert(to_hex(key->secret()));
  }
  EXPECT_EQ(secrets.size(), 16u);
}

TEST_F(KeyTest, SignsWithRfc6979LowSForPublishedVector) {
  // Secret 1 signing SHA256("Satoshi Nakamoto"): the widely published RFC 6979 vector, whose
  // raw S (dbbd...) is high and must come out normalized to n - S.
  auto key = signer_.import_key(secret_one());
  ASSERT_TRUE(key.ok());
  auto der = signer_.sign(*key, sha256(as_span("Satoshi Nakamoto")));
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(to_hex(*der),
            "3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
            "02202442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
}

TEST_F(KeyTest, SignatureVerifiesOnlyForItsDigestAndKey) {
  auto key = signer_.generate_key();
  auto other = signer_.generate_key();
  ASSERT_TRUE(key.ok() && other.ok());
  Hash256 digest = sha256d(as_span("a transaction"));
  auto der = signer_.sign(*key, digest);
  ASSERT_TRUE(der.ok());
  EXPECT_TRUE(verify_ecdsa(key->public_key(), digest, *der));
  EXPECT_FALSE(verify_ecdsa(other->public_key(), digest, *der));
  EXPECT_FALSE(verify_ecdsa(key->public_key(), sha256d(as_span("another")), *der));

  secp256k1_ecdsa_signature parsed;
  ASSERT_EQ(secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &parsed, der->data(),
                                                der->size()),
            1);
  // normalize returns 1 only when it had to lower S.
  EXPECT_EQ(secp256k1_ecdsa_signature_normalize(secp256k1_context_static, nullptr, &parsed), 0);
}

TEST_F(KeyTest, SigningIsDeterministic) {
  auto key = signer_.import_key(secret_one());
  ASSERT_TRUE(key.ok());
  Hash256 digest = sha256d(as_span("same message"));
  auto first = signer_.sign(*key, digest);
  auto second = std::move(Signer::create()).value().sign(*key, digest);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
}

}  // namespace
}  // namespace ac::wallet
