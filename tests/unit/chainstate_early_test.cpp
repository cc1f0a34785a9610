// ChainState::may_announce_early (chain/chainstate_early.cpp): which blocks may be relayed to
// high-bandwidth peers before they are connected (BIP152; Core's NewPoWValidBlock).
#include <gtest/gtest.h>

#include "chain/chain_storage.hpp"
#include "chain/chainstate.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;

class ChainStateEarlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto storage = open_chain_storage(dir.str(), params, {{}, 2, [this] { return now; }});
    ASSERT_TRUE(storage.ok());
    storage_ = std::move(storage).value();
    ASSERT_TRUE(chain().create_genesis(genesis));
  }
  ChainState& chain() { return *storage_.chain; }
  Block child_of(const Block& parent, int parent_height, uint64_t branch = 0) const {
    return chain_test::make_child(parent, parent_height, key, params, {}, 0, branch);
  }

  ChainParams params = quick_params();
  TestKey key{1};
  int64_t now = chain_test::kTestNow;
  chain_test::TempDir dir;
  ChainStorage storage_;
  Block genesis = chain_test::make_genesis(key, params);
};

TEST_F(ChainStateEarlyTest, ANewValidChildOfTheTipQualifies) {
  Block child = child_of(genesis, 0);
  EXPECT_TRUE(chain().may_announce_early(child));
  ASSERT_TRUE(chain().accept_block(child));
  EXPECT_FALSE(chain().may_announce_early(child)) << "known already";
  // A sibling of the tip does not extend it.
  EXPECT_FALSE(chain().may_announce_early(child_of(genesis, 0, 1)));
}

TEST_F(ChainStateEarlyTest, ABadHeaderOrBodyDoesNot) {
  Block no_work = child_of(genesis, 0);
  while (check_proof_of_work(no_work.hash(), no_work.header.bits, params)) ++no_work.header.nonce;
  EXPECT_FALSE(chain().may_announce_early(no_work));

  Block too_old = child_of(genesis, 0);
  too_old.header.time = genesis.header.time;  // not after the median time past
  chain_test::mine(too_old, params);
  EXPECT_FALSE(chain().may_announce_early(too_old));

  Block too_new = child_of(genesis, 0);
  too_new.header.time = static_cast<uint32_t>(now + params.max_future_block_time_seconds + 1);
  chain_test::mine(too_new, params);
  EXPECT_FALSE(chain().may_announce_early(too_new));

  Block wrong_root = child_of(genesis, 0);
  wrong_root.transactions[0].outputs[0].value -= 1;  // the header no longer commits to it
  EXPECT_FALSE(chain().may_announce_early(wrong_root));
}

}  // namespace
}  // namespace ac
