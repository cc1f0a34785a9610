#include <gtest/gtest.h>

#include <map>

#include "chain/block_index.hpp"
#include "chain/chain_storage.hpp"
#include "chain/connect.hpp"
#include "chain/orphan_pool.hpp"
#include "chain/pow.hpp"
#include "chain/store.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;

std::map<OutPoint, Coin> all_coins(const Store& store) {
  std::map<OutPoint, Coin> out;
  store.for_each_coin([&](const OutPoint& outpoint, const Coin& coin) { out[outpoint] = coin; });
  return out;
}

// One node's storage and chain state in a temporary directory.
class Node {
 public:
  Node(const ChainParams& params, int64_t& now) : params_(params), now_(now) { open(); }

  void open() {
    auto storage = open_chain_storage(dir_.str(), params_, {{}, 2, [this] { return now_; }});
    chain_test::require(storage.ok(), "store and chain state open");
    storage_ = std::move(storage).value();
  }
  void close() { storage_.close(); }

  ChainState& chain() { return *storage_.chain; }
  Store& store() { return *storage_.store; }

 private:
  ChainParams params_;
  int64_t& now_;
  chain_test::TempDir dir_;
  ChainStorage storage_;
};

class ChainStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status created = chain().create_genesis(genesis);
    ASSERT_TRUE(created) << created.error().message();
  }

  ChainState& chain() { return node.chain(); }

  AcceptOutcome accept(const Block& block) {
    Result<AcceptOutcome> outcome = chain().accept_block(block);
    EXPECT_TRUE(outcome) << outcome.error().message();
    return outcome ? *outcome : AcceptOutcome{};
  }

  // `count` empty blocks on top of `from` (at `from_height`); `branch` keeps siblings apart.
  std::vector<Block> extend(const Block& from, int from_height, int count, uint64_t branch = 0) {
    std::vector<Block> blocks;
    const Block* parent = &from;
    for (int i = 0; i < count; ++i) {
      blocks.push_back(
          chain_test::make_child(*parent, from_height + i, key, params, {}, 0, branch));
      parent = &blocks.back();
    }
    return blocks;
  }

  TxOut pay(Amount value) const { return TxOut{value, key.script()}; }

  ChainParams params = quick_params();
  TestKey key{1};
  int64_t now = chain_test::kTestNow;
  Node node{params, now};
  Block genesis = chain_test::make_genesis(key, params);
};

TEST_F(ChainStateTest, CreateGenesisMakesItTheTipWithSpendableCoinbase) {
  ASSERT_TRUE(chain().tip());
  EXPECT_EQ(chain().tip()->hash, genesis.hash());
  EXPECT_EQ(chain().tip()->height, 0);
  EXPECT_EQ(chain().genesis(), genesis.hash());
  std::optional<Coin> reward = node.store().coin(chain_test::coinbase_outpoint(genesis));
  ASSERT_TRUE(reward);
  EXPECT_TRUE(reward->is_coinbase);
  EXPECT_EQ(reward->output.value, params.subsidy);
  EXPECT_TRUE(chain().verify_chain());
}

TEST_F(ChainStateTest, CreateGenesisIsIdempotentAndRefusesAnotherGenesis) {
  EXPECT_TRUE(chain().create_genesis(genesis));
  Status other = chain().create_genesis(chain_test::make_genesis(TestKey(2), params));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.reason(), "genesis-exists");
}

// A node without a chain gets block 1 first (getblocks is answered from block 1): the block
// waits, its parent names the genesis to fetch, and adopting the genesis connects it.
TEST_F(ChainStateTest, WithoutGenesisBlocksWaitAndTheGenesisIsLearnedFromBlockOnesParent) {
  std::vector<Block> blocks = extend(genesis, 0, 3);
  Node empty(params, now);
  for (size_t i = 0; i < blocks.size(); ++i) {
    Result<AcceptOutcome> waiting = empty.chain().accept_block(blocks[i]);
    ASSERT_TRUE(waiting) << waiting.error().message();
    EXPECT_EQ(waiting->status, AcceptStatus::kOrphan);
    EXPECT_EQ(waiting->wanted_parent, blocks[i].header.prev_block);
  }
  EXPECT_FALSE(empty.chain().tip());
  // A genesis is adopted, not accepted.
  Result<AcceptOutcome> as_block = empty.chain().accept_block(genesis);
  ASSERT_FALSE(as_block);
  EXPECT_EQ(as_block.reason(), "no-genesis");
  EXPECT_EQ(as_block.kind(), ErrorKind::kLocal);  // the node's own state: costs no peer

  Result<AcceptOutcome> adopted = empty.chain().adopt_genesis(genesis);
  ASSERT_TRUE(adopted) << adopted.error().message();
  EXPECT_EQ(adopted->connected, (std::vector<Hash256>{genesis.hash(), blocks[0].hash(),
                                                      blocks[1].hash(), blocks[2].hash()}));
  EXPECT_EQ(empty.chain().tip()->hash, blocks[2].hash());
  EXPECT_TRUE(empty.chain().verify_chain());
  // With a chain, an orphan names no parent to fetch (the sync asks for inventory instead).
  Block later = extend(blocks[2], 3, 2)[1];
  Result<AcceptOutcome> orphan = empty.chain().accept_block(later);
  ASSERT_TRUE(orphan);
  EXPECT_EQ(orphan->status, AcceptStatus::kOrphan);
  EXPECT_FALSE(orphan->wanted_parent);
}

TEST_F(ChainStateTest, RejectsBlockWithoutParentThatIsNotOurGenesis) {
  Result<AcceptOutcome> outcome =
      chain().accept_block(chain_test::make_genesis(TestKey(2), params));
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.reason(), "different-genesis");
  EXPECT_EQ(outcome.kind(), ErrorKind::kDifferentChain);
}

TEST_F(ChainStateTest, ExtendsLinearChainAndReportsConfirmedTransactions) {
  Transaction spend = chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)},
                                             {pay(params.subsidy - kCoin)});
  Block first = chain_test::make_child(genesis, 0, key, params, {spend}, kCoin);
  AcceptOutcome outcome = accept(first);
  EXPECT_EQ(outcome.status, AcceptStatus::kNewTip);
  EXPECT_EQ(outcome.connected, std::vector<Hash256>{first.hash()});
  EXPECT_TRUE(outcome.disconnected.empty());
  EXPECT_EQ(outcome.confirmed_transactions, std::vector<Transaction>{spend});

  std::vector<Block> more = extend(first, 1, 4);
  for (const Block& block : more) EXPECT_EQ(accept(block).status, AcceptStatus::kNewTip);
  EXPECT_EQ(chain().tip()->hash, more.back().hash());
  EXPECT_EQ(chain().tip()->height, 5);
  EXPECT_EQ(chain().active_chain_hash_at(1), first.hash());
  EXPECT_FALSE(node.store().coin(chain_test::coinbase_outpoint(genesis)));
  EXPECT_TRUE(node.store().coin(OutPoint{spend.txid(), 0}));
  Status verified = chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
}

TEST_F(ChainStateTest, DuplicateBlockIsAlreadyHave) {
  Block block = extend(genesis, 0, 1)[0];
  accept(block);
  AcceptOutcome again = accept(block);
  EXPECT_EQ(again.status, AcceptStatus::kAlreadyHave);
  EXPECT_TRUE(again.connected.empty());
}

TEST_F(ChainStateTest, EqualWorkBranchKeepsTheFirstSeenTip) {
  Block a = extend(genesis, 0, 1, 0)[0];
  Block b = extend(genesis, 0, 1, 1)[0];
  accept(a);
  AcceptOutcome outcome = accept(b);
  EXPECT_EQ(outcome.status, AcceptStatus::kSideBranch);
  EXPECT_EQ(chain().tip()->hash, a.hash());
  EXPECT_TRUE(chain().contains(b.hash()));
  EXPECT_FALSE(chain().in_active_chain(b.hash()));
}

TEST_F(ChainStateTest, MoreWorkBranchReorganisesAndCoinsMatchARebuild) {
  const OutPoint reward = chain_test::coinbase_outpoint(genesis);
  Transaction shared = chain_test::make_spend(key, {reward}, {pay(params.subsidy - kCoin)});
  Transaction only_in_a = chain_test::make_spend(key, {OutPoint{shared.txid(), 0}}, {pay(kCoin)});
  Block a1 = chain_test::make_child(genesis, 0, key, params, {shared}, kCoin);
  Block a2 = chain_test::make_child(a1, 1, key, params, {only_in_a}, params.subsidy - 2 * kCoin);
  Block b1 = chain_test::make_child(genesis, 0, key, params, {}, 0, 1);
  Block b2 = chain_test::make_child(b1, 1, key, params, {shared}, kCoin, 1);
  Block b3 = chain_test::make_child(b2, 2, key, params, {}, 0, 1);

  accept(a1);
  accept(a2);
  EXPECT_EQ(accept(b1).status, AcceptStatus::kSideBranch);
  EXPECT_EQ(accept(b2).status, AcceptStatus::kSideBranch);
  AcceptOutcome outcome = accept(b3);
  EXPECT_EQ(outcome.status, AcceptStatus::kNewTip);
  EXPECT_EQ(outcome.disconnected, (std::vector<Hash256>{a2.hash(), a1.hash()}));
  EXPECT_EQ(outcome.connected, (std::vector<Hash256>{b1.hash(), b2.hash(), b3.hash()}));
  EXPECT_EQ(outcome.returned_transactions, std::vector<Transaction>{only_in_a});
  EXPECT_EQ(outcome.confirmed_transactions, std::vector<Transaction>{shared});
  EXPECT_EQ(chain().tip()->hash, b3.hash());
  Status verified = chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();

  Node rebuilt(params, now);
  ASSERT_TRUE(rebuilt.chain().create_genesis(genesis));
  for (const Block& block : {b1, b2, b3}) ASSERT_TRUE(rebuilt.chain().accept_block(block));
  EXPECT_EQ(all_coins(node.store()), all_coins(rebuilt.store()));
}

class InvalidBranch : public ChainStateTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(InvalidBranch, BranchInvalidAtItsSecondBlockLeavesTheOldTipAndIsMarkedFailed) {
  const std::string reason = GetParam();
  Transaction bad = chain_test::make_spend(
      key, {chain_test::coinbase_outpoint(genesis)},
      {pay(reason == "script-eval-false" ? params.subsidy - 1 : params.subsidy + 1)});
  if (reason == "script-eval-false") bad.outputs[0].value -= 1;
  Block a1 = chain_test::make_child(genesis, 0, key, params);
  Block a2 = chain_test::make_child(a1, 1, key, params);
  Block b1 = chain_test::make_child(genesis, 0, key, params, {}, 0, 1);
  Block b2 = chain_test::make_child(b1, 1, key, params, {bad}, 0, 1);
  Block b3 = chain_test::make_child(b2, 2, key, params, {}, 0, 1);
  Block b4 = chain_test::make_child(b3, 3, key, params, {}, 0, 1);
  accept(a1);
  accept(a2);
  const auto coins_before = all_coins(node.store());
  EXPECT_EQ(accept(b1).status, AcceptStatus::kSideBranch);
  EXPECT_EQ(accept(b2).status, AcceptStatus::kSideBranch);

  Result<AcceptOutcome> outcome = chain().accept_block(b3);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.reason(), reason);
  EXPECT_EQ(outcome.kind(), ErrorKind::kInvalid);
  EXPECT_EQ(chain().tip()->hash, a2.hash());
  EXPECT_TRUE(chain().record(b2.hash())->status & block_status::kFailed);
  EXPECT_TRUE(chain().record(b3.hash())->status & block_status::kFailedParent);
  EXPECT_FALSE(chain().record(b1.hash())->failed());
  EXPECT_EQ(all_coins(node.store()), coins_before);
  Status verified = chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();

  Result<AcceptOutcome> child = chain().accept_block(b4);
  ASSERT_FALSE(child);
  EXPECT_EQ(child.reason(), "bad-prevblk");
  EXPECT_EQ(child.kind(), ErrorKind::kInvalidParent);
  Result<AcceptOutcome> again = chain().accept_block(b2);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.reason(), "duplicate-invalid");
  EXPECT_EQ(again.kind(), ErrorKind::kCachedInvalid);

  node.close();
  node.open();
  EXPECT_EQ(chain().tip()->hash, a2.hash());
  EXPECT_TRUE(chain().record(b2.hash())->failed());
  EXPECT_TRUE(chain().record(b3.hash())->failed());
}

INSTANTIATE_TEST_SUITE_P(Reasons, InvalidBranch,
                         ::testing::Values("script-eval-false", "outputs-exceed-inputs"));

TEST_F(ChainStateTest, OrphansConnectOnceTheirParentArrives) {
  std::vector<Block> blocks = extend(genesis, 0, 3);
  EXPECT_EQ(accept(blocks[2]).status, AcceptStatus::kOrphan);
  EXPECT_EQ(accept(blocks[1]).status, AcceptStatus::kOrphan);
  EXPECT_TRUE(chain().is_orphan(blocks[2].hash()));
  EXPECT_TRUE(chain().contains(blocks[1].hash()));
  EXPECT_EQ(chain().tip()->height, 0);

  AcceptOutcome outcome = accept(blocks[0]);
  EXPECT_EQ(outcome.status, AcceptStatus::kNewTip);
  EXPECT_EQ(outcome.accepted_orphans, (std::vector<Hash256>{blocks[1].hash(), blocks[2].hash()}));
  EXPECT_EQ(outcome.connected,
            (std::vector<Hash256>{blocks[0].hash(), blocks[1].hash(), blocks[2].hash()}));
  EXPECT_EQ(chain().tip()->hash, blocks[2].hash());
  EXPECT_FALSE(chain().is_orphan(blocks[2].hash()));
}

TEST_F(ChainStateTest, InvalidWaitingOrphanDoesNotFailItsParent) {
  Block parent = chain_test::make_child(genesis, 0, key, params);
  chain_test::BlockSpec spec;
  spec.parent = parent.hash();
  spec.height = 9;  // the coinbase commits to the wrong height
  spec.time = parent.header.time + 60;
  spec.payout_script = key.script();
  Block orphan = chain_test::make_block(spec, params);
  EXPECT_EQ(accept(orphan).status, AcceptStatus::kOrphan);

  AcceptOutcome outcome = accept(parent);
  EXPECT_EQ(outcome.status, AcceptStatus::kNewTip);
  EXPECT_TRUE(outcome.accepted_orphans.empty());
  EXPECT_EQ(chain().tip()->hash, parent.hash());
  EXPECT_FALSE(chain().is_orphan(orphan.hash()));
  EXPECT_TRUE(chain().record(orphan.hash())->failed());
}

TEST_F(ChainStateTest, LocatorListsTenRecentBlocksThenDoublingStepsToGenesis) {
  std::vector<Block> blocks = extend(genesis, 0, 30);
  for (const Block& block : blocks) accept(block);
  std::vector<Hash256> expected;
  for (int height : {30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 17, 13, 5, 0}) {
    expected.push_back(*chain().active_chain_hash_at(height));
  }
  EXPECT_EQ(chain().locator(), expected);
}

TEST_F(ChainStateTest, HashesAfterStartFromTheFirstLocatorHashOnTheActiveChain) {
  std::vector<Block> blocks = extend(genesis, 0, 10);
  for (const Block& block : blocks) accept(block);
  Block side = chain_test::make_child(genesis, 0, key, params, {}, 0, 7);
  accept(side);
  auto at = [&](int height) { return *chain().active_chain_hash_at(height); };

  const std::vector<Hash256> locator{side.hash(), at(4), at(2)};
  EXPECT_EQ(chain().hashes_after(locator, Hash256{}),
            (std::vector<Hash256>{at(5), at(6), at(7), at(8), at(9), at(10)}));
  EXPECT_EQ(chain().hashes_after(locator, at(8)), (std::vector<Hash256>{at(5), at(6), at(7)}));
  EXPECT_EQ(chain().hashes_after(locator, Hash256{}, 2), (std::vector<Hash256>{at(5), at(6)}));
  // An empty or unmatched locator: from block 1, as Core (the fork point is the genesis).
  std::vector<Hash256> everything = chain().hashes_after({}, Hash256{});
  ASSERT_EQ(everything.size(), 10u);
  EXPECT_EQ(everything.front(), at(1));
  EXPECT_EQ(chain().hashes_after({side.hash()}, Hash256{}), everything);
  // A chain of the genesis alone: an empty locator gets the genesis (no block 1 names it).
  Node lone(params, now);
  ASSERT_TRUE(lone.chain().create_genesis(genesis));
  EXPECT_EQ(lone.chain().hashes_after({}, Hash256{}), std::vector<Hash256>{genesis.hash()});
  EXPECT_TRUE(lone.chain().hashes_after({genesis.hash()}, Hash256{}).empty());
}

TEST_F(ChainStateTest, HeadersAfterAnswerGetheadersAsCore) {
  std::vector<Block> blocks = extend(genesis, 0, 10);
  for (const Block& block : blocks) accept(block);
  Block side = chain_test::make_child(genesis, 0, key, params, {}, 0, 7);
  accept(side);
  auto at = [&](int height) { return *chain().active_chain_hash_at(height); };
  auto hashes = [](const std::vector<BlockHeader>& headers) {
    std::vector<Hash256> out;
    for (const BlockHeader& header : headers) out.push_back(header.hash());
    return out;
  };

  const std::vector<Hash256> locator{side.hash(), at(4), at(2)};
  EXPECT_EQ(hashes(chain().headers_after(locator, Hash256{})),
            (std::vector<Hash256>{at(5), at(6), at(7), at(8), at(9), at(10)}));
  // The stop header is included (getblocks stops before it).
  EXPECT_EQ(hashes(chain().headers_after(locator, at(7))),
            (std::vector<Hash256>{at(5), at(6), at(7)}));
  EXPECT_EQ(hashes(chain().headers_after(locator, Hash256{}, 2)),
            (std::vector<Hash256>{at(5), at(6)}));
  // No locator hash on our chain: from block 1, as Core (the fork point is the genesis).
  std::vector<BlockHeader> unmatched = chain().headers_after({side.hash()}, Hash256{});
  ASSERT_EQ(unmatched.size(), 10u);
  EXPECT_EQ(unmatched.front().hash(), at(1));
  // An empty locator asks for the stop's header alone, on the active chain or not.
  EXPECT_EQ(hashes(chain().headers_after({}, at(3))), (std::vector<Hash256>{at(3)}));
  EXPECT_EQ(hashes(chain().headers_after({}, side.hash())), (std::vector<Hash256>{side.hash()}));
  EXPECT_TRUE(chain().headers_after({}, Hash256{}).empty());
}

TEST_F(ChainStateTest, RestartKeepsTipAndCoins) {
  Transaction spend =
      chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)}, {pay(params.subsidy)});
  Block first = chain_test::make_child(genesis, 0, key, params, {spend});
  accept(first);
  std::vector<Block> more = extend(first, 1, 3);
  for (const Block& block : more) accept(block);
  const ChainTip tip = *chain().tip();
  const auto coins = all_coins(node.store());

  node.close();
  node.open();
  ASSERT_TRUE(chain().tip());
  EXPECT_EQ(chain().tip()->hash, tip.hash);
  EXPECT_EQ(chain().tip()->height, tip.height);
  EXPECT_EQ(chain().tip()->chain_work, tip.chain_work);
  EXPECT_EQ(all_coins(node.store()), coins);
  Status verified = chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
  EXPECT_EQ(accept(extend(more.back(), 4, 1)[0]).status, AcceptStatus::kNewTip);
}

// Stores `block` (child of `parent`) as accept_block does, without connecting it: the state
// a crash leaves between storing a block and moving the tip.
void store_only(Store& store, const Block& block, const BlockIndexRecord& parent) {
  BlockIndexRecord record;
  record.hash = block.hash();
  record.header = block.header;
  record.height = parent.height + 1;
  record.chain_work = parent.chain_work + block_work(block.header.bits);
  record.status = block_status::kHaveData | block_status::kValidChecked;
  chain_test::require(store.put_block(block, record).ok(), "put_block");
}

TEST_F(ChainStateTest, OpenConnectsABlockStoredButNotConnectedBeforeACrash) {
  Block block = extend(genesis, 0, 1)[0];
  store_only(node.store(), block, *chain().record(genesis.hash()));
  node.close();
  node.open();
  EXPECT_EQ(chain().tip()->hash, block.hash());
  Status verified = chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
}

TEST_F(ChainStateTest, OpenFinishesAReorganisationACrashInterrupted) {
  Transaction spend =
      chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)}, {pay(params.subsidy)});
  std::vector<Block> a{chain_test::make_child(genesis, 0, key, params, {spend})};
  a.push_back(chain_test::make_child(a[0], 1, key, params));
  std::vector<Block> b = extend(genesis, 0, 3, 1);
  for (const Block& block : a) accept(block);
  BlockIndexRecord parent = *chain().record(genesis.hash());
  for (const Block& block : b) {
    store_only(node.store(), block, parent);
    parent = {block.hash(), block.header, parent.height + 1,
              parent.chain_work + block_work(block.header.bits), 0};
  }
  // The crash came after both blocks of the old branch were disconnected, one batch each.
  for (auto block = a.rbegin(); block != a.rend(); ++block) {
    Result<StoreDelta> change =
        disconnect_block(*block, *node.store().undo(block->hash()), node.store());
    ASSERT_TRUE(change) << change.error().message();
    ASSERT_TRUE(node.store().apply(*change));
  }
  node.close();
  node.open();
  EXPECT_EQ(chain().tip()->hash, b.back().hash());
  Status verified = chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
}

TEST_F(ChainStateTest, TipSettlesOnTheValidPartOfABetterBranchWhenItsEndIsInvalid) {
  Block a1 = chain_test::make_child(genesis, 0, key, params);
  accept(a1);
  Transaction bad = chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)},
                                           {pay(params.subsidy + 1)});
  std::vector<Block> b = extend(genesis, 0, 2, 1);
  b.push_back(chain_test::make_child(b.back(), 2, key, params, {bad}, 0, 1));
  // Stored but never connected (as after a crash): open() finds the better branch.
  BlockIndexRecord parent = *chain().record(genesis.hash());
  for (const Block& block : b) {
    store_only(node.store(), block, parent);
    parent = {block.hash(), block.header, parent.height + 1,
              parent.chain_work + block_work(block.header.bits), 0};
  }
  node.close();
  node.open();
  // b[0..1] have more work than a1 and are valid: most work wins, not the old tip.
  EXPECT_EQ(chain().tip()->hash, b[1].hash());
  EXPECT_TRUE(chain().record(b[2].hash())->status & block_status::kFailed);
  Status verified = chain().verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
}

TEST_F(ChainStateTest, BlockTooFarInTheFutureIsNotMarkedAndAcceptedLater) {
  chain_test::BlockSpec spec;
  spec.parent = genesis.hash();
  spec.height = 1;
  spec.time = static_cast<uint32_t>(now + 3 * 60 * 60);
  spec.payout_script = key.script();
  Block block = chain_test::make_block(spec, params);
  Result<AcceptOutcome> early = chain().accept_block(block);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.reason(), "time-too-new");
  EXPECT_EQ(early.kind(), ErrorKind::kTimeTooNew);
  EXPECT_FALSE(chain().record(block.hash()));

  now += 2 * 60 * 60;
  EXPECT_EQ(accept(block).status, AcceptStatus::kNewTip);
}

TEST_F(ChainStateTest, CorruptedCopyDoesNotPoisonTheGenuineBlock) {
  Transaction spend =
      chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)}, {pay(params.subsidy)});
  Block genuine = chain_test::make_child(genesis, 0, key, params, {spend});
  Block corrupted = genuine;
  corrupted.transactions[1].outputs[0].value -= 1;  // same header, so same hash
  Result<AcceptOutcome> rejected = chain().accept_block(corrupted);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.reason(), "merkle-root-mismatch");
  EXPECT_EQ(rejected.kind(), ErrorKind::kDamaged);
  EXPECT_FALSE(chain().contains(genuine.hash()));
  EXPECT_EQ(accept(genuine).status, AcceptStatus::kNewTip);
}

// A rule broken by a body the header does not commit to is damage, whichever rule it is: here
// the body grown in transit breaks the size limit, checked before the merkle root.
TEST_F(ChainStateTest, RuleBrokenByABodyTheHeaderDoesNotCommitToIsDamage) {
  Block genuine = chain_test::make_child(genesis, 0, key, params);
  Block damaged = genuine;
  Transaction filler = chain_test::make_spend(key, {chain_test::coinbase_outpoint(genesis)},
                                              {TxOut{1, Bytes(params.max_block_bytes, 0x6a)}});
  damaged.transactions.push_back(filler);
  Result<AcceptOutcome> rejected = chain().accept_block(damaged);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.reason(), "block-oversize");
  EXPECT_EQ(rejected.kind(), ErrorKind::kDamaged);
  EXPECT_FALSE(chain().contains(genuine.hash()));
  EXPECT_EQ(accept(genuine).status, AcceptStatus::kNewTip);
}

TEST_F(ChainStateTest, BlockWithoutProofOfWorkIsInvalidButNotRemembered) {
  Block block = chain_test::make_child(genesis, 0, key, params);
  while (check_proof_of_work(block.hash(), block.header.bits, params)) ++block.header.nonce;
  Result<AcceptOutcome> rejected = chain().accept_block(block);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.reason(), "high-hash");
  EXPECT_EQ(rejected.kind(), ErrorKind::kInvalidHeader);
  EXPECT_FALSE(chain().contains(block.hash()));
}

TEST_F(ChainStateTest, PermanentlyInvalidBlockIsRememberedAsInvalid) {
  chain_test::BlockSpec spec;
  spec.parent = genesis.hash();
  spec.height = 7;  // the coinbase commits to the wrong height
  spec.time = genesis.header.time + 60;
  spec.payout_script = key.script();
  Block block = chain_test::make_block(spec, params);
  Result<AcceptOutcome> rejected = chain().accept_block(block);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.reason(), "bad-coinbase-height");
  EXPECT_EQ(rejected.kind(), ErrorKind::kInvalid);
  ASSERT_TRUE(chain().record(block.hash()));
  EXPECT_TRUE(chain().record(block.hash())->failed());
  Result<AcceptOutcome> again = chain().accept_block(block);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.reason(), "duplicate-invalid");
}

TEST_F(ChainStateTest, VerifyChainDetectsTamperedCoins) {
  accept(extend(genesis, 0, 1)[0]);
  StoreDelta tamper;
  tamper.new_tip = chain().tip()->hash;
  tamper.coins_added.emplace_back(OutPoint{sha256(as_span("forged")), 0},
                                  Coin{pay(kCoin), 1, false});
  ASSERT_TRUE(node.store().apply(tamper));
  Status verified = chain().verify_chain();
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.reason(), "coins-mismatch");
}

TEST_F(ChainStateTest, MedianTimePastIsTheMiddleOfTheLastElevenTimes) {
  std::vector<Block> blocks = extend(genesis, 0, 12);
  for (const Block& block : blocks) accept(block);
  // Times rise by 60 s a block: the median of heights 2..12 is height 7's time.
  EXPECT_EQ(chain().median_time_past(blocks.back().hash()), blocks[6].header.time);
}

Block block_at(int seed) {
  Block block;
  block.header.prev_block = sha256(Bytes{static_cast<uint8_t>(seed / 2)});
  block.header.nonce = static_cast<uint32_t>(seed);
  block.transactions.push_back(make_coinbase(1, kCoin, Bytes{0x51}));
  return block;
}

TEST(OrphanPool, EvictsTheOldestBeyondItsCount) {
  OrphanPool pool(2, 1 << 20);
  for (int seed = 0; seed < 3; ++seed) EXPECT_TRUE(pool.add(block_at(seed).hash(), block_at(seed)));
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_FALSE(pool.contains(block_at(0).hash()));
  EXPECT_TRUE(pool.contains(block_at(2).hash()));
}

TEST(OrphanPool, EvictsTheOldestBeyondItsBytesAndRefusesOversizedBlocks) {
  const size_t one = block_at(0).serialized_size();
  OrphanPool pool(100, 2 * one);
  for (int seed = 0; seed < 3; ++seed) pool.add(block_at(seed).hash(), block_at(seed));
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_LE(pool.bytes(), 2 * one);
  OrphanPool tiny(100, one - 1);
  EXPECT_FALSE(tiny.add(block_at(0).hash(), block_at(0)));
}

TEST(OrphanPool, TakeChildrenReturnsOnlyThatParentsBlocksOldestFirst) {
  OrphanPool pool;
  for (int seed = 0; seed < 4; ++seed) pool.add(block_at(seed).hash(), block_at(seed));
  std::vector<Block> children = pool.take_children(block_at(2).header.prev_block);
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0], block_at(2));
  EXPECT_EQ(children[1], block_at(3));
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_TRUE(pool.take_children(block_at(2).header.prev_block).empty());
}

}  // namespace
}  // namespace ac
