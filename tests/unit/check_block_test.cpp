#include <gtest/gtest.h>

#include <vector>

#include "chain/check_block.hpp"
#include "chain/coinbase.hpp"
#include "chain/merkle.hpp"
#include "chain/params.hpp"
#include "chain/pow.hpp"

namespace ac {
namespace {

const Bytes kPayout = {0x51};  // OP_1: any script will do for context-free checks
constexpr uint32_t kBlockTime = 1'700'000'000;

Transaction spend(uint8_t seed, Amount value = kCoin) {
  Transaction tx;
  TxIn in;
  in.prevout.txid.data[0] = seed;
  in.prevout.index = 0;
  in.script_sig = {0x51};
  tx.inputs.push_back(in);
  tx.outputs.push_back(TxOut{value, kPayout});
  return tx;
}

std::vector<Hash256> txids_of(const Block& block) {
  std::vector<Hash256> txids;
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  return txids;
}

// Sets the merkle root and grinds the nonce until the quick target is met (about 2 tries).
void seal(Block& block, const ChainParams& params) {
  block.header.merkle_root = merkle_root(txids_of(block));
  while (!check_proof_of_work(block.hash(), block.header.bits, params)) ++block.header.nonce;
}

Block make_block(const ChainParams& params, std::vector<Transaction> extra = {}, int height = 1) {
  Block block;
  block.header.time = kBlockTime;
  block.header.bits = params.block_bits;
  block.transactions.push_back(make_coinbase(height, params.subsidy, kPayout));
  for (Transaction& tx : extra) block.transactions.push_back(std::move(tx));
  seal(block, params);
  return block;
}

std::string check_reason(const Block& block, const ChainParams& params) {
  const Status status = check_block(block, txids_of(block), params);
  return status ? "ok" : status.reason();
}

std::string tx_reason(const Transaction& tx) {
  const Status status = check_transaction(tx);
  return status ? "ok" : status.reason();
}

// --- check_transaction ---

TEST(CheckTransaction, AcceptsOrdinarySpend) {
  EXPECT_EQ(tx_reason(spend(1)), "ok");
}

TEST(CheckTransaction, RejectsNoInputs) {
  Transaction tx = spend(1);
  tx.inputs.clear();
  EXPECT_EQ(tx_reason(tx), "tx-no-inputs");
}

TEST(CheckTransaction, RejectsNoOutputs) {
  Transaction tx = spend(1);
  tx.outputs.clear();
  EXPECT_EQ(tx_reason(tx), "tx-no-outputs");
}

TEST(CheckTransaction, RejectsOversize) {
  Transaction tx = spend(1);
  tx.outputs[0].script_pubkey.assign(1'000'000, 0x6a);
  EXPECT_EQ(tx_reason(tx), "tx-oversize");
}

TEST(CheckTransaction, RejectsNegativeOutput) {
  EXPECT_EQ(tx_reason(spend(1, -1)), "tx-negative-output");
}

TEST(CheckTransaction, RejectsOutputAboveMaxMoney) {
  EXPECT_EQ(tx_reason(spend(1, kMaxMoney)), "ok");
  EXPECT_EQ(tx_reason(spend(1, kMaxMoney + 1)), "tx-output-too-large");
}

TEST(CheckTransaction, RejectsTotalAboveMaxMoney) {
  Transaction tx = spend(1, kMaxMoney);
  tx.outputs.push_back(TxOut{1, kPayout});
  EXPECT_EQ(tx_reason(tx), "tx-total-too-large");
}

TEST(CheckTransaction, RejectsDuplicateInputs) {
  Transaction tx = spend(1);
  tx.inputs.push_back(tx.inputs[0]);
  tx.inputs[1].script_sig = {0x52};
  EXPECT_EQ(tx_reason(tx), "tx-duplicate-inputs");
}

TEST(CheckTransaction, RejectsCoinbaseScriptOutside2To100Bytes) {
  Transaction coinbase = make_coinbase(1, kCoin, kPayout);
  coinbase.inputs[0].script_sig = {0x51};
  EXPECT_EQ(tx_reason(coinbase), "coinbase-script-size");
  coinbase.inputs[0].script_sig.assign(2, 0x51);
  EXPECT_EQ(tx_reason(coinbase), "ok");
  coinbase.inputs[0].script_sig.assign(100, 0x51);
  EXPECT_EQ(tx_reason(coinbase), "ok");
  coinbase.inputs[0].script_sig.assign(101, 0x51);
  EXPECT_EQ(tx_reason(coinbase), "coinbase-script-size");
}

TEST(CheckTransaction, RejectsNullPrevoutOutsideCoinbase) {
  Transaction tx = spend(1);
  TxIn null_input;
  null_input.prevout = OutPoint::null();
  tx.inputs.push_back(null_input);
  EXPECT_EQ(tx_reason(tx), "tx-null-prevout");
}

// --- check_block ---

TEST(CheckBlock, AcceptsWellFormedBlock) {
  const ChainParams params = quick_params();
  EXPECT_EQ(check_reason(make_block(params, {spend(1), spend(2)}), params), "ok");
}

TEST(CheckBlock, RejectsOversizeBlock) {
  ChainParams params = quick_params();
  const Block block = make_block(params, {spend(1)});
  params.max_block_bytes = block.serialized_size() - 1;
  EXPECT_EQ(check_reason(block, params), "block-oversize");
}

TEST(CheckBlock, RejectsHighHash) {
  const ChainParams params = quick_params();
  Block block = make_block(params);
  while (check_proof_of_work(block.hash(), block.header.bits, params)) ++block.header.nonce;
  EXPECT_EQ(check_reason(block, params), "high-hash");
}

TEST(CheckBlock, RejectsBitsEasierThanPowLimit) {
  ChainParams params = quick_params();
  const Block block = make_block(params);
  params.pow_limit_bits = 0x1f010000;
  EXPECT_EQ(check_reason(block, params), "bad-bits");
}

TEST(CheckBlock, RejectsBadMerkleRoot) {
  const ChainParams params = quick_params();
  Block block = make_block(params, {spend(1)});
  block.transactions[1].lock_time = 7;
  EXPECT_EQ(check_reason(block, params), "merkle-root-mismatch");
}

TEST(CheckBlock, RejectsMutatedMerkleTree) {
  const ChainParams params = quick_params();
  Block block = make_block(params, {spend(1), spend(2)});
  block.transactions.push_back(block.transactions.back());
  // Same root as the honest three-transaction block: only the mutation flag tells them apart.
  EXPECT_EQ(merkle_root(txids_of(block)), block.header.merkle_root);
  EXPECT_EQ(check_reason(block, params), "merkle-mutated");
}

TEST(CheckBlock, RejectsMissingCoinbase) {
  const ChainParams params = quick_params();
  Block block = make_block(params, {spend(1)});
  block.transactions.erase(block.transactions.begin());
  seal(block, params);
  EXPECT_EQ(check_reason(block, params), "no-coinbase");
}

TEST(CheckBlock, RejectsEmptyBlock) {
  const ChainParams params = quick_params();
  Block block = make_block(params);
  block.transactions.clear();
  seal(block, params);
  EXPECT_EQ(check_reason(block, params), "no-coinbase");
}

TEST(CheckBlock, RejectsSecondCoinbase) {
  const ChainParams params = quick_params();
  Block block = make_block(params, {make_coinbase(1, kCoin, kPayout, 1)});
  EXPECT_EQ(check_reason(block, params), "extra-coinbase");
}

TEST(CheckBlock, RejectsDuplicateTxidsNotCaughtByMutation) {
  const ChainParams params = quick_params();
  Block block = make_block(params, {spend(1), spend(2), spend(1)});
  EXPECT_EQ(check_reason(block, params), "duplicate-txid");
}

TEST(CheckBlock, RejectsInvalidTransactionWithItsReason) {
  const ChainParams params = quick_params();
  EXPECT_EQ(check_reason(make_block(params, {spend(1, -5)}), params), "tx-negative-output");
}

// --- contextual_check_block ---

constexpr int64_t kMedianTimePast = kBlockTime - 600;
constexpr int64_t kNow = kBlockTime + 60;

std::string contextual_reason(const Block& block, int height, const ChainParams& params,
                              int64_t median_time_past = kMedianTimePast, int64_t now = kNow) {
  const Status status = contextual_check_block(block, height, median_time_past, now, params);
  return status ? "ok" : status.reason();
}

TEST(ContextualCheckBlock, AcceptsBlockInContext) {
  const ChainParams params = quick_params();
  EXPECT_EQ(contextual_reason(make_block(params, {}, 5), 5, params), "ok");
}

TEST(ContextualCheckBlock, RejectsBitsOtherThanTheNetworks) {
  const ChainParams params = quick_params();
  Block block = make_block(params, {}, 5);
  block.header.bits = 0x1f010000;
  EXPECT_EQ(contextual_reason(block, 5, params), "bad-bits");
}

TEST(ContextualCheckBlock, RejectsTimeAtOrBeforeMedianTimePast) {
  const ChainParams params = quick_params();
  const Block block = make_block(params, {}, 5);
  EXPECT_EQ(contextual_reason(block, 5, params, kBlockTime), "time-too-old");
  EXPECT_EQ(contextual_reason(block, 5, params, kBlockTime - 1), "ok");
}

TEST(ContextualCheckBlock, RejectsTimeMoreThanTwoHoursAhead) {
  const ChainParams params = quick_params();
  const Block block = make_block(params, {}, 5);
  const int64_t limit = params.max_future_block_time_seconds;
  EXPECT_EQ(contextual_reason(block, 5, params, kMedianTimePast, kBlockTime - limit), "ok");
  EXPECT_EQ(contextual_reason(block, 5, params, kMedianTimePast, kBlockTime - limit - 1),
            "time-too-new");
}

TEST(ContextualCheckBlock, RejectsCoinbaseWithWrongHeight) {
  const ChainParams params = quick_params();
  EXPECT_EQ(contextual_reason(make_block(params, {}, 4), 5, params), "bad-coinbase-height");
}

TEST(ContextualCheckBlock, IgnoresHeightBelowBip34Activation) {
  ChainParams params = quick_params();
  params.bip34_height = 10;
  EXPECT_EQ(contextual_reason(make_block(params, {}, 4), 5, params), "ok");
  EXPECT_EQ(contextual_reason(make_block(params, {}, 4), 10, params), "bad-coinbase-height");
}

// --- coinbase / BIP34 ---

TEST(Bip34, SmallHeightsAreSingleOpcodes) {
  EXPECT_EQ(bip34_height_push(0), Bytes{0x00});
  EXPECT_EQ(bip34_height_push(1), Bytes{0x51});
  EXPECT_EQ(bip34_height_push(16), Bytes{0x60});
}

TEST(Bip34, LargerHeightsAreMinimalLittleEndianPushes) {
  EXPECT_EQ(bip34_height_push(17), (Bytes{0x01, 0x11}));
  EXPECT_EQ(bip34_height_push(127), (Bytes{0x01, 0x7f}));
  EXPECT_EQ(bip34_height_push(128), (Bytes{0x02, 0x80, 0x00}));  // sign bit needs a byte
  EXPECT_EQ(bip34_height_push(255), (Bytes{0x02, 0xff, 0x00}));
  EXPECT_EQ(bip34_height_push(256), (Bytes{0x02, 0x00, 0x01}));
  // Bitcoin's BIP34 activation block 227,931 starts its coinbase with 03 5b7a03.
  EXPECT_EQ(bip34_height_push(227931), (Bytes{0x03, 0x5b, 0x7a, 0x03}));
}

TEST(Coinbase, CommitsToItsHeightOnly) {
  const Transaction coinbase = make_coinbase(300, kCoin, kPayout, 42);
  EXPECT_TRUE(coinbase_commits_to_height(coinbase, 300));
  EXPECT_FALSE(coinbase_commits_to_height(coinbase, 301));
  EXPECT_FALSE(coinbase_commits_to_height(coinbase, 44));
}

TEST(Coinbase, IsValidCoinbaseAtEveryHeight) {
  for (int height : {0, 1, 16, 17, 1000, 0x7fffffff}) {
    for (uint64_t extra_nonce : {uint64_t{0}, uint64_t{1}, ~uint64_t{0}}) {
      const Transaction coinbase = make_coinbase(height, kCoin, kPayout, extra_nonce);
      ASSERT_TRUE(coinbase.is_coinbase());
      EXPECT_EQ(tx_reason(coinbase), "ok") << height << " " << extra_nonce;
      EXPECT_TRUE(coinbase_commits_to_height(coinbase, height));
    }
  }
}

TEST(Coinbase, PaysValueToScriptInOneOutput) {
  const Transaction coinbase = make_coinbase(3, 7 * kCoin, kPayout);
  ASSERT_EQ(coinbase.outputs.size(), 1u);
  EXPECT_EQ(coinbase.outputs[0].value, 7 * kCoin);
  EXPECT_EQ(coinbase.outputs[0].script_pubkey, kPayout);
}

TEST(Coinbase, ExtraNonceChangesTxid) {
  EXPECT_NE(make_coinbase(3, kCoin, kPayout, 1).txid(), make_coinbase(3, kCoin, kPayout, 2).txid());
}

}  // namespace
}  // namespace ac
