// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash. With a secret random key an
// outsider cannot choose inputs that collide, so per-peer structures filled from what peers
// send (the rolling Bloom filters) cannot be steered into false positives.
#pragma once

#include <cstdint>

#include "chain/bytes.hpp"

namespace ac::net {

struct SipHashKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

// SipHash-2-4 of `data` under `key`, the 64-bit output read little-endian as the paper does.
uint64_t siphash24(const SipHashKey& key, ByteSpan data);

// A key from OpenSSL's random generator.
SipHashKey random_siphash_key();

}  // namespace ac::net
