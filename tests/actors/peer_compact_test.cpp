// BIP152 compact blocks in the peer protocol (actors/peer_compact.cpp): our sendcmpct, pushing a
// new block as cmpctblock, rebuilding the peer's from the mempool and a blocktxn, serving
// getblocktxn and getdata MSG_CMPCT_BLOCK, and what malformed messages cost the peer; on CAF's
// deterministic scheduler (tests/actors/peer_protocol_fixture.hpp).
#include <gtest/gtest.h>

#include "chain/merkle.hpp"
#include "chain/pow.hpp"
#include "tests/actors/peer_protocol_fixture.hpp"
#include "tests/unit/mined_header.hpp"

namespace ac::actors {
namespace {

using namespace peer_protocol_testing;

struct PeerCompactTest : PeerProtocolTest {
  BlockHeader base = test::mined_header(Hash256{}, 1000);

  PeerCompactTest() { chain->index[base.hash()] = base; }

  static Transaction tx_numbered(uint32_t n) {
    Transaction tx;
    tx.inputs.push_back(TxIn{OutPoint{Hash256{}, n}, Bytes{0x51}, 0xffffffff});
    tx.outputs.push_back(TxOut{1000 + n, Bytes{0x51}});
    return tx;
  }

  // A block on `base` of a coinbase and `count` transactions, with its merkle root and proof
  // of work.
  Block block_of(uint32_t count) const {
    Block block;
    for (uint32_t i = 0; i <= count; ++i) block.transactions.push_back(tx_numbered(100 + i));
    std::vector<Hash256> txids;
    for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
    block.header.prev_block = base.hash();
    block.header.merkle_root = merkle_root(txids);
    block.header.bits = quick_params().pow_limit_bits;
    while (!check_proof_of_work(block.header.hash(), block.header.bits, quick_params()))
      ++block.header.nonce;
    return block;
  }

  void with_mempool(const std::vector<Transaction>& txs) {
    std::vector<TxPtr> shared;
    for (const Transaction& tx : txs) shared.push_back(std::make_shared<const Transaction>(tx));
    mempool = system->spawn(fake_mempool, shared);
    context.mempool = caf::actor_cast<MempoolActor>(mempool);
  }

  // A ready session whose peer sends `block` as a cmpctblock while our mempool holds `pooled`.
  void receive_compact(const Block& block, const std::vector<Transaction>& pooled) {
    with_mempool(pooled);
    start();
    handshake();
    peer_says(net::make_compact_block(block, 11));
    sched->run();
  }

  std::vector<BlockArrived> arrived() const { return of_type<BlockArrived>(*sync_journal); }
  std::vector<BlocksAnnounced> announced() const { return of_type<BlocksAnnounced>(*sync_journal); }
};

TEST_F(PeerCompactTest, SendcmpctAfterTheHandshakeThenHighBandwidthOnlyWhenTheNodeChangesIt) {
  start();
  handshake();
  auto sent = written_of<net::SendCmpct>();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].high_bandwidth);
  EXPECT_EQ(sent[0].version, 1u);
  caf::anon_send(protocol, SetCompactRelay{true});
  caf::anon_send(protocol, SetCompactRelay{true});  // no change: nothing sent
  sched->run();
  sent = written_of<net::SendCmpct>();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_TRUE(sent[1].high_bandwidth);
}

TEST_F(PeerCompactTest, APeerBefore70014GetsNoSendcmpct) {
  start();
  net::Version old = peer_version();
  old.version = 70013;
  peer_says(old);
  peer_says(net::Verack{});
  caf::anon_send(protocol, SetCompactRelay{true});
  sched->run();
  EXPECT_TRUE(written_of<net::SendCmpct>().empty());
}

TEST_F(PeerCompactTest, AHighBandwidthPeerWithTheParentGetsTheCmpctBlockOthersTheAnnouncement) {
  start();
  handshake();
  Block block = block_of(2);
  auto compact = std::make_shared<const net::CmpctBlock>(net::make_compact_block(block, 5));
  AnnounceInventory announcement{net::kMsgBlock, {block.hash()}, {block.header},
                                 compact,        nullptr,        false};
  // Not asked for high bandwidth: an inv.
  caf::anon_send(protocol, announcement);
  sched->run();
  EXPECT_TRUE(written_of<net::CmpctBlock>().empty());
  EXPECT_EQ(written_of<net::Inv>().size(), 1u);

  Block next = block_of(3);
  next.header.prev_block = block.hash();
  announcement = {
      net::kMsgBlock, {next.hash()},
      {next.header},  std::make_shared<const net::CmpctBlock>(net::make_compact_block(next, 6)),
      nullptr,        false};
  peer_says(net::SendCmpct{true, 1});
  // Not known to have the parent yet: announced by inv again.
  caf::anon_send(protocol, announcement);
  sched->run();
  EXPECT_TRUE(written_of<net::CmpctBlock>().empty());
  EXPECT_EQ(written_of<net::Inv>().size(), 2u);
  // The peer tells us it has the parent: the next new block is pushed.
  peer_says(net::Inv{{{net::kMsgBlock, block.hash()}}});
  Block third = block_of(4);
  third.header.prev_block = next.hash();
  announcement = {
      net::kMsgBlock, {third.hash()},
      {third.header}, std::make_shared<const net::CmpctBlock>(net::make_compact_block(third, 7)),
      nullptr,        false};
  peer_says(net::Inv{{{net::kMsgBlock, next.hash()}}});
  caf::anon_send(protocol, announcement);
  sched->run();
  auto pushed = written_of<net::CmpctBlock>();
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0], *announcement.compact);
  caf::anon_send(protocol, announcement);  // the peer has it now
  sched->run();
  EXPECT_EQ(written_of<net::CmpctBlock>().size(), 1u);
}

TEST_F(PeerCompactTest, ACmpctBlockWhoseTransactionsWeHoldGoesToSyncAsAPushedBlock) {
  Block block = block_of(3);
  receive_compact(
      block, {block.transactions[1], block.transactions[2], block.transactions[3], tx_numbered(7)});
  ASSERT_EQ(arrived().size(), 1u);
  EXPECT_TRUE(arrived()[0].pushed);
  EXPECT_EQ(*arrived()[0].block, block);
  EXPECT_TRUE(written_of<net::GetBlockTxn>().empty());
}

TEST_F(PeerCompactTest, MissingTransactionsAreAskedForThenTheBlockIsRebuilt) {
  Block block = block_of(4);
  receive_compact(block, {block.transactions[2]});
  auto asked = written_of<net::GetBlockTxn>();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].block_hash, block.hash());
  EXPECT_EQ(asked[0].indexes, (std::vector<uint32_t>{1, 3, 4}));
  EXPECT_TRUE(arrived().empty());
  peer_says(net::BlockTxn{block.hash(),
                          {block.transactions[1], block.transactions[3], block.transactions[4]}});
  sched->run();
  ASSERT_EQ(arrived().size(), 1u);
  EXPECT_EQ(*arrived()[0].block, block);
}

TEST_F(PeerCompactTest, ABlockTxnWithWrongTransactionsFetchesTheWholeBlockWithoutBlame) {
  Block block = block_of(2);
  receive_compact(block, {});
  peer_says(net::BlockTxn{block.hash(), {block.transactions[2], block.transactions[1]}});
  sched->run();
  EXPECT_TRUE(arrived().empty());
  ASSERT_EQ(announced().size(), 1u);
  EXPECT_EQ(announced()[0].hashes, std::vector<Hash256>{block.hash()});
  EXPECT_EQ(log_text().find("misbehaving"), std::string::npos);
}

TEST_F(PeerCompactTest, ABlockTxnOfTheWrongCountCostsThePeer) {
  Block block = block_of(2);
  receive_compact(block, {});
  peer_says(net::BlockTxn{block.hash(), {block.transactions[1]}});
  sched->run();
  EXPECT_NE(log_text().find("misbehaving (+100, score 100): bad blocktxn: blocktxn-count"),
            std::string::npos);
  EXPECT_TRUE(aborted());
}

TEST_F(PeerCompactTest, AMalformedCmpctBlockCostsThePeer) {
  Block block = block_of(1);
  net::CmpctBlock compact = net::make_compact_block(block, 11);
  compact.prefilled[0].index = 9;  // beyond the block's two transactions
  start();
  handshake();
  peer_says(compact);
  sched->run();
  EXPECT_NE(log_text().find("bad cmpctblock: cmpct-index-overflow"), std::string::npos);
  EXPECT_TRUE(aborted());
  EXPECT_TRUE(arrived().empty());
}

TEST_F(PeerCompactTest, ACmpctBlockWithoutProofOfWorkCostsThePeer) {
  Block block = block_of(1);
  net::CmpctBlock compact = net::make_compact_block(block, 11);
  while (check_proof_of_work(compact.header.hash(), compact.header.bits, quick_params()))
    ++compact.header.nonce;
  start();
  handshake();
  peer_says(compact);
  sched->run();
  EXPECT_NE(log_text().find("bad cmpctblock header: high-hash"), std::string::npos);
  EXPECT_TRUE(arrived().empty());
}

TEST_F(PeerCompactTest, ACmpctBlockWeAlreadyHaveIsDropped) {
  Block block = block_of(2);
  chain->blocks[block.hash()] = std::make_shared<const Block>(block);
  receive_compact(block, {});
  EXPECT_TRUE(written_of<net::GetBlockTxn>().empty());
  EXPECT_TRUE(arrived().empty());
}

TEST_F(PeerCompactTest, GetBlockTxnIsAnsweredAndAnIndexBeyondTheBlockCostsThePeer) {
  Block block = block_of(3);
  chain->blocks[block.hash()] = std::make_shared<const Block>(block);
  start();
  handshake();
  peer_says(net::GetBlockTxn{block.hash(), {0, 2}});
  sched->run();
  auto answers = written_of<net::BlockTxn>();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].transactions,
            (std::vector<Transaction>{block.transactions[0], block.transactions[2]}));
  peer_says(net::GetBlockTxn{block.hash(), {4}});
  sched->run();
  EXPECT_NE(log_text().find("getblocktxn index 4 beyond the block's 4 transactions"),
            std::string::npos);
}

TEST_F(PeerCompactTest, GetDataForACmpctBlockGetsOneWhenRecentAndTheWholeBlockWhenOld) {
  Block recent = block_of(1);
  Block old = block_of(2);
  chain->blocks[recent.hash()] = std::make_shared<const Block>(recent);
  chain->blocks[old.hash()] = std::make_shared<const Block>(old);
  chain->heights[recent.hash()] = chain->tip.height;
  chain->heights[old.hash()] = chain->tip.height - 6;
  start();
  handshake();
  peer_says(
      net::GetData{{{net::kMsgCmpctBlock, recent.hash()}, {net::kMsgCmpctBlock, old.hash()}}});
  sched->run();
  auto compact = written_of<net::CmpctBlock>();
  ASSERT_EQ(compact.size(), 1u);
  EXPECT_EQ(compact[0].header, recent.header);
  auto whole = written_of<net::BlockMessage>();
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole[0].block, old);
}

TEST_F(PeerCompactTest, ABlockNotYetConnectedIsPushedToAHighBandwidthPeerAndAnnouncedToNoOther) {
  start();
  handshake();
  Block block = block_of(3);
  auto shared = std::make_shared<const Block>(block);
  AnnounceInventory early{
      net::kMsgBlock, {block.hash()},
      {block.header}, std::make_shared<const net::CmpctBlock>(net::make_compact_block(block, 9)),
      shared,         true};
  // The peer has the parent but did not ask for high bandwidth: neither headers nor an inv
  // until the block is connected.
  peer_says(net::Inv{{{net::kMsgBlock, base.hash()}}});
  peer_says(net::SendHeaders{});
  caf::anon_send(protocol, early);
  sched->run();
  EXPECT_TRUE(written_of<net::CmpctBlock>().empty());
  EXPECT_TRUE(written_of<net::Headers>().empty());
  EXPECT_TRUE(written_of<net::Inv>().empty());
  // Once it asks for high bandwidth, the same announcement is pushed...
  peer_says(net::SendCmpct{true, 1});
  caf::anon_send(protocol, early);
  sched->run();
  ASSERT_EQ(written_of<net::CmpctBlock>().size(), 1u);
  // ...and its getblocktxn answered from the pushed block: the chain, which has not stored it
  // yet, is not asked.
  peer_says(net::GetBlockTxn{block.hash(), {1, 3}});
  sched->run();
  auto answers = written_of<net::BlockTxn>();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].transactions,
            (std::vector<Transaction>{block.transactions[1], block.transactions[3]}));
  EXPECT_TRUE(chain->requests.empty());
  // Connected, it is announced again: the peer has it and hears nothing more.
  early.early = false;
  caf::anon_send(protocol, early);
  sched->run();
  EXPECT_EQ(written_of<net::CmpctBlock>().size(), 1u);
  EXPECT_TRUE(written_of<net::Headers>().empty());
}

TEST_F(PeerCompactTest, ACoinbaseOnlyCmpctBlockIsRebuiltWithoutAskingTheMempool) {
  // A mempool that never answers: the block must not wait for it.
  mempool = system->spawn(recorder, std::make_shared<Journal>());
  context.mempool = caf::actor_cast<MempoolActor>(mempool);
  start();
  handshake();
  Block block = block_of(0);
  peer_says(net::make_compact_block(block, 3));
  sched->run();
  ASSERT_EQ(arrived().size(), 1u);
  EXPECT_EQ(*arrived()[0].block, block);
}

TEST_F(PeerCompactTest, ASingleHeaderOnOurTipIsAskedForAsACmpctBlockOthersWhole) {
  chain->tip.hash = base.hash();
  start();
  handshake();
  peer_says(net::SendCmpct{false, 1});
  Block block = block_of(0);
  peer_says(net::Headers{{block.header}});
  sched->run();
  ASSERT_EQ(announced().size(), 1u);
  caf::anon_send(protocol, RequestBlocks{{block.hash()}});
  sched->run();
  auto asked = written_of<net::GetData>();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].items, (std::vector<net::InvItem>{{net::kMsgCmpctBlock, block.hash()}}));
  // Its cmpctblock does not rebuild (the coinbase is not the one the header commits to): the
  // block is asked of this peer again, whole, at once; the sync coordinator waits for it here.
  net::CmpctBlock wrong = net::make_compact_block(block, 4);
  wrong.prefilled[0].tx.outputs[0].value += 1;
  peer_says(wrong);
  sched->run();
  asked = written_of<net::GetData>();
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[1].items, (std::vector<net::InvItem>{{net::kMsgBlock, block.hash()}}));
  EXPECT_EQ(announced().size(), 1u);
  EXPECT_TRUE(arrived().empty());

  // A header whose parent is not our tip: the block is asked for whole.
  Block side = block_of(2);
  side.header.prev_block = block.hash();
  chain->index[block.hash()] = block.header;
  while (!check_proof_of_work(side.header.hash(), side.header.bits, quick_params()))
    ++side.header.nonce;
  peer_says(net::Headers{{side.header}});
  sched->run();
  caf::anon_send(protocol, RequestBlocks{{side.hash()}});
  sched->run();
  asked = written_of<net::GetData>();
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[2].items, (std::vector<net::InvItem>{{net::kMsgBlock, side.hash()}}));
}

TEST_F(PeerCompactTest, AnnouncementsOfABlockOurNodeAnnouncedCostNoTripToChainOrSync) {
  start();
  handshake();
  Block block = block_of(1);
  caf::anon_send(protocol, AnnounceInventory{net::kMsgBlock,
                                             {block.hash()},
                                             {block.header},
                                             nullptr,
                                             std::make_shared<const Block>(block),
                                             true});
  sched->run();
  peer_says(net::Headers{{block.header}});
  peer_says(net::Inv{{{net::kMsgBlock, block.hash()}}});
  peer_says(net::make_compact_block(block, 8));
  sched->run();
  EXPECT_TRUE(announced().empty());
  EXPECT_TRUE(arrived().empty());
}

}  // namespace
}  // namespace ac::actors
