#include <gtest/gtest.h>

#include "chain/interpreter.hpp"
#include "chain/params.hpp"
#include "chain/script_verify.hpp"
#include "chain/sighash.hpp"
#include "chain/signature_cache.hpp"
#include "signing_helpers.hpp"

namespace ac {
namespace {

Hash256 digest_of(uint8_t seed) {
  Hash256 out;
  out.data.fill(seed);
  return out;
}

const Bytes kPubkey(33, 0x02);
const Bytes kSignature(71, 0x30);

TEST(SignatureCache, FindsWhatWasStoredAndOnlyThat) {
  SignatureCache cache(1024);
  cache.insert(digest_of(1), kPubkey, kSignature);
  EXPECT_TRUE(cache.contains(digest_of(1), kPubkey, kSignature, false));
  EXPECT_FALSE(cache.contains(digest_of(2), kPubkey, kSignature, false));
  EXPECT_FALSE(cache.contains(digest_of(1), Bytes(33, 0x03), kSignature, false));
  EXPECT_FALSE(cache.contains(digest_of(1), kPubkey, Bytes(70, 0x30), false));
  // The same bytes split differently between key and signature are another triple.
  Bytes longer_key = kPubkey;
  longer_key.push_back(0x30);
  EXPECT_FALSE(cache.contains(digest_of(1), longer_key, Bytes(70, 0x30), false));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SignatureCache, ALookupThatErasesFindsTheEntryOnce) {
  SignatureCache cache(1024);
  cache.insert(digest_of(1), kPubkey, kSignature);
  EXPECT_TRUE(cache.contains(digest_of(1), kPubkey, kSignature, true));
  EXPECT_FALSE(cache.contains(digest_of(1), kPubkey, kSignature, true));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SignatureCache, StaysWithinItsBoundOldestOutFirst) {
  SignatureCache cache(160);
  for (int i = 0; i < 5000; ++i) {
    Hash256 digest;
    digest.data[0] = static_cast<uint8_t>(i);
    digest.data[1] = static_cast<uint8_t>(i >> 8);
    cache.insert(digest, kPubkey, kSignature);
    if (i % 3 == 0) cache.contains(digest, kPubkey, kSignature, true);
  }
  EXPECT_LE(cache.size(), cache.max_entries());
  EXPECT_GT(cache.size(), cache.max_entries() / 2);
  Hash256 first;  // i = 1: long evicted
  first.data[0] = 1;
  EXPECT_FALSE(cache.contains(first, kPubkey, kSignature, false));
  Hash256 last;  // i = 4999 (not a multiple of 3): still there
  last.data[0] = static_cast<uint8_t>(4999);
  last.data[1] = static_cast<uint8_t>(4999 >> 8);
  EXPECT_TRUE(cache.contains(last, kPubkey, kSignature, false));
}

TEST(SignatureCache, EachCacheHasItsOwnSalt) {
  SignatureCache one(1024);
  SignatureCache other(1024);
  one.insert(digest_of(1), kPubkey, kSignature);
  EXPECT_FALSE(other.contains(digest_of(1), kPubkey, kSignature, false));
}

class CachedVerification : public ::testing::Test {
 protected:
  void SetUp() override { test::sign_input(tx, 0, key); }

  Status verify(SignatureCache* with, bool store) const {
    return verify_input_script(tx, 0, key.script_pubkey, flags, 0, with, store);
  }

  const uint32_t flags = regtest_params().script_flags;
  const test::TestKey key = test::make_key(21);
  Transaction tx = test::unsigned_spend(1);
  SignatureCache cache{1024};
};

// The mempool's check stores the signature; the block's check finds it and drops it.
TEST_F(CachedVerification, MempoolStoresAndTheBlockConsumes) {
  ASSERT_TRUE(verify(&cache, true).ok());
  EXPECT_EQ(cache.size(), 1u);
  ASSERT_TRUE(verify(&cache, false).ok());
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CachedVerification, AnInvalidSignatureIsNeverStored) {
  tx.outputs[0].value += 1;  // the signature no longer covers the transaction
  EXPECT_FALSE(verify(&cache, true).ok());
  EXPECT_EQ(cache.size(), 0u);
}

// Proof that a hit skips ECDSA: a triple planted in the cache passes although its signature
// does not verify (the cache is trusted; only verified triples are ever stored by the node).
TEST_F(CachedVerification, AHitIsNotVerifiedAgain) {
  tx.outputs[0].value += 1;
  ASSERT_FALSE(verify(nullptr, false).ok());
  const Bytes& script_sig = tx.inputs[0].script_sig;
  const Bytes signature(script_sig.begin() + 1, script_sig.begin() + 1 + script_sig[0]);
  const Hash256 digest =
      legacy_sighash(tx, 0, key.script_pubkey, static_cast<uint8_t>(signature.back()));
  cache.insert(digest, key.pubkey, ByteSpan(signature).first(signature.size() - 1));
  EXPECT_TRUE(verify(&cache, false).ok());
  EXPECT_FALSE(verify(&cache, false).ok());  // consumed by the first hit
}

TEST_F(CachedVerification, TheVerifierUsesItsCacheForMempoolAndBlockChecks) {
  ScriptVerifier verifier(2, &cache);
  std::vector<ScriptCheck> checks(3, ScriptCheck{&tx, 0, key.script_pubkey, flags, 0, true});
  ASSERT_TRUE(verifier.verify_all(checks).ok());
  EXPECT_EQ(cache.size(), 1u);
  for (ScriptCheck& check : checks) check.store_signatures = false;
  ASSERT_TRUE(verifier.verify_all(std::span(checks).first(1)).ok());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace ac
