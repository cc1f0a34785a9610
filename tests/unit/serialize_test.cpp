#include <gtest/gtest.h>

#include "chain/block.hpp"
#include "chain/hash.hpp"
#include "chain/serialize.hpp"
#include "chain/transaction.hpp"

namespace ac {
namespace {

TEST(Hash, Sha256OfAbcMatchesFips180Vector) {
  EXPECT_EQ(to_hex(sha256(as_span("abc")).span()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, Ripemd160OfAbcMatchesPublishedVector) {
  EXPECT_EQ(to_hex(ripemd160(as_span("abc")).span()), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
}

TEST(Hash, Ripemd160OfEmptyStringMatchesPublishedVector) {
  EXPECT_EQ(to_hex(ripemd160(as_span("")).span()), "9c1185a5c5e9fc54612808977ee8f548b2258d31");
}

TEST(Hash, DisplayHexIsByteReversed) {
  Hash256 h;
  h.data[0] = 0x01;
  h.data[31] = 0xff;
  EXPECT_EQ(h.hex().substr(0, 2), "ff");
  EXPECT_EQ(h.hex().substr(62, 2), "01");
  EXPECT_EQ(Hash256::from_hex(h.hex()), h);
}

TEST(CompactSize, RoundTripsAtEveryWidthBoundary) {
  for (uint64_t v :
       {0ull, 0xfcull, 0xfdull, 0xffffull, 0x10000ull, 0xffffffffull, 0x100000000ull}) {
    Bytes out;
    Writer(out).compact_size(v);
    EXPECT_EQ(out.size(), compact_size_length(v));
    Reader r(out);
    uint64_t back = 0;
    ASSERT_TRUE(r.compact_size(back, UINT64_MAX));
    EXPECT_EQ(back, v);
    EXPECT_TRUE(r.finish());
  }
}

TEST(CompactSize, RejectsNonCanonicalEncoding) {
  Bytes encoded = {0xfd, 0x10, 0x00};  // 16 must be one byte
  Reader r(encoded);
  uint64_t v;
  EXPECT_FALSE(r.compact_size(v, UINT64_MAX));
  EXPECT_EQ(r.error(), "non-canonical-compact-size");
}

TEST(Reader, RejectsLengthLargerThanRemainingBytesBeforeAllocating) {
  Bytes encoded = {0xfe, 0xff, 0xff, 0xff, 0x7f, 0x01};  // claims ~2 GB, holds 1 byte
  Reader r(encoded);
  Bytes out;
  EXPECT_FALSE(r.var_bytes(out, SIZE_MAX));
  EXPECT_EQ(r.error(), "truncated");
  EXPECT_TRUE(out.empty());
}

TEST(Reader, FirstFailureReasonWins) {
  Bytes encoded = {0x01};
  Reader r(encoded);
  uint32_t v;
  EXPECT_FALSE(r.u32(v));
  EXPECT_FALSE(r.fail("later-reason"));
  EXPECT_EQ(r.error(), "truncated");
}

TEST(Transaction, RoundTripsThroughSerialization) {
  Transaction tx;
  tx.version = 2;
  tx.inputs.push_back(TxIn{OutPoint{sha256(as_span("prev")), 3}, Bytes{1, 2, 3}, 0xfffffffe});
  tx.outputs.push_back(TxOut{5 * kCoin, Bytes(25, 0xab)});
  tx.lock_time = 7;
  Bytes raw = tx.serialize();
  EXPECT_EQ(raw.size(), tx.serialized_size());
  auto back = decode_transaction(raw);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, tx);
  EXPECT_EQ(back->txid(), tx.txid());
}

TEST(Transaction, DecodeRejectsTrailingBytes) {
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint::null(), Bytes{1, 2}});
  tx.outputs.push_back(TxOut{1, {}});
  Bytes raw = tx.serialize();
  raw.push_back(0);
  auto back = decode_transaction(raw);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.reason(), "trailing-bytes");
}

TEST(Transaction, DecodeRejectsEveryTruncation) {
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint{sha256(as_span("p")), 0}, Bytes(10, 1)});
  tx.outputs.push_back(TxOut{1, Bytes(25, 2)});
  Bytes raw = tx.serialize();
  for (size_t n = 0; n < raw.size(); ++n) {
    EXPECT_FALSE(decode_transaction(ByteSpan(raw).first(n)).ok()) << "prefix " << n;
  }
}

TEST(Block, BitcoinGenesisHeaderHashesToPublishedId) {
  BlockHeader genesis;
  genesis.version = 1;
  genesis.merkle_root =
      *Hash256::from_hex("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  genesis.time = 1231006505;
  genesis.bits = 0x1d00ffff;
  genesis.nonce = 2083236893;
  EXPECT_EQ(genesis.hash().hex(),
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  auto raw = genesis.serialize();
  auto back = decode_block_header(raw);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, genesis);
}

}  // namespace
}  // namespace ac
