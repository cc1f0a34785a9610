// The consensus rules that came with the regtest profile: its genesis and subsidy, lock-time
// finality by median time past (BIP113), relative lock-times (BIP68), the sigop cost limit
// (legacy and P2SH sigops) and block weight.
#include <gtest/gtest.h>

#include "chain/check_block.hpp"
#include "chain/connect.hpp"
#include "chain/interpreter.hpp"
#include "chain/memory_coins.hpp"
#include "chain/opcodes.hpp"
#include "chain/script_ops.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;

TEST(RegtestParams, GenesisIsBitcoinCoresRegtestGenesis) {
  const ChainParams params = regtest_params();
  ASSERT_TRUE(params.builtin_genesis);
  EXPECT_EQ(params.builtin_genesis->hash().hex(),
            "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
  EXPECT_EQ(params.builtin_genesis->header.merkle_root.hex(),
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  const std::vector<Hash256> txids = chain_test::txids_of(*params.builtin_genesis);
  EXPECT_TRUE(check_block(*params.builtin_genesis, txids, params).ok());
}

TEST(RegtestParams, GenesisCoinbaseNeverBecomesACoin) {
  const ChainParams params = regtest_params();
  const Block& genesis = *params.builtin_genesis;
  MemoryCoins coins;
  ScriptVerifier verifier(1);
  Result<StoreDelta> change =
      connect_block(genesis, chain_test::txids_of(genesis), 0, coins, params, verifier);
  ASSERT_TRUE(change) << change.error().message();
  EXPECT_TRUE(change->coins_added.empty());
  EXPECT_EQ(change->new_tip, genesis.hash());
}

TEST(RegtestParams, SubsidyHalvesEvery150Blocks) {
  const ChainParams params = regtest_params();
  EXPECT_EQ(block_subsidy(1, params), 50 * kCoin);
  EXPECT_EQ(block_subsidy(149, params), 50 * kCoin);
  EXPECT_EQ(block_subsidy(150, params), 25 * kCoin);
  EXPECT_EQ(block_subsidy(300, params), 1'250'000'000);
  EXPECT_EQ(block_subsidy(150 * 64, params), 0);
  EXPECT_EQ(block_subsidy(1'000'000, demo_params()), 10 * kCoin);  // the demo never halves
}

TEST(RegtestParams, NamedByChainOption) {
  EXPECT_EQ(params_by_name("regtest")->default_port, 18444);
  EXPECT_EQ(params_by_name("regtest")->magic, (std::array<uint8_t, 4>{0xfa, 0xbf, 0xb5, 0xda}));
  EXPECT_EQ(params_by_name("demo")->name, "demo");
  EXPECT_FALSE(params_by_name("mainnet"));
}

// --- lock-time finality -------------------------------------------------------------------

Transaction locked_tx(uint32_t lock_time, uint32_t sequence = 0) {
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint{sha256(as_span("coin")), 0}, {}, sequence});
  tx.outputs.push_back(TxOut{kCoin, {OP_1}});
  tx.lock_time = lock_time;
  return tx;
}

TEST(LockTimeFinality, HeightLockIsFinalOnlyAboveItsHeight) {
  EXPECT_FALSE(is_final_tx(locked_tx(100), 100, 0));
  EXPECT_TRUE(is_final_tx(locked_tx(100), 101, 0));
}

TEST(LockTimeFinality, FinalSequencesOverrideTheLockTime) {
  EXPECT_TRUE(is_final_tx(locked_tx(100, 0xffffffff), 50, 0));
}

TEST(LockTimeFinality, TimeLockComparesWithTheGivenClock) {
  const uint32_t when = 1'600'000'000;
  EXPECT_FALSE(is_final_tx(locked_tx(when), 1'000'000, when));
  EXPECT_TRUE(is_final_tx(locked_tx(when), 1, when + 1));
}

class ContextualFinality : public ::testing::Test {
 protected:
  Block block_with(const Transaction& tx, uint32_t time, int height) {
    chain_test::BlockSpec spec;
    spec.parent = sha256(as_span("parent"));
    spec.height = height;
    spec.time = time;
    spec.payout_script = key.script();
    spec.transactions = {tx};
    return chain_test::make_block(spec, params);
  }
  ChainParams params = regtest_params();
  TestKey key{3};
};

TEST_F(ContextualFinality, NonFinalTransactionMakesTheBlockInvalid) {
  const Block block = block_with(locked_tx(10), chain_test::kGenesisTime, 10);
  Status status =
      contextual_check_block(block, 10, chain_test::kGenesisTime - 1, chain_test::kTestNow, params);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "bad-txns-nonfinal");
  const Block later = block_with(locked_tx(10), chain_test::kGenesisTime, 11);
  EXPECT_TRUE(contextual_check_block(later, 11, chain_test::kGenesisTime - 1, chain_test::kTestNow,
                                     params));
}

TEST_F(ContextualFinality, TimeLocksCompareWithMedianTimePastNotBlockTime) {
  // The block's own time is past the lock time, the median time past is not (BIP113).
  const uint32_t lock_time = chain_test::kGenesisTime;
  const Block block = block_with(locked_tx(lock_time), lock_time + 600, 5);
  Status status = contextual_check_block(block, 5, lock_time - 1, chain_test::kTestNow, params);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "bad-txns-nonfinal");
  EXPECT_TRUE(contextual_check_block(block, 5, lock_time + 1, chain_test::kTestNow, params));
}

TEST_F(ContextualFinality, DemoChainComparesWithTheBlockTime) {
  params = quick_params();
  params.script_flags &= ~verify_flags::kCheckSequenceVerify;
  const uint32_t lock_time = chain_test::kGenesisTime;
  const Block block = block_with(locked_tx(lock_time), lock_time + 600, 5);
  EXPECT_TRUE(contextual_check_block(block, 5, lock_time - 1, chain_test::kTestNow, params));
}

// --- connect_block: BIP68 and sigops ------------------------------------------------------

class ConnectRules : public ::testing::Test {
 protected:
  OutPoint fund(Amount value, int height, Bytes script = {}) {
    Bytes seed{static_cast<uint8_t>(next_funding_++), static_cast<uint8_t>(next_funding_ >> 8)};
    OutPoint outpoint{sha256(seed), 0};
    chain.add(outpoint, Coin{TxOut{value, script.empty() ? key.script() : script}, height, false});
    return outpoint;
  }

  Block block_with(std::vector<Transaction> transactions, Amount fees, int height) {
    chain_test::BlockSpec spec;
    spec.parent = sha256(as_span("parent"));
    spec.height = height;
    spec.payout_script = key.script();
    spec.transactions = std::move(transactions);
    spec.fees = fees;
    return chain_test::make_block(spec, params);
  }

  Result<StoreDelta> connect(const Block& block, int height) {
    const std::vector<Hash256> txids = chain_test::txids_of(block);
    // Median time past grows by 600 s a height.
    return connect_block(block, txids, height, chain, params, verifier,
                         [](int h) { return int64_t{1'600'000'000} + 600 * h; });
  }

  // A version-2 spend of `coin` with `sequence`, signed.
  Transaction relative_spend(const OutPoint& coin, uint32_t sequence, int32_t version = 2) {
    Transaction tx;
    tx.version = version;
    tx.inputs.push_back(TxIn{coin, {}, sequence});
    tx.outputs.push_back(TxOut{kCoin, key.script()});
    key.sign_input(tx, 0);
    return tx;
  }

  ChainParams params = [] {
    ChainParams p = regtest_params();
    p.subsidy = quick_params().subsidy;  // make_block pays quick's subsidy
    p.subsidy_halving_interval = 0;
    return p;
  }();
  TestKey key{4};
  MemoryCoins chain;
  ScriptVerifier verifier{1};
  int next_funding_ = 0;
};

TEST_F(ConnectRules, HeightRelativeLockWaitsItsBlocks) {
  const OutPoint coin = fund(kCoin, 10);
  // Spendable 5 blocks after the coin's: from height 15 on.
  Result<StoreDelta> early = connect(block_with({relative_spend(coin, 5)}, 0, 14), 14);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.reason(), "bad-txns-nonfinal");
  Result<StoreDelta> on_time = connect(block_with({relative_spend(coin, 5)}, 0, 15), 15);
  EXPECT_TRUE(on_time) << on_time.error().message();
}

TEST_F(ConnectRules, TimeRelativeLockWaitsForMedianTimePast) {
  const OutPoint coin = fund(kCoin, 10);
  // 2 units of 512 s after the median time past of the block before the coin's (height 9):
  // locked while the parent's median time past is at most 9's + 1,023 s.
  const uint32_t sequence = kSequenceLockIsTime | 2;
  Result<StoreDelta> early = connect(block_with({relative_spend(coin, sequence)}, 0, 11), 11);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.reason(), "bad-txns-nonfinal");
  // Parent at height 11: 1,200 s after height 9's.
  Result<StoreDelta> later = connect(block_with({relative_spend(coin, sequence)}, 0, 12), 12);
  EXPECT_TRUE(later) << later.error().message();
}

TEST_F(ConnectRules, RelativeLocksIgnoreVersionOneAndDisabledSequences) {
  const OutPoint coin = fund(kCoin, 10);
  EXPECT_TRUE(connect(block_with({relative_spend(coin, 5, 1)}, 0, 11), 11));
  const OutPoint other = fund(kCoin, 10);
  EXPECT_TRUE(connect(block_with({relative_spend(other, kSequenceLockDisabled | 5)}, 0, 11), 11));
}

TEST_F(ConnectRules, P2shSigopsCountTowardsTheBlockLimit) {
  // A redeem script of 520 CHECKSIGs counts 520 sigops (4 cost each) per spending input;
  // 39 such inputs exceed 80,000, 38 do not. The limit is checked before any script runs.
  const Bytes redeem(kMaxPushBytes, OP_CHECKSIG);
  Bytes p2sh{OP_HASH160, 0x14};
  const Hash160 hash = hash160(redeem);
  p2sh.insert(p2sh.end(), hash.begin(), hash.end());
  p2sh.push_back(OP_EQUAL);
  Bytes script_sig;
  append_push(script_sig, redeem);

  auto spend_of = [&](int inputs) {
    Transaction tx;
    for (int i = 0; i < inputs; ++i) tx.inputs.push_back(TxIn{fund(kCoin, 1, p2sh), script_sig});
    tx.outputs.push_back(TxOut{inputs * kCoin, key.script()});
    return tx;
  };
  Result<StoreDelta> over = connect(block_with({spend_of(39)}, 0, 2), 2);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.reason(), "bad-blk-sigops");
  Result<StoreDelta> under = connect(block_with({spend_of(38)}, 0, 2), 2);
  ASSERT_FALSE(under);
  EXPECT_NE(under.reason(), "bad-blk-sigops");  // the scripts themselves fail
}

TEST_F(ConnectRules, SpentScriptsThatAreNotP2shAddNoSigops) {
  // Three inputs spending outputs of 7,000 CHECKSIGs each: 84,000 cost if a spent script's own
  // sigops counted (they do not, in Core: they were legacy sigops of the tx that made them),
  // so the block fails on its scripts, not on the limit.
  const Bytes heavy(7'000, OP_CHECKSIG);
  Transaction tx;
  for (int i = 0; i < 3; ++i) tx.inputs.push_back(TxIn{fund(kCoin, 1, heavy), {}});
  tx.outputs.push_back(TxOut{3 * kCoin, key.script()});
  Result<StoreDelta> connected = connect(block_with({tx}, 0, 2), 2);
  ASSERT_FALSE(connected);
  EXPECT_NE(connected.reason(), "bad-blk-sigops");
}

TEST(CheckBlockLimits, LegacySigopsAboveTheLimitMakeTheBlockInvalid) {
  const ChainParams params = regtest_params();
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint{sha256(as_span("x")), 0}, {}});
  tx.outputs.push_back(TxOut{0, Bytes(10'001, OP_CHECKSIG)});
  tx.outputs.push_back(TxOut{0, Bytes(10'000, OP_CHECKSIG)});
  chain_test::BlockSpec spec;
  spec.height = 1;
  spec.payout_script = {OP_1};
  spec.transactions = {tx};
  const Block block = chain_test::make_block(spec, params);
  Status status = check_block(block, chain_test::txids_of(block), params);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "bad-blk-sigops");
}

TEST(CheckBlockLimits, WeightAboveTheLimitMakesTheBlockInvalid) {
  ChainParams params = regtest_params();
  params.max_block_weight = 4 * 1'000;
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint{sha256(as_span("x")), 0}, {}});
  tx.outputs.push_back(TxOut{0, Bytes(1'000, OP_1)});
  chain_test::BlockSpec spec;
  spec.height = 1;
  spec.payout_script = {OP_1};
  spec.transactions = {tx};
  const Block block = chain_test::make_block(spec, params);
  Status status = check_block(block, chain_test::txids_of(block), params);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "bad-blk-weight");
}

}  // namespace
}  // namespace ac
