#include "actors/frame_reader.hpp"

#include <gtest/gtest.h>

#include "net/messages.hpp"

namespace ac::actors {
namespace {

const net::Magic kMagic{0xfa, 0xbf, 0xb5, 0xda};

Bytes stream_of_three() {
  Bytes out;
  for (const net::Message& m :
       {net::Message{net::Verack{}}, net::Message{net::Ping{42}},
        net::Message{net::GetBlocks{net::kProtocolVersion, {Hash256{}}, Hash256{}}}}) {
    Bytes frame = net::encode_frame(kMagic, m);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  return out;
}

void expect_three_frames(const std::vector<Frame>& frames) {
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].header.command, "verack");
  EXPECT_TRUE(frames[0].payload.empty());
  EXPECT_EQ(frames[1].header.command, "ping");
  EXPECT_EQ(frames[1].payload.size(), 8u);
  EXPECT_EQ(frames[2].header.command, "getblocks");
}

TEST(FrameReader, ExtractsMergedFramesFromOneRead) {
  FrameReader reader(kMagic);
  auto frames = reader.feed(stream_of_three());
  ASSERT_TRUE(frames.ok());
  expect_three_frames(*frames);
  EXPECT_EQ(reader.wanted(), net::kHeaderBytes);
}

TEST(FrameReader, ExtractsFramesSplitIntoSingleBytes) {
  FrameReader reader(kMagic);
  std::vector<Frame> all;
  Bytes stream = stream_of_three();
  for (uint8_t byte : stream) {
    auto frames = reader.feed(ByteSpan(&byte, 1));
    ASSERT_TRUE(frames.ok());
    for (Frame& f : *frames) all.push_back(std::move(f));
  }
  expect_three_frames(all);
}

TEST(FrameReader, WantedIsNeverZeroAndMatchesExactReads) {
  FrameReader reader(kMagic);
  Bytes stream = stream_of_three();
  std::vector<Frame> all;
  size_t offset = 0;
  while (offset < stream.size()) {
    size_t wanted = reader.wanted();
    ASSERT_GT(wanted, 0u);
    auto frames = reader.feed(ByteSpan(stream.data() + offset, wanted));
    ASSERT_TRUE(frames.ok());
    for (Frame& f : *frames) all.push_back(std::move(f));
    offset += wanted;
  }
  expect_three_frames(all);
}

TEST(FrameReader, RejectsBadMagicAndStaysFailed) {
  FrameReader reader(net::Magic{1, 2, 3, 4});
  auto frames = reader.feed(stream_of_three());
  ASSERT_FALSE(frames.ok());
  EXPECT_EQ(frames.reason(), "bad-magic");
  EXPECT_EQ(frames.kind(), ErrorKind::kDifferentChain);
  EXPECT_EQ(reader.feed(Bytes{0}).reason(), "bad-magic");
}

TEST(FrameReader, RejectsBadChecksum) {
  Bytes frame = net::encode_frame(kMagic, net::Message{net::Ping{7}});
  frame.back() ^= 0x01;
  FrameReader reader(kMagic);
  auto frames = reader.feed(frame);
  ASSERT_FALSE(frames.ok());
  EXPECT_EQ(frames.reason(), "bad-checksum");
  EXPECT_EQ(frames.kind(), ErrorKind::kDamaged);
}

TEST(FrameReader, RejectsOversizedLengthBeforeReadingPayload) {
  Bytes frame = net::encode_frame(kMagic, net::Message{net::Ping{7}});
  uint32_t huge = net::kMaxPayloadBytes + 1;
  for (int i = 0; i < 4; ++i) frame[16 + i] = static_cast<uint8_t>(huge >> (8 * i));
  FrameReader reader(kMagic);
  auto frames = reader.feed(ByteSpan(frame.data(), net::kHeaderBytes));
  ASSERT_FALSE(frames.ok());
  EXPECT_EQ(frames.reason(), "payload-too-large");
  EXPECT_EQ(frames.kind(), ErrorKind::kInvalid);
}

TEST(FrameReader, RejectsLengthOverTheCommandsOwnMaximumBeforeReadingPayload) {
  Bytes frame = net::encode_frame(kMagic, net::Message{net::Ping{7}});
  uint32_t over = 1'000'000;  // under the global limit, far over a ping's 8 bytes
  for (int i = 0; i < 4; ++i) frame[16 + i] = static_cast<uint8_t>(over >> (8 * i));
  FrameReader reader(kMagic);
  auto frames = reader.feed(ByteSpan(frame.data(), net::kHeaderBytes));
  ASSERT_FALSE(frames.ok());
  EXPECT_EQ(frames.reason(), "payload-too-large");
}

TEST(FrameReader, UnknownCommandsAreBoundOnlyByTheGlobalLimit) {
  Bytes frame = net::encode_message(kMagic, "hostile", Bytes(100, 0xab));
  FrameReader reader(kMagic);
  auto frames = reader.feed(frame);
  ASSERT_TRUE(frames.ok()) << frames.error().message();
  ASSERT_EQ(frames->size(), 1u);
  EXPECT_EQ(frames->front().payload.size(), 100u);
}

}  // namespace
}  // namespace ac::actors
