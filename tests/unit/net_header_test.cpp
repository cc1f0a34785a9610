#include <gtest/gtest.h>

#include "net/header.hpp"

namespace ac::net {
namespace {

constexpr Magic kTestMagic = {0xac, 0x70, 0xc4, 0x1a};

ByteSpan header_of(const Bytes& frame) {
  return ByteSpan(frame).first(kHeaderBytes);
}

TEST(NetHeader, RoundTripsCommandLengthAndChecksum) {
  Bytes payload = {1, 2, 3, 4, 5};
  Bytes frame = encode_message(kTestMagic, "getblocks", payload);
  ASSERT_EQ(frame.size(), kHeaderBytes + payload.size());

  auto header = decode_header(header_of(frame), kTestMagic);
  ASSERT_TRUE(header) << header.error().message();
  EXPECT_EQ(header->magic, kTestMagic);
  EXPECT_EQ(header->command, "getblocks");
  EXPECT_EQ(header->payload_bytes, payload.size());
  EXPECT_EQ(header->checksum, payload_checksum(payload));
  EXPECT_TRUE(verify_checksum(*header, ByteSpan(frame).subspan(kHeaderBytes)));
}

TEST(NetHeader, AcceptsTwelveCharacterCommandWithoutPadding) {
  Bytes frame = encode_message(kTestMagic, "abcdefghijkl", {});
  auto header = decode_header(header_of(frame), kTestMagic);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->command, "abcdefghijkl");
}

TEST(NetHeader, EmptyPayloadChecksumIsPublishedVerackValue) {
  Checksum expected = {0x5d, 0xf6, 0xe0, 0xe2};
  EXPECT_EQ(payload_checksum({}), expected);
}

TEST(NetHeader, RejectsWrongMagic) {
  Bytes frame = encode_message(kTestMagic, "ping", Bytes(8, 0));
  Magic other = {0xf9, 0xbe, 0xb4, 0xd9};
  EXPECT_EQ(decode_header(header_of(frame), other).reason(), "bad-magic");
}

TEST(NetHeader, RejectsWrongHeaderSize) {
  Bytes frame = encode_message(kTestMagic, "ping", Bytes(8, 0));
  EXPECT_EQ(decode_header(ByteSpan(frame).first(23), kTestMagic).reason(), "bad-header-size");
  EXPECT_EQ(decode_header(ByteSpan(frame).first(25), kTestMagic).reason(), "bad-header-size");
}

TEST(NetHeader, RejectsEmptyCommand) {
  Bytes frame = encode_message(kTestMagic, "ping", {});
  std::fill(frame.begin() + 4, frame.begin() + 16, 0);
  EXPECT_EQ(decode_header(header_of(frame), kTestMagic).reason(), "bad-command");
}

TEST(NetHeader, RejectsDataAfterNulPadding) {
  Bytes frame = encode_message(kTestMagic, "ping", {});
  frame[4 + 6] = 'x';  // "ping\0\0x..."
  EXPECT_EQ(decode_header(header_of(frame), kTestMagic).reason(), "bad-command");
}

TEST(NetHeader, RejectsNonPrintableCommandCharacter) {
  Bytes frame = encode_message(kTestMagic, "ping", {});
  frame[4 + 1] = 0x07;
  EXPECT_EQ(decode_header(header_of(frame), kTestMagic).reason(), "bad-command");
  frame[4 + 1] = 0x80;
  EXPECT_EQ(decode_header(header_of(frame), kTestMagic).reason(), "bad-command");
}

TEST(NetHeader, RejectsPayloadLengthOverLimitBeforeReadingPayload) {
  Bytes frame = encode_message(kTestMagic, "block", {});
  uint32_t length = kMaxPayloadBytes + 1;
  for (int i = 0; i < 4; ++i) frame[16 + i] = static_cast<uint8_t>(length >> (8 * i));
  EXPECT_EQ(decode_header(header_of(frame), kTestMagic).reason(), "payload-too-large");

  length = kMaxPayloadBytes;
  for (int i = 0; i < 4; ++i) frame[16 + i] = static_cast<uint8_t>(length >> (8 * i));
  EXPECT_TRUE(decode_header(header_of(frame), kTestMagic));
}

TEST(NetHeader, DetectsChecksumMismatch) {
  Bytes payload = {9, 8, 7};
  Bytes frame = encode_message(kTestMagic, "tx", payload);
  auto header = decode_header(header_of(frame), kTestMagic);
  ASSERT_TRUE(header);
  Bytes altered = payload;
  altered[1] ^= 0x01;
  EXPECT_EQ(verify_checksum(*header, altered).reason(), "bad-checksum");
}

TEST(NetHeader, DetectsPayloadOfWrongLength) {
  Bytes frame = encode_message(kTestMagic, "tx", Bytes{1, 2, 3});
  auto header = decode_header(header_of(frame), kTestMagic);
  ASSERT_TRUE(header);
  EXPECT_EQ(verify_checksum(*header, Bytes{1, 2}).reason(), "payload-length-mismatch");
}

TEST(NetHeader, ValidCommandsArePrintableAndAtMostTwelveCharacters) {
  EXPECT_TRUE(is_valid_command("version"));
  EXPECT_FALSE(is_valid_command(""));
  EXPECT_FALSE(is_valid_command("thirteen-char"));
  EXPECT_FALSE(is_valid_command(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace ac::net
