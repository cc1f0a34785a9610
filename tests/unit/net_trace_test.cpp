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
  TraceContext context{"t", "8001", "<-", "127.0.0.1:8000"};
  EXPECT_EQ(trace_json_line(context, Pong{1}),
            R"({"time":"t","node":"8001","direction":"<-","peer":"127.0.0.1:8000",)"
            R"("command":"pong","nonce":1})");
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
