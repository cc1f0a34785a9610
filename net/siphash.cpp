#include "net/siphash.hpp"

#include <openssl/rand.h>

#include <bit>

namespace ac::net {

namespace {

struct SipState {
  uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }

  void absorb(uint64_t word) {
    v3 ^= word;
    round();
    round();
    v0 ^= word;
  }
};

uint64_t load_le(const uint8_t* bytes, size_t count) {
  uint64_t word = 0;
  for (size_t i = 0; i < count; ++i) word |= uint64_t{bytes[i]} << (8 * i);
  return word;
}

}  // namespace

uint64_t siphash24(const SipHashKey& key, ByteSpan data) {
  // The initial constants spell "somepseudorandomlygeneratedbytes".
  SipState state{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL,
                 key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
  size_t whole = data.size() / 8 * 8;
  for (size_t offset = 0; offset < whole; offset += 8)
    state.absorb(load_le(data.data() + offset, 8));
  // The last word: the remaining bytes, and the length's low byte in its top byte.
  uint64_t last = load_le(data.data() + whole, data.size() - whole) |
                  (static_cast<uint64_t>(data.size() & 0xff) << 56);
  state.absorb(last);
  state.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) state.round();
  return state.v0 ^ state.v1 ^ state.v2 ^ state.v3;
}

SipHashKey random_siphash_key() {
  SipHashKey key;
  RAND_bytes(reinterpret_cast<unsigned char*>(&key.k0), sizeof key.k0);
  RAND_bytes(reinterpret_cast<unsigned char*>(&key.k1), sizeof key.k1);
  return key;
}

}  // namespace ac::net
