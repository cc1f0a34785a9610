// Deterministic smoke version of a fuzzer: thousands of random and mutated inputs to the
// header and payload decoders. They must only ever return results; a crash, a hang or a
// sanitizer report fails the test.
#include <gtest/gtest.h>

#include <random>

#include "net/messages.hpp"
#include "net_samples.hpp"

namespace ac::net {
namespace {

constexpr Magic kTestMagic = {0xac, 0x70, 0xc4, 0x1a};

Bytes random_bytes(std::mt19937& random, size_t max_length) {
  std::uniform_int_distribution<size_t> length(0, max_length);
  Bytes out(length(random));
  for (uint8_t& byte : out) byte = static_cast<uint8_t>(random());
  return out;
}

Bytes mutate(std::mt19937& random, Bytes input) {
  int edits = 1 + static_cast<int>(random() % 4);
  for (int i = 0; i < edits; ++i) {
    switch (random() % 4) {
      case 0:  // flip a bit
        if (!input.empty())
          input[random() % input.size()] ^= static_cast<uint8_t>(1 << (random() % 8));
        break;
      case 1:  // cut the tail
        if (!input.empty()) input.resize(random() % input.size());
        break;
      case 2:  // insert a byte that often means "large count"
        input.insert(input.begin() + static_cast<long>(input.empty() ? 0 : random() % input.size()),
                     static_cast<uint8_t>(random() % 2 ? 0xff : 0xfd));
        break;
      default:  // overwrite a byte
        if (!input.empty()) input[random() % input.size()] = static_cast<uint8_t>(random());
    }
  }
  return input;
}

TEST(NetFuzzSmoke, DecodeHeaderOnlyReturnsErrors) {
  std::mt19937 random(20240611);
  Bytes valid = encode_message(kTestMagic, "inv", Bytes{0});
  Bytes header(valid.begin(), valid.begin() + kHeaderBytes);
  size_t accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    Bytes input = i % 2 ? random_bytes(random, 30) : mutate(random, header);
    auto decoded = decode_header(input, kTestMagic);
    if (decoded) {
      ++accepted;
      EXPECT_TRUE(is_valid_command(decoded->command));
      EXPECT_LE(decoded->payload_bytes, kMaxPayloadBytes);
    } else {
      EXPECT_FALSE(decoded.reason().empty());
    }
  }
  EXPECT_GT(accepted, 0u);  // the mutations keep some headers valid
}

TEST(NetFuzzSmoke, DecodePayloadOnlyReturnsErrorsForEveryCommand) {
  std::mt19937 random(7);
  auto samples = testing::sample_messages();
  for (const Message& sample : samples) {
    std::string_view command = command_of(sample);
    Bytes seed = encode_payload(sample);
    for (int i = 0; i < 1500; ++i) {
      Bytes input = i % 3 == 0 ? random_bytes(random, 300) : mutate(random, seed);
      auto decoded = decode_payload(command, input);
      if (decoded) {
        EXPECT_EQ(command_of(*decoded), command);
        // Whatever decodes re-encodes to a payload that decodes to the same message.
        EXPECT_EQ(decode_payload(command, encode_payload(*decoded)).value(), *decoded);
      } else {
        EXPECT_FALSE(decoded.reason().empty());
      }
    }
  }
}

}  // namespace
}  // namespace ac::net
