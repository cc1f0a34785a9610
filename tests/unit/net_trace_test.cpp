#include <gtest/gtest.h>

#include "net/trace.hpp"
#include "net_samples.hpp"

namespace ac::net {
namespace {

using testing::filled_hash;
using testing::sample_messages;

TEST(NetTrace, VersionSummaryShowsVersionHeightSenderAndAgent) {
  Version version;
  version.start_height = 3;
  version.addr_from = NetAddress::from_endpoint("127.0.0.1:8001").value();
  version.user_agent = "/actorchain:0.1/";
  EXPECT_EQ(trace_summary(version),
            "version v=70015 height=3 from=127.0.0.1:8001 ua=/actorchain:0.1/");
}

TEST(NetTrace, UserAgentCannotInjectLogLines) {
  Version version;
  version.user_agent = "evil\nfake line";
  EXPECT_EQ(trace_summary(version).find('\n'), std::string::npos);
}

TEST(NetTrace, GetBlocksSummaryShowsLocatorSizeAndZeroStop) {
  GetBlocks getblocks;
  getblocks.locator = {filled_hash(1)};
  EXPECT_EQ(trace_summary(getblocks), "getblocks locator=1 stop=0");
}

TEST(NetTrace, InventorySummaryCountsByTypeWithFirstAndLast) {
  Inv inv;
  inv.items = {
      {kMsgBlock, filled_hash(1)}, {kMsgBlock, filled_hash(2)}, {kMsgBlock, filled_hash(3)}};
  EXPECT_EQ(trace_summary(inv), "inv block=3 first=" + filled_hash(1).short_hex() +
                                    " last=" + filled_hash(3).short_hex());
  GetData one{{{kMsgTx, filled_hash(4)}}};
  EXPECT_EQ(trace_summary(one), "getdata tx=1 first=" + filled_hash(4).short_hex());
  EXPECT_EQ(trace_summary(NotFound{}), "notfound count=0");
}

TEST(NetTrace, BlockAndTxSummariesShowShortIdsAndCounts) {
  auto messages = sample_messages();
  const auto& block = std::get<BlockMessage>(messages[7]).block;
  EXPECT_EQ(trace_summary(messages[7]), "block " + block.hash().short_hex() + " txs=2");
  const auto& tx = std::get<TxMessage>(messages[8]).tx;
  EXPECT_EQ(trace_summary(messages[8]), "tx " + tx.txid().short_hex() + " in=1 out=2");
  EXPECT_EQ(trace_summary(Ping{7}), "ping nonce=7");
  EXPECT_EQ(trace_summary(Pong{7}), "pong nonce=7");
  EXPECT_EQ(trace_summary(GetAddr{}), "getaddr");
}

TEST(NetTrace, TraceLineHasTimeNodeDirectionPeerAndSummary) {
  TraceContext context{"12:00:01.204", "8001", "->", "127.0.0.1:8000"};
  GetBlocks getblocks;
  getblocks.locator = {filled_hash(1)};
  EXPECT_EQ(trace_line(context, getblocks),
            "12:00:01.204 [8001] -> 127.0.0.1:8000 getblocks locator=1 stop=0");
}

TEST(NetTrace, JsonEscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(json_quote("a\"b\\c\nd\x01"), R"("a\"b\\c\nd\u0001")");
  EXPECT_EQ(json_quote("\xff"), R"("\u00ff")");
}

TEST(NetTrace, JsonObjectCarriesCommandAndFields) {
  EXPECT_EQ(trace_json(Ping{7}), R"({"command":"ping","nonce":7})");
  EXPECT_EQ(trace_json(Verack{}), R"({"command":"verack"})");
}

TEST(NetTrace, TraceFileMessageLineFollowsSchemaOne) {
  TraceConnection connection{3, "127.0.0.1:8001", "127.0.0.1:8000", "8000"};
  EXPECT_EQ(trace_json_message({1700000000123456, "8001"}, connection, false,
                               Checksum{0x5d, 0xf6, 0xe0, 0xe2}, 8, Pong{1}),
            R"({"schema":1,"t_us":1700000000123456,"node":"8001","conn":3,)"
            R"("local":"127.0.0.1:8001","peer":"127.0.0.1:8000","peer_node":"8000",)"
            R"("dir":"recv","checksum":"5df6e0e2","size":8,"command":"pong","nonce":1})");
  // The peer's node id is left out until known.
  connection.peer_node.clear();
  std::string sent = trace_json_message({1, "8000"}, connection, true, Checksum{}, 0, Verack{});
  EXPECT_EQ(sent.find("peer_node"), std::string::npos) << sent;
  EXPECT_NE(sent.find(R"("dir":"send")"), std::string::npos) << sent;
}

TEST(NetTrace, TraceFileEventLineCarriesKindTextAndFields) {
  EXPECT_EQ(trace_json_event({5, "8002"}, "new_tip", "new tip height=2 hash=ab", R"("height":2)",
                             nullptr),
            R"({"schema":1,"t_us":5,"node":"8002","event":"new_tip",)"
            R"("text":"new tip height=2 hash=ab","height":2})");
  TraceConnection connection{7, "127.0.0.1:8000", "127.0.0.1:5555", ""};
  EXPECT_EQ(trace_json_event({5, "8000"}, "handshake", "done", "", &connection),
            R"({"schema":1,"t_us":5,"node":"8000","conn":7,"local":"127.0.0.1:8000",)"
            R"("peer":"127.0.0.1:5555","event":"handshake","text":"done"})");
}

TEST(NetTrace, LogLinesAreClassifiedIntoEvents) {
  auto event = [](std::string_view text) {
    LogEvent e = classify_log_line(text);
    return e.kind + " " + e.fields;
  };
  EXPECT_EQ(event("new tip height=2 hash=00ab"), R"(new_tip "height":2,"hash":"00ab")");
  EXPECT_EQ(event("accepted tx 11aa"), R"(tx_accepted "txid":"11aa")");
  EXPECT_EQ(event("rejected tx 11aa: missing-inputs"),
            R"(tx_rejected "txid":"11aa","reason":"missing-inputs")");
  EXPECT_EQ(event("rejected block 22bb: bad-merkle"),
            R"(block_rejected "hash":"22bb","reason":"bad-merkle")");
  EXPECT_EQ(event("mined block 33cc height=3 txs=2"), R"(mined "hash":"33cc","height":3,"txs":2)");
  EXPECT_EQ(event("mined block 33cc refused: stale"),
            R"(block_rejected "hash":"33cc","reason":"stale")");
  EXPECT_EQ(event("peer 1.2.3.4:5 misbehaving (+10, score 20): unrequested block"),
            R"(misbehaving "peer":"1.2.3.4:5","points":10,"score":20,"what":"unrequested block")");
  EXPECT_EQ(event("peer 1.2.3.4:5 closed the connection"),
            R"(disconnected "peer":"1.2.3.4:5","reason":"closed by the peer")");
  EXPECT_EQ(event("disconnecting 1.2.3.4:5: no pong within 120 s"),
            R"(disconnected "peer":"1.2.3.4:5","reason":"no pong within 120 s")");
  EXPECT_EQ(event("discouraging 1.2.3.4 for 86400 s: bad"),
            R"(discouraged "host":"1.2.3.4","what":"bad")");
  EXPECT_EQ(event("node 8000 listening on 127.0.0.1:8000, tip height=2 hash=00ab"),
            R"(listening "endpoint":"127.0.0.1:8000","height":2)");
  EXPECT_EQ(event("adopted genesis 00ff"), R"(genesis_adopted "hash":"00ff")");
  EXPECT_EQ(event("something new"), "log ");
}

TEST(NetTrace, EveryMessageHasASingleLineSummaryAndJson) {
  for (const Message& message : sample_messages()) {
    std::string summary = trace_summary(message);
    EXPECT_EQ(summary.rfind(command_of(message), 0), 0u) << summary;
    EXPECT_EQ(summary.find('\n'), std::string::npos);
    std::string json = trace_json(message);
    EXPECT_EQ(json.front(), '{');
    EXPECT_EQ(json.back(), '}');
    EXPECT_NE(json.find(R"("command":")" + std::string(command_of(message)) + "\""),
              std::string::npos);
  }
}

}  // namespace
}  // namespace ac::net
