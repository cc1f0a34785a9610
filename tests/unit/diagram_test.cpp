// The diagram tool's pure logic: reading trace files, pairing sends with receives, causal
// order, folding, and the drawings.
#include <gtest/gtest.h>

#include <algorithm>

#include "diagram/draw.hpp"
#include "diagram/layout.hpp"
#include "diagram/render.hpp"
#include "tests/unit/diagram_trace_builder.hpp"

namespace ac::diagram {
namespace {

using test::TraceBuilder;

const std::string kCentral = "127.0.0.1:8000";
const std::string kWalletSide = "127.0.0.1:50000";

std::vector<TraceFile> parse_all(const std::vector<std::string>& texts) {
  std::vector<TraceFile> files;
  for (size_t i = 0; i < texts.size(); ++i)
    files.push_back(parse_trace(texts[i], "file" + std::to_string(i)));
  return files;
}

// The messages of a sequence as "from>to:command", in item order.
std::vector<std::string> flow(const Sequence& sequence) {
  std::vector<std::string> out;
  for (const Item& item : sequence.items)
    if (item.kind == Item::Kind::kMessage)
      out.push_back(sequence.lifelines[item.from].id + ">" + sequence.lifelines[item.to].id + ":" +
                    item.name);
  return out;
}

TEST(DiagramTrace, ReadsMessagesAndEventsAndSkipsOtherSchemasAndBrokenLines) {
  TraceBuilder b("8001");
  b.message(10, 1, kWalletSide, kCentral, true, "getblocks", "aabbccdd", "8000", ",\"locator\":1");
  b.event(11, "new_tip", "new tip height=2 hash=00");
  b.raw(R"({"schema":2,"t_us":1,"node":"8001","event":"x","text":""})");
  b.raw(R"({"schema":1,"t_us":1,"node":"8001","dir":"se)");  // cut short by a kill
  TraceFile file = parse_trace(b.text(), "wallet.jsonl");
  ASSERT_EQ(file.records.size(), 2u);
  const Record& sent = file.records[0];
  EXPECT_TRUE(sent.is_message);
  EXPECT_TRUE(sent.sent);
  EXPECT_EQ(sent.time_us, 10);
  EXPECT_EQ(sent.conn, 1);
  EXPECT_EQ(sent.peer_node, "8000");
  EXPECT_EQ(sent.checksum, "aabbccdd");
  EXPECT_EQ(message_label(sent), "getblocks locator=1");
  EXPECT_EQ(file.records[1].event, "new_tip");
  ASSERT_EQ(file.errors.size(), 2u);
  EXPECT_NE(file.errors[0].find("wallet.jsonl:3: schema 2"), std::string::npos) << file.errors[0];
  EXPECT_NE(file.errors[1].find("wallet.jsonl:4"), std::string::npos) << file.errors[1];
}

// The wallet asks, the central answers, all within one millisecond: a merge by time alone
// cannot tell the order; the pairing can.
TEST(DiagramSequence, SameMillisecondSendsAndReceivesFollowCausality) {
  TraceBuilder wallet("8001");
  TraceBuilder central("8000");
  // Each node's clock: the central's runs 400 us behind the wallet's.
  wallet.message(1000, 1, kWalletSide, kCentral, true, "getblocks", "00000001", "8000");
  central.message(600, 4, kCentral, kWalletSide, false, "getblocks", "00000001", "8001");
  central.message(600, 4, kCentral, kWalletSide, true, "inv", "00000002", "8001");
  wallet.message(1000, 1, kWalletSide, kCentral, false, "inv", "00000002", "8000");
  wallet.message(1000, 1, kWalletSide, kCentral, true, "getdata", "00000003", "8000");
  central.message(601, 4, kCentral, kWalletSide, false, "getdata", "00000003", "8001");
  Sequence sequence = build_sequence(parse_all({central.text(), wallet.text()}));
  EXPECT_EQ(sequence.messages, 3u);
  EXPECT_EQ(sequence.paired, 3u);
  EXPECT_EQ(flow(sequence), (std::vector<std::string>{"8001>8000:getblocks", "8000>8001:inv",
                                                      "8001>8000:getdata"}));
  for (const Item& item : sequence.items) EXPECT_LT(item.send_at, item.recv_at) << item.name;
}

TEST(DiagramSequence, ReceivesNeverComeBeforeTheirSendsEvenWhenStampedEarlier) {
  TraceBuilder a("8000");
  TraceBuilder b("8001");
  a.message(500, 1, kCentral, kWalletSide, true, "version", "00000001", "8001");
  b.message(100, 1, kWalletSide, kCentral, false, "version", "00000001", "8000");
  b.event(150, "handshake", "done");
  Sequence sequence = build_sequence(parse_all({a.text(), b.text()}));
  ASSERT_EQ(sequence.items.size(), 2u);
  EXPECT_EQ(sequence.items[0].name, "version");
  EXPECT_LT(sequence.items[0].send_at, sequence.items[0].recv_at);
  EXPECT_GT(sequence.items[1].send_at, sequence.items[0].recv_at);  // the note after it
}

// Two connections between the same nodes, and a restarted node numbering its connections from
// 1 again: each send pairs with the receive on its own connection, even with equal checksums.
TEST(DiagramSequence, ReconnectsAndRestartsPairOnTheirOwnConnection) {
  TraceBuilder wallet("8001");
  TraceBuilder central("8000");
  const std::string first = "127.0.0.1:50001";
  const std::string second = "127.0.0.1:50002";
  wallet.event(1, "start", "started", ",\"role\":\"wallet\"");
  wallet.message(10, 1, first, kCentral, true, "verack", "5df6e0e2", "8000");
  central.message(11, 1, kCentral, first, false, "verack", "5df6e0e2");
  wallet.event(20, "start", "started again", ",\"role\":\"wallet\"");
  wallet.message(30, 1, second, kCentral, true, "verack", "5df6e0e2", "8000");
  central.message(31, 2, kCentral, second, false, "verack", "5df6e0e2");
  Sequence sequence = build_sequence(parse_all({central.text(), wallet.text()}));
  EXPECT_EQ(sequence.paired, 2u);
  std::vector<int64_t> receive_times;
  for (const Item& item : sequence.items) {
    if (item.kind != Item::Kind::kMessage) continue;
    EXPECT_EQ(item.recv_at, item.send_at + 1) << "paired across connections";
    receive_times.push_back(item.time_us);
  }
  EXPECT_EQ(receive_times, (std::vector<int64_t>{10, 30}));
  EXPECT_EQ(sequence.lifelines[0].role, "wallet");  // first to write
}

// The central's trace is missing: the wallet's messages still draw, with the central's
// lifeline named from the dial, and an inbound peer known only by its endpoint.
TEST(DiagramSequence, MissingPeerFileLeavesOneEndedMessages) {
  TraceBuilder wallet("8001");
  wallet.message(10, 1, kWalletSide, kCentral, true, "version", "00000001", "8000");
  wallet.message(20, 1, kWalletSide, kCentral, false, "version", "00000002", "8000");
  wallet.message(30, 2, "127.0.0.1:8001", "127.0.0.1:47000", false, "tx", "00000003");
  Sequence sequence = build_sequence(parse_all({wallet.text()}));
  ASSERT_EQ(sequence.lifelines.size(), 3u);
  EXPECT_EQ(sequence.lifelines[0].id, "8001");
  EXPECT_TRUE(sequence.lifelines[0].traced);
  EXPECT_EQ(sequence.lifelines[1].id, "8000");
  EXPECT_FALSE(sequence.lifelines[1].traced);
  EXPECT_EQ(sequence.lifelines[2].id, "127.0.0.1:47000");
  EXPECT_EQ(sequence.paired, 0u);
  EXPECT_EQ(flow(sequence), (std::vector<std::string>{"8001>8000:version", "8000>8001:version",
                                                      "127.0.0.1:47000>8001:tx"}));
  EXPECT_EQ(sequence.items[0].recv_at, -1);
  EXPECT_EQ(sequence.items[1].send_at, -1);
}

TEST(DiagramFold, LongSyncFoldsAndTheHandshakeStaysReadable) {
  std::string central, wallet;
  test::synthetic_sync(1000, central, wallet);
  Sequence merged = build_sequence(parse_all({central, wallet}));
  EXPECT_EQ(merged.paired, merged.messages);
  Sequence folded = fold_sequence(merged);
  EXPECT_LT(folded.items.size(), 20u);
  std::vector<std::string> kept = flow(folded);
  std::string all;
  for (const Item& item : folded.items) all += item.label + " | " + item.detail + "\n";
  ASSERT_GE(kept.size(), 4u) << all;
  EXPECT_EQ(std::vector<std::string>(kept.begin(), kept.begin() + 4),
            (std::vector<std::string>{"8001>8000:version", "8000>8001:version", "8001>8000:verack",
                                      "8000>8001:verack"}));
  size_t blocks = 0;
  for (const Item& item : folded.items) {
    if (item.kind != Item::Kind::kFold) continue;
    EXPECT_EQ(item.label.rfind("getdata/block", 0), 0u) << all;
    size_t at = item.detail.find(" block 8000->8001");
    ASSERT_NE(at, std::string::npos) << item.detail;
    blocks += std::stoul(item.detail.substr(
        item.detail.rfind(", ", at) == std::string::npos ? 0 : item.detail.rfind(", ", at) + 2));
  }
  EXPECT_EQ(blocks, 1000u);  // every block is in some fold
}

TEST(DiagramFold, RunsOfOneMessageFoldShortOnesDoNot) {
  TraceBuilder central("8000");
  for (int i = 0; i < 5; ++i)
    central.message(i, 1, kCentral, kWalletSide, true, "block", test::checksum_of(i), "8001");
  central.message(9, 1, kCentral, kWalletSide, true, "inv", "ffffffff", "8001");
  for (int i = 0; i < 3; ++i)
    central.message(10 + i, 1, kCentral, kWalletSide, true, "tx", test::checksum_of(i), "8001");
  Sequence folded = fold_sequence(build_sequence(parse_all({central.text()})));
  ASSERT_EQ(folded.items.size(), 5u);
  EXPECT_EQ(folded.items[0].kind, Item::Kind::kFold);
  EXPECT_EQ(folded.items[0].label, "block x 5");
  EXPECT_EQ(folded.items[1].name, "inv");
  EXPECT_EQ(folded.items[2].kind, Item::Kind::kMessage);
}

TEST(DiagramFilter, OnlyAndTimeWindowKeepWhatWasAskedFor) {
  std::string central, wallet;
  test::synthetic_sync(64, central, wallet);
  auto files = parse_all({central, wallet});
  DrawOptions options;
  options.only = {"inv", "new_tip"};
  Sequence only = diagram_model(files, options);
  for (const Item& item : only.items) EXPECT_TRUE(item.name == "inv" || item.name == "new_tip");
  EXPECT_EQ(only.items.size(), 2u);
  options.only.clear();
  options.from_us = *parse_time("+0.0001", files[0].records.front().time_us);
  options.to_us = *parse_time("+0.0002", files[0].records.front().time_us);
  Sequence window = diagram_model(files, options);
  for (const Item& item : window.items) {
    EXPECT_GE(item.time_us, options.from_us);
    EXPECT_LE(item.time_us, options.to_us);
  }
  EXPECT_FALSE(window.items.empty());
}

TEST(DiagramTime, ParsesRelativeClockAndEpochForms) {
  EXPECT_EQ(parse_time("+1.5", 1'000'000), 2'500'000);
  EXPECT_EQ(parse_time("1700000000000000", 0), 1'700'000'000'000'000);
  int64_t first = 1'700'000'000'000'000;
  auto clock = parse_time(clock_of(first + 2'345'000), first);
  ASSERT_TRUE(clock.has_value());
  EXPECT_EQ(*clock, first + 2'345'000);
  EXPECT_FALSE(parse_time("soon", 0).has_value());
  EXPECT_FALSE(parse_time("+", 0).has_value());
  EXPECT_FALSE(parse_time("25:00:00", 0).has_value());
}

TEST(DiagramRender, SvgIsSelfContainedAndHasALifelinePerNode) {
  std::string central, wallet;
  test::synthetic_sync(100, central, wallet);
  Sequence model = diagram_model(parse_all({central, wallet}), {});
  std::string svg = draw(model, Format::kSvg);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);  // nothing loaded from elsewhere
  EXPECT_EQ(svg.find("@import"), std::string::npos);
  size_t lifelines = 0;
  for (size_t at = svg.find("class=\"lifeline\""); at != std::string::npos;
       at = svg.find("class=\"lifeline\"", at + 1))
    ++lifelines;
  EXPECT_EQ(lifelines, 2u);
  EXPECT_NE(svg.find("8000 (central)"), std::string::npos);
  EXPECT_NE(svg.find("8001 (wallet)"), std::string::npos);

  std::string html = draw(model, Format::kHtml);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("id=\"c-getdata\""), std::string::npos);
  EXPECT_NE(html.find("#n-8000:not(:checked) ~ .diagram .node-8000"), std::string::npos);

  std::string mermaid = draw(model, Format::kMermaid);
  EXPECT_EQ(mermaid.rfind("sequenceDiagram\n", 0), 0u);
  EXPECT_NE(mermaid.find("participant central_8000 as 8000 (central)"), std::string::npos);
  EXPECT_NE(mermaid.find("wallet_8001->>central_8000: verack"), std::string::npos) << mermaid;
}

// A 10,000-block sync stays a small picture (README: it also draws in well under 5 s).
TEST(DiagramRender, TenThousandBlockSyncIsUnderTwoMegabytes) {
  std::string central, wallet;
  test::synthetic_sync(10'000, central, wallet);
  Sequence model = diagram_model(parse_all({central, wallet}), {});
  // The handshake, then per 500 blocks a getblocks, an inv and 32 getdata.
  EXPECT_EQ(model.messages, 4u + 20u * (2u + 32u) + 10'000u);
  std::string svg = draw(model, Format::kSvg);
  EXPECT_LT(svg.size(), 2u * 1024 * 1024);
  EXPECT_LT(draw(model, Format::kHtml).size(), 2u * 1024 * 1024);
}

TEST(DiagramLayout, LevelArrowsForImmediateReceivesAndNothingGoesUp) {
  std::string central, wallet;
  test::synthetic_sync(20, central, wallet);
  Sequence sequence = build_sequence(parse_all({central, wallet}));
  Layout layout = lay_out(sequence);
  for (size_t i = 0; i < sequence.items.size(); ++i) {
    EXPECT_LE(layout.y_send[i], layout.y_recv[i]);
    bool immediate = sequence.items[i].kind == Item::Kind::kMessage &&
                     sequence.items[i].recv_at == sequence.items[i].send_at + 1;
    if (immediate) {
      EXPECT_EQ(layout.y_send[i], layout.y_recv[i]);
    }
  }
  EXPECT_EQ(layout.lifeline_x.size(), 2u);
  EXPECT_LT(layout.lifeline_bottom, layout.height);
}

}  // namespace
}  // namespace ac::diagram
