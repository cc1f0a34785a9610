#include "actors/misbehaviour.hpp"

#include <gtest/gtest.h>

namespace ac::actors {
namespace {

constexpr Penalty kNothing{0, false};
constexpr Penalty kDisconnect{0, true};
constexpr Penalty kFullScore{kDiscourageScore, true};

TEST(MisbehaviourTest, BlocksThatAreInvalidCostTheFullScore) {
  for (ErrorKind kind : {ErrorKind::kInvalid, ErrorKind::kInvalidHeader, ErrorKind::kCachedInvalid,
                         ErrorKind::kInvalidParent})
    EXPECT_EQ(block_penalty(kind), kFullScore) << kind_name(kind);
}

TEST(MisbehaviourTest, DamagedBlocksOnlyEndTheConnection) {
  EXPECT_EQ(block_penalty(ErrorKind::kDamaged), kDisconnect);
}

TEST(MisbehaviourTest, BlocksFromTheFutureOtherChainsAndLocalFailuresCostNothing) {
  for (ErrorKind kind : {ErrorKind::kTimeTooNew, ErrorKind::kDifferentChain, ErrorKind::kLocal,
                         ErrorKind::kMissingParent, ErrorKind::kRefused, ErrorKind::kBusy})
    EXPECT_EQ(block_penalty(kind), kNothing) << kind_name(kind);
}

TEST(MisbehaviourTest, BlocksOnABranchTheOperatorInvalidatedCostNothing) {
  EXPECT_EQ(block_penalty(ErrorKind::kInvalidatedByHand), kNothing);
  EXPECT_EQ(pushed_block_penalty(ErrorKind::kInvalidatedByHand), kNothing);
  EXPECT_EQ(headers_penalty(ErrorKind::kInvalidatedByHand), kNothing);
}

TEST(MisbehaviourTest, HeadersWithoutWorkCostTheFullScoreABrokenSequence20) {
  EXPECT_EQ(headers_penalty(ErrorKind::kInvalidHeader), (Penalty{kDiscourageScore, true}));
  EXPECT_EQ(headers_penalty(ErrorKind::kInvalid), (Penalty{kBadHeadersSequencePoints, false}));
}

TEST(MisbehaviourTest, OrdinaryTransactionRefusalsCostNothing) {
  for (ErrorKind kind : {ErrorKind::kRefused, ErrorKind::kMissingParent, ErrorKind::kLocal})
    EXPECT_EQ(tx_penalty(kind), kNothing) << kind_name(kind);
}

TEST(MisbehaviourTest, TransactionsNoChainAcceptsCostTheFullScore) {
  EXPECT_EQ(tx_penalty(ErrorKind::kInvalid), kFullScore);
}

TEST(MisbehaviourTest, OnlyOversizeOrMalformedFramesAreChargedAmongFramingFailures) {
  EXPECT_EQ(framing_penalty(ErrorKind::kDifferentChain), kDisconnect);  // bad magic
  EXPECT_EQ(framing_penalty(ErrorKind::kDamaged), kDisconnect);         // bad checksum
  EXPECT_EQ(framing_penalty(ErrorKind::kInvalid), kFullScore);          // too large, bad command
  EXPECT_EQ(framing_penalty(ErrorKind::kUnsupported), kNothing);        // unknown command
}

TEST(MisbehaviourTest, OnlyTheSharedLocalAddressIsExemptFromDiscouragement) {
  EXPECT_TRUE(is_discouragement_exempt("127.0.0.1"));
  EXPECT_TRUE(is_discouragement_exempt("::1"));
  EXPECT_FALSE(is_discouragement_exempt("127.0.0.2"));
  EXPECT_FALSE(is_discouragement_exempt("10.0.0.7"));
}

}  // namespace
}  // namespace ac::actors
