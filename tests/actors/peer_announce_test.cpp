// The peer protocol's announcements and the headers it receives (BIP130), Core's hashContinue
// and the version's relay flag, on CAF's deterministic scheduler (tests/actors/
// peer_protocol_fixture.hpp).
#include <gtest/gtest.h>

#include "chain/pow.hpp"
#include "tests/actors/peer_protocol_fixture.hpp"
#include "tests/unit/mined_header.hpp"

namespace ac::actors {
namespace {

using namespace peer_protocol_testing;

using test::mined_header;

// `count` headers in a row on `prev`.
std::vector<BlockHeader> mined_chain(const Hash256& prev, size_t count, uint32_t salt = 0) {
  std::vector<BlockHeader> headers;
  Hash256 parent = prev;
  for (size_t i = 0; i < count; ++i) {
    headers.push_back(mined_header(parent, salt + static_cast<uint32_t>(i)));
    parent = headers.back().hash();
  }
  return headers;
}

std::vector<Hash256> hashes_of(const std::vector<BlockHeader>& headers) {
  std::vector<Hash256> hashes;
  for (const BlockHeader& header : headers) hashes.push_back(header.hash());
  return hashes;
}

struct PeerAnnounceTest : PeerProtocolTest {
  // The genesis-like block the chain knows, that everything below builds on.
  BlockHeader base = mined_header(Hash256{}, 1000);

  PeerAnnounceTest() { chain->index[base.hash()] = base; }

  void announce_blocks(const std::vector<BlockHeader>& headers) {
    caf::anon_send(protocol, AnnounceInventory{net::kMsgBlock, hashes_of(headers), headers, nullptr,
                                               nullptr, false});
    sched->run();
  }

  std::vector<BlocksAnnounced> fed_to_sync() const {
    return of_type<BlocksAnnounced>(*sync_journal);
  }
};

TEST_F(PeerAnnounceTest, OurVersionIsTruthfulAndSendheadersFollowsTheHandshakeFrom70012) {
  start();
  handshake();
  const auto version = std::get<net::Version>(written()[0]);
  EXPECT_EQ(version.services, net::kNodeNetwork);  // no NODE_WITNESS, no NODE_BLOOM
  EXPECT_TRUE(version.relay);
  EXPECT_EQ(written_commands(),
            (std::vector<std::string>{"version", "verack", "sendheaders", "sendcmpct"}));
}

TEST_F(PeerAnnounceTest, APeerBefore70012GetsNoSendheaders) {
  start();
  net::Version old = peer_version();
  old.version = 70011;
  peer_says(old);
  peer_says(net::Verack{});
  sched->run();
  EXPECT_EQ(written_commands(), (std::vector<std::string>{"version", "verack"}));
}

TEST_F(PeerAnnounceTest, APeerThatAskedForHeadersGetsNewBlocksAsHeadersOnceItHasTheParent) {
  start();
  handshake();
  peer_says(net::SendHeaders{});
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), 3);
  // The peer has not told us it has the parent: an inv, as Core falls back to.
  announce_blocks({blocks[0]});
  ASSERT_EQ(written_of<net::Inv>().size(), 1u);
  EXPECT_EQ(written_of<net::Inv>()[0].items,
            (std::vector<net::InvItem>{{net::kMsgBlock, blocks[0].hash()}}));
  EXPECT_TRUE(written_of<net::Headers>().empty());
  // It fetched the block from us: the next one goes as its header, and the one after on it.
  chain->blocks[blocks[0].hash()] = std::make_shared<const Block>(Block{blocks[0], {}});
  peer_says(net::GetData{{{net::kMsgBlock, blocks[0].hash()}}});
  sched->run();
  announce_blocks({blocks[1]});
  announce_blocks({blocks[2]});
  auto headers = written_of<net::Headers>();
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].headers, std::vector<BlockHeader>{blocks[1]});
  EXPECT_EQ(headers[1].headers, std::vector<BlockHeader>{blocks[2]});
  EXPECT_EQ(written_of<net::Inv>().size(), 1u);
}

TEST_F(PeerAnnounceTest, HeadersLeaveOutWhatThePeerAnnouncedAndNeedItToHaveTheParent) {
  start();
  handshake();
  peer_says(net::SendHeaders{});
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), 4);
  // The peer announced the first two: of the three new blocks only the last two go, as headers.
  peer_says(net::Inv{{{net::kMsgBlock, blocks[0].hash()}, {net::kMsgBlock, blocks[1].hash()}}});
  sched->run();
  announce_blocks({blocks[1], blocks[2], blocks[3]});
  auto headers = written_of<net::Headers>();
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].headers, (std::vector<BlockHeader>{blocks[2], blocks[3]}));
  // A block on a parent the peer is not known to have goes by inv.
  std::vector<BlockHeader> fork = mined_chain(base.hash(), 2, 500);
  announce_blocks({fork[1]});
  ASSERT_EQ(written_of<net::Inv>().size(), 1u);
  EXPECT_EQ(written_of<net::Inv>()[0].items,
            (std::vector<net::InvItem>{{net::kMsgBlock, fork[1].hash()}}));
}

TEST_F(PeerAnnounceTest, WithoutSendheadersOrWithoutHeadersBlocksGoByInv) {
  start();
  handshake();
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), 2);
  peer_says(net::Inv{{{net::kMsgBlock, blocks[0].hash()}}});
  sched->run();
  announce_blocks({blocks[1]});  // the peer never sent sendheaders
  ASSERT_EQ(written_of<net::Inv>().size(), 1u);
  peer_says(net::SendHeaders{});
  std::vector<BlockHeader> more = mined_chain(blocks[1].hash(), 1);
  // Too many blocks at once (the node sends no headers then).
  caf::anon_send(protocol,
                 AnnounceInventory{net::kMsgBlock, hashes_of(more), {}, nullptr, nullptr, false});
  sched->run();
  EXPECT_EQ(written_of<net::Inv>().size(), 2u);
  EXPECT_TRUE(written_of<net::Headers>().empty());
}

TEST_F(PeerAnnounceTest, HeadersThatConnectHaveTheirBlocksFetchedAsAnInvWould) {
  start();
  handshake();
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), 3);
  peer_says(net::Headers{blocks});
  sched->run();
  auto fed = fed_to_sync();
  ASSERT_EQ(fed.size(), 1u);
  EXPECT_EQ(fed[0].hashes, hashes_of(blocks));
  // The next announcement builds on the last: it connects although the chain lacks its parent.
  std::vector<BlockHeader> next = mined_chain(blocks.back().hash(), 1);
  peer_says(net::Headers{next});
  sched->run();
  ASSERT_EQ(fed_to_sync().size(), 2u);
  EXPECT_EQ(fed_to_sync()[1].hashes, hashes_of(next));
  EXPECT_TRUE(written_of<net::GetHeaders>().empty());
  EXPECT_EQ(log_text().find("misbehaving"), std::string::npos) << log_text();
}

TEST_F(PeerAnnounceTest, AHeaderWithoutItsProofOfWorkCostsTheFullScore) {
  start();
  handshake();
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), 2);
  while (check_proof_of_work(blocks[1].hash(), blocks[1].bits, quick_params())) ++blocks[1].nonce;
  peer_says(net::Headers{blocks});
  sched->run();
  EXPECT_NE(log_text().find("misbehaving (+100, score 100): bad headers: high-hash"),
            std::string::npos)
      << log_text();
  EXPECT_TRUE(aborted());
  EXPECT_TRUE(fed_to_sync().empty());
}

TEST_F(PeerAnnounceTest, HeadersThatDoNotFollowEachOtherCost20) {
  start();
  handshake();
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), 3);
  peer_says(net::Headers{{blocks[0], blocks[2]}});
  sched->run();
  EXPECT_NE(log_text().find("misbehaving (+20, score 20): bad headers: non-continuous-headers"),
            std::string::npos)
      << log_text();
  EXPECT_FALSE(aborted());
  EXPECT_TRUE(fed_to_sync().empty());
}

TEST_F(PeerAnnounceTest, UnconnectingHeadersAreAnsweredWithOneGetheadersAndCostEveryTenth) {
  chain->locator = {base.hash()};
  start();
  handshake();
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), 11);
  // Blocks 1.. without block 0: their parent is unknown.
  peer_says(net::Headers{{blocks[1]}});
  peer_says(net::Headers{{blocks[2]}});
  sched->run();
  auto asked = written_of<net::GetHeaders>();
  ASSERT_EQ(asked.size(), 1u) << "one getheaders while ours is unanswered";
  EXPECT_EQ(asked[0].locator, std::vector<Hash256>{base.hash()});
  EXPECT_TRUE(fed_to_sync().empty());
  for (size_t i = 3; i < 10; ++i) {
    peer_says(net::Headers{{blocks[i]}});
    sched->run();
  }
  EXPECT_EQ(log_text().find("misbehaving"), std::string::npos) << "nine in a row cost nothing";
  peer_says(net::Headers{{blocks[10]}});
  sched->run();
  EXPECT_NE(log_text().find("misbehaving (+20, score 20): 10 headers messages in a row"),
            std::string::npos)
      << log_text();
  // The answer to our getheaders connects: its blocks are fetched and the count starts over.
  peer_says(net::Headers{blocks});
  sched->run();
  ASSERT_EQ(fed_to_sync().size(), 1u);
  EXPECT_EQ(fed_to_sync()[0].hashes, hashes_of(blocks));
}

TEST_F(PeerAnnounceTest, AFullHeadersMessageIsFollowedByGetheadersFromItsLastHeader) {
  chain->locator = {base.hash()};
  start();
  handshake();
  std::vector<BlockHeader> blocks = mined_chain(base.hash(), net::kMaxHeadersPerMessage);
  peer_says(net::Headers{blocks});
  sched->run();
  ASSERT_EQ(fed_to_sync().size(), 1u);
  EXPECT_EQ(fed_to_sync()[0].hashes.size(), net::kMaxHeadersPerMessage);
  auto asked = written_of<net::GetHeaders>();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].locator, (std::vector<Hash256>{blocks.back().hash(), base.hash()}));
}

TEST_F(PeerAnnounceTest, AfterTheLastBlockOfAFullGetblocksAnswerTheTipIsAnnounced) {
  std::vector<BlockPtr> blocks;
  for (size_t i = 0; i < kMaxHashesAfter; ++i) {
    blocks.push_back(add_block(static_cast<int>(i)));
    chain->hashes_after.push_back(blocks.back()->hash());
  }
  chain->tip = TipInfo{add_block(9999)->hash(), 1000, 0};
  start();
  handshake();
  peer_says(net::GetBlocks{net::kProtocolVersion, {}, Hash256{}});
  sched->run();
  ASSERT_EQ(written_of<net::Inv>().size(), 1u);
  // Blocks before the last: no announcement.
  peer_says(net::GetData{{{net::kMsgBlock, blocks[0]->hash()}}});
  sched->run();
  EXPECT_EQ(written_of<net::Inv>().size(), 1u);
  peer_says(net::GetData{{{net::kMsgBlock, blocks.back()->hash()}}});
  sched->run();
  auto out = written();
  ASSERT_GE(out.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<net::BlockMessage>(out[out.size() - 2]));
  ASSERT_TRUE(std::holds_alternative<net::Inv>(out.back()));
  EXPECT_EQ(std::get<net::Inv>(out.back()).items,
            (std::vector<net::InvItem>{{net::kMsgBlock, chain->tip.hash}}));
  // Once only.
  peer_says(net::GetData{{{net::kMsgBlock, blocks.back()->hash()}}});
  sched->run();
  EXPECT_EQ(written_of<net::Inv>().size(), 2u);
}

TEST_F(PeerAnnounceTest, AShortGetblocksAnswerSetsNoContinuation) {
  const BlockPtr only = add_block(1);
  chain->hashes_after = {only->hash()};
  start();
  handshake();
  peer_says(net::GetBlocks{net::kProtocolVersion, {}, Hash256{}});
  peer_says(net::GetData{{{net::kMsgBlock, only->hash()}}});
  sched->run();
  EXPECT_EQ(written_of<net::Inv>().size(), 1u);  // the getblocks answer alone
  EXPECT_TRUE(std::holds_alternative<net::BlockMessage>(written().back()));
}

TEST_F(PeerAnnounceTest, APeerWhoseVersionSaidNoRelayHearsOfBlocksButNotTransactions) {
  Transaction tx;
  tx.lock_time = 5;
  auto shared = std::make_shared<const Transaction>(tx);
  mempool = system->spawn(fake_mempool, std::vector<TxPtr>{shared});
  context.mempool = caf::actor_cast<MempoolActor>(mempool);
  start();
  net::Version version = peer_version();
  version.relay = false;
  peer_says(version);
  peer_says(net::Verack{});
  sched->run();
  caf::anon_send(protocol,
                 AnnounceInventory{net::kMsgTx, {shared->txid()}, {}, nullptr, nullptr, false});
  const Hash256 block = add_block(3)->hash();
  caf::anon_send(protocol, AnnounceInventory{net::kMsgBlock, {block}, {}, nullptr, nullptr, false});
  sched->run();
  auto invs = written_of<net::Inv>();
  ASSERT_EQ(invs.size(), 1u);
  EXPECT_EQ(invs[0].items, (std::vector<net::InvItem>{{net::kMsgBlock, block}}));
  // Asking with mempool (BIP35) is answered all the same, as Core does.
  peer_says(net::MemPool{});
  sched->run();
  ASSERT_EQ(written_of<net::Inv>().size(), 2u);
  EXPECT_EQ(written_of<net::Inv>()[1].items,
            (std::vector<net::InvItem>{{net::kMsgTx, shared->txid()}}));
}

}  // namespace
}  // namespace ac::actors
