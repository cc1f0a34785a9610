#include "actors/misbehaviour.hpp"

#include <gtest/gtest.h>

namespace ac::actors {
namespace {

TEST(MisbehaviourTest, BlocksBreakingConsensusCostTheFullScore) {
  for (const char* reason : {"high-hash", "merkle-root-mismatch", "merkle-mutated", "bad-signature",
                             "missing-inputs", "outputs-exceed-inputs", "coinbase-too-large",
                             "bad-coinbase-height", "time-too-old", "duplicate-invalid"})
    EXPECT_EQ(block_penalty(reason), kDiscourageScore) << reason;
}

TEST(MisbehaviourTest, BlocksFromTheFutureAndLocalFailuresCostNothing) {
  for (const char* reason : {"time-too-new", "store-write-failed", "store-read-failed",
                             "missing-block-data", "replay-failed", "different-genesis"})
    EXPECT_EQ(block_penalty(reason), 0) << reason;
}

TEST(MisbehaviourTest, BlockPenaltyLooksAtTheReasonNotItsDetail) {
  EXPECT_EQ(block_penalty("time-too-new: block 00ab"), 0);
  EXPECT_EQ(block_penalty("store-write-failed: disk full"), 0);
  EXPECT_EQ(block_penalty("bad-signature: block 00ab: tx 00cd input 0"), kDiscourageScore);
}

TEST(MisbehaviourTest, OrdinaryTransactionRefusalsCostNothing) {
  for (const char* reason : {"tx-already-in-mempool", "mempool-conflict", "missing-inputs",
                             "premature-coinbase-spend", "mempool-full"})
    EXPECT_EQ(tx_penalty(reason), 0) << reason;
}

TEST(MisbehaviourTest, TransactionsNoChainAcceptsCostTheFullScore) {
  for (const char* reason : {"bad-signature", "high-s", "non-strict-der", "outputs-exceed-inputs",
                             "coinbase-not-allowed", "tx-no-inputs", "tx-negative-output"})
    EXPECT_EQ(tx_penalty(reason), kDiscourageScore) << reason;
}

TEST(MisbehaviourTest, OnlyOversizeOrMalformedHeadersAreChargedAmongFramingFailures) {
  EXPECT_EQ(framing_penalty("bad-magic"), 0);
  EXPECT_EQ(framing_penalty("bad-checksum"), 0);
  EXPECT_EQ(framing_penalty("payload-too-large"), kDiscourageScore);
  EXPECT_EQ(framing_penalty("bad-command"), kDiscourageScore);
}

TEST(MisbehaviourTest, OnlyTheSharedLocalAddressIsExemptFromDiscouragement) {
  EXPECT_TRUE(is_discouragement_exempt("127.0.0.1"));
  EXPECT_TRUE(is_discouragement_exempt("::1"));
  EXPECT_FALSE(is_discouragement_exempt("127.0.0.2"));
  EXPECT_FALSE(is_discouragement_exempt("10.0.0.7"));
}

}  // namespace
}  // namespace ac::actors
