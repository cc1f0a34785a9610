#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "chain/block.hpp"
#include "chain/hash.hpp"
#include "chain/merkle.hpp"

namespace ac {
namespace {

// Bitcoin mainnet block 100,000: four transactions, raw serialization as hex.
Block load_block_100000() {
  std::ifstream file(std::string(ACTORCHAIN_TEST_DATA_DIR) + "/block100000.hex");
  std::stringstream text;
  text << file.rdbuf();
  std::string hex = text.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  const auto raw = from_hex(hex);
  EXPECT_TRUE(raw.has_value());
  if (!raw) return {};
  auto block = decode_block(*raw);
  EXPECT_TRUE(block.ok());
  return block.ok() ? *block : Block{};
}

std::vector<Hash256> txids_of(const Block& block) {
  std::vector<Hash256> txids;
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  return txids;
}

Hash256 hash_of(const char* text) {
  return sha256d(as_span(text));
}

TEST(MerkleRoot, MainnetBlock100000MatchesPublishedIds) {
  const Block block = load_block_100000();
  ASSERT_EQ(block.transactions.size(), 4u);
  EXPECT_EQ(block.hash().hex(), "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506");
  const std::vector<Hash256> txids = txids_of(block);
  EXPECT_EQ(txids[0].hex(), "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87");
  EXPECT_EQ(txids[1].hex(), "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4");
  EXPECT_EQ(txids[2].hex(), "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4");
  EXPECT_EQ(txids[3].hex(), "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d");

  bool mutated = true;
  const Hash256 root = merkle_root(txids, &mutated);
  EXPECT_EQ(root.hex(), "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766");
  EXPECT_EQ(root, block.header.merkle_root);
  EXPECT_FALSE(mutated);
}

TEST(MerkleRoot, DuplicatedLastTransactionKeepsRootButIsMutated) {
  const Block block = load_block_100000();
  std::vector<Hash256> txids = txids_of(block);
  // Odd-length [a, b, c] duplicates c itself, so [a, b, c, c] hashes the same: CVE-2012-2459.
  txids.pop_back();
  bool mutated = true;
  const Hash256 odd_root = merkle_root(txids, &mutated);
  EXPECT_FALSE(mutated);
  txids.push_back(txids.back());
  EXPECT_EQ(merkle_root(txids, &mutated), odd_root);
  EXPECT_TRUE(mutated);
}

TEST(MerkleRoot, DuplicatedSubtreeIsMutated) {
  const std::vector<Hash256> leaves = {hash_of("a"), hash_of("b"), hash_of("c"),
                                       hash_of("d"), hash_of("e"), hash_of("f")};
  const std::vector<Hash256> malleated = {hash_of("a"), hash_of("b"), hash_of("c"), hash_of("d"),
                                          hash_of("e"), hash_of("f"), hash_of("e"), hash_of("f")};
  bool mutated = false;
  const Hash256 root = merkle_root(leaves, &mutated);
  EXPECT_FALSE(mutated);
  EXPECT_EQ(merkle_root(malleated, &mutated), root);
  EXPECT_TRUE(mutated);
}

TEST(MerkleRoot, IdenticalLeavesInDifferentPairsAreNotMutated) {
  const std::vector<Hash256> leaves = {hash_of("a"), hash_of("b"), hash_of("a")};
  bool mutated = true;
  (void)merkle_root(leaves, &mutated);
  EXPECT_FALSE(mutated);
}

TEST(MerkleRoot, SingleLeafIsItsOwnRoot) {
  const Hash256 leaf = hash_of("only");
  EXPECT_EQ(merkle_root(std::vector<Hash256>{leaf}), leaf);
}

TEST(MerkleRoot, EmptyListGivesZeroHash) {
  EXPECT_TRUE(merkle_root({}).is_zero());
}

TEST(MerkleRoot, TwoLeavesHashTheirConcatenation) {
  const Hash256 left = hash_of("left");
  const Hash256 right = hash_of("right");
  Bytes joined(left.begin(), left.end());
  joined.insert(joined.end(), right.begin(), right.end());
  EXPECT_EQ(merkle_root(std::vector<Hash256>{left, right}), sha256d(joined));
}

}  // namespace
}  // namespace ac
