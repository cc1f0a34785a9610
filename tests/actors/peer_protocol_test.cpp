// The peer protocol on CAF's deterministic scheduler, with no socket: the test plays the
// transport (it sends what the peer says and reads what the protocol writes) and fakes the
// node, the sync coordinator and the chain, which record what they are told. Timers run on
// virtual time.
#include <gtest/gtest.h>

#include <ctime>
#include <optional>
#include <tuple>

#include "tests/actors/peer_protocol_fixture.hpp"

namespace ac::actors {
namespace {

using namespace peer_protocol_testing;
using namespace std::chrono_literals;

TEST_F(PeerProtocolTest, OurVersionGoesFirstThenVerackAndOnlyBothWaysMakeThePeerReady) {
  start();
  // Our version, with the chain's height, before anything from the peer.
  ASSERT_EQ(written_commands(), std::vector<std::string>{"version"});
  EXPECT_EQ(std::get<net::Version>(written()[0]).start_height, 7);
  peer_says(peer_version());
  sched->run();
  EXPECT_EQ(written_commands(), (std::vector<std::string>{"version", "verack"}));
  EXPECT_TRUE(of_type<PeerUp>(*node_journal).empty()) << "ready before its verack";
  peer_says(net::Verack{});
  sched->run();
  EXPECT_EQ(of_type<PeerUp>(*node_journal).size(), 1u);
  auto ready = of_type<PeerReady>(*sync_journal);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].best_height, 3);  // the peer's height from its version
}

TEST_F(PeerProtocolTest, APeerVersionBeforeOurTipIsKnownGetsItsVerackAfterOurVersion) {
  protocol = spawn_peer_protocol(*system, std::make_shared<const PeerContext>(context),
                                 net::TraceConnection{1, "127.0.0.1:8000", "127.0.0.2:5000", ""},
                                 "127.0.0.2", caf::actor_cast<ListenerActor>(listener));
  caf::anon_send(protocol, PeerTransportAttached{caf::actor_cast<TransportActor>(transport)});
  peer_says(peer_version());  // queued before the chain answers the tip
  sched->run();
  EXPECT_EQ(written_commands(), (std::vector<std::string>{"version", "verack"}));
}

TEST_F(PeerProtocolTest, AMessageBeforeVersionCosts100AndDiscouragesTheAddress) {
  start();
  peer_says(net::Ping{1});
  sched->run();
  EXPECT_NE(log_text().find("peer 127.0.0.2:5000 misbehaving (+100, score 100): ping before "
                            "version"),
            std::string::npos)
      << log_text();
  auto discouraged = of_type<DiscourageHost>(*listener_journal);
  ASSERT_EQ(discouraged.size(), 1u);
  EXPECT_EQ(discouraged[0].host, "127.0.0.2");
  EXPECT_TRUE(aborted());
  EXPECT_EQ(of_type<PeerDown>(*node_journal).size(), 1u);
  EXPECT_EQ(of_type<PeerGone>(*sync_journal).size(), 1u);
  EXPECT_FALSE(alive());
}

TEST_F(PeerProtocolTest, ScoreAddsUpToTheLimitAndLocalToolsAreOnlyDisconnected) {
  start("127.0.0.1");
  handshake();
  for (int i = 0; i < 9; ++i)
    caf::anon_send(protocol, ChargeMisbehaviour{kUnrequestedBlockPoints, "unrequested"});
  sched->run();
  EXPECT_FALSE(aborted()) << "disconnected below the limit";
  EXPECT_NE(log_text().find("misbehaving (+10, score 90): unrequested"), std::string::npos);
  caf::anon_send(protocol, ChargeMisbehaviour{kUnrequestedBlockPoints, "unrequested"});
  sched->run();
  EXPECT_TRUE(aborted());
  EXPECT_NE(log_text().find("disconnecting 127.0.0.1:5000: unrequested"), std::string::npos);
  EXPECT_TRUE(of_type<DiscourageHost>(*listener_journal).empty()) << "127.0.0.1 is exempt";
}

TEST_F(PeerProtocolTest, NoHandshakeInTimeDisconnects) {
  start();
  peer_says(peer_version());  // never the verack
  sched->run();
  sched->advance_time(59s);
  sched->run();
  EXPECT_FALSE(aborted());
  sched->advance_time(1s);
  sched->run();
  EXPECT_TRUE(aborted());
  EXPECT_NE(log_text().find("disconnecting 127.0.0.2:5000: no handshake within 60 s"),
            std::string::npos);
}

TEST_F(PeerProtocolTest, APingUnansweredWithinTheTimeoutDisconnects) {
  start();
  handshake();
  sched->advance_time(60s);  // the ping interval
  sched->run();
  auto out = written();
  ASSERT_TRUE(std::holds_alternative<net::Ping>(out.back()));
  sched->advance_time(119s);
  sched->run();
  EXPECT_FALSE(aborted());
  sched->advance_time(1s);
  sched->run();
  EXPECT_TRUE(aborted());
  EXPECT_NE(log_text().find("no pong within 120 s"), std::string::npos);
}

TEST_F(PeerProtocolTest, AnAnsweredPingKeepsThePeer) {
  start();
  handshake();
  sched->advance_time(60s);
  sched->run();
  auto ping = std::get<net::Ping>(written().back());
  peer_says(net::Pong{ping.nonce});
  sched->run();
  sched->advance_time(120s);
  sched->run();
  EXPECT_FALSE(aborted());
  // And the next interval brings the next ping.
  EXPECT_TRUE(std::holds_alternative<net::Ping>(written().back()));
  EXPECT_NE(std::get<net::Ping>(written().back()).nonce, ping.nonce);
}

TEST_F(PeerProtocolTest, GetdataIsServedOnlyWhileTheSendWindowIsOpen) {
  start();
  handshake();
  std::vector<net::InvItem> items;
  for (int i = 0; i < 40; ++i) items.push_back({net::kMsgBlock, add_block(i)->hash()});
  peer_says(net::GetData{items});
  // The transport reports the window closed while the first batch is being fetched.
  caf::anon_send(protocol, PeerSendWindow{false});
  sched->run();
  ASSERT_EQ(chain->requests.size(), 1u);
  EXPECT_EQ(chain->requests[0].size(), 16u);  // one batch of blocks per fetch
  // version, verack, sendheaders, sendcmpct and the batch
  EXPECT_EQ(of_type<PeerMessageOut>(*wire).size(), 4u + 16u);
  // Still closed: nothing more is fetched, however long.
  sched->advance_time(30s);
  sched->run();
  EXPECT_EQ(chain->requests.size(), 1u);
  // Open again: the rest is served, a batch at a time.
  caf::anon_send(protocol, PeerSendWindow{true});
  sched->run();
  ASSERT_EQ(chain->requests.size(), 3u);
  EXPECT_EQ(chain->requests[1].size(), 16u);
  EXPECT_EQ(chain->requests[2].size(), 8u);
  size_t blocks = 0;
  for (const net::Message& m : written()) blocks += std::holds_alternative<net::BlockMessage>(m);
  EXPECT_EQ(blocks, 40u);
}

TEST_F(PeerProtocolTest, APeerStillPausedAtItsPingDeadlineIsDroppedAsNotReading) {
  start();
  handshake();
  caf::anon_send(protocol, PeerSendWindow{false});
  peer_says(net::GetData{{{net::kMsgBlock, add_block(1)->hash()}}});
  sched->run();
  EXPECT_TRUE(chain->requests.empty());
  sched->advance_time(60s);
  sched->run();
  sched->advance_time(120s);
  sched->run();
  EXPECT_TRUE(aborted());
  EXPECT_NE(log_text().find("send buffer full for 120 s: peer not reading"), std::string::npos);
}

TEST_F(PeerProtocolTest, DisconnectRequestedBySyncEndsTheSessionEverywhere) {
  start();
  handshake();
  caf::anon_send(protocol, DisconnectPeer{"stalling"});
  sched->run();
  EXPECT_TRUE(aborted());
  EXPECT_NE(log_text().find("disconnecting 127.0.0.2:5000: stalling"), std::string::npos);
  EXPECT_EQ(of_type<PeerDown>(*node_journal).size(), 1u);
  EXPECT_EQ(of_type<PeerGone>(*sync_journal).size(), 1u);
  EXPECT_TRUE(of_type<DiscourageHost>(*listener_journal).empty());
  EXPECT_FALSE(alive());
  // Nothing is written after the abort.
  size_t before = wire->size();
  peer_says(net::Ping{5});
  sched->run();
  EXPECT_EQ(wire->size(), before);
}

TEST_F(PeerProtocolTest, APeerThatClosesIsGoneWithoutAnAbort) {
  start();
  handshake();
  caf::anon_send(protocol, PeerClosed{});
  sched->run();
  EXPECT_FALSE(aborted());
  EXPECT_NE(log_text().find("peer 127.0.0.2:5000 closed the connection"), std::string::npos);
  EXPECT_EQ(of_type<PeerDown>(*node_journal).size(), 1u);
  EXPECT_FALSE(alive());
}

TEST_F(PeerProtocolTest, GetheadersIsAnsweredWithTheChainsHeadersAndEmptyWhenItHasNone) {
  start();
  handshake();
  BlockHeader first, second;
  first.nonce = 1;
  second.nonce = 2;
  chain->headers = {first, second};
  const Hash256 known = add_block(5)->hash();
  peer_says(net::GetHeaders{net::kProtocolVersion, {known}, Hash256{}});
  sched->run();
  ASSERT_EQ(chain->header_locators.size(), 1u);
  EXPECT_EQ(chain->header_locators[0], std::vector<Hash256>{known});
  ASSERT_TRUE(std::holds_alternative<net::Headers>(written().back()));
  EXPECT_EQ(std::get<net::Headers>(written().back()).headers,
            (std::vector<BlockHeader>{first, second}));
  // Nothing after the locator: Core's answer is an empty headers message, not silence.
  chain->headers.clear();
  peer_says(net::GetHeaders{net::kProtocolVersion, {known}, Hash256{}});
  sched->run();
  ASSERT_TRUE(std::holds_alternative<net::Headers>(written().back()));
  EXPECT_TRUE(std::get<net::Headers>(written().back()).headers.empty());
}

TEST_F(PeerProtocolTest, AMempoolRequestHearsOfEveryTransactionItDoesNotKnowYet) {
  std::vector<TxPtr> txs;
  for (uint32_t i = 0; i < 3; ++i) {
    Transaction tx;
    tx.lock_time = i;
    txs.push_back(std::make_shared<const Transaction>(tx));
  }
  mempool = system->spawn(fake_mempool, txs);
  context.mempool = caf::actor_cast<MempoolActor>(mempool);
  start();
  handshake();
  const size_t before = written().size();
  peer_says(net::MemPool{});
  sched->run();
  ASSERT_EQ(written().size(), before + 1);
  ASSERT_TRUE(std::holds_alternative<net::Inv>(written().back()));
  const std::vector<net::InvItem> items = std::get<net::Inv>(written().back()).items;
  ASSERT_EQ(items.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].type, net::kMsgTx);
    EXPECT_EQ(items[i].hash, txs[i]->txid());
  }
  // Asked again: the peer knows them all now, so nothing is repeated.
  peer_says(net::MemPool{});
  sched->run();
  EXPECT_EQ(written().size(), before + 1);
}

// The RPC's ping: a ping goes out at once (not at the next keepalive), even while one awaits its
// pong; only the newest nonce's pong counts, and the report shows the wait, then the round trip.
TEST_F(PeerProtocolTest, PingNowPingsAtOnceAndTheReportShowsTheWaitThenTheRoundTrip) {
  start();
  caf::anon_send(protocol, PingNow{});  // before the handshake: nothing
  sched->run();
  EXPECT_EQ(written_commands(), std::vector<std::string>{"version"});
  net::Version version = peer_version();
  version.user_agent = "/peer:1/";
  version.services = 9;
  version.relay = false;
  version.timestamp = std::time(nullptr) + 100;
  peer_says(version);
  peer_says(net::Verack{});
  sched->run();
  caf::anon_send(protocol, PingNow{});
  sched->run();
  ASSERT_TRUE(std::holds_alternative<net::Ping>(written().back()));
  uint64_t first = std::get<net::Ping>(written().back()).nonce;
  caf::anon_send(protocol, PingNow{});
  sched->run();
  ASSERT_TRUE(std::holds_alternative<net::Ping>(written().back()));
  uint64_t second = std::get<net::Ping>(written().back()).nonce;
  EXPECT_NE(first, second);

  caf::scoped_actor asker{*system};
  auto report_now = [&] {
    PeerReport report;
    auto answer = asker->request(protocol, caf::infinite, GetPeerReport{});
    sched->run();
    answer.receive([&](PeerReport& r) { report = std::move(r); },
                   [&](caf::error&) { ADD_FAILURE() << "no report"; });
    return report;
  };
  PeerReport waiting = report_now();
  EXPECT_GE(waiting.ping_wait_us, 0);
  EXPECT_EQ(waiting.last_ping_us, -1);
  EXPECT_EQ(std::tie(waiting.user_agent, waiting.services, waiting.relay, waiting.starting_height),
            std::make_tuple(std::string("/peer:1/"), uint64_t{9}, false, 3));
  EXPECT_NEAR(waiting.time_offset_s, 100, 2);
  EXPECT_EQ(waiting.addr, "127.0.0.2:5000");
  EXPECT_EQ(waiting.addr_bind, "127.0.0.1:8000");

  peer_says(net::Pong{first});  // replaced: does not count
  sched->run();
  EXPECT_EQ(report_now().last_ping_us, -1);
  peer_says(net::Pong{second});
  sched->run();
  PeerReport answered = report_now();
  EXPECT_GE(answered.last_ping_us, 0);
  EXPECT_EQ(answered.min_ping_us, answered.last_ping_us);
  EXPECT_EQ(answered.ping_wait_us, -1);
  EXPECT_EQ(of_type<PingMeasured>(*node_journal).size(), 1u);
}

// What getpeerinfo's synced heights start from: the last block the peer announced or sent.
TEST_F(PeerProtocolTest, TheReportNamesTheLastBlockThePeerAnnouncedOrSent) {
  start();
  handshake();
  caf::scoped_actor asker{*system};
  auto known = [&] {
    std::optional<Hash256> out;
    auto answer = asker->request(protocol, caf::infinite, GetPeerReport{});
    sched->run();
    answer.receive([&](PeerReport& r) { out = r.best_known_block; },
                   [&](caf::error&) { ADD_FAILURE() << "no report"; });
    return out;
  };
  EXPECT_EQ(known(), std::nullopt);
  BlockPtr a = add_block(1), b = add_block(2);
  peer_says(
      net::Inv{{net::InvItem{net::kMsgBlock, a->hash()}, net::InvItem{net::kMsgBlock, b->hash()}}});
  sched->run();
  EXPECT_EQ(known(), b->hash());
  peer_says(net::BlockMessage{*a});
  sched->run();
  EXPECT_EQ(known(), a->hash());
}

}  // namespace
}  // namespace ac::actors
