// The --txindex index (chain/tx_index.hpp): txid -> block, its tip, kept across a reopen.
#include <gtest/gtest.h>

#include "chain/tx_index.hpp"
#include "chain_fixture.hpp"

namespace ac {
namespace {

Block block_with(uint8_t tag, const Hash256& parent) {
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint{Hash256{}, 0xffffffff}, {0x01, tag}, 0xffffffff});
  tx.outputs.push_back(TxOut{50, {}});
  Block block;
  block.header.prev_block = parent;
  block.transactions = {tx};
  return block;
}

TEST(TxIndex, finds_the_block_of_each_indexed_transaction_and_survives_a_reopen) {
  chain_test::TempDir dir;
  Block genesis = block_with(0, Hash256{});
  Block next = block_with(1, genesis.hash());
  {
    auto index = TxIndex::open(dir.path());
    ASSERT_TRUE(index) << index.error().message();
    EXPECT_FALSE((*index)->tip());
    ASSERT_TRUE((*index)->add_block(genesis, genesis.hash(), 0));
    ASSERT_TRUE((*index)->add_block(next, next.hash(), 1));
    EXPECT_EQ((*index)->find(genesis.transactions[0].txid()), genesis.hash());
    auto second = TxIndex::open(dir.path());  // this process holds it already
    ASSERT_FALSE(second);
    EXPECT_EQ(second.reason(), "txindex-locked");
  }
  auto index = TxIndex::open(dir.path());
  ASSERT_TRUE(index);
  EXPECT_EQ((*index)->find(next.transactions[0].txid()), next.hash());
  EXPECT_FALSE((*index)->find(Hash256{}));
  ASSERT_TRUE((*index)->tip());
  EXPECT_EQ((*index)->tip()->hash, next.hash());
  EXPECT_EQ((*index)->tip()->height, 1);
  ASSERT_TRUE((*index)->reset());
  EXPECT_FALSE((*index)->tip());
}

}  // namespace
}  // namespace ac
