// BIP152: the four messages' exact encodings, the short ids, and rebuilding a block from a
// cmpctblock. The cmpctblock vector (Bitcoin's regtest genesis header, its coinbase and one more
// transaction, nonce 0x0102030405060708) was computed with bcoin 1.0.2's own BIP152 code
// (lib/net/bip152.js, CompactBlock.fromBlock), an implementation independent of ours.
#include <gtest/gtest.h>

#include "chain/merkle.hpp"
#include "net/compact_block.hpp"
#include "net/messages.hpp"
#include "net_samples.hpp"

namespace ac::net {
namespace {

using testing::filled_hash;

Bytes hex_bytes(std::string_view hex) {
  return from_hex(hex).value();
}

constexpr std::string_view kRegtestGenesisHeader =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac7"
    "2c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000";
constexpr std::string_view kGenesisCoinbase =
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff00"
    "1d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b"
    "206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a0100000043410467"
    "8afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec1"
    "12de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";
constexpr std::string_view kSecondTx =
    "01000000011111111111111111111111111111111111111111111111111111111111111111000000000151ffff"
    "ffff0100e1f50500000000015100000000";
constexpr uint64_t kNonce = 0x0102030405060708ULL;

Block bcoin_vector_block() {
  Block block;
  block.header = decode_block_header(hex_bytes(kRegtestGenesisHeader)).value();
  block.transactions = {decode_transaction(hex_bytes(kGenesisCoinbase)).value(),
                        decode_transaction(hex_bytes(kSecondTx)).value()};
  return block;
}

TEST(CompactBlock, ShortIdKeyAndShortIdMatchBcoin) {
  Block block = bcoin_vector_block();
  SipHashKey key = short_id_key(block.header, kNonce);
  EXPECT_EQ(key.k0, 0x521574f482953e9bULL);
  EXPECT_EQ(key.k1, 0x1202b0f6cefae3a6ULL);
  EXPECT_EQ(to_hex(block.transactions[1].txid().span()),
            "ebe9c35e6820721331b59dcca76cbcc8e939a909aa19c3bdd5237ea791844d0a");
  EXPECT_EQ(short_id(key, block.transactions[1].txid()), 0xb2a00a8fc92fULL);
}

TEST(CompactBlock, CmpctBlockEncodesAsBcoinDoes) {
  Block block = bcoin_vector_block();
  Bytes expected = hex_bytes(std::string(kRegtestGenesisHeader) + "0807060504030201" + "01" +
                             "2fc98f0aa0b2" + "01" + "00" + std::string(kGenesisCoinbase));
  CmpctBlock compact = make_compact_block(block, kNonce);
  EXPECT_EQ(encode_message_payload(compact), expected);
  auto decoded = decode_message<CmpctBlock>(expected);
  ASSERT_TRUE(decoded) << decoded.reason();
  EXPECT_EQ(decoded.value(), compact);
}

TEST(CompactBlock, SendCmpctIsAFlagByteAndAVersion) {
  EXPECT_EQ(encode_message_payload(SendCmpct{true, 1}), hex_bytes("010100000000000000"));
  EXPECT_EQ(encode_message_payload(SendCmpct{false, 2}), hex_bytes("000200000000000000"));
  EXPECT_EQ(decode_message<SendCmpct>(hex_bytes("020100000000000000")).reason(), "sendcmpct-bool");
}

TEST(CompactBlock, IndexesTravelAsDifferences) {
  // 1, 2, 5, 300: gaps 1, 0, 2, 294 (0x126, three bytes as a CompactSize).
  GetBlockTxn request{filled_hash(1), {1, 2, 5, 300}};
  const Hash256 hash = filled_hash(1);
  Bytes expected(hash.data.begin(), hash.data.end());
  Bytes tail = hex_bytes("04010002fd2601");
  expected.insert(expected.end(), tail.begin(), tail.end());
  EXPECT_EQ(encode_message_payload(request), expected);
  EXPECT_EQ(decode_message<GetBlockTxn>(expected).value(), request);

  // Prefilled indexes 0 and 3: gaps 0 and 2.
  Transaction tx = testing::sample_transaction();
  CmpctBlock compact{BlockHeader{}, 0, {}, {PrefilledTx{0, tx}, PrefilledTx{3, tx}}};
  Bytes payload = encode_message_payload(compact);
  Bytes tx_bytes = tx.serialize();
  ASSERT_EQ(payload.size(), 80 + 8 + 1 + 1 + 2 * (1 + tx_bytes.size()));
  EXPECT_EQ(payload[90], 0x00);
  EXPECT_EQ(payload[91 + tx_bytes.size()], 0x02);
}

TEST(CompactBlock, IndexesBeyondSixteenBitsAreRejected) {
  const Hash256 hash = filled_hash(1);
  Bytes payload(hash.data.begin(), hash.data.end());
  Bytes tail = hex_bytes("0200fdffff");  // 0, then a gap of 0xffff: index 0x10000
  payload.insert(payload.end(), tail.begin(), tail.end());
  EXPECT_EQ(decode_message<GetBlockTxn>(payload).reason(), "index-overflow");
  Bytes huge(hash.data.begin(), hash.data.end());
  Bytes gap = hex_bytes("01ffffffffffffffff7f");
  huge.insert(huge.end(), gap.begin(), gap.end());
  EXPECT_EQ(decode_message<GetBlockTxn>(huge).reason(), "index-overflow");
}

// A block of a coinbase and `count` other transactions, its merkle root right.
Block block_of(size_t count) {
  Block block;
  for (size_t i = 0; i <= count; ++i) {
    Transaction tx = testing::sample_transaction();
    tx.lock_time = static_cast<uint32_t>(i);
    block.transactions.push_back(tx);
  }
  std::vector<Hash256> txids;
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  block.header.merkle_root = merkle_root(txids);
  return block;
}

SharedTx shared(const Transaction& tx) {
  return std::make_shared<const Transaction>(tx);
}

TEST(CompactBlock, RebuildsFromOfferedTransactions) {
  Block block = block_of(3);
  auto partial = PartialBlock::start(make_compact_block(block, 7)).value();
  EXPECT_EQ(partial.hash(), block.hash());
  EXPECT_EQ(partial.wanted_short_ids().size(), 3u);
  partial.offer(shared(testing::sample_transaction()));  // not in the block: ignored
  for (size_t i = 1; i < block.transactions.size(); ++i)
    partial.offer(shared(block.transactions[i]));
  EXPECT_TRUE(partial.missing().empty());
  EXPECT_EQ(partial.finish().value(), block);
}

TEST(CompactBlock, MissingTransactionsComeFromBlockTxn) {
  Block block = block_of(4);
  auto partial = PartialBlock::start(make_compact_block(block, 7)).value();
  partial.offer(shared(block.transactions[2]));
  EXPECT_EQ(partial.missing(), (std::vector<uint32_t>{1, 3, 4}));
  EXPECT_EQ(partial.finish().reason(), "cmpct-incomplete");
  EXPECT_EQ(partial.fill({block.transactions[1]}).reason(), "blocktxn-count");
  ASSERT_TRUE(partial.fill({block.transactions[1], block.transactions[3], block.transactions[4]}));
  EXPECT_EQ(partial.finish().value(), block);
}

TEST(CompactBlock, WrongTransactionsFailTheMerkleRootNotThePeer) {
  Block block = block_of(2);
  auto partial = PartialBlock::start(make_compact_block(block, 7)).value();
  ASSERT_TRUE(partial.fill({block.transactions[2], block.transactions[1]}));
  auto rebuilt = partial.finish();
  EXPECT_EQ(rebuilt.reason(), "cmpct-merkle-mismatch");
  EXPECT_EQ(rebuilt.kind(), ErrorKind::kUnsupported);
}

TEST(CompactBlock, TwoTransactionsOfTheBlockWithOneShortIdFetchTheWholeBlock) {
  Block block = block_of(1);
  CmpctBlock compact = make_compact_block(block, 7);
  compact.short_ids.push_back(compact.short_ids.front());
  auto colliding = PartialBlock::start(compact);
  EXPECT_EQ(colliding.reason(), "short-id-collision");
  EXPECT_EQ(colliding.kind(), ErrorKind::kUnsupported);
}

TEST(CompactBlock, OfferingATransactionTwiceKeepsIt) {
  Block block = block_of(1);
  auto partial = PartialBlock::start(make_compact_block(block, 7)).value();
  partial.offer(shared(block.transactions[1]));
  partial.offer(shared(block.transactions[1]));
  EXPECT_TRUE(partial.missing().empty());
  EXPECT_EQ(partial.finish().value(), block);
}

TEST(CompactBlock, MalformedShapesAreThePeersFault) {
  EXPECT_EQ(PartialBlock::start(CmpctBlock{}).reason(), "cmpct-empty");
  CmpctBlock beyond{BlockHeader{}, 0, {1}, {PrefilledTx{5, testing::sample_transaction()}}};
  auto started = PartialBlock::start(beyond);
  EXPECT_EQ(started.reason(), "cmpct-index-overflow");
  EXPECT_EQ(started.kind(), ErrorKind::kInvalid);
}

}  // namespace
}  // namespace ac::net
