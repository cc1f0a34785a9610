#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "chain/memory_coins.hpp"
#include "chain/mempool.hpp"
#include "signing_helpers.hpp"

namespace ac {
namespace {

constexpr int kNextHeight = 10;

class MempoolTest : public ::testing::Test {
 protected:
  MempoolTest() {
    params.coinbase_maturity = 5;
    for (uint8_t i = 1; i <= 20; ++i)
      chain.add(chain_outpoint(i), Coin{TxOut{10 * kCoin, key.script_pubkey}, 1, false});
  }

  static OutPoint chain_outpoint(uint8_t tag) {
    OutPoint out;
    out.txid.data[0] = tag;
    out.txid.data[31] = 0xc0;
    return out;
  }

  // A transaction spending `prevouts` (all paying `key`) to outputs of `values`, signed.
  Transaction make_tx(std::vector<OutPoint> prevouts, std::vector<Amount> values) const {
    Transaction tx;
    for (const OutPoint& prevout : prevouts) tx.inputs.push_back(TxIn{prevout, {}, 0xffffffff});
    for (Amount value : values) tx.outputs.push_back(TxOut{value, key.script_pubkey});
    for (size_t i = 0; i < tx.inputs.size(); ++i) test::sign_input(tx, i, key);
    return tx;
  }

  Result<Hash256> accept(Mempool& target, const Transaction& tx) {
    return target.accept(tx, chain, kNextHeight, params, verifier);
  }
  Result<Hash256> accept(const Transaction& tx) { return accept(pool, tx); }

  const test::TestKey key = test::make_key(31);
  ChainParams params = quick_params();
  MemoryCoins chain;
  ScriptVerifier verifier{1};
  Mempool pool{1'000'000};
};

TEST_F(MempoolTest, AcceptsValidTransaction) {
  const Transaction tx = make_tx({chain_outpoint(1)}, {9 * kCoin});
  const auto txid = accept(tx);
  ASSERT_TRUE(txid.ok()) << txid.error().message();
  EXPECT_EQ(*txid, tx.txid());
  EXPECT_TRUE(pool.contains(tx.txid()));
  EXPECT_EQ(pool.get(tx.txid()), tx);
  EXPECT_EQ(pool.fee(tx.txid()), kCoin);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), tx.serialized_size());
}

TEST_F(MempoolTest, RejectsTransactionAlreadyPooled) {
  const Transaction tx = make_tx({chain_outpoint(1)}, {9 * kCoin});
  ASSERT_TRUE(accept(tx).ok());
  EXPECT_EQ(accept(tx).reason(), "tx-already-in-mempool");
  EXPECT_EQ(accept(tx).kind(), ErrorKind::kAlreadyHave);
}

TEST_F(MempoolTest, RejectsCoinbase) {
  Transaction coinbase;
  coinbase.inputs.push_back(TxIn{OutPoint::null(), {0x01, 0x02}, 0xffffffff});
  coinbase.outputs.push_back(TxOut{kCoin, key.script_pubkey});
  EXPECT_EQ(accept(coinbase).reason(), "coinbase-not-allowed");
  EXPECT_EQ(accept(coinbase).kind(), ErrorKind::kInvalid);
}

TEST_F(MempoolTest, RejectsDoubleSpendOfPooledInput) {
  ASSERT_TRUE(accept(make_tx({chain_outpoint(1)}, {9 * kCoin})).ok());
  EXPECT_EQ(accept(make_tx({chain_outpoint(1)}, {8 * kCoin})).reason(), "mempool-conflict");
  EXPECT_EQ(accept(make_tx({chain_outpoint(1)}, {8 * kCoin})).kind(), ErrorKind::kRefused);
  EXPECT_EQ(pool.size(), 1u);
}

TEST_F(MempoolTest, RejectsTransactionSpendingOneInputTwice) {
  // Without the context-free checks the input's value would be counted twice.
  Transaction tx = make_tx({chain_outpoint(1), chain_outpoint(1)}, {19 * kCoin});
  EXPECT_EQ(accept(tx).reason(), "tx-duplicate-inputs");
  EXPECT_EQ(pool.size(), 0u);
}

TEST_F(MempoolTest, RejectsMissingInputs) {
  EXPECT_EQ(accept(make_tx({chain_outpoint(99)}, {kCoin})).reason(), "missing-inputs");
  EXPECT_EQ(accept(make_tx({chain_outpoint(99)}, {kCoin})).kind(), ErrorKind::kMissingParent);
}

TEST_F(MempoolTest, RejectsOutputsAboveInputs) {
  EXPECT_EQ(accept(make_tx({chain_outpoint(1)}, {11 * kCoin})).reason(), "outputs-exceed-inputs");
}

TEST_F(MempoolTest, RejectsImmatureCoinbaseSpend) {
  chain.add(chain_outpoint(1), Coin{TxOut{10 * kCoin, key.script_pubkey}, kNextHeight - 1, true});
  EXPECT_EQ(accept(make_tx({chain_outpoint(1)}, {kCoin})).reason(), "premature-coinbase-spend");
  EXPECT_EQ(accept(make_tx({chain_outpoint(1)}, {kCoin})).kind(), ErrorKind::kRefused);
}

TEST_F(MempoolTest, RejectsBadSignature) {
  Transaction tx = make_tx({chain_outpoint(1)}, {9 * kCoin});
  tx.outputs[0].value -= 1;
  EXPECT_EQ(accept(tx).reason(), "script-eval-false");
  EXPECT_EQ(accept(tx).kind(), ErrorKind::kInvalid);
  EXPECT_EQ(pool.size(), 0u);
}

TEST_F(MempoolTest, AcceptsChildSpendingPooledOutput) {
  const Transaction parent = make_tx({chain_outpoint(1)}, {5 * kCoin, 4 * kCoin});
  ASSERT_TRUE(accept(parent).ok());
  const Transaction child = make_tx({OutPoint{parent.txid(), 1}}, {3 * kCoin});
  const auto txid = accept(child);
  ASSERT_TRUE(txid.ok()) << txid.error().message();
  EXPECT_EQ(pool.fee(child.txid()), kCoin);
  EXPECT_EQ(accept(make_tx({OutPoint{parent.txid(), 2}}, {kCoin})).reason(), "missing-inputs");
}

class FullMempoolTest : public MempoolTest {
 protected:
  // Room for two of these one-input transactions, not three.
  Mempool sized_for(const Transaction& a, const Transaction& b) {
    return Mempool(a.serialized_size() + b.serialized_size() + 5);
  }
};

TEST_F(FullMempoolTest, EvictsLowestFeeRateToAdmitBetterPayer) {
  const Transaction low = make_tx({chain_outpoint(1)}, {10 * kCoin - 100});
  const Transaction high = make_tx({chain_outpoint(2)}, {10 * kCoin - 10'000});
  const Transaction middle = make_tx({chain_outpoint(3)}, {10 * kCoin - 1'000});
  Mempool small = sized_for(low, high);
  ASSERT_TRUE(accept(small, low).ok());
  ASSERT_TRUE(accept(small, high).ok());
  const auto added = accept(small, middle);
  ASSERT_TRUE(added.ok()) << added.error().message();
  EXPECT_FALSE(small.contains(low.txid()));
  EXPECT_TRUE(small.contains(high.txid()));
  EXPECT_TRUE(small.contains(middle.txid()));
  EXPECT_LE(small.bytes(), small.max_bytes());
}

TEST_F(FullMempoolTest, RejectsNewcomerPayingLeast) {
  const Transaction a = make_tx({chain_outpoint(1)}, {10 * kCoin - 1'000});
  const Transaction b = make_tx({chain_outpoint(2)}, {10 * kCoin - 2'000});
  const Transaction cheap = make_tx({chain_outpoint(3)}, {10 * kCoin - 10});
  Mempool small = sized_for(a, b);
  ASSERT_TRUE(accept(small, a).ok());
  ASSERT_TRUE(accept(small, b).ok());
  EXPECT_EQ(accept(small, cheap).reason(), "mempool-full");
  EXPECT_TRUE(small.contains(a.txid()));
  EXPECT_TRUE(small.contains(b.txid()));
}

TEST_F(FullMempoolTest, DoesNotEvictParentWithPooledChild) {
  const Transaction parent = make_tx({chain_outpoint(1)}, {10 * kCoin - 100});
  const Transaction child = make_tx({OutPoint{parent.txid(), 0}}, {10 * kCoin - 10'100});
  const Transaction newcomer = make_tx({chain_outpoint(3)}, {10 * kCoin - 1'000});
  Mempool small = sized_for(parent, child);
  ASSERT_TRUE(accept(small, parent).ok());
  ASSERT_TRUE(accept(small, child).ok());
  // The parent pays least but the child depends on it; the child pays more than the newcomer.
  EXPECT_EQ(accept(small, newcomer).reason(), "mempool-full");
  EXPECT_TRUE(small.contains(parent.txid()));
  EXPECT_TRUE(small.contains(child.txid()));
}

TEST_F(FullMempoolTest, DoesNotEvictTheNewcomersOwnParent) {
  const Transaction parent = make_tx({chain_outpoint(1)}, {10 * kCoin - 100});
  const Transaction other = make_tx({chain_outpoint(2)}, {10 * kCoin - 10'000});
  const Transaction child = make_tx({OutPoint{parent.txid(), 0}}, {10 * kCoin - 5'100});
  Mempool small = sized_for(parent, other);
  ASSERT_TRUE(accept(small, parent).ok());
  ASSERT_TRUE(accept(small, other).ok());
  EXPECT_EQ(accept(small, child).reason(), "mempool-full");
  EXPECT_TRUE(small.contains(parent.txid()));
}

TEST_F(FullMempoolTest, RejectsTransactionLargerThanThePool) {
  const Transaction tx = make_tx({chain_outpoint(1)}, {kCoin});
  Mempool tiny(tx.serialized_size() - 1);
  EXPECT_EQ(accept(tiny, tx).reason(), "mempool-full");
}

Block block_of(std::vector<Transaction> transactions) {
  Block block;
  Transaction coinbase;
  coinbase.inputs.push_back(TxIn{OutPoint::null(), {0x01, 0x02}, 0xffffffff});
  coinbase.outputs.push_back(TxOut{kCoin, {}});
  block.transactions.push_back(coinbase);
  for (Transaction& tx : transactions) block.transactions.push_back(std::move(tx));
  return block;
}

TEST_F(MempoolTest, RemoveForBlockDropsIncludedAndKeepsTheirChildren) {
  const Transaction parent = make_tx({chain_outpoint(1)}, {9 * kCoin});
  const Transaction child = make_tx({OutPoint{parent.txid(), 0}}, {8 * kCoin});
  const Transaction unrelated = make_tx({chain_outpoint(2)}, {9 * kCoin});
  ASSERT_TRUE(accept(parent).ok());
  ASSERT_TRUE(accept(child).ok());
  ASSERT_TRUE(accept(unrelated).ok());
  pool.remove_for_block(block_of({parent}));
  EXPECT_FALSE(pool.contains(parent.txid()));
  EXPECT_TRUE(pool.contains(child.txid()));
  EXPECT_TRUE(pool.contains(unrelated.txid()));
  EXPECT_EQ(pool.bytes(), child.serialized_size() + unrelated.serialized_size());
}

TEST_F(MempoolTest, RemoveForBlockDropsConflictsAndTheirDescendants) {
  const Transaction pooled = make_tx({chain_outpoint(1)}, {9 * kCoin});
  const Transaction child = make_tx({OutPoint{pooled.txid(), 0}}, {8 * kCoin});
  const Transaction grandchild = make_tx({OutPoint{child.txid(), 0}}, {7 * kCoin});
  const Transaction unrelated = make_tx({chain_outpoint(2)}, {9 * kCoin});
  for (const Transaction* tx : {&pooled, &child, &grandchild, &unrelated})
    ASSERT_TRUE(accept(*tx).ok());
  const Transaction confirmed_double_spend = make_tx({chain_outpoint(1)}, {5 * kCoin});
  pool.remove_for_block(block_of({confirmed_double_spend}));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_TRUE(pool.contains(unrelated.txid()));
  EXPECT_EQ(pool.bytes(), unrelated.serialized_size());
}

TEST_F(MempoolTest, SelectForBlockPutsParentsBeforeChildren) {
  const Transaction parent = make_tx({chain_outpoint(1)}, {10 * kCoin - 100});   // pays least
  const Transaction child = make_tx({OutPoint{parent.txid(), 0}}, {9 * kCoin});  // pays most
  const Transaction middle = make_tx({chain_outpoint(2)}, {10 * kCoin - 50'000});
  for (const Transaction* tx : {&parent, &child, &middle}) ASSERT_TRUE(accept(*tx).ok());
  const std::vector<Transaction> selected = pool.select_for_block(1'000'000);
  ASSERT_EQ(selected.size(), 3u);
  EXPECT_EQ(selected[0], middle);
  EXPECT_EQ(selected[1], parent);
  EXPECT_EQ(selected[2], child);
}

TEST_F(MempoolTest, SelectForBlockRespectsSizeLimit) {
  const Transaction a = make_tx({chain_outpoint(1)}, {10 * kCoin - 5'000});
  const Transaction b = make_tx({chain_outpoint(2)}, {10 * kCoin - 1'000});
  ASSERT_TRUE(accept(a).ok());
  ASSERT_TRUE(accept(b).ok());
  const std::vector<Transaction> selected = pool.select_for_block(a.serialized_size() + 3);
  ASSERT_EQ(selected.size(), 1u);
  EXPECT_EQ(selected[0], a);
  EXPECT_TRUE(pool.select_for_block(10).empty());
}

TEST_F(MempoolTest, AddBackRestoresDisconnectedTransactions) {
  const Transaction confirmed = make_tx({chain_outpoint(1)}, {9 * kCoin});
  // While `confirmed` is in the chain, a pooled child spends its output.
  chain.erase(chain_outpoint(1));
  chain.add(OutPoint{confirmed.txid(), 0}, Coin{confirmed.outputs[0], 5, false});
  const Transaction child = make_tx({OutPoint{confirmed.txid(), 0}}, {8 * kCoin});
  ASSERT_TRUE(accept(child).ok());

  // Disconnect the block: the chain forgets `confirmed` and has its input back.
  chain.erase(OutPoint{confirmed.txid(), 0});
  chain.add(chain_outpoint(1), Coin{TxOut{10 * kCoin, key.script_pubkey}, 1, false});
  const std::vector<Transaction> disconnected = {confirmed};
  const std::vector<Hash256> added =
      pool.add_back(disconnected, chain, kNextHeight - 1, params, verifier);
  EXPECT_EQ(added, std::vector<Hash256>{confirmed.txid()});
  EXPECT_TRUE(pool.contains(confirmed.txid()));
  EXPECT_TRUE(pool.contains(child.txid()));
  const std::vector<Transaction> selected = pool.select_for_block(1'000'000);
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[0], confirmed);
}

TEST_F(MempoolTest, AddBackDropsChildrenOfTransactionsThatNoLongerFit) {
  const Transaction confirmed = make_tx({chain_outpoint(1)}, {9 * kCoin});
  chain.erase(chain_outpoint(1));
  chain.add(OutPoint{confirmed.txid(), 0}, Coin{confirmed.outputs[0], 5, false});
  const Transaction child = make_tx({OutPoint{confirmed.txid(), 0}}, {8 * kCoin});
  const Transaction unrelated = make_tx({chain_outpoint(2)}, {9 * kCoin});
  ASSERT_TRUE(accept(child).ok());
  ASSERT_TRUE(accept(unrelated).ok());

  // After the reorg, `confirmed`'s input no longer exists (the other branch spent it).
  chain.erase(OutPoint{confirmed.txid(), 0});
  const std::vector<Transaction> disconnected = {confirmed};
  const std::vector<Hash256> added =
      pool.add_back(disconnected, chain, kNextHeight - 1, params, verifier);
  EXPECT_TRUE(added.empty());
  EXPECT_FALSE(pool.contains(confirmed.txid()));
  EXPECT_FALSE(pool.contains(child.txid()));
  EXPECT_TRUE(pool.contains(unrelated.txid()));
  EXPECT_EQ(pool.bytes(), unrelated.serialized_size());
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

// A spend of `prevout` with the given lock fields, signed after they are set.
Transaction locked_spend(const test::TestKey& key, const OutPoint& prevout, int32_t version,
                         uint32_t sequence, uint32_t lock_time) {
  Transaction tx;
  tx.version = version;
  tx.inputs.push_back(TxIn{prevout, {}, sequence});
  tx.outputs.push_back(TxOut{9 * kCoin, key.script_pubkey});
  tx.lock_time = lock_time;
  test::sign_input(tx, 0, key);
  return tx;
}

TEST_F(MempoolTest, RefusesTransactionNotFinalInTheNextBlock) {
  const Result<Hash256> early = accept(locked_spend(key, chain_outpoint(1), 1, 0, kNextHeight));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.reason(), "non-final");
  EXPECT_EQ(early.kind(), ErrorKind::kRefused);
  EXPECT_TRUE(accept(locked_spend(key, chain_outpoint(2), 1, 0, kNextHeight - 1)));
}

TEST_F(MempoolTest, RefusesRelativeLockTheNextBlockCannotSatisfy) {
  // The coins were created at height 1: a lock of 9 blocks first allows height 10, of 10
  // blocks height 11.
  const Result<Hash256> early = accept(locked_spend(key, chain_outpoint(1), 2, 10, 0));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.reason(), "non-BIP68-final");
  EXPECT_EQ(early.kind(), ErrorKind::kRefused);
  EXPECT_TRUE(accept(locked_spend(key, chain_outpoint(2), 2, 9, 0)));
}

TEST_F(MempoolTest, RemembersWhenEachTransactionEntered) {
  const Transaction first = make_tx({chain_outpoint(1)}, {9 * kCoin});
  const Transaction second = make_tx({chain_outpoint(2)}, {9 * kCoin});
  ASSERT_TRUE(pool.accept(first, chain, kNextHeight, params, verifier, 1'700'000'000));
  ASSERT_TRUE(pool.accept(second, chain, kNextHeight, params, verifier, 1'700'000'300));
  EXPECT_EQ(pool.entry_time(first.txid()), 1'700'000'000);
  EXPECT_EQ(pool.entry_time(second.txid()), 1'700'000'300);
  EXPECT_EQ(pool.entry_time(make_tx({chain_outpoint(3)}, {9 * kCoin}).txid()), std::nullopt);
}

// A parent with two children, one of which has a child: the graph Core's mempool RPCs report.
TEST_F(MempoolTest, EntryInfoReportsParentsChildrenAncestorsAndDescendants) {
  const Transaction parent = make_tx({chain_outpoint(1)}, {5 * kCoin, 4 * kCoin});  // fee 1
  const Transaction left = make_tx({OutPoint{parent.txid(), 0}}, {5 * kCoin - 300});
  const Transaction right = make_tx({OutPoint{parent.txid(), 1}}, {4 * kCoin - 200});
  const Transaction grandchild = make_tx({OutPoint{left.txid(), 0}}, {5 * kCoin - 700});
  const Transaction stranger = make_tx({chain_outpoint(2)}, {9 * kCoin});
  for (const Transaction* tx : {&parent, &left, &right, &grandchild, &stranger})
    ASSERT_TRUE(pool.accept(*tx, chain, kNextHeight, params, verifier, 1'700'000'000));

  const auto top = pool.entry_info(parent.txid());
  ASSERT_TRUE(top);
  EXPECT_EQ(top->txid, parent.txid());
  EXPECT_EQ(top->fee, kCoin);
  EXPECT_EQ(top->bytes, parent.serialized_size());
  EXPECT_EQ(top->entry_time, 1'700'000'000);
  EXPECT_EQ(top->height, kNextHeight - 1);
  EXPECT_TRUE(top->depends.empty());
  std::vector<Hash256> children = {left.txid(), right.txid()};
  std::sort(children.begin(), children.end());
  EXPECT_EQ(top->spent_by, children);
  EXPECT_EQ(top->ancestor_count, 1u);
  EXPECT_EQ(top->ancestor_fees, kCoin);
  EXPECT_EQ(top->descendant_count, 4u);
  EXPECT_EQ(top->descendant_bytes, parent.serialized_size() + left.serialized_size() +
                                       right.serialized_size() + grandchild.serialized_size());
  EXPECT_EQ(top->descendant_fees, kCoin + 300 + 200 + 400);

  const auto bottom = pool.entry_info(grandchild.txid());
  ASSERT_TRUE(bottom);
  EXPECT_EQ(bottom->depends, std::vector<Hash256>{left.txid()});
  EXPECT_TRUE(bottom->spent_by.empty());
  EXPECT_EQ(bottom->ancestor_count, 3u);
  EXPECT_EQ(bottom->ancestor_bytes,
            parent.serialized_size() + left.serialized_size() + grandchild.serialized_size());
  EXPECT_EQ(bottom->ancestor_fees, kCoin + 300 + 400);
  EXPECT_EQ(bottom->descendant_count, 1u);
  EXPECT_EQ(bottom->descendant_fees, 400);

  std::vector<Hash256> expected = {parent.txid(), left.txid()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(pool.ancestors(grandchild.txid()), expected);
  expected = {left.txid(), right.txid(), grandchild.txid()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(pool.descendants(parent.txid()), expected);
  EXPECT_TRUE(pool.descendants(stranger.txid()).empty());
  EXPECT_EQ(pool.entry_info(stranger.txid())->descendant_count, 1u);
  EXPECT_EQ(pool.entry_info(make_tx({chain_outpoint(3)}, {9 * kCoin}).txid()), std::nullopt);
  EXPECT_TRUE(pool.ancestors(make_tx({chain_outpoint(3)}, {9 * kCoin}).txid()).empty());

  EXPECT_EQ(pool.total_fee(), 2 * kCoin + 900);
  EXPECT_GT(pool.memory_usage(), pool.bytes());
  pool.remove_for_block(Block{{}, {parent}});
  EXPECT_EQ(pool.total_fee(), kCoin + 900);
  EXPECT_TRUE(pool.entry_info(left.txid())->depends.empty());
  EXPECT_EQ(pool.entry_info(grandchild.txid())->ancestor_count, 2u);
}

TEST_F(MempoolTest, EntryInfoOrdersParentsByTheirHexAsCore) {
  const Transaction a = make_tx({chain_outpoint(1)}, {9 * kCoin});
  const Transaction b = make_tx({chain_outpoint(2)}, {9 * kCoin});
  const Transaction child = make_tx({OutPoint{a.txid(), 0}, OutPoint{b.txid(), 0}}, {17 * kCoin});
  for (const Transaction& tx : std::vector<Transaction>{a, b, child}) ASSERT_TRUE(accept(tx));
  const auto info = pool.entry_info(child.txid());
  ASSERT_TRUE(info);
  ASSERT_EQ(info->depends.size(), 2u);
  EXPECT_LT(info->depends[0].hex(), info->depends[1].hex());
  EXPECT_EQ(info->ancestor_count, 3u);
  EXPECT_EQ(info->ancestor_fees, 3 * kCoin);
}

TEST_F(MempoolTest, EntryInfoTellsBip125SignalOfItOrAnAncestor) {
  Transaction parent = make_tx({chain_outpoint(1)}, {9 * kCoin});
  parent.inputs[0].sequence = 0xfffffffd;
  test::sign_input(parent, 0, key);
  const Transaction child = make_tx({OutPoint{parent.txid(), 0}}, {8 * kCoin});
  const Transaction final_one = make_tx({chain_outpoint(2)}, {9 * kCoin});
  for (const Transaction& tx : std::vector<Transaction>{parent, child, final_one})
    ASSERT_TRUE(accept(tx));
  EXPECT_TRUE(pool.entry_info(parent.txid())->replaceable);
  EXPECT_TRUE(pool.entry_info(child.txid())->replaceable);
  EXPECT_FALSE(pool.entry_info(final_one.txid())->replaceable);
}

}  // namespace
}  // namespace ac
